"""rg.Dataset(...).create/get/update/delete/progress, client.datasets, workspace.datasets and the settings
(fields, questions, metadata properties, vectors) of a dataset, as the real 2.x SDK drives them.

Every dataset is made in a workspace of its own (unique names) unless a test is about another workspace,
and `make` deletes the datasets, then the workspaces and users, after the test.
"""

import enum
import re
import uuid
import warnings

import pytest
from pydantic import ValidationError

import argilla as rg
from argilla._exceptions import (
    ArgillaError,
    ConflictError,
    ForbiddenError,
    InternalServerError,
    NotFoundError,
    SettingsError,
    UnprocessableEntityError,
)

from conftest import (
    DATASET_CREATE_EXPLAINS_FORBIDDEN,
    DATASET_HAS_PROGRESS,
    E2E_URL,
    HAS_CHAT_FIELD,
    HAS_CUSTOM_FIELD,
    HAS_IMAGE_FIELD,
    ITERATED_DATASETS_HAVE_SETTINGS,
    LISTED_DATASETS_HAVE_SETTINGS,
    NUMERIC_METADATA_TAKES_VISIBILITY,
    QUESTION_CREATE_ERROR_NAMES_PROPERTY,
    SETTINGS_CAN_REMOVE,
    SETTINGS_UPDATE_SENDS_QUESTIONS,
    TEXT_FIELD_CAN_BE_OPTIONAL,
    assert_api_error,
    forbidden_body,
    simple_settings,
    unique,
    validation_body,
)

UNPROCESSABLE = "Unprocessable entity. The server cannot process the request"
CUSTOM_TEMPLATE = "<div>{{record.fields.custom.a}}</div>"


# ---- helpers ---------------------------------------------------------------------------------------


def full_settings():
    """Every kind of field (those this SDK release has), question, metadata property and a vector."""
    fields = [rg.TextField(name="text", title="Text", use_markdown=True), rg.TextField(name="notes", required=False)]
    if HAS_IMAGE_FIELD:
        fields.append(rg.ImageField(name="image", title="Image", required=False))
    if HAS_CHAT_FIELD:
        fields.append(rg.ChatField(name="chat", required=False))
    if HAS_CUSTOM_FIELD:
        fields.append(rg.CustomField(name="custom", template=CUSTOM_TEMPLATE, advanced_mode=True, required=False))
    if NUMERIC_METADATA_TAKES_VISIBILITY:
        score = rg.FloatMetadataProperty(name="score", min=-1.5, max=2.5, visible_for_annotators=False)
    else:
        score = rg.FloatMetadataProperty(name="score", min=-1.5, max=2.5)
        score.visible_for_annotators = False
    return rg.Settings(
        fields=fields,
        questions=[
            rg.LabelQuestion(
                name="sentiment",
                labels={"pos": "Positive", "neg": "Negative", "neu": "Neutral"},
                title="Sentiment",
                description="Pick one",
                visible_labels=3,
            ),
            rg.MultiLabelQuestion(
                name="topics", labels=["news", "sports", "tech", "art"], labels_order="suggestion", required=False
            ),
            rg.RatingQuestion(name="quality", values=[1, 2, 3, 4, 5], description="1 is bad", required=False),
            rg.RankingQuestion(name="ranking", values={"r1": "First", "r2": "Second"}, required=False),
            rg.TextQuestion(name="comment", title="Comment", use_markdown=True, required=False),
            rg.SpanQuestion(
                name="entities", field="text", labels=["PER", "ORG", "LOC"], allow_overlapping=True, required=False
            ),
        ],
        metadata=[
            rg.TermsMetadataProperty(name="genre", options=["news", "blog"], title="Genre"),
            rg.IntegerMetadataProperty(name="year", min=1900, max=2100),
            score,
        ],
        vectors=[
            rg.VectorField(name="emb", dimensions=3, title="Embedding"),
            rg.VectorField(name="emb_big", dimensions=768),
        ],
        guidelines="Label the texts carefully.",
        allow_extra_metadata=True,
        distribution=rg.TaskDistribution(min_submitted=2),
    )


def expected_full_summary():
    """summary() of a dataset made with full_settings(), as the server gives it back."""
    fields = [
        ("text", "text", "Text", True, {"use_markdown": True}),
        # Without a title the SDK sends the name as the title.
        ("notes", "text", "notes", not TEXT_FIELD_CAN_BE_OPTIONAL, {"use_markdown": False}),
    ]
    if HAS_IMAGE_FIELD:
        fields.append(("image", "image", "Image", False, {}))
    if HAS_CHAT_FIELD:
        fields.append(("chat", "chat", "chat", False, {"use_markdown": True}))
    if HAS_CUSTOM_FIELD:
        fields.append(("custom", "custom", "custom", False, {"template": CUSTOM_TEMPLATE, "advanced_mode": True}))
    return {
        "guidelines": "Label the texts carefully.",
        "allow_extra_metadata": True,
        "min_submitted": 2,
        "fields": fields,
        "questions": [
            {
                "name": "sentiment",
                "type": "label_selection",
                "title": "Sentiment",
                "description": "Pick one",
                "required": True,
                "options": [("pos", "Positive"), ("neg", "Negative"), ("neu", "Neutral")],
                "visible_options": 3,
            },
            {
                "name": "topics",
                "type": "multi_label_selection",
                "title": "topics",
                "description": None,
                "required": False,
                "options": [("news", "news"), ("sports", "sports"), ("tech", "tech"), ("art", "art")],
                # Not given: the SDK itself fills in the number of labels once there are 3 or more.
                "visible_options": 4,
                "options_order": "suggestion",
            },
            {
                "name": "quality",
                "type": "rating",
                "title": "quality",
                "description": "1 is bad",
                "required": False,
                "options": [(1, None), (2, None), (3, None), (4, None), (5, None)],
            },
            {
                "name": "ranking",
                "type": "ranking",
                "title": "ranking",
                "description": None,
                "required": False,
                "options": [("r1", "First"), ("r2", "Second")],
            },
            {
                "name": "comment",
                "type": "text",
                "title": "Comment",
                "description": None,
                "required": False,
                "use_markdown": True,
            },
            {
                "name": "entities",
                "type": "span",
                "title": "entities",
                "description": None,
                "required": False,
                "options": [("PER", "PER"), ("ORG", "ORG"), ("LOC", "LOC")],
                "visible_options": 3,
                "field": "text",
                "allow_overlapping": True,
            },
        ],
        "metadata": [
            ("genre", "TermsMetadataProperty", "Genre", True, ["news", "blog"]),
            ("year", "IntegerMetadataProperty", "year", True, (1900, 2100)),
            ("score", "FloatMetadataProperty", "score", False, (-1.5, 2.5)),
        ],
        "vectors": [("emb", "Embedding", 3), ("emb_big", "emb_big", 768)],
    }


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def question_summary(q):
    settings = q.serialize()["settings"]
    out = {
        "name": q.name,
        "type": _plain(q.type),
        "title": q.title,
        "description": q.description,
        "required": q.required,
    }
    if "options" in settings:
        out["options"] = [(o["value"], o.get("text")) for o in settings["options"]]
    for key in ("visible_options", "options_order", "use_markdown", "field", "allow_overlapping"):
        if key in settings:
            out[key] = _plain(settings[key])
    return out


