"""Records, responses, suggestions, vectors and metadata (section A) and search, filters, similarity and
progress counts (section B), as the real 2.x SDK drives them: `ds.records.log/delete`, `ds.records(...)`,
`rg.Query/rg.Filter/rg.Similar`, `dataset.progress()`.

Section A runs everywhere, also against the real server with its stub search engine: it only writes,
lists (GET /datasets/{id}/records, which reads the database), deletes, and asks for refusals the server
gives before it reaches the engine. Section B needs a search engine that really searches and is skipped
where STUB_SEARCH (see conftest.py); its expected answers follow from Elasticsearch's semantics on small
hand-made datasets where they are unambiguous.

Every dataset is made in a workspace of its own through `make`, which deletes it afterwards.
"""

import datetime
import uuid
import warnings

import pytest
from pydantic import ValidationError

import argilla as rg
from argilla._exceptions import (
    ArgillaAPIError,
    ForbiddenError,
    InternalServerError,
    UnprocessableEntityError,
)
from argilla._models import RecordModel, UserResponseModel
from argilla._models._search import QueryModel, SearchQueryModel, TextQueryModel

from conftest import (
    E2E_URL,
    BASE_ERROR_HAS_MESSAGE,
    DATASET_HAS_PROGRESS,
    HAS_CHAT_FIELD,
    HAS_CUSTOM_FIELD,
    HAS_IMAGE_FIELD,
    HAS_RECORD_FILTERS,
    HAS_SIMILAR,
    HAS_SUGGESTION_AGENT_TYPE_FILTERS,
    METADATA_TAKES_ANY_VALUE,
    RECORDS_TAKE_LIMIT,
    SEARCH_TAKES_VECTORS,
    SIMILAR_YIELDS_SCORES,
    TERMS_FILTER_TAKES_NUMBERS,
    WARNS_ON_UNKNOWN_RECORD_KEYS,
    assert_api_error,
    forbidden_body,
    needs_real_search,
    validation_body,
)

CUSTOM_TEMPLATE = "<div>{{record.fields.custom.a}}</div>"
ZEROS = {"submitted": 0, "draft": 0, "discarded": 0}


# ---- helpers ---------------------------------------------------------------------------------------


def records_settings(**kw):
    """One required text field; a label, multi-label, rating and text question; a terms, integer and float
    metadata property; a 3-dimensional vector."""
    return rg.Settings(
        fields=[rg.TextField(name="text")],
        questions=[
            rg.LabelQuestion(name="label", labels=["pos", "neg"]),
            rg.MultiLabelQuestion(name="tags", labels=["x", "y", "z"], required=False),
            rg.RatingQuestion(name="rating", values=[1, 2, 3, 4, 5], required=False),
            rg.TextQuestion(name="comment", required=False),
        ],
        metadata=[
            rg.TermsMetadataProperty(name="genre", options=["fiction", "news", "blog"]),
            rg.IntegerMetadataProperty(name="year", min=1800, max=2100),
            rg.FloatMetadataProperty(name="score", min=0.0, max=1.0),
        ],
        vectors=[rg.VectorField(name="emb", dimensions=3)],
        **kw,
    )


def raw_records(server, ds, include=("responses", "suggestions", "vectors")):
    """GET /datasets/{id}/records as the server answers it (database order: inserted_at ascending)."""
    params = [("limit", 1000)] + [("include", name) for name in include]
    r = server.http("GET", f"/api/v1/datasets/{ds.id}/records", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def raw_by_external_id(server, ds):
    return {item["external_id"]: item for item in raw_records(server, ds)}


def ids(records):
    """The external ids (the SDK's `record.id`) of an iteration, in its order."""
    return [r.id for r in records]


def response_summary(record):
    """A fetched record's responses as sorted (question, value, user id, status) tuples."""
    return sorted((r.question_name, r.value, str(r.user_id), _plain(r.status)) for r in record.responses)


def raw_response_summary(item):
    return sorted(
        (q, v["value"], resp["user_id"], resp["status"])
        for resp in item["responses"]
        for q, v in resp["values"].items()
    )


def suggestion_summary(record):
    return {s.question_name: (s.value, s.score, s.agent, s.type) for s in record.suggestions}


def _plain(value):
    return getattr(value, "value", value)


def chat_messages(value):
    """A chat field as plain dicts: the SDK holds its messages as ChatFieldValue models."""
    return [m if isinstance(m, dict) else m.model_dump() for m in value]


def unprocessable(exc, detail):
    assert_api_error(exc, UnprocessableEntityError, 422, {"detail": detail})


def invalid_record(position, reason):
    return f"Record at position {position} is not valid because {reason}"


# =====================================================================================================
# Section A: writes, listing, deletes and refusals (run against the real server with its stub engine too)
# =====================================================================================================

# ---- logging and reading back ----------------------------------------------------------------------


def test_records_logged_as_dicts_are_stored_with_fields_metadata_vectors_and_suggestions(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log(
        [
            {
                "id": "ext-a",
                "text": "Ada wrote the first program",
                "genre": "fiction",
                "year": 1950,
                "score": 0.25,
                "emb": [0.1, 0.2, 0.3],
                "label": "pos",
            },
            {"id": "ext-b", "text": "The quick brown fox", "year": 2010, "tags": ["x", "z"], "rating": 3},
        ]
    )
    a, b = records = list(ds.records(with_vectors=True))
    assert ids(records) == ["ext-a", "ext-b"]
    assert isinstance(a._server_id, uuid.UUID) and a._server_id != b._server_id
    assert dict(a.fields) == {"text": "Ada wrote the first program"}
    assert dict(a.metadata) == {"genre": "fiction", "year": 1950, "score": 0.25}
    assert dict(a.vectors) == {"emb": [0.1, 0.2, 0.3]}
    # A question's key in a dict becomes a suggestion (not a response) without score, agent or type.
    assert suggestion_summary(a) == {"label": ("pos", None, None, None)}
    assert len(a.responses) == 0
    assert a.status == b.status == "pending"
    assert dict(b.metadata) == {"year": 2010}
    assert dict(b.vectors) == {}
    assert suggestion_summary(b) == {"tags": (["x", "z"], None, None, None), "rating": (3, None, None, None)}

    stored = raw_by_external_id(server, ds)
    assert list(stored) == ["ext-a", "ext-b"]
    item = stored["ext-a"]
    assert item["id"] == str(a._server_id)
    assert item["fields"] == {"text": "Ada wrote the first program"}
    assert item["metadata"] == {"genre": "fiction", "year": 1950, "score": 0.25}
    assert item["vectors"] == {"emb": [0.1, 0.2, 0.3]}
    assert item["responses"] == []
    assert [(s["value"], s["type"], s["agent"], s["score"]) for s in item["suggestions"]] == [("pos", None, None, None)]
    assert item["dataset_id"] == str(ds.id)
    # The SDK always sends a metadata object, so a record without metadata stores {} (not null).
    assert stored["ext-b"]["metadata"] == {"year": 2010}


def test_a_dict_key_that_names_nothing_in_the_dataset_is_dropped(server, owner, make):
    ds = make.dataset(settings=records_settings())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds.records.log([{"id": "r1", "text": "known and unknown keys", "nope": 1, "label.response": "pos"}])
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    if WARNS_ON_UNKNOWN_RECORD_KEYS:
        # Without a mapping, "<question>.response" is not a known key either.
        assert "Keys ['nope', 'label.response'] in data are not present in the mapping and will be ignored." in messages
    else:
        assert not any("nope" in m for m in messages)
    [item] = raw_records(server, ds)
    assert item["fields"] == {"text": "known and unknown keys"}
    assert item["metadata"] == {}
    assert item["responses"] == [] and item["suggestions"] == []


def test_records_without_an_id_get_a_uuid_external_id_and_numbers_become_strings(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"text": "no id"}, {"id": 7, "text": "numeric id"}])
    generated, numeric = list(ds.records)
    assert str(uuid.UUID(generated.id)) == generated.id
    assert numeric.id == "7"
    assert [item["external_id"] for item in raw_records(server, ds)] == [generated.id, "7"]