def field_summary(f):
    kind = _plain(f.type)
    extra = {}
    if kind in ("text", "chat"):
        extra = {"use_markdown": f.use_markdown}
    elif kind == "custom":
        extra = {"template": f.template, "advanced_mode": f.advanced_mode}
    return (f.name, kind, f.title, f.required, extra)


def metadata_summary(m):
    if isinstance(m, rg.TermsMetadataProperty):
        bounds = m.options
    else:
        bounds = (m.min, m.max)
    return (m.name, type(m).__name__, m.title, m.visible_for_annotators, bounds)


def summary(ds):
    """A dataset's settings as the SDK holds them, as plain values (no ids or timestamps)."""
    s = ds.settings
    return {
        "guidelines": s.guidelines,
        "allow_extra_metadata": s.allow_extra_metadata,
        "min_submitted": s.distribution.min_submitted,
        "fields": [field_summary(f) for f in s.fields],
        "questions": [question_summary(q) for q in s.questions],
        "metadata": [metadata_summary(m) for m in s.metadata],
        "vectors": [(v.name, v.title, v.dimensions) for v in s.vectors],
    }


def raw(server, path):
    r = server.http("GET", "/api/v1" + path)
    assert r.status_code == 200, r.text
    return r.json()


def raw_names(server, path):
    return [item["name"] for item in raw(server, path)["items"]]


def datasets_in(server, ws):
    """Names of the datasets of workspace `ws`, as the server has them (the owner sees all)."""
    return [d["name"] for d in raw(server, f"/me/datasets?workspace_id={ws.id}")["items"]]


def assert_settings_error(exc, cause_cls, cause_text):
    """The SDK's rollback error: `SettingsError` with the default text, the real error as its cause."""
    assert type(exc) is SettingsError, repr(exc)
    assert str(exc) == "Argilla SDK error: SettingsError: Argilla SDK error"
    assert type(exc.__cause__) is cause_cls, repr(exc.__cause__)
    assert str(exc.__cause__) == cause_text


# ---- create and read back -------------------------------------------------------------------------


def test_creating_a_dataset_publishes_it_with_every_setting(server, owner, make):
    ws = make.workspace()
    name = unique("ds")
    ds = rg.Dataset(name=name, workspace=ws, settings=full_settings(), client=owner)
    assert ds.id is None
    assert ds.create() is ds
    make.track_dataset(ds.id)
    assert isinstance(ds.id, uuid.UUID)
    assert ds.name == name
    # create() ends with a full read back: the local object holds what the server has.
    assert summary(ds) == expected_full_summary()
    assert all(f.id is not None for f in ds.settings.fields)
    body = raw(server, f"/datasets/{ds.id}")
    assert body["name"] == name
    assert body["status"] == "ready"
    assert body["workspace_id"] == str(ws.id)
    assert body["guidelines"] == "Label the texts carefully."
    assert body["allow_extra_metadata"] is True
    assert body["distribution"] == {"strategy": "overlap", "min_submitted": 2}
    assert body["metadata"] is None
    assert datasets_in(server, ws) == [name]


def test_every_setting_reads_back_by_name(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws, settings=full_settings())
    for workspace in (ws.name, ws):
        found = owner.datasets(ds.name, workspace=workspace)
        assert isinstance(found, rg.Dataset)
        assert found is not ds
        assert (found.id, found.name) == (ds.id, ds.name)
        assert summary(found) == expected_full_summary()
        assert found.workspace.id == ws.id


def test_a_dataset_found_by_id_has_its_settings_only_after_get(server, owner, make):
    ds = make.dataset(settings=full_settings())
    found = owner.datasets(id=ds.id)
    assert (found.id, found.name) == (ds.id, ds.name)
    # Surprise (every 2.x release): the lookup by id reads only GET /datasets/{id} and returns the dataset
    # with an empty local Settings, so guidelines, distribution and allow_extra_metadata show the SDK's
    # defaults, not the server's values, until get() is called.
    assert len(found.settings.fields) == 0 and len(found.settings.questions) == 0
    assert found.settings.guidelines is None
    assert found.settings.allow_extra_metadata is False
    assert found.settings.distribution.min_submitted == 1
    assert found.get() is found
    assert summary(found) == expected_full_summary()
    # A string id works as well.
    assert owner.datasets(id=str(ds.id)).name == ds.name


def test_dataset_get_reads_what_changed_on_the_server(server, owner, make):
    ds = make.dataset()
    r = server.http("PATCH", f"/api/v1/datasets/{ds.id}", json={"guidelines": "Changed elsewhere"})
    assert r.status_code == 200, r.text
    r = server.http(
        "POST",
        f"/api/v1/datasets/{ds.id}/metadata-properties",
        json={"name": "late", "title": "Late", "settings": {"type": "integer", "min": 1, "max": 3}},
    )
    assert r.status_code == 201, r.text
    assert ds.guidelines is None
    assert ds.get() is ds
    assert ds.guidelines == "Changed elsewhere"
    assert [metadata_summary(m) for m in ds.settings.metadata] == [
        ("late", "IntegerMetadataProperty", "Late", True, (1, 3))
    ]


def test_the_sdk_sends_its_own_defaults_for_a_minimal_dataset(server, owner, make):
    ds = make.dataset(settings=simple_settings())
    body = raw(server, f"/datasets/{ds.id}")
    # The SDK's Settings default is allow_extra_metadata=False (the server's own default is true) and it
    # always sends the distribution.
    assert body["allow_extra_metadata"] is False
    assert body["distribution"] == {"strategy": "overlap", "min_submitted": 1}
    assert body["guidelines"] is None
    assert body["status"] == "ready"
    fields = raw(server, f"/datasets/{ds.id}/fields")["items"]
    assert [(f["name"], f["title"], f["required"], f["settings"]) for f in fields] == [
        ("text", "text", True, {"type": "text", "use_markdown": False})
    ]
    questions = raw(server, f"/datasets/{ds.id}/questions")["items"]
    assert [(q["name"], q["title"], q["required"], q["settings"]) for q in questions] == [
        (
            "label",
            "label",
            True,
            {
                "type": "label_selection",
                "options": [
                    {"value": "yes", "text": "yes", "description": None},
                    {"value": "no", "text": "no", "description": None},
                ],
                # Two labels: below the SDK's minimum of 3 for visible_labels, so nothing is filled in.
                "visible_options": None,
            },
        )
    ]


def test_client_datasets_add_creates_the_dataset(server, owner, make):
    ws = make.workspace()
    name = unique("ds")
    ds = owner.datasets.add(rg.Dataset(name=name, workspace=ws, settings=simple_settings(), client=owner))
    make.track_dataset(ds.id)
    assert isinstance(ds, rg.Dataset) and isinstance(ds.id, uuid.UUID)
    assert owner.datasets(name, workspace=ws).id == ds.id


def test_a_dataset_without_a_name_gets_a_generated_one(server, owner, make):
    ws = make.workspace()
    ds = rg.Dataset(workspace=ws, settings=simple_settings(), client=owner)
    assert re.fullmatch(r"dataset_[0-9a-f-]{36}", ds.name)
    ds.create()
    make.track_dataset(ds.id)
    assert datasets_in(server, ws) == [ds.name]


def test_a_dataset_is_created_in_a_workspace_given_by_id(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws.id)
    assert ds.workspace.id == ws.id
    assert datasets_in(server, ws) == [ds.name]


def test_a_new_dataset_copies_the_settings_of_an_existing_one(server, owner, make):
    ws = make.workspace()
    source = make.dataset(workspace=ws, settings=full_settings())
    copy = make.dataset(workspace=ws, settings=source.settings)
    assert copy.id != source.id
    assert summary(copy) == summary(source) == expected_full_summary()
    # The copy got settings of its own on the server; the source's are untouched.
    source_ids = {
        p.id for kind in ("fields", "questions", "metadata", "vectors") for p in getattr(source.settings, kind)
    }
    copy_ids = {p.id for kind in ("fields", "questions", "metadata", "vectors") for p in getattr(copy.settings, kind)}
    assert None not in copy_ids and not source_ids & copy_ids
    assert copy.settings is not source.settings
    assert raw_names(server, f"/datasets/{source.id}/fields") == raw_names(server, f"/datasets/{copy.id}/fields")
    assert summary(owner.datasets(source.name, workspace=ws)) == expected_full_summary()


# ---- listing --------------------------------------------------------------------------------------


def test_client_datasets_lists_iterates_and_counts(server, owner, make):
    ws = make.workspace()
    a = make.dataset(workspace=ws, settings=full_settings())
    b = make.dataset(workspace=ws)
    listed = owner.datasets.list()
    assert all(isinstance(d, rg.Dataset) for d in listed)
    names = [d.name for d in listed]
    # GET /me/datasets: the owner sees the datasets of every workspace, oldest first.
    assert names.index(a.name) < names.index(b.name)
    assert [d.name for d in owner.datasets] == names
    assert len(owner.datasets) == len(names)
    position = names.index(a.name)
    listed_a, iterated_a, indexed_a = listed[position], list(owner.datasets)[position], owner.datasets[position]
    assert listed_a.id == iterated_a.id == indexed_a.id == a.id
    # Whether the datasets come with their settings depends on the release (each one costs 7 GETs).
    for dataset, loaded in (
        (listed_a, LISTED_DATASETS_HAVE_SETTINGS),
        (iterated_a, ITERATED_DATASETS_HAVE_SETTINGS),
        (indexed_a, ITERATED_DATASETS_HAVE_SETTINGS),
    ):
        if loaded:
            assert summary(dataset) == expected_full_summary()
        else:
            assert len(dataset.settings.fields) == 0 and dataset.settings.guidelines is None
            assert summary(dataset.get()) == expected_full_summary()


def test_workspace_datasets_lists_only_that_workspace(server, owner, make):
    ws, other = make.workspace(), make.workspace()
    a, b = make.dataset(workspace=ws), make.dataset(workspace=ws)
    c = make.dataset(workspace=other)
    assert [d.name for d in ws.datasets] == [a.name, b.name]
    assert [d.id for d in ws.list_datasets()] == [a.id, b.id]
    assert [d.name for d in other.datasets] == [c.name]
    assert all(isinstance(d, rg.Dataset) for d in ws.datasets)
    assert make.workspace().datasets == []


def test_datasets_api_exists_answers_by_status(server, owner, make):
    ds = make.dataset()
    assert owner.api.datasets.exists(ds.id) is True
    assert owner.api.datasets.exists(uuid.uuid4()) is False


def test_dataset_lookups_that_miss_warn_and_return_none(server, owner, make):
    ws = make.workspace()
    name = unique("nods")
    with pytest.warns(UserWarning, match=re.escape(f"Dataset with name '{name}' not found in workspace '{ws.name}'")):
        assert owner.datasets(name, workspace=ws.name) is None
    with pytest.warns(UserWarning, match=re.escape(f"Dataset with name '{name}' not found in workspace '{ws.name}'")):
        assert owner.datasets(name, workspace=ws) is None
    missing = uuid.uuid4()
    with pytest.warns(UserWarning, match=re.escape(f"Dataset with id {missing!r} not found")):
        assert owner.datasets(id=missing) is None
    with pytest.raises(ArgillaError) as info:
        owner.datasets()
    assert str(info.value) == "Argilla SDK error: ArgillaError: One of 'name' or 'id' must be provided"