def test_record_objects_carry_suggestion_details_and_responses_of_several_users(server, owner, make):
    ds = make.dataset(settings=records_settings())
    me = owner.me
    other = make.user()  # a user that is not even a member of the workspace can be given responses
    ds.records.log(
        [
            rg.Record(
                id="r1",
                fields={"text": "Charles Babbage designed engines"},
                metadata={"genre": "fiction", "year": 1990, "score": 0.75},
                vectors={"emb": [0.2, 0.2, 0.2]},
                suggestions=[
                    rg.Suggestion("label", "pos", score=0.9, agent="model-x", type="model"),
                    rg.Suggestion("tags", ["x", "y"], score=[0.4, 0.6], agent="model-y", type="human"),
                ],
                responses=[
                    rg.Response("label", "neg", user_id=me.id, status="submitted"),
                    rg.Response("rating", 4, user_id=me.id, status="submitted"),
                    rg.Response("label", "pos", user_id=other.id, status="draft"),
                ],
            ),
            rg.Record(id="r2", fields={"text": "Grace Hopper found a moth"}),
        ]
    )
    r1, r2 = list(ds.records)
    assert suggestion_summary(r1) == {
        "label": ("pos", 0.9, "model-x", "model"),
        "tags": (["x", "y"], [0.4, 0.6], "model-y", "human"),
    }
    assert response_summary(r1) == sorted(
        [
            ("label", "neg", str(me.id), "submitted"),
            ("rating", 4, str(me.id), "submitted"),
            ("label", "pos", str(other.id), "draft"),
        ]
    )
    assert sorted(_plain(r.status) for r in r1.responses["label"]) == ["draft", "submitted"]
    # One submitted response reaches the default min_submitted of 1.
    assert (r1.status, r2.status) == ("completed", "pending")
    assert len(r2.responses) == 0 and list(r2.suggestions) == []

    stored = raw_by_external_id(server, ds)["r1"]
    # The responses of one user travel (and are stored) as one response with a value per question.
    by_user = {resp["user_id"]: resp for resp in stored["responses"]}
    assert set(by_user) == {str(me.id), str(other.id)}
    assert by_user[str(me.id)]["values"] == {"label": {"value": "neg"}, "rating": {"value": 4}}
    assert by_user[str(me.id)]["status"] == "submitted"
    assert by_user[str(other.id)]["values"] == {"label": {"value": "pos"}}
    assert by_user[str(other.id)]["status"] == "draft"
    assert all(resp["record_id"] == stored["id"] for resp in stored["responses"])


def test_responses_read_back_per_question_for_every_user(server, owner, make):
    ds = make.dataset(settings=records_settings())
    users = [owner.me, make.user(), make.user(role="admin")]
    ds.records.log(
        [
            rg.Record(
                id="r1",
                fields={"text": "three opinions"},
                responses=[
                    rg.Response("label", value, user_id=user.id, status="submitted")
                    for user, value in zip(users, ["pos", "neg", "pos"])
                ],
            )
        ]
    )
    [record] = list(ds.records)
    assert sorted((str(r.user_id), r.value) for r in record.responses["label"]) == sorted(
        [(str(users[0].id), "pos"), (str(users[1].id), "neg"), (str(users[2].id), "pos")]
    )
    assert record.responses["rating"] == []
    assert record.status == "completed"


# ---- record status and the task distribution -----------------------------------------------------


def test_a_record_is_completed_only_once_min_submitted_responses_are_submitted(server, owner, make):
    ds = make.dataset(settings=records_settings(distribution=rg.TaskDistribution(min_submitted=2)))
    first, second = make.user(), make.user()

    def response(user, status="submitted"):
        return rg.Response("label", "pos", user_id=user.id, status=status)

    ds.records.log(
        [
            rg.Record(id="one", fields={"text": "one submitted"}, responses=[response(first)]),
            rg.Record(
                id="draft",
                fields={"text": "one submitted, one draft"},
                responses=[response(first), response(second, "draft")],
            ),
            rg.Record(id="two", fields={"text": "two submitted"}, responses=[response(first), response(second)]),
        ]
    )
    assert {r.id: r.status for r in ds.records} == {"one": "pending", "draft": "pending", "two": "completed"}

    # Logging the record again with the second user's response adds it (responses are upserted per user).
    ds.records.log([rg.Record(id="one", fields={"text": "one submitted"}, responses=[response(second)])])
    stored = raw_by_external_id(server, ds)["one"]
    assert stored["status"] == "completed"
    assert sorted(resp["user_id"] for resp in stored["responses"]) == sorted([str(first.id), str(second.id)])


def test_a_submitted_response_turned_into_a_draft_reopens_the_record(server, owner, make):
    ds = make.dataset(settings=records_settings())
    me = owner.me.id
    ds.records.log([rg.Record(id="r", fields={"text": "t"}, responses=[rg.Response("label", "pos", me, "submitted")])])
    assert [r.status for r in ds.records] == ["completed"]
    ds.records.log([rg.Record(id="r", fields={"text": "t"}, responses=[rg.Response("label", "neg", me, "draft")])])
    [record] = list(ds.records)
    assert record.status == "pending"
    assert response_summary(record) == [("label", "neg", str(me), "draft")]