def test_a_dataset_name_is_looked_up_only_in_its_workspace(server, owner, make):
    ws, other = make.workspace(), make.workspace()
    ds = make.dataset(workspace=ws)
    with pytest.warns(
        UserWarning, match=re.escape(f"Dataset with name '{ds.name}' not found in workspace '{other.name}'")
    ):
        assert owner.datasets(ds.name, workspace=other.name) is None
    # The same name in another workspace is another dataset.
    twin = make.dataset(workspace=other, name=ds.name)
    assert twin.id != ds.id
    assert owner.datasets(ds.name, workspace=other).id == twin.id
    assert owner.datasets(ds.name, workspace=ws).id == ds.id


def test_looking_up_a_dataset_in_an_unknown_workspace_fails_with_attribute_error(server, owner):
    # Surprise (every 2.x release): the workspace lookup warns and returns None, and client.datasets then
    # reads `.datasets` of None.
    ws_name = unique("nows")
    with pytest.warns(UserWarning, match=re.escape(f"Workspace with name '{ws_name}' not found.")):
        with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'datasets'"):
            owner.datasets("anything", workspace=ws_name)


# ---- settings changes -----------------------------------------------------------------------------


def test_changing_titles_guidelines_and_distribution_is_saved(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws, settings=full_settings())
    ds.settings.fields["text"].title = "Text (renamed)"
    ds.settings.metadata["year"].title = "Year of publication"
    ds.settings.vectors["emb"].title = "Embedding (renamed)"
    ds.guidelines = "New guidelines"
    ds.allow_extra_metadata = False
    ds.distribution = rg.TaskDistribution(min_submitted=3)
    assert ds.update() is ds
    body = raw(server, f"/datasets/{ds.id}")
    assert (body["guidelines"], body["allow_extra_metadata"]) == ("New guidelines", False)
    assert body["distribution"] == {"strategy": "overlap", "min_submitted": 3}
    assert body["status"] == "ready"
    expected = expected_full_summary()
    expected.update(guidelines="New guidelines", allow_extra_metadata=False, min_submitted=3)
    expected["fields"][0] = ("text", "text", "Text (renamed)", True, {"use_markdown": True})
    expected["metadata"][1] = ("year", "IntegerMetadataProperty", "Year of publication", True, (1900, 2100))
    expected["vectors"][0] = ("emb", "Embedding (renamed)", 3)
    assert summary(owner.datasets(ds.name, workspace=ws)) == expected


def test_changing_a_question_title_description_and_label_texts(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws, settings=full_settings())
    question = ds.settings.questions["sentiment"]
    question.title = "Feeling"
    question.description = "Choose the feeling"
    # Same values, new texts and a new order: the server accepts that on a published dataset.
    question.labels = {"neu": "So-so", "pos": "Good", "neg": "Bad"}
    ds.update()
    stored = question_summary(owner.datasets(ds.name, workspace=ws).settings.questions["sentiment"])
    if SETTINGS_UPDATE_SENDS_QUESTIONS:
        assert stored == {
            "name": "sentiment",
            "type": "label_selection",
            "title": "Feeling",
            "description": "Choose the feeling",
            "required": True,
            "options": [("neu", "So-so"), ("pos", "Good"), ("neg", "Bad")],
            "visible_options": 3,
        }
    else:
        # Before 2.5.0 update() never sends the questions: the change stays local.
        assert stored == expected_full_summary()["questions"][0]
        assert question.title == "Feeling"


def test_changing_the_label_values_of_a_published_question_is_refused(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws, settings=full_settings())
    ds.settings.questions["sentiment"].labels = ["pos", "neg", "neu", "mixed"]
    if SETTINGS_UPDATE_SENDS_QUESTIONS:
        with pytest.raises(SettingsError) as info:
            ds.update()
        assert str(info.value) == f"Argilla SDK error: SettingsError: Failed to update 'sentiment': {UNPROCESSABLE}"
        assert_api_error(
            info.value.__cause__,
            UnprocessableEntityError,
            422,
            {"detail": "the number of options cannot be modified. expected 3 but got 4"},
        )
    else:
        assert ds.update() is ds
    stored = question_summary(owner.datasets(ds.name, workspace=ws).settings.questions["sentiment"])
    assert stored["options"] == [("pos", "Positive"), ("neg", "Negative"), ("neu", "Neutral")]


def test_renaming_a_dataset_through_update(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws)
    new_name = unique("renamed")
    ds.name = new_name
    assert ds.update() is ds
    # update() sends the dataset's name with the settings' attributes, and the server takes it.
    assert raw(server, f"/datasets/{ds.id}")["name"] == new_name
    assert owner.datasets(new_name, workspace=ws).id == ds.id


def test_renaming_a_dataset_to_a_taken_name_is_refused(server, owner, make):
    ws = make.workspace()
    taken = make.dataset(workspace=ws)
    ds = make.dataset(workspace=ws)
    old_name = ds.name
    ds.name = taken.name
    if E2E_URL:
        # PATCH /datasets/{id} has no uniqueness check on the real server: the database constraint
        # fails and it answers 500 GenericServerError (the SQLite oracle's text).
        with pytest.raises(InternalServerError) as info:
            ds.update()
        assert_api_error(info.value, InternalServerError, 500)
        body = info.value.__context__.response.json()
        assert body["detail"]["code"] == "argilla.api.errors::GenericServerError"
        assert body["detail"]["params"]["type"] == "sqlalchemy.exc.IntegrityError"
        assert "UNIQUE constraint failed: datasets.name, datasets.workspace_id" in body["detail"]["params"]["message"]
    else:
        # The mock answers what the create answers for that name (docs/differences.md).
        with pytest.raises(ConflictError) as info:
            ds.update()
        assert_api_error(
            info.value,
            ConflictError,
            409,
            {"detail": f"Dataset with name `{taken.name}` already exists for workspace with id `{ws.id}`"},
        )
    assert raw(server, f"/datasets/{ds.id}")["name"] == old_name
    assert sorted(datasets_in(server, ws)) == sorted([taken.name, old_name])


def test_updating_a_dataset_found_by_id_before_get_is_refused_locally(server, owner, make):
    ds = make.dataset(settings=full_settings())
    found = owner.datasets(id=ds.id)
    # Its local Settings are still the empty defaults (see above): update() validates them first and
    # sends nothing, so the server's guidelines and distribution are not overwritten with those defaults.
    with pytest.raises(SettingsError) as info:
        found.update()
    assert str(info.value) == "Argilla SDK error: SettingsError: Fields and questions are required"
    body = raw(server, f"/datasets/{ds.id}")
    assert (body["guidelines"], body["allow_extra_metadata"]) == ("Label the texts carefully.", True)
    assert body["distribution"] == {"strategy": "overlap", "min_submitted": 2}
    assert found.get().update() is found
    assert raw(server, f"/datasets/{ds.id}")["guidelines"] == "Label the texts carefully."


def test_descriptions_of_fields_and_required_flags_are_not_kept(server, owner, make):
    ws = make.workspace()
    settings = rg.Settings(
        fields=[rg.TextField(name="text", description="Shown to annotators")],
        questions=[rg.LabelQuestion(name="label", labels=["yes", "no"]), rg.TextQuestion(name="why", required=False)],
    )
    ds = make.dataset(workspace=ws, settings=settings)
    # Fields have no description on the server: it is dropped on create.
    assert ds.settings.fields["text"].description is None
    assert "description" not in raw(server, f"/datasets/{ds.id}/fields")["items"][0]
    # `required` is fixed once created: the PATCHes carry the new value and the server ignores it.
    ds.settings.fields["text"].required = False
    ds.settings.questions["label"].required = False
    ds.settings.questions["why"].required = True
    ds.update()
    found = owner.datasets(ds.name, workspace=ws)
    assert [f.required for f in found.settings.fields] == [True]
    assert [q.required for q in found.settings.questions] == [True, False]


def test_adding_a_field_to_a_published_dataset_is_a_settings_error(server, owner, make):
    ds = make.dataset()
    ds.settings.fields.add(rg.TextField(name="extra_field", required=False))
    with pytest.raises(SettingsError) as info:
        ds.update()
    assert str(info.value) == f"Argilla SDK error: SettingsError: Failed to update 'extra_field': {UNPROCESSABLE}"
    assert_api_error(
        info.value.__cause__,
        UnprocessableEntityError,
        422,
        {"detail": "Field cannot be created for a published dataset"},
    )
    assert raw_names(server, f"/datasets/{ds.id}/fields") == ["text"]


def test_adding_a_question_to_a_published_dataset_is_a_settings_error(server, owner, make):
    ds = make.dataset()
    ds.settings.questions.add(rg.TextQuestion(name="extra", required=False))
    if SETTINGS_UPDATE_SENDS_QUESTIONS:
        with pytest.raises(SettingsError) as info:
            ds.update()
        assert str(info.value) == f"Argilla SDK error: SettingsError: Failed to update 'extra': {UNPROCESSABLE}"
        assert_api_error(
            info.value.__cause__,
            UnprocessableEntityError,
            422,
            {"detail": "questions cannot be created for a published dataset"},
        )
    else:
        # Before 2.5.0 update() does not send questions at all: no error, and no question either.
        assert ds.update() is ds
    assert raw_names(server, f"/datasets/{ds.id}/questions") == ["label"]


def test_adding_metadata_and_a_vector_to_a_published_dataset_is_allowed(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws)
    ds.settings.metadata.add(rg.IntegerMetadataProperty(name="late_int", min=0, max=9))
    ds.settings.metadata.add(rg.TermsMetadataProperty(name="late_terms", visible_for_annotators=False))
    ds.settings.vectors.add(rg.VectorField(name="late_vec", dimensions=4))
    assert ds.update() is ds
    # The new properties got their ids from the server's answers.
    assert ds.settings.metadata["late_int"].id is not None and ds.settings.vectors["late_vec"].id is not None
    found = owner.datasets(ds.name, workspace=ws)
    assert [metadata_summary(m) for m in found.settings.metadata] == [
        ("late_int", "IntegerMetadataProperty", "late_int", True, (0, 9)),
        ("late_terms", "TermsMetadataProperty", "late_terms", False, None),
    ]
    assert [(v.name, v.title, v.dimensions) for v in found.settings.vectors] == [("late_vec", "late_vec", 4)]
    assert raw(server, f"/datasets/{ds.id}")["status"] == "ready"


@pytest.mark.skipif(not SETTINGS_CAN_REMOVE, reason="settings.<kind>.remove() came in 2.5.0")
def test_removing_a_question_from_a_published_dataset_is_a_settings_error(server, owner, make):
    ds = make.dataset(settings=full_settings())
    ds.settings.questions.remove("comment")
    assert ds.settings.questions["comment"] is None
    with pytest.raises(SettingsError) as info:
        ds.update()
    assert str(info.value) == f"Argilla SDK error: SettingsError: Failed to delete 'comment': {UNPROCESSABLE}"
    assert_api_error(
        info.value.__cause__,
        UnprocessableEntityError,
        422,
        {"detail": "questions cannot be deleted for a published dataset"},
    )
    assert "comment" in raw_names(server, f"/datasets/{ds.id}/questions")


@pytest.mark.skipif(not SETTINGS_CAN_REMOVE, reason="settings.<kind>.remove() came in 2.5.0")
def test_removing_metadata_and_a_vector_from_a_published_dataset_deletes_them(server, owner, make):
    ds = make.dataset(settings=full_settings())
    emb_id = ds.settings.vectors["emb"].id
    ds.settings.metadata.remove("genre")
    ds.settings.vectors.remove("emb")
    assert ds.update() is ds
    assert raw_names(server, f"/me/datasets/{ds.id}/metadata-properties") == ["year", "score"]
    assert raw_names(server, f"/datasets/{ds.id}/vectors-settings") == ["emb_big"]
    # Surprise: the SDK keeps the removed properties in its list of removals, so the next update()
    # deletes them again and fails on the server's 404 (vectors are updated before metadata).
    with pytest.raises(SettingsError) as info:
        ds.update()
    assert str(info.value) == (
        "Argilla SDK error: SettingsError: Failed to delete 'emb': Resource or entity not found on the server"
    )
    assert_api_error(
        info.value.__cause__, NotFoundError, 404, {"detail": f"VectorSettings with id `{emb_id}` not found"}
    )


def test_duplicate_property_names_are_refused_after_the_dataset_was_posted(server, owner, make):
    ws = make.workspace()
    ds = rg.Dataset(
        name=unique("ds"),
        workspace=ws,
        settings=rg.Settings(
            fields=[rg.TextField(name="text")], questions=[rg.LabelQuestion(name="text", labels=["a", "b"])]
        ),
        client=owner,
    )
    with pytest.raises(SettingsError) as info:
        ds.create()
    assert_settings_error(
        info.value,
        SettingsError,
        "Argilla SDK error: SettingsError: names of dataset settings must be unique, "
        "but the name 'text' is used by 'LabelQuestion' and 'TextField' ",
    )
    # The draft was posted, then rolled back (deleted).
    assert ds.id is not None
    assert owner.api.datasets.exists(ds.id) is False
    assert datasets_in(server, ws) == []