def test_a_discarded_response_does_not_complete_a_record(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log(
        [rg.Record(id="r", fields={"text": "t"}, responses=[rg.Response("label", "neg", owner.me.id, "discarded")])]
    )
    [record] = list(ds.records)
    assert record.status == "pending"
    assert response_summary(record) == [("label", "neg", str(owner.me.id), "discarded")]


# ---- updates (upserts) -----------------------------------------------------------------------------


def test_logging_the_same_id_again_updates_the_record_in_place(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": "ext-1", "text": "first", "genre": "news", "year": 1950, "emb": [1, 0, 0], "label": "pos"}])
    [before] = list(ds.records)
    ds.records.log([{"id": "ext-1", "text": "second", "year": 2000, "tags": ["y"]}])
    [after] = list(ds.records(with_vectors=True))
    assert after._server_id == before._server_id
    assert after.fields["text"] == "second"
    # The metadata sent replaces the whole object: `genre` is gone.
    assert dict(after.metadata) == {"year": 2000}
    # Vectors and suggestions are upserted by name/question: those not sent are kept.
    assert dict(after.vectors) == {"emb": [1.0, 0.0, 0.0]}
    assert suggestion_summary(after) == {"label": ("pos", None, None, None), "tags": (["y"], None, None, None)}
    assert len(raw_records(server, ds)) == 1


def test_a_fetched_record_changed_locally_is_updated_by_its_server_id(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": "ext-1", "text": "t", "year": 1950, "emb": [1.0, 0.0, 0.0], "label": "pos"}])
    [record] = list(ds.records(with_vectors=True))
    record.metadata["year"] = 1960
    record.metadata["genre"] = "blog"
    record.vectors["emb"] = [0.0, 1.0, 0.0]
    record.suggestions.add(rg.Suggestion("label", "neg", score=0.1, agent="fixer"))
    record.responses.add(rg.Response("comment", "looks fine", user_id=owner.me.id, status="draft"))
    ds.records.log([record])

    [updated] = list(ds.records(with_vectors=True))
    assert (updated._server_id, updated.id) == (record._server_id, "ext-1")
    assert dict(updated.metadata) == {"year": 1960, "genre": "blog"}
    assert dict(updated.vectors) == {"emb": [0.0, 1.0, 0.0]}
    assert suggestion_summary(updated) == {"label": ("neg", 0.1, "fixer", None)}
    assert response_summary(updated) == [("comment", "looks fine", str(owner.me.id), "draft")]
    assert len(raw_records(server, ds)) == 1


def test_a_fetched_record_keeps_its_external_id_when_the_sdk_renames_it(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": "original", "text": "t"}])
    [record] = list(ds.records)
    record.id = "renamed"
    record.fields["text"] = "edited"
    ds.records.log([record])
    # The upsert finds the record by its server id first and never changes an external id.
    [item] = raw_records(server, ds)
    assert (item["id"], item["external_id"], item["fields"]) == (str(record._server_id), "original", {"text": "edited"})


def test_the_same_external_id_in_two_datasets_makes_two_records(server, owner, make):
    ws = make.workspace()
    first, second = make.dataset(workspace=ws, settings=records_settings()), make.dataset(
        workspace=ws, settings=records_settings()
    )
    first.records.log([{"id": "shared", "text": "in the first"}])
    second.records.log([{"id": "shared", "text": "in the second"}])
    [a] = raw_records(server, first)
    [b] = raw_records(server, second)
    assert a["id"] != b["id"]
    assert (a["fields"]["text"], b["fields"]["text"]) == ("in the first", "in the second")


def test_two_records_with_the_same_id_in_one_log_are_refused(server, owner, make):
    ds = make.dataset(settings=records_settings())
    with pytest.raises(UnprocessableEntityError) as info:
        ds.records.log([{"id": "dup", "text": "a"}, {"id": "dup", "text": "b"}])
    assert_api_error(
        info.value,
        UnprocessableEntityError,
        422,
        validation_body(
            {"type": "value_error", "loc": ["body", "items"], "msg": "Value error, External IDs must be unique"}
        ),
    )
    assert raw_records(server, ds) == []


def test_records_are_sent_in_batches_of_the_given_size(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": f"r{i}", "text": f"text {i}"} for i in range(5)], batch_size=2)
    assert ids(ds.records) == ["r0", "r1", "r2", "r3", "r4"]


def test_a_mapping_routes_source_keys_to_fields_metadata_vectors_responses_and_suggestions(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log(
        [
            {
                "prompt": "Mapped text",
                "lbl": "neg",
                "conf": 0.7,
                "yr": 2020,
                "vec": [0.0, 0.0, 1.0],
                "ext": "m1",
                "answer": "pos",
            }
        ],
        mapping={
            "prompt": "text",
            "lbl": "label",
            "conf": "label.suggestion.score",
            "yr": "year",
            "vec": "emb",
            "ext": "id",
            "answer": "label.response",
        },
    )
    [record] = list(ds.records(with_vectors=True))
    assert record.id == "m1"
    assert dict(record.fields) == {"text": "Mapped text"}
    assert dict(record.metadata) == {"year": 2020}
    assert dict(record.vectors) == {"emb": [0.0, 0.0, 1.0]}
    assert suggestion_summary(record) == {"label": ("neg", 0.7, None, None)}
    # A response given by a mapping has no status: the SDK sends it as a draft of the logging user.
    assert response_summary(record) == [("label", "pos", str(owner.me.id), "draft")]
    assert record.status == "pending"


# ---- reading: paging, vectors, exports ------------------------------------------------------------


def test_records_are_listed_in_insertion_order_across_batches_and_offsets(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": f"r{i}", "text": f"text {i}"} for i in range(5)])
    expected = ["r0", "r1", "r2", "r3", "r4"]
    assert ids(ds.records) == expected
    assert ids(ds.records(batch_size=2)) == expected
    assert ids(ds.records(start_offset=3)) == ["r3", "r4"]
    assert ids(ds.records(start_offset=5)) == []
    if RECORDS_TAKE_LIMIT:
        assert ids(ds.records(start_offset=1, limit=2)) == ["r1", "r2"]
        assert ids(ds.records(limit=3, batch_size=2)) == ["r0", "r1", "r2"]


def test_vectors_are_read_only_when_asked_for(server, owner, make):
    settings = records_settings()
    settings.vectors.add(rg.VectorField(name="small", dimensions=2))
    ds = make.dataset(settings=settings)
    ds.records.log(
        [
            {"id": "both", "text": "t", "emb": [0.1, 0.2, 0.3], "small": [1.0, 2.0]},
            {"id": "small-only", "text": "t", "small": [3.0, 4.0]},
        ]
    )
    assert [dict(r.vectors) for r in ds.records] == [{}, {}]
    assert [dict(r.vectors) for r in ds.records(with_vectors=True)] == [
        {"emb": [0.1, 0.2, 0.3], "small": [1.0, 2.0]},
        {"small": [3.0, 4.0]},
    ]
    assert [dict(r.vectors) for r in ds.records(with_vectors=["emb"])] == [{"emb": [0.1, 0.2, 0.3]}, {}]
    assert [dict(r.vectors) for r in ds.records(with_vectors="small")] == [{"small": [1.0, 2.0]}, {"small": [3.0, 4.0]}]
    with pytest.raises(ValueError, match="Vector field nope not found in dataset schema."):
        ds.records(with_vectors=["nope"])


def test_records_export_to_flat_and_nested_dicts(server, owner, make):
    ds = make.dataset(settings=records_settings())
    me = owner.me.id
    ds.records.log(
        [
            rg.Record(
                id="r1",
                fields={"text": "t"},
                metadata={"year": 1950},
                suggestions=[rg.Suggestion("label", "pos", score=0.5, agent="m")],
                responses=[rg.Response("label", "neg", user_id=me, status="submitted")],
            )
        ]
    )
    [record] = list(ds.records)
    assert ds.records.to_list(flatten=True) == [
        {
            "id": "r1",
            "status": "completed",
            "_server_id": str(record._server_id),
            "text": "t",
            "year": 1950,
            "label.suggestion": "pos",
            "label.suggestion.score": 0.5,
            "label.suggestion.agent": "m",
            "label.responses": ["neg"],
            "label.responses.users": [str(me)],
            "label.responses.status": ["submitted"],
        }
    ]
    assert ds.records.to_list(flatten=False) == [
        {
            "id": "r1",
            "fields": {"text": "t"},
            "metadata": {"year": 1950},
            "suggestions": {"label": {"value": "pos", "score": 0.5, "agent": "m"}},
            "responses": {"label": [{"value": "neg", "user_id": str(me)}]},
            "vectors": {},
            "status": "completed",
            "_server_id": str(record._server_id),
        }
    ]


@pytest.mark.skipif(not HAS_IMAGE_FIELD, reason="2.0.0 has only text fields")
def test_image_chat_and_custom_fields_round_trip(server, owner, make):
    fields = [rg.TextField(name="text"), rg.ImageField(name="image", required=False)]
    if HAS_CHAT_FIELD:
        fields.append(rg.ChatField(name="chat", required=False))
    if HAS_CUSTOM_FIELD:
        fields.append(rg.CustomField(name="custom", template=CUSTOM_TEMPLATE, required=False))
    ds = make.dataset(
        settings=rg.Settings(fields=fields, questions=[rg.LabelQuestion(name="label", labels=["pos", "neg"])])
    )
    sent = {"text": "rich", "image": "https://example.com/cat.png"}
    chat = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    if HAS_CHAT_FIELD:
        sent["chat"] = chat
    if HAS_CUSTOM_FIELD:
        sent["custom"] = {"a": 1, "b": [1, 2]}
    ds.records.log([rg.Record(id="rich", fields=dict(sent)), rg.Record(id="plain", fields={"text": "only text"})])

    rich, plain = list(ds.records)
    assert rich.fields["image"] == "https://example.com/cat.png"
    if HAS_CHAT_FIELD:
        assert chat_messages(rich.fields["chat"]) == chat
    if HAS_CUSTOM_FIELD:
        assert rich.fields["custom"] == {"a": 1, "b": [1, 2]}
    assert dict(plain.fields) == {"text": "only text"}
    # Reads give the stored values: missing fields are absent (not null), a custom field stays an object.
    stored = raw_by_external_id(server, ds)
    assert stored["rich"]["fields"] == sent
    assert stored["plain"]["fields"] == {"text": "only text"}


def test_the_bulk_answer_fills_missing_fields_with_null_and_reports_no_updates(server, owner, make):
    fields = [rg.TextField(name="text")]
    if HAS_CUSTOM_FIELD:
        fields.append(rg.CustomField(name="custom", template=CUSTOM_TEMPLATE, required=False))
    if HAS_IMAGE_FIELD:
        fields.append(rg.ImageField(name="image", required=False))
    ds = make.dataset(
        settings=rg.Settings(fields=fields, questions=[rg.LabelQuestion(name="label", labels=["pos", "neg"])])
    )
    with_custom = {"text": "a", "custom": {"a": 1, "b": [1, 2]}} if HAS_CUSTOM_FIELD else {"text": "a"}
    models, updated = owner.api.records.bulk_upsert(
        dataset_id=ds.id,
        records=[
            RecordModel(external_id="c1", fields=with_custom),
            RecordModel(external_id="c2", fields={"text": "b"}),
        ],
    )
    # PUT records/bulk answers only `items` (no updated_item_ids), so the SDK always counts 0 updates.
    assert updated == 0
    assert [m.external_id for m in models] == ["c1", "c2"]
    # The answer is rendered after indexing: non-image fields missing from a record come back as null and a
    # custom field as Python's str() of its dict. Image fields are left alone.
    expected_c2 = {"text": "b", "custom": None} if HAS_CUSTOM_FIELD else {"text": "b"}
    assert models[1].fields == expected_c2
    if HAS_CUSTOM_FIELD:
        assert models[0].fields == {"text": "a", "custom": "{'a': 1, 'b': [1, 2]}"}
    # Nothing of that is stored.
    stored = raw_by_external_id(server, ds)
    assert stored["c1"]["fields"] == with_custom
    assert stored["c2"]["fields"] == {"text": "b"}


# ---- deletes ---------------------------------------------------------------------------------------


def test_records_are_deleted_with_their_responses_and_suggestions(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log(
        [
            rg.Record(
                id=f"r{i}",
                fields={"text": f"text {i}"},
                suggestions=[rg.Suggestion("label", "pos")],
                responses=[rg.Response("label", "neg", user_id=owner.me.id, status="submitted")],
            )
            for i in range(4)
        ]
    )
    records = list(ds.records)
    deleted = ds.records.delete([records[0], records[2]])
    assert ids(deleted) == ["r0", "r2"]
    assert ids(ds.records) == ["r1", "r3"]
    assert [item["external_id"] for item in raw_records(server, ds)] == ["r1", "r3"]
    # Deleting records that are already gone is not an error.
    ds.records.delete([records[0]])
    assert ids(ds.records) == ["r1", "r3"]
    if DATASET_HAS_PROGRESS:
        # The users' progress is counted from the stored responses: those of the deleted records are gone.
        users = ds.progress(with_users_distribution=True)["users"]
        assert users == {
            owner.me.username: {"completed": {"submitted": 2, "draft": 0, "discarded": 0}, "pending": ZEROS}
        }


# ---- refusals --------------------------------------------------------------------------------------


def _record(**kw):
    kw.setdefault("fields", {"text": "t"})
    return rg.Record(**kw)


REFUSED_RECORDS = {
    "unknown metadata property": (
        lambda me: _record(metadata={"nope": 1}),
        "metadata is not valid: 'nope' metadata property does not exists for dataset '{ds}' and extra metadata is "
        "not allowed for this dataset",
    ),
    "term not among the options": (
        lambda me: _record(metadata={"genre": "poetry"}),
        "metadata is not valid: 'genre' metadata property validation failed because 'poetry' is not an allowed term.",
    ),
    "integer below the minimum": (
        lambda me: _record(metadata={"year": 1}),
        "metadata is not valid: 'year' metadata property validation failed because '1' is less than the minimum "
        "value of '1800'.",
    ),
    "integer given to a float property": (
        lambda me: _record(metadata={"score": 1}),
        "metadata is not valid: 'score' metadata property validation failed because '1' is not a float.",
    ),
    "vector of the wrong dimension": (
        lambda me: _record(vectors={"emb": [0.1, 0.2]}),
        "record does not have valid vectors: vector value for vector name=emb must have 3 elements, got 2 elements",
    ),
    "unknown vector": (
        lambda me: _record(vectors={"nope": [0.1]}),
        "record does not have valid vectors: vector with name=nope does not exist for dataset_id={ds}",
    ),
    "label not among the labels": (
        lambda me: _record(suggestions=[rg.Suggestion("label", "maybe")]),
        "record does not have valid suggestions: 'maybe' is not a valid label for label selection question.\n"
        "Valid labels are: ['pos', 'neg']",
    ),
    "rating not among the values": (
        lambda me: _record(responses=[rg.Response("rating", 7, user_id=me, status="draft")]),
        "record does not have valid responses: 7 is not a valid rating for rating question.\n"
        "Valid ratings are: [1, 2, 3, 4, 5]",
    ),
    "submitted response without the required question": (
        lambda me: _record(responses=[rg.Response("rating", 3, user_id=me, status="submitted")]),
        "record does not have valid responses: missing response value for required question with name='label'",
    ),
    "response of an unknown user": (
        lambda me: _record(
            responses=[rg.Response("label", "pos", user_id=uuid.UUID(int=0xBADC0DE), status="submitted")]
        ),
        "record does not have valid responses: user with id 00000000-0000-0000-0000-00000badc0de not found",
    ),
    "no fields": (lambda me: rg.Record(id="x", fields={}, metadata={"year": 1950}), "fields cannot be empty"),
}


@pytest.mark.parametrize("case", list(REFUSED_RECORDS))
def test_an_invalid_record_is_refused_and_nothing_is_stored(server, owner, make, case):
    build, reason = REFUSED_RECORDS[case]
    ds = make.dataset(settings=records_settings())
    with pytest.raises(UnprocessableEntityError) as info:
        ds.records.log([build(owner.me.id)])
    unprocessable(info.value, invalid_record(0, reason.format(ds=ds.id)))
    assert raw_records(server, ds) == []


def test_unknown_metadata_is_stored_when_the_dataset_allows_extra_metadata(server, owner, make):
    ds = make.dataset(settings=records_settings(allow_extra_metadata=True))
    metadata = {"nope": 1, "words": ["a", "b"], "genre": "news"}
    if METADATA_TAKES_ANY_VALUE:
        metadata["nested"] = {"a": [1, 2]}
    ds.records.log([rg.Record(id="r", fields={"text": "t"}, metadata=metadata)])
    [record] = list(ds.records)
    assert dict(record.metadata) == metadata
    assert raw_records(server, ds)[0]["metadata"] == metadata


def test_a_missing_required_field_is_named_and_the_whole_batch_is_refused(server, owner, make):
    settings = rg.Settings(
        fields=[rg.TextField(name="text"), rg.TextField(name="title")],
        questions=[rg.LabelQuestion(name="label", labels=["pos", "neg"])],
    )
    ds = make.dataset(settings=settings)
    with pytest.raises(UnprocessableEntityError) as info:
        ds.records.log([{"text": "complete", "title": "ok"}, {"text": "no title"}])
    unprocessable(info.value, invalid_record(1, "missing required value for field: 'title'"))
    assert raw_records(server, ds) == []


def test_the_sdk_logs_into_a_draft_dataset_but_a_bulk_create_is_refused_there(server, owner, make):
    ws = make.workspace()
    r = server.http("POST", "/api/v1/datasets", json={"name": "draft-ds", "workspace_id": str(ws.id)})
    assert r.status_code == 201, r.text
    ds_id = r.json()["id"]
    make.track_dataset(ds_id)
    r = server.http(
        "POST", f"/api/v1/datasets/{ds_id}/fields", json={"name": "text", "title": "Text", "settings": {"type": "text"}}
    )
    assert r.status_code == 201, r.text
    draft = owner.datasets(id=ds_id).get()
    assert server.http("GET", f"/api/v1/datasets/{ds_id}").json()["status"] == "draft"
    # The upsert (PUT records/bulk, what log() sends) has no "published" check.
    draft.records.log([{"id": "d1", "text": "into a draft"}])
    assert ids(draft.records) == ["d1"]
    # The create (POST records/bulk) has one.
    with pytest.raises(UnprocessableEntityError) as info:
        owner.api.records.bulk_create(dataset_id=draft.id, records=[RecordModel(fields={"text": "created"})])
    unprocessable(info.value, "records cannot be created for a non published dataset")
    published = make.dataset(settings=records_settings())
    created = owner.api.records.bulk_create(
        dataset_id=published.id, records=[RecordModel(external_id="c1", fields={"text": "created"})]
    )
    assert [m.external_id for m in created] == ["c1"]
    assert ids(published.records) == ["c1"]


def test_the_deprecated_create_many_and_update_many_are_refused_with_405(server, owner, make):
    ds = make.dataset(settings=records_settings())
    for call in (owner.api.records.create_many, owner.api.records.update_many):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if not BASE_ERROR_HAS_MESSAGE:
                # 2.0.0's base ArgillaAPIError has no message: the SDK's error handler fails while raising it.
                with pytest.raises(AttributeError):
                    call(ds.id, [])
                continue
            with pytest.raises(ArgillaAPIError) as info:
                call(ds.id, [])
        assert_api_error(info.value, ArgillaAPIError, 405, {"detail": "Method Not Allowed"})


def test_a_single_record_is_fetched_by_id_with_its_vectors(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": "plain", "text": "no vector", "label": "pos"}, {"id": "vec", "text": "t", "emb": [1, 2, 3]}])
    plain, vec = list(ds.records)
    model = owner.api.records.get(plain._server_id)
    assert (model.id, model.external_id, model.fields) == (plain._server_id, "plain", {"text": "no vector"})
    assert [s.value for s in model.suggestions] == ["pos"]
    if E2E_URL:
        # The real server fails to load a record's vectors on this route (SQLAlchemy MissingGreenlet): 500.
        with pytest.raises(InternalServerError) as info:
            owner.api.records.get(vec._server_id)
        assert type(info.value) is InternalServerError
        body = info.value.__context__.response.json()
        assert body["detail"]["code"] == "argilla.api.errors::GenericServerError"
        assert body["detail"]["params"]["type"] == "sqlalchemy.exc.MissingGreenlet"
    else:
        # The mock answers what that route means (docs/differences.md).
        model = owner.api.records.get(vec._server_id)
        assert model.external_id == "vec"
        assert [(v.name, v.vector_values) for v in model.vectors] == [("emb", [1.0, 2.0, 3.0])]


# ---- roles -----------------------------------------------------------------------------------------


def test_an_annotator_member_may_respond_but_not_log_or_list_records(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws, settings=records_settings())
    ds.records.log([{"id": "r1", "text": "to annotate"}])
    [record] = list(ds.records)
    annotator = make.user(role="annotator")
    ws.add_user(annotator)
    client = make.login(annotator)
    mine = client.datasets(ds.name, workspace=ws.name)

    with pytest.raises(ForbiddenError) as info:
        mine.records.log([{"id": "r2", "text": "not allowed"}])
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    # Listing (GET /datasets/{id}/records) and the SDK's search route are for owners and admins only.
    with pytest.raises(ForbiddenError):
        list(mine.records)
    with pytest.raises(ForbiddenError):
        list(mine.records(query=rg.Query(filter=rg.Filter(("metadata.genre", "==", "news")))))
    # A single record (without vectors) may be read, and answered.
    assert client.api.records.get(record._server_id).external_id == "r1"
    client.api.records.create_record_response(
        record_id=record._server_id,
        user_response=UserResponseModel(values={"label": {"value": "pos"}}, status="submitted", user_id=annotator.id),
    )
    [answered] = list(ds.records)
    assert response_summary(answered) == [("label", "pos", str(annotator.id), "submitted")]
    assert answered.status == "completed"
    assert ids(ds.records) == ["r1"]


def test_an_admin_logs_records_only_in_a_workspace_of_theirs(server, owner, make):
    ws = make.workspace()
    ds = make.dataset(workspace=ws, settings=records_settings())
    member, outsider = make.user(role="admin"), make.user(role="admin")
    ws.add_user(member)
    as_member = make.login(member).datasets(ds.name, workspace=ws.name)
    as_member.records.log([{"id": "by-admin", "text": "t", "label": "pos"}])
    assert ids(as_member.records) == ["by-admin"]
    # An admin of another workspace may not upsert into it.
    as_outsider = make.login(outsider)
    with pytest.raises(ForbiddenError) as info:
        as_outsider.api.records.bulk_upsert(
            dataset_id=ds.id, records=[RecordModel(external_id="x", fields={"text": "t"})]
        )
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert [item["external_id"] for item in raw_records(server, ds)] == ["by-admin"]


# ---- progress (the users part comes from the database; counts are checked in section B) -------------


@pytest.mark.skipif(not DATASET_HAS_PROGRESS, reason="dataset.progress() came in 2.2.0")
def test_progress_lists_the_response_distribution_of_every_user(server, owner, make):
    ds = make.dataset(settings=records_settings())
    me, other = owner.me, make.user()
    ds.records.log(
        [
            rg.Record(fields={"text": "a"}, responses=[rg.Response("label", "pos", me.id, "submitted")]),
            rg.Record(fields={"text": "b"}, responses=[rg.Response("label", "neg", other.id, "draft")]),
            rg.Record(fields={"text": "c"}, responses=[rg.Response("label", "neg", other.id, "discarded")]),
            rg.Record(fields={"text": "d"}),
        ]
    )
    progress = ds.progress()
    assert set(progress) == {"total", "completed", "pending"}
    assert all(isinstance(v, int) for v in progress.values())
    with_users = ds.progress(with_users_distribution=True)
    assert set(with_users) == {"total", "completed", "pending", "users"}
    assert with_users["users"] == {
        me.username: {"completed": {"submitted": 1, "draft": 0, "discarded": 0}, "pending": ZEROS},
        other.username: {"completed": ZEROS, "pending": {"submitted": 0, "draft": 1, "discarded": 1}},
    }


# ---- searches the server refuses before asking its engine -----------------------------------------


def test_a_filter_with_an_unknown_operator_fails_in_the_sdk(server, owner, make):
    ds = make.dataset(settings=records_settings())
    with pytest.raises(ValueError, match="Unknown operator: >"):
        list(ds.records(query=rg.Query(filter=rg.Filter(("metadata.year", ">", 1)))))


def test_a_filter_on_an_unknown_metadata_property_or_question_is_refused(server, owner, make):
    ds = make.dataset(settings=records_settings())
    cases = [
        (("metadata.nope", "==", "x"), f"MetadataProperty not found filtering by name=nope, dataset_id={ds.id}"),
        (("nope.suggestion", "==", "x"), f"Question not found filtering by name=nope, dataset_id={ds.id}"),
        (("nope.response", "==", "x"), f"Question not found filtering by name=nope, dataset_id={ds.id}"),
    ]
    if HAS_SUGGESTION_AGENT_TYPE_FILTERS:
        cases.append((("nope.agent", "==", "x"), f"Question not found filtering by name=nope, dataset_id={ds.id}"))
    else:
        # Before 2.3.0 `label.agent` is not understood: it becomes a suggestion filter on a question named so.
        cases.append(
            (("label.agent", "==", "x"), f"Question not found filtering by name=label.agent, dataset_id={ds.id}")
        )
    for condition, detail in cases:
        with pytest.raises(UnprocessableEntityError) as info:
            list(ds.records(query=rg.Query(filter=rg.Filter(condition))))
        unprocessable(info.value, detail)


@pytest.mark.skipif(not HAS_SIMILAR, reason="rg.Similar came in 2.3.0")
def test_a_similarity_search_on_an_unknown_vector_or_a_record_without_one_is_refused(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": "novec", "text": "no vector"}])
    [record] = list(ds.records)
    with pytest.raises(UnprocessableEntityError) as info:
        list(ds.records(query=rg.Query(similar=rg.Similar(name="nope", value=[1.0, 0.0, 0.0]))))
    unprocessable(info.value, f"Vector `nope` not found in dataset `{ds.id}`.")
    with pytest.raises(UnprocessableEntityError) as info:
        list(ds.records(query=rg.Query(similar=rg.Similar(name="emb", value=record))))
    assert_api_error(
        info.value,
        UnprocessableEntityError,
        422,
        {
            "code": "missing_vector",
            "message": f"Record `{record._server_id}` does not have a vector for vector settings `emb`",
        },
    )


def test_a_number_as_a_terms_filter_value_is_sent_from_2_3_and_fails_locally_before(server, owner, make):
    ds = make.dataset(settings=records_settings())
    query = rg.Query(filter=rg.Filter(("metadata.year", "==", 1950)))
    if TERMS_FILTER_TAKES_NUMBERS:
        # Sent as a number, accepted by the server (which coerces terms values to strings): no hits here.
        assert query.api_model().model_dump(by_alias=True)["filters"]["and"][0]["values"] == [1950]
        assert list(ds.records(query=query)) == []
    else:
        with pytest.raises(ValidationError):
            list(ds.records(query=query))


# =====================================================================================================
# Section B: search, filters, similarity and counts (needs a real search engine; skipped where STUB_SEARCH)
# =====================================================================================================
#
# search_dataset() logs five records in one bulk (so their inserted_at grow in this order):
#
# | id | text                                          | title       | genre   | year | score | emb          |
# |----|-----------------------------------------------|-------------|---------|------|-------|--------------|
# | a  | The quick brown fox jumps over the lazy dog   | Quick       | fiction | 1950 | 0.25  | [1, 0, 0]    |
# | b  | A fox in the henhouse                         | Farm        | news    | 1990 | 0.5   | [0.8, 0.6, 0]|
# | c  | Lazy afternoons in the sun                    | Fox weather | blog    | 2010 | 0.75  | [0.6, 0.8, 0]|
# | d  | Nothing to see here                           | Empty       | -       | 2020 | -     | [0, 1, 0]    |
# | e  | Dog days of summer                            | Dogs        | news    | 1900 | 1.0   | [-1, 0, 0]   |
#
# suggestions: a label=pos (0.9, model-a, model), tags=[x, y], rating=2; b label=neg (0.3, model-b, human),
# tags=[z], rating=4; c label=pos (0.6, model-a, model); e label=neg (0.5, no agent/type); d none.
# responses: a owner submitted (label=pos, rating=5); b other discarded (label=neg); c owner draft
# (label=neg); e other submitted (label=neg); d none. So a and e are completed, b, c, d pending.
# Cosine similarity to [1, 0, 0]: a 1, b 0.8, c 0.6, d 0, e -1; Elasticsearch scores (1 + cos) / 2.


def search_dataset(make, owner):
    settings = rg.Settings(
        fields=[rg.TextField(name="text"), rg.TextField(name="title")],
        questions=[
            rg.LabelQuestion(name="label", labels=["pos", "neg"]),
            rg.MultiLabelQuestion(name="tags", labels=["x", "y", "z"], required=False),
            rg.RatingQuestion(name="rating", values=[1, 2, 3, 4, 5], required=False),
        ],
        metadata=[
            rg.TermsMetadataProperty(name="genre", options=["fiction", "news", "blog"]),
            rg.IntegerMetadataProperty(name="year", min=1800, max=2100),
            rg.FloatMetadataProperty(name="score", min=0.0, max=1.0),
        ],
        vectors=[rg.VectorField(name="emb", dimensions=3)],
    )
    ds = make.dataset(settings=settings)
    me, other = owner.me, make.user()
    S, R = rg.Suggestion, rg.Response
    ds.records.log(
        [
            rg.Record(
                id="a",
                fields={"text": "The quick brown fox jumps over the lazy dog", "title": "Quick"},
                metadata={"genre": "fiction", "year": 1950, "score": 0.25},
                vectors={"emb": [1.0, 0.0, 0.0]},
                suggestions=[
                    S("label", "pos", score=0.9, agent="model-a", type="model"),
                    S("tags", ["x", "y"]),
                    S("rating", 2),
                ],
                responses=[R("label", "pos", me.id, "submitted"), R("rating", 5, me.id, "submitted")],
            ),
            rg.Record(
                id="b",
                fields={"text": "A fox in the henhouse", "title": "Farm"},
                metadata={"genre": "news", "year": 1990, "score": 0.5},
                vectors={"emb": [0.8, 0.6, 0.0]},
                suggestions=[
                    S("label", "neg", score=0.3, agent="model-b", type="human"),
                    S("tags", ["z"]),
                    S("rating", 4),
                ],
                responses=[R("label", "neg", other.id, "discarded")],
            ),
            rg.Record(
                id="c",
                fields={"text": "Lazy afternoons in the sun", "title": "Fox weather"},
                metadata={"genre": "blog", "year": 2010, "score": 0.75},
                vectors={"emb": [0.6, 0.8, 0.0]},
                suggestions=[S("label", "pos", score=0.6, agent="model-a", type="model")],
                responses=[R("label", "neg", me.id, "draft")],
            ),
            rg.Record(
                id="d",
                fields={"text": "Nothing to see here", "title": "Empty"},
                metadata={"year": 2020},
                vectors={"emb": [0.0, 1.0, 0.0]},
            ),
            rg.Record(
                id="e",
                fields={"text": "Dog days of summer", "title": "Dogs"},
                metadata={"genre": "news", "year": 1900, "score": 1.0},
                vectors={"emb": [-1.0, 0.0, 0.0]},
                suggestions=[S("label", "neg", score=0.5)],
                responses=[R("label", "neg", other.id, "submitted")],
            ),
        ]
    )
    return ds, other


def found(ds, *conditions, query=None, **kw):
    """The sorted external ids a search with these filter conditions (and text query) finds."""
    search = rg.Query(query=query, filter=rg.Filter(list(conditions)) if conditions else None)
    return sorted(ids(ds.records(query=search, **kw)))


def similar(ds, similar_query, **kw):
    """(external id, score) of a similarity search, in the order found; the score is None before 2.7.0."""
    out = []
    for item in ds.records(query=similar_query, **kw):
        record, score = item if SIMILAR_YIELDS_SCORES else (item, None)
        out.append((record.id, score))
    return out


def assert_similar(got, expected):
    assert [i for i, _ in got] == [i for i, _ in expected], got
    if SIMILAR_YIELDS_SCORES:
        assert [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-4), got


@needs_real_search
def test_a_text_query_needs_every_term_in_some_field(server, owner, make):
    ds, _ = search_dataset(make, owner)
    assert found(ds, query="fox") == ["a", "b", "c"]  # c only in its title
    assert sorted(ids(ds.records(query="fox"))) == ["a", "b", "c"]  # a plain string is a text query
    assert found(ds, query="FOX") == ["a", "b", "c"]  # the standard analyzer lower-cases
    # AND of the terms, each in any field: c has "fox" in its title and "lazy" in its text.
    assert found(ds, query="fox lazy") == ["a", "c"]
    assert found(ds, query="fox -lazy") == ["b"]
    assert found(ds, query='"brown fox"') == ["a"]
    assert found(ds, query='"fox brown"') == []
    assert found(ds, query="hen*") == ["b"]
    assert found(ds, query="fox | dogs") == ["a", "b", "c", "e"]
    # No stemming: "dog" is not "dogs".
    assert found(ds, query="dog") == ["a", "e"]
    assert found(ds, query="dogs") == ["e"]
    assert found(ds, query="unicorn") == []


@needs_real_search
def test_a_text_query_on_one_field_searches_only_that_field(server, owner, make):
    ds, _ = search_dataset(make, owner)

    def on_field(q, field):
        query = SearchQueryModel(query=QueryModel(text=TextQueryModel(q=q, field=field)))
        items, total = owner.api.records.search(dataset_id=ds.id, query=query, limit=50)
        return sorted(model.external_id for model, _ in items), total

    assert on_field("fox", "title") == (["c"], 1)
    assert on_field("fox", "text") == (["a", "b"], 2)


@needs_real_search
def test_metadata_filters_match_exact_terms_and_inclusive_ranges(server, owner, make):
    ds, _ = search_dataset(make, owner)
    assert found(ds, ("metadata.genre", "==", "fiction")) == ["a"]
    assert found(ds, ("metadata.genre", "==", "Fiction")) == []  # keywords are case-sensitive
    assert found(ds, ("metadata.genre", "in", ["news", "blog"])) == ["b", "c", "e"]
    assert found(ds, ("metadata.year", ">=", 1990)) == ["b", "c", "d"]
    assert found(ds, ("metadata.year", "<=", 1950)) == ["a", "e"]
    assert found(ds, ("metadata.year", ">=", 1950), ("metadata.year", "<=", 2010)) == ["a", "b", "c"]
    assert found(ds, ("metadata.score", ">=", 0.5)) == ["b", "c", "e"]
    assert found(ds, ("metadata.score", "<=", 0.5)) == ["a", "b"]
    if TERMS_FILTER_TAKES_NUMBERS:
        assert found(ds, ("metadata.year", "==", 1950)) == ["a"]
        assert found(ds, ("metadata.year", "in", [1900, 2020])) == ["d", "e"]


@needs_real_search
def test_suggestion_filters_match_value_score_agent_and_type(server, owner, make):
    ds, _ = search_dataset(make, owner)
    assert found(ds, ("label.suggestion", "==", "pos")) == ["a", "c"]
    assert found(ds, ("label", "in", ["neg"])) == ["b", "e"]  # a bare question name filters suggestions
    assert found(ds, ("tags.suggestion", "==", "y")) == ["a"]  # any label of a multi-label value
    assert found(ds, ("tags.suggestion", "in", ["x", "z"])) == ["a", "b"]
    assert found(ds, ("rating.suggestion", ">=", 3)) == ["b"]
    assert found(ds, ("label.score", ">=", 0.5)) == ["a", "c", "e"]
    assert found(ds, ("label.score", "<=", 0.5)) == ["b", "e"]
    if HAS_SUGGESTION_AGENT_TYPE_FILTERS:
        assert found(ds, ("label.agent", "==", "model-a")) == ["a", "c"]
        assert found(ds, ("label.type", "==", "human")) == ["b"]
        assert found(ds, ("label.type", "in", ["model", "human"])) == ["a", "b", "c"]


@needs_real_search
def test_response_filters_match_values_of_any_user_and_pending_means_no_response(server, owner, make):
    ds, _ = search_dataset(make, owner)
    # Values of draft and discarded responses count too.
    assert found(ds, ("label.response", "==", "neg")) == ["b", "c", "e"]
    assert found(ds, ("label.response", "==", "pos")) == ["a"]
    assert found(ds, ("rating.response", ">=", 4)) == ["a"]
    assert found(ds, ("response.status", "==", "submitted")) == ["a", "e"]
    assert found(ds, ("response.status", "==", "discarded")) == ["b"]
    assert found(ds, ("response.status", "==", "draft")) == ["c"]
    assert found(ds, ("response.status", "==", "pending")) == ["d"]
    assert found(ds, ("response.status", "in", ["pending", "discarded"])) == ["b", "d"]


@needs_real_search
def test_record_status_filters_follow_the_submitted_responses(server, owner, make):
    ds, _ = search_dataset(make, owner)
    assert found(ds, ("status", "==", "completed")) == ["a", "e"]
    assert found(ds, ("status", "==", "pending")) == ["b", "c", "d"]
    assert found(ds, ("status", "==", "pending"), ("metadata.genre", "==", "news")) == ["b"]
    assert found(ds, ("metadata.genre", "==", "news"), query="fox") == ["b"]


@needs_real_search
@pytest.mark.skipif(not HAS_RECORD_FILTERS, reason="the id/_server_id/inserted_at filters came in 2.3.0")
def test_record_filters_on_external_id_server_id_and_insertion_time(server, owner, make):
    ds, _ = search_dataset(make, owner)
    records = {r.id: r for r in ds.records}
    assert found(ds, ("id", "==", "c")) == ["c"]
    assert found(ds, ("id", "in", ["a", "d", "nope"])) == ["a", "d"]
    assert found(ds, ("_server_id", "==", records["d"]._server_id)) == ["d"]
    inserted = {key: record._model.inserted_at for key, record in records.items()}
    assert isinstance(inserted["b"], datetime.datetime)
    # One bulk: every record was inserted after the one before it; the ranges are inclusive.
    assert found(ds, ("inserted_at", ">=", inserted["c"])) == ["c", "d", "e"]
    assert found(ds, ("inserted_at", "<=", inserted["b"])) == ["a", "b"]
    assert found(ds, ("inserted_at", ">=", inserted["b"]), ("inserted_at", "<=", inserted["d"])) == ["b", "c", "d"]
    assert found(ds, ("updated_at", "<=", "2100-01-01T00:00:00")) == ["a", "b", "c", "d", "e"]


@needs_real_search
def test_searches_page_through_every_match_once_and_report_the_total(server, owner, make):
    ds, _ = search_dataset(make, owner)
    everything = rg.Query(filter=rg.Filter(("metadata.year", ">=", 1800)))
    paged = ids(ds.records(query=everything, batch_size=2))
    assert sorted(paged) == ["a", "b", "c", "d", "e"]
    assert len(ids(ds.records(query=everything, start_offset=3))) == 2
    if RECORDS_TAKE_LIMIT:
        assert len(ids(ds.records(query=everything, limit=2))) == 2
        assert len(ids(ds.records(query="fox", limit=10))) == 3
    items, total = owner.api.records.search(dataset_id=ds.id, query=everything.api_model(), limit=2, offset=1)
    assert (len(items), total) == (2, 5)
    assert all(score is not None for _, score in items)


@needs_real_search
def test_search_results_carry_responses_suggestions_and_vectors_as_asked(server, owner, make):
    ds, other = search_dataset(make, owner)
    [a] = list(ds.records(query=rg.Query(filter=rg.Filter(("metadata.genre", "==", "fiction")))))
    assert suggestion_summary(a)["label"] == ("pos", 0.9, "model-a", "model")
    assert response_summary(a) == [
        ("label", "pos", str(owner.me.id), "submitted"),
        ("rating", 5, str(owner.me.id), "submitted"),
    ]
    [bare] = list(
        ds.records(
            query=rg.Query(filter=rg.Filter(("metadata.genre", "==", "fiction"))),
            with_suggestions=False,
            with_responses=False,
            with_vectors=True,
        )
    )
    assert list(bare.suggestions) == [] and len(bare.responses) == 0
    assert dict(bare.vectors) == ({"emb": [1.0, 0.0, 0.0]} if SEARCH_TAKES_VECTORS else {})


@needs_real_search
@pytest.mark.skipif(not HAS_SIMILAR, reason="rg.Similar came in 2.3.0")
def test_similarity_by_value_orders_by_cosine_both_ways(server, owner, make):
    ds, _ = search_dataset(make, owner)
    most = similar(ds, rg.Query(similar=rg.Similar(name="emb", value=[1.0, 0.0, 0.0])))
    assert_similar(most, [("a", 1.0), ("b", 0.9), ("c", 0.8), ("d", 0.5), ("e", 0.0)])
    # least_similar searches with the negated vector: the scores are those of [-1, 0, 0].
    least = similar(ds, rg.Query(similar=rg.Similar(name="emb", value=[1.0, 0.0, 0.0], most_similar=False)))
    assert_similar(least, [("e", 1.0), ("d", 0.5), ("c", 0.2), ("b", 0.1), ("a", 0.0)])
    # Cosine ignores the scale of the value (a and e tie after these three).
    if RECORDS_TAKE_LIMIT:
        assert_similar(
            similar(ds, rg.Query(similar=rg.Similar(name="emb", value=[0.0, 5.0, 0.0])), limit=3),
            [("d", 1.0), ("c", 0.9), ("b", 0.8)],
        )


@needs_real_search
@pytest.mark.skipif(not HAS_SIMILAR, reason="rg.Similar came in 2.3.0")
def test_similarity_by_record_leaves_the_record_out(server, owner, make):
    ds, _ = search_dataset(make, owner)
    a = next(r for r in ds.records if r.id == "a")
    assert_similar(
        similar(ds, rg.Query(similar=rg.Similar(name="emb", value=a))), [("b", 0.9), ("c", 0.8), ("d", 0.5), ("e", 0.0)]
    )
    assert_similar(
        similar(ds, rg.Query(similar=rg.Similar(name="emb", value=a, most_similar=False))),
        [("e", 1.0), ("d", 0.5), ("c", 0.2), ("b", 0.1)],
    )


@needs_real_search
@pytest.mark.skipif(not HAS_SIMILAR, reason="rg.Similar came in 2.3.0")
def test_similarity_combines_with_filters_text_and_limits(server, owner, make):
    ds, _ = search_dataset(make, owner)
    near_x = rg.Similar(name="emb", value=[1.0, 0.0, 0.0])
    assert_similar(
        similar(ds, rg.Query(similar=near_x, filter=rg.Filter(("metadata.genre", "==", "news")))),
        [("b", 0.9), ("e", 0.0)],
    )
    assert_similar(similar(ds, rg.Query(similar=near_x, query="fox")), [("a", 1.0), ("b", 0.9), ("c", 0.8)])
    assert_similar(similar(ds, rg.Query(similar=near_x), limit=2), [("a", 1.0), ("b", 0.9)])
    assert_similar(similar(ds, rg.Query(similar=near_x), start_offset=1, limit=2), [("b", 0.9), ("c", 0.8)])
    # The total of a similarity search is the number of nearest neighbours found (k = offset + limit).
    query = rg.Query(similar=near_x).api_model()
    items, total = owner.api.records.search(dataset_id=ds.id, query=query, limit=2)
    assert ([m.external_id for m, _ in items], total) == (["a", "b"], 2)
    items, total = owner.api.records.search(dataset_id=ds.id, query=query, limit=2, offset=4)
    assert ([m.external_id for m, _ in items], total) == (["e"], 5)


@needs_real_search
@pytest.mark.skipif(not DATASET_HAS_PROGRESS, reason="dataset.progress() came in 2.2.0")
def test_progress_counts_completed_and_pending_records(server, owner, make):
    ds, other = search_dataset(make, owner)
    assert ds.progress() == {"total": 5, "completed": 2, "pending": 3}
    assert ds.progress(with_users_distribution=True) == {
        "total": 5,
        "completed": 2,
        "pending": 3,
        "users": {
            owner.me.username: {
                "completed": {"submitted": 1, "draft": 0, "discarded": 0},
                "pending": {"submitted": 0, "draft": 1, "discarded": 0},
            },
            other.username: {
                "completed": {"submitted": 1, "draft": 0, "discarded": 0},
                "pending": {"submitted": 0, "draft": 0, "discarded": 1},
            },
        },
    }
    ds.records.delete([r for r in ds.records if r.id in ("a", "d")])
    assert ds.progress() == {"total": 3, "completed": 1, "pending": 2}


@needs_real_search
def test_metadata_metrics_count_terms_and_bound_numbers(server, owner, make):
    """The SDK has no call for these: GET /metadata-properties/{id}/metrics through its HTTP client."""
    ds, _ = search_dataset(make, owner)
    http = owner.api.http_client

    def metrics(name):
        r = http.get(f"/api/v1/metadata-properties/{ds.settings.metadata[name].id}/metrics")
        assert r.status_code == 200, r.text
        return r.json()

    # Terms: the number of values, then buckets by count (descending), ties by term.
    assert metrics("genre") == {
        "type": "terms",
        "total": 4,
        "values": [{"term": "news", "count": 2}, {"term": "blog", "count": 1}, {"term": "fiction", "count": 1}],
    }
    assert metrics("year") == {"type": "integer", "min": 1900, "max": 2020}
    assert metrics("score") == {"type": "float", "min": 0.25, "max": 1.0}


@needs_real_search
def test_response_filters_are_matched_independently_by_any_response(server, owner, make):
    # Each response filter is its own nested clause: two filters may be met by two different responses.
    ds = make.dataset(settings=records_settings())
    me, other = owner.me.id, make.user().id
    ds.records.log(
        [
            rg.Record(
                id="mixed",
                fields={"text": "t"},
                responses=[rg.Response("label", "pos", me, "submitted"), rg.Response("label", "neg", other, "draft")],
            ),
            rg.Record(id="neg", fields={"text": "t"}, responses=[rg.Response("label", "neg", me, "submitted")]),
        ]
    )
    assert found(ds, ("label.response", "==", "pos"), ("response.status", "==", "draft")) == ["mixed"]
    assert found(ds, ("label.response", "==", "neg"), ("response.status", "==", "submitted")) == ["mixed", "neg"]
    assert found(ds, ("response.status", "==", "draft")) == ["mixed"]
    assert found(ds, ("response.status", "==", "pending")) == []
    assert found(ds, ("status", "==", "completed")) == ["mixed", "neg"]


@needs_real_search
def test_text_matches_come_best_first(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log(
        [
            {"id": "long", "text": "a red fox walked slowly along the old stone wall near the quiet farm"},
            {"id": "none", "text": "nothing here"},
            {"id": "short", "text": "red fox"},
        ]
    )
    # Same term frequency: the shorter field scores higher (BM25 length normalisation).
    assert ids(ds.records(query="fox")) == ["short", "long"]
    items, total = owner.api.records.search(dataset_id=ds.id, query=rg.Query(query="fox").api_model(), limit=10)
    assert ([m.external_id for m, _ in items], total) == (["short", "long"], 2)
    assert items[0][1] > items[1][1] > 0


@needs_real_search
@pytest.mark.skipif(not (HAS_CHAT_FIELD and HAS_CUSTOM_FIELD), reason="chat fields came in 2.2.0, custom in 2.3.0")
def test_a_text_query_reaches_chat_and_custom_fields_but_not_images(server, owner, make):
    fields = [
        rg.TextField(name="text"),
        rg.ImageField(name="image", required=False),
        rg.ChatField(name="chat", required=False),
        rg.CustomField(name="custom", template=CUSTOM_TEMPLATE, required=False),
    ]
    ds = make.dataset(
        settings=rg.Settings(fields=fields, questions=[rg.LabelQuestion(name="label", labels=["pos", "neg"])])
    )
    ds.records.log(
        [
            rg.Record(id="image", fields={"text": "one", "image": "https://example.com/zebra.png"}),
            rg.Record(
                id="chat", fields={"text": "two", "chat": [{"role": "user", "content": "Tell me about giraffes"}]}
            ),
            rg.Record(id="custom", fields={"text": "three", "custom": {"animal": "zebra"}}),
        ]
    )
    # Image fields are not indexed; a custom field is indexed as the text of its dict.
    assert found(ds, query="zebra") == ["custom"]
    assert found(ds, query="giraffes") == ["chat"]
    assert found(ds, query="two") == ["chat"]


@needs_real_search
def test_searches_see_updates_new_responses_and_deletes_at_once(server, owner, make):
    ds = make.dataset(settings=records_settings())
    ds.records.log([{"id": "r1", "text": "first", "genre": "news"}, {"id": "r2", "text": "second", "genre": "news"}])
    assert found(ds, ("metadata.genre", "==", "news")) == ["r1", "r2"]

    ds.records.log([{"id": "r1", "text": "first edited", "genre": "blog"}])
    assert found(ds, ("metadata.genre", "==", "news")) == ["r2"]
    assert found(ds, ("metadata.genre", "==", "blog")) == ["r1"]
    assert found(ds, query="edited") == ["r1"]
    assert found(ds, query="first") == ["r1"]

    [r2] = [r for r in ds.records if r.id == "r2"]
    owner.api.records.create_record_response(
        record_id=r2._server_id,
        user_response=UserResponseModel(values={"label": {"value": "pos"}}, status="submitted", user_id=owner.me.id),
    )
    assert found(ds, ("status", "==", "completed")) == ["r2"]
    assert found(ds, ("label.response", "==", "pos")) == ["r2"]
    assert found(ds, ("response.status", "==", "pending")) == ["r1"]

    ds.records.delete([r2])
    assert found(ds, ("metadata.genre", "in", ["news", "blog"])) == ["r1"]
    assert found(ds, ("status", "==", "completed")) == []