# ---- delete and progress --------------------------------------------------------------------------


def test_deleting_a_dataset_and_looking_it_up_again(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws, settings=full_settings())
    ds_id = ds.id
    field_id = ds.settings.fields["text"].id
    assert ds.delete() is None
    # Like a workspace, the dataset keeps its id after delete().
    assert ds.id == ds_id
    assert owner.api.datasets.exists(ds_id) is False
    with pytest.warns(UserWarning, match=re.escape(f"Dataset with id {ds_id!r} not found")):
        assert owner.datasets(id=ds_id) is None
    with pytest.warns(
        UserWarning, match=re.escape(f"Dataset with name '{ds.name}' not found in workspace '{ws.name}'")
    ):
        assert owner.datasets(ds.name, workspace=ws) is None
    assert ws.datasets == []
    # Its settings went with it.
    r = server.http("PATCH", f"/api/v1/fields/{field_id}", json={"title": "x"})
    assert (r.status_code, r.json()) == (404, {"detail": f"Field with id `{field_id}` not found"})
    with pytest.raises(NotFoundError) as info:
        ds.delete()
    assert_api_error(info.value, NotFoundError, 404, {"detail": f"Dataset with id `{ds_id}` not found"})
    # The name is free again.
    again = make.dataset(workspace=ws, name=ds.name)
    assert again.id != ds_id


def test_a_workspace_with_a_dataset_cannot_be_deleted(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws)
    with pytest.raises(ConflictError) as info:
        ws.delete()
    assert_api_error(
        info.value,
        ConflictError,
        409,
        {"detail": f"Cannot delete the workspace {ws.id}. This workspace has some datasets linked"},
    )
    ds.delete()
    assert ws.delete() is None
    assert owner.api.workspaces.exists(ws.id) is False


@pytest.mark.skipif(not DATASET_HAS_PROGRESS, reason="dataset.progress() came in 2.2.0")
def test_the_progress_of_an_empty_published_dataset_is_zero(server, owner, make):
    ds = make.dataset()
    assert ds.progress() == {"total": 0, "completed": 0, "pending": 0}
    assert ds.progress(with_users_distribution=True) == {"total": 0, "completed": 0, "pending": 0, "users": {}}


@pytest.mark.skipif(not DATASET_HAS_PROGRESS, reason="dataset.progress() came in 2.2.0")
def test_the_progress_of_a_deleted_dataset_is_not_found(server, owner, make):
    ds = make.dataset()
    ds.delete()
    with pytest.raises(NotFoundError) as info:
        ds.progress()
    assert_api_error(info.value, NotFoundError, 404, {"detail": f"Dataset with id `{ds.id}` not found"})


# ---- refusals -------------------------------------------------------------------------------------


def test_a_duplicate_dataset_name_is_a_conflict(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws)
    dup = rg.Dataset(name=ds.name, workspace=ws, settings=simple_settings(), client=owner)
    with pytest.raises(ConflictError) as info:
        dup.create()
    assert_api_error(
        info.value,
        ConflictError,
        409,
        {"detail": f"Dataset with name `{ds.name}` already exists for workspace with id `{ws.id}`"},
    )
    # Nothing to roll back: the original is untouched.
    assert dup.id is None
    assert datasets_in(server, ws) == [ds.name]
    assert raw_names(server, f"/datasets/{ds.id}/questions") == ["label"]


def test_an_unknown_workspace_name_is_not_found_before_anything_is_sent(server, owner, make):
    ws = make.workspace()
    ws_name = unique("nows")
    ds = rg.Dataset(name=unique("ds"), workspace=ws_name, settings=simple_settings(), client=owner)
    with pytest.warns(UserWarning, match=re.escape(f"Workspace with name '{ws_name}' not found.")):
        with pytest.raises(NotFoundError) as info:
            ds.create()
    # Made by the SDK (no HTTP error behind it): it names the looked-up result (None), not the name given,
    # and lists every workspace the user sees.
    text = str(info.value)
    assert text.startswith(
        "Argilla SDK error: NotFoundError: Workspace with name None not found. Available workspaces: ["
    )
    assert repr(ws.name) in text and "'argilla'" in text
    assert info.value.status_code == 500
    assert ds.id is None
    assert ds.name not in [d["name"] for d in raw(server, "/me/datasets")["items"]]


def test_a_dataset_without_questions_is_rolled_back(server, owner, make):
    ws = make.workspace()
    ds = rg.Dataset(
        name=unique("ds"), workspace=ws, settings=rg.Settings(fields=[rg.TextField(name="text")]), client=owner
    )
    with pytest.raises(SettingsError) as info:
        ds.create()
    assert_settings_error(
        info.value, SettingsError, "Argilla SDK error: SettingsError: Fields and questions are required"
    )
    # The check is local but comes after POST /datasets: the draft existed and was deleted again.
    assert ds.id is not None
    assert owner.api.datasets.exists(ds.id) is False
    assert datasets_in(server, ws) == []


def test_a_dataset_without_fields_is_rolled_back(server, owner, make):
    ws = make.workspace()
    ds = rg.Dataset(
        name=unique("ds"),
        workspace=ws,
        settings=rg.Settings(questions=[rg.LabelQuestion(name="label", labels=["a", "b"])]),
        client=owner,
    )
    with pytest.raises(SettingsError) as info:
        ds.create()
    assert_settings_error(
        info.value, SettingsError, "Argilla SDK error: SettingsError: Fields and questions are required"
    )
    assert owner.api.datasets.exists(ds.id) is False
    assert datasets_in(server, ws) == []


def test_a_dataset_with_only_optional_questions_cannot_be_published_and_is_rolled_back(server, owner, make):
    ws = make.workspace()
    ds = rg.Dataset(
        name=unique("ds"),
        workspace=ws,
        settings=rg.Settings(fields=[rg.TextField(name="text")], questions=[rg.TextQuestion(name="t", required=False)]),
        client=owner,
    )
    with pytest.raises(SettingsError) as info:
        ds.create()
    cause = info.value.__cause__
    assert str(info.value) == "Argilla SDK error: SettingsError: Argilla SDK error"
    assert_api_error(
        cause, UnprocessableEntityError, 422, {"detail": "Dataset cannot be published without required questions"}
    )
    assert owner.api.datasets.exists(ds.id) is False
    assert datasets_in(server, ws) == []


def _create_refused_question(owner, ws, question):
    ds = rg.Dataset(
        name=unique("ds"),
        workspace=ws,
        settings=rg.Settings(fields=[rg.TextField(name="text")], questions=[question]),
        client=owner,
    )
    with pytest.raises(SettingsError) as info:
        ds.create()
    assert str(info.value) == "Argilla SDK error: SettingsError: Argilla SDK error"
    # The question's own SettingsError, then the API error that caused it.
    inner = info.value.__cause__
    assert type(inner) is SettingsError
    if QUESTION_CREATE_ERROR_NAMES_PROPERTY:
        assert (
            str(inner)
            == f"Argilla SDK error: SettingsError: Failed to create property {question.name!r}: {UNPROCESSABLE}"
        )
    else:
        assert str(inner) == f"Argilla SDK error: SettingsError: Failed to create question {question.name}"
    assert owner.api.datasets.exists(ds.id) is False
    return inner.__cause__


def test_a_span_question_on_an_unknown_field_is_refused_by_the_server_and_rolled_back(server, owner, make):
    ws = make.workspace()
    api_error = _create_refused_question(owner, ws, rg.SpanQuestion(name="sp", field="nope", labels=["A"]))
    assert_api_error(
        api_error,
        UnprocessableEntityError,
        422,
        {"detail": "'nope' is not a valid field name.\nValid field names are ['text']"},
    )
    assert datasets_in(server, ws) == []


def test_a_sixth_vector_is_refused_by_the_server_and_rolled_back(server, owner, make):
    ws = make.workspace()
    settings = simple_settings()
    for i in range(6):
        settings.vectors.add(rg.VectorField(name=f"v{i}", dimensions=2))
    ds = rg.Dataset(name=unique("ds"), workspace=ws, settings=settings, client=owner)
    with pytest.raises(SettingsError) as info:
        ds.create()
    assert str(info.value) == "Argilla SDK error: SettingsError: Argilla SDK error"
    inner = info.value.__cause__
    assert str(inner) == f"Argilla SDK error: SettingsError: Failed to create property 'v5': {UNPROCESSABLE}"
    assert_api_error(
        inner.__cause__,
        UnprocessableEntityError,
        422,
        {"detail": f"The maximum number of vector settings has been reached for dataset with id `{ds.id}`"},
    )
    assert owner.api.datasets.exists(ds.id) is False
    assert datasets_in(server, ws) == []


def test_a_label_question_with_one_label_is_refused_by_the_server_and_rolled_back(server, owner, make):
    # The SDK checks only that labels are unique; the server wants at least two.
    ws = make.workspace()
    api_error = _create_refused_question(owner, ws, rg.LabelQuestion(name="only", labels=["one"]))
    assert_api_error(
        api_error,
        UnprocessableEntityError,
        422,
        validation_body(
            {
                "type": "too_short",
                "loc": ["body", "settings", "label_selection", "options"],
                "msg": "List should have at least 2 items after validation, not 1",
            }
        ),
    )
    assert datasets_in(server, ws) == []


def test_a_duplicate_label_is_refused_by_the_sdk_and_by_the_server(server, owner, make):
    with pytest.raises(ValidationError, match="All labels must be unique"):
        rg.LabelQuestion(name="dup", labels=["a", "a"])
    # Straight to the API, on a draft made without the SDK (the SDK always publishes what it creates).
    ws = make.workspace()
    r = server.http("POST", "/api/v1/datasets", json={"name": unique("draft"), "workspace_id": str(ws.id)})
    assert r.status_code == 201, r.text
    draft_id = r.json()["id"]
    make.track_dataset(draft_id)
    r = server.http(
        "POST",
        f"/api/v1/datasets/{draft_id}/questions",
        json={
            "name": "dup",
            "title": "Dup",
            "settings": {
                "type": "label_selection",
                "options": [{"value": "a", "text": "A"}, {"value": "a", "text": "A again"}],
            },
        },
    )
    assert (r.status_code, r.json()) == (
        422,
        validation_body(
            {
                "type": "value_error",
                "loc": ["body", "settings", "label_selection"],
                "msg": "Value error, Option values must be unique, found duplicates: {'a'}",
            }
        ),
    )
    # The SDK reads the draft like any dataset: no settings, and the server's own defaults.
    draft = owner.datasets(id=draft_id).get()
    assert len(draft.settings.questions) == 0 and len(draft.settings.fields) == 0
    assert draft.settings.allow_extra_metadata is True
    assert owner.api.datasets.get(draft.id).status == "draft"


# ---- roles ----------------------------------------------------------------------------------------


def test_an_annotator_cannot_create_a_dataset(server, owner, make):
    ws, annotator = make.workspace(), make.user()
    ws.add_user(annotator)
    client = make.login(annotator)
    name = unique("ds")
    with pytest.raises(ForbiddenError) as info:
        rg.Dataset(name=name, workspace=ws.name, settings=simple_settings(), client=client).create()
    if DATASET_CREATE_EXPLAINS_FORBIDDEN:
        assert type(info.value) is ForbiddenError
        assert str(info.value) == (
            f"Argilla SDK error: ForbiddenError: User '{annotator.username}' is not authorized to create a dataset in "
            f"workspace '{ws.name}'\n            with role 'annotator'. "
            f"Go to {server.url}/user-settings to view your role."
        )
        # SDK-made: the default status; the server's answer is the cause.
        assert info.value.status_code == 500
        assert_api_error(info.value.__cause__, ForbiddenError, 403, forbidden_body())
    else:
        assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert datasets_in(server, ws) == []


def test_an_annotator_member_reads_but_cannot_write(server, owner, make):
    ws, annotator = make.workspace(), make.user()
    ds = make.dataset(workspace=ws, settings=full_settings())
    ws.add_user(annotator)
    client = make.login(annotator)
    mine = client.datasets(ds.name, workspace=ws.name)
    assert mine.id == ds.id
    expected = expected_full_summary()
    # The server lists to annotators only the metadata properties visible to them.
    expected["metadata"] = [m for m in expected["metadata"] if m[3]]
    assert summary(mine) == expected
    assert client.datasets(id=ds.id).get().id == ds.id
    assert ds.name in [d.name for d in client.datasets]
    assert client.api.datasets.exists(ds.id) is True
    if DATASET_HAS_PROGRESS:
        assert mine.progress() == {"total": 0, "completed": 0, "pending": 0}
    # Writing: the first request of update() (PATCH /datasets/{id}) is refused, outside the SettingsError wrap.
    mine.guidelines = "Annotators may not"
    with pytest.raises(ForbiddenError) as info:
        mine.update()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    with pytest.raises(ForbiddenError) as info:
        mine.delete()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert raw(server, f"/datasets/{ds.id}")["guidelines"] == "Label the texts carefully."
    assert owner.api.datasets.exists(ds.id) is True


def test_a_non_member_annotator_cannot_read_a_dataset(server, owner, make):
    ds, annotator = make.dataset(), make.user()
    client = make.login(annotator)
    with pytest.raises(ForbiddenError) as info:
        client.datasets(id=ds.id)
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert client.api.datasets.exists(ds.id) is False
    assert client.datasets.list() == []
    assert len(client.datasets) == 0


def test_an_admin_member_creates_updates_and_deletes_datasets_in_its_workspace(server, owner, make):
    ws, admin = make.workspace(), make.user(role="admin")
    ws.add_user(admin)
    client = make.login(admin)
    ds = make.dataset(workspace=ws.name, client=client, settings=full_settings())
    assert summary(ds) == expected_full_summary()
    ds.settings.metadata.add(rg.FloatMetadataProperty(name="late"))
    ds.guidelines = "By the admin"
    ds.update()
    assert raw(server, f"/datasets/{ds.id}")["guidelines"] == "By the admin"
    assert raw_names(server, f"/me/datasets/{ds.id}/metadata-properties") == ["genre", "year", "score", "late"]
    assert [d.name for d in client.datasets] == [ds.name]
    assert ds.delete() is None
    assert owner.api.datasets.exists(ds.id) is False


def test_an_admin_of_another_workspace_can_neither_read_nor_write(server, owner, make):
    ws, theirs, admin = make.workspace(), make.workspace(), make.user(role="admin")
    ws.add_user(admin)
    ds = make.dataset(workspace=theirs)
    client = make.login(admin)
    with pytest.raises(ForbiddenError) as info:
        client.datasets(id=ds.id)
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert client.api.datasets.exists(ds.id) is False
    assert ds.name not in [d.name for d in client.datasets]
    # Deleting through a dataset object bound to the admin's client.
    foreign = rg.Dataset(name=ds.name, workspace=theirs, client=client)
    foreign.id = ds.id
    with pytest.raises(ForbiddenError) as info:
        foreign.delete()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert owner.api.datasets.exists(ds.id) is True


def test_an_admin_of_another_workspace_cannot_create_a_dataset_there(server, owner, make):
    ws, theirs, admin = make.workspace(), make.workspace(), make.user(role="admin")
    ws.add_user(admin)
    client = make.login(admin)
    # By name: the admin does not see the workspace, so the SDK refuses before sending anything.
    with pytest.warns(UserWarning, match=re.escape(f"Workspace with name '{theirs.name}' not found.")):
        with pytest.raises(NotFoundError) as info:
            rg.Dataset(name=unique("ds"), workspace=theirs.name, settings=simple_settings(), client=client).create()
    assert str(info.value) == (
        f"Argilla SDK error: NotFoundError: Workspace with name None not found. Available workspaces: ['{ws.name}']"
    )
    # By id: GET /workspaces/{id} is 403 (in 2.3+ the SDK asks again while explaining, and that 403 wins).
    with pytest.raises(ForbiddenError) as info:
        rg.Dataset(name=unique("ds"), workspace=theirs.id, settings=simple_settings(), client=client).create()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    # By a Workspace object (no lookup): POST /datasets itself is 403.
    with pytest.raises(ForbiddenError) as info:
        rg.Dataset(name=unique("ds"), workspace=theirs, settings=simple_settings(), client=client).create()
    if DATASET_CREATE_EXPLAINS_FORBIDDEN:
        assert str(info.value).startswith(
            f"Argilla SDK error: ForbiddenError: User '{admin.username}' is not authorized to create a dataset in "
            f"workspace '{theirs.name}'\n            with role 'admin'."
        )
        assert_api_error(info.value.__cause__, ForbiddenError, 403, forbidden_body())
    else:
        assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert datasets_in(server, theirs) == []


# ---- default workspace ----------------------------------------------------------------------------


def test_without_a_workspace_the_dataset_goes_to_the_default_one_with_a_warning(server, owner, make):
    ws, admin = make.workspace(), make.user(role="admin")
    ws.add_user(admin)
    client = make.login(admin)
    name = unique("ds")
    ds = rg.Dataset(name=name, settings=simple_settings(), client=client)
    with pytest.warns(
        UserWarning, match=re.escape(f"Workspace not provided. Using default workspace: {ws.name} id: {ws.id}")
    ):
        ds.create()
    make.track_dataset(ds.id)
    assert datasets_in(server, ws) == [name]
    # Looking it up by name without a workspace uses the default workspace too, silently.
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert client.datasets(name).id == ds.id


def test_the_owner_default_workspace_is_the_first_it_sees(server, owner, make):
    default = owner.workspaces.default
    name = unique("ds")
    ds = rg.Dataset(name=name, settings=simple_settings(), client=owner)
    with pytest.warns(
        UserWarning,
        match=re.escape(f"Workspace not provided. Using default workspace: {default.name} id: {default.id}"),
    ):
        ds.create()
    make.track_dataset(ds.id)
    assert raw(server, f"/datasets/{ds.id}")["workspace_id"] == str(default.id)
    assert owner.datasets(name).id == ds.id


def test_without_any_workspace_a_dataset_cannot_be_created(server, owner, make):
    admin = make.user(role="admin")
    client = make.login(admin)
    with pytest.raises(ArgillaError) as info:
        rg.Dataset(name=unique("ds"), settings=simple_settings(), client=client).create()
    assert (
        str(info.value)
        == "Argilla SDK error: ArgillaError: There are no workspaces created. Please create a new workspace first"
    )
    assert client.datasets.list() == []
