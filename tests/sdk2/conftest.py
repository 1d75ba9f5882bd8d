"""End-to-end tests of the real Argilla 2.x SDK (`argilla` 2.0.0 .. 2.8.0) against a users/workspaces server.

How to run (from the repository root):

    # a venv with the SDK under test (the 2.x SDK imports `requests` without declaring it)
    python3 -m venv /tmp/venv-argilla-2.8.0
    /tmp/venv-argilla-2.8.0/bin/pip install -c tests/sdk2/constraints-2.8.0.txt argilla==2.8.0 requests pytest
    #   oldest 2.x that installs here: -c tests/sdk2/constraints-2.0.0.txt argilla==2.0.0

    # against argilla-mock (one fresh binary per test, started with `--port 0` plus $ARGILLA_MOCK_ARGS)
    ARGILLA_MOCK_BIN=target/debug/argilla-mock /tmp/venv-argilla-2.8.0/bin/python -m pytest tests/sdk2 -q
    ARGILLA_MOCK_ARGS="--argilla-version 2.8.0" ARGILLA_MOCK_BIN=... python -m pytest tests/sdk2 -q

    # against the real argilla-server 2.8.0 (fault-injection tests are skipped there)
    bash ../shared/oracle/start-real-argilla-2.sh 6901
    ARGILLA_E2E_URL=http://127.0.0.1:6901 /tmp/venv-argilla-2.8.0/bin/python -m pytest tests/sdk2 -q
    bash ../shared/oracle/stop-real-argilla.sh 6901

The default owner is `argilla` / key `argilla.apikey` (ARGILLA_E2E_KEY overrides the key). A real server
is shared by all tests: every test makes its own uniquely named users and workspaces (uuid suffixes) and
removes them afterwards, so tests do not depend on each other or on their order.

The SDK changed between 2.0.0 and 2.8.0 in ways that reach these tests; the flags below say where (read
from the published wheels of every 2.x release), and the tests assert what each version really does.
"""

import json
import os
import shlex
import subprocess
import uuid

import httpx
import pytest
from packaging.version import Version

import argilla as rg
from argilla._exceptions import ArgillaAPIError

OWNER_KEY = os.environ.get("ARGILLA_E2E_KEY", "argilla.apikey")
OWNER_NAME = "argilla"
PASSWORD = "12345678"

SDK_VERSION = Version(rg.__version__)
# 2.0.1: `rg.Argilla(...)` sends GET /api/v1/me at once and turns a 401 into ArgillaCredentialsError;
# 2.0.0 sends nothing until the first call.
CHECKS_CREDENTIALS_AT_INIT = SDK_VERSION >= Version("2.0.1")
# 2.0.1: the API errors carry the response's status; in 2.0.0 `status_code` is always the default 500.
EXCEPTIONS_CARRY_STATUS = SDK_VERSION >= Version("2.0.1")
# 2.0.1: the base ArgillaAPIError (any status without its own class, e.g. 405, 503) got a `message`;
# in 2.0.0 such a status makes the SDK's error handler itself fail with AttributeError.
BASE_ERROR_HAS_MESSAGE = SDK_VERSION >= Version("2.0.1")
# 2.6.0: `user.update()` sends PATCH /api/v1/users/{id}; before, UsersAPI had no update and the base
# ResourceAPI.update returned the model unchanged: a local no-op that sends nothing.
USER_UPDATE_SENDS_PATCH = SDK_VERSION >= Version("2.6.0")
# 2.7.0: `Workspace.create()` sends the whole model (so a given id is honoured); before, only the name.
WORKSPACE_CREATE_SENDS_ID = SDK_VERSION >= Version("2.7.0")
# 2.2.0: `rg.Argilla(..., retries=N)` sets the transport's retries; before, the keyword went on to
# httpx.Client, which refuses it (TypeError), and httpx's default of no retries applied.
CLIENT_TAKES_RETRIES = SDK_VERSION >= Version("2.2.0")
# No 2.x release up to 2.8.0 has `User.workspaces` (checked in every wheel).
USER_HAS_WORKSPACES = hasattr(rg.User, "workspaces")

# Datasets and settings (read from the wheels of 2.0.0, 2.0.1, 2.1.0, 2.2.0, 2.2.2, 2.3.0 ... 2.8.0):
# 2.0.0 has only rg.TextField; rg.ImageField came in 2.1.0, rg.ChatField in 2.2.0, rg.CustomField in 2.3.0.
HAS_IMAGE_FIELD = SDK_VERSION >= Version("2.1.0")
HAS_CHAT_FIELD = SDK_VERSION >= Version("2.2.0")
HAS_CUSTOM_FIELD = SDK_VERSION >= Version("2.3.0")
# 2.0.1: `rg.TextField(required=False)` is sent as optional; 2.0.0 builds it with `required or True`,
# so every text field is created required.
TEXT_FIELD_CAN_BE_OPTIONAL = SDK_VERSION >= Version("2.0.1")
# 2.0.1: rg.IntegerMetadataProperty / rg.FloatMetadataProperty take `visible_for_annotators=`; in 2.0.0 only
# rg.TermsMetadataProperty does (the others have the property setter only).
NUMERIC_METADATA_TAKES_VISIBILITY = SDK_VERSION >= Version("2.0.1")
# 2.2.0: `dataset.progress(with_users_distribution=...)` (GET /datasets/{id}/progress, /users/progress).
DATASET_HAS_PROGRESS = SDK_VERSION >= Version("2.2.0")
# 2.3.0: a 403 on POST /datasets is re-raised as a ForbiddenError that names the user, role and workspace
# (the server's ForbiddenError as its cause); before, the server's ForbiddenError itself.
DATASET_CREATE_EXPLAINS_FORBIDDEN = SDK_VERSION >= Version("2.3.0")
# 2.5.0: `settings.update()` (via dataset.update()) PATCHes/POSTs the questions (twice) and deletes the
# properties removed with `settings.<kind>.remove(...)`; before, questions were never sent by update()
# (a changed or added question stays local, silently) and there was no remove().
SETTINGS_UPDATE_SENDS_QUESTIONS = SDK_VERSION >= Version("2.5.0")
SETTINGS_CAN_REMOVE = SDK_VERSION >= Version("2.5.0")
# 2.5.0: a question the server refuses while the dataset is created is reported like any other property,
# "Failed to create property 'q': <the API error's message>"; before, "Failed to create question q".
QUESTION_CREATE_ERROR_NAMES_PROPERTY = SDK_VERSION >= Version("2.5.0")
# 2.6.0: iterating `client.datasets` and `client.datasets[i]` fetch each dataset's settings (dataset.get());
# 2.8.0: so does `client.datasets.list()` (it became list(self)). Before, those datasets carry an empty
# local Settings (the SDK's defaults).
ITERATED_DATASETS_HAVE_SETTINGS = SDK_VERSION >= Version("2.6.0")
LISTED_DATASETS_HAVE_SETTINGS = SDK_VERSION >= Version("2.8.0")

# Records and search (read from the same wheels):
# 2.0.1: a dict key that names nothing in the dataset is dropped with a UserWarning; 2.0.0 drops it silently.
WARNS_ON_UNKNOWN_RECORD_KEYS = SDK_VERSION >= Version("2.0.1")
# 2.3.0: `ds.records(..., limit=N)`; rg.Similar; `rg.Query(filter=<tuple or list>)` without rg.Filter; the
# filter names `id` (external id), `_server_id`, `inserted_at`, `updated_at`, `<question>.agent` and
# `<question>.type`; numbers as terms values (2.0.0 declares terms values as strings, so 1950 fails locally);
# a fetched record keeps the server's whole model (inserted_at...), before only its id and status.
# Before, `id`/`label.agent`/... fall through to a suggestion filter on a question of that name.
RECORDS_TAKE_LIMIT = SDK_VERSION >= Version("2.3.0")
HAS_SIMILAR = SDK_VERSION >= Version("2.3.0")
HAS_RECORD_FILTERS = SDK_VERSION >= Version("2.3.0")
HAS_SUGGESTION_AGENT_TYPE_FILTERS = SDK_VERSION >= Version("2.3.0")
TERMS_FILTER_TAKES_NUMBERS = SDK_VERSION >= Version("2.3.0")
# 2.4.0: a record's metadata values may be anything JSON; before, only str, list of str, int, float or None
# (a dict value fails locally with a pydantic ValidationError).
METADATA_TAKES_ANY_VALUE = SDK_VERSION >= Version("2.4.0")
# 2.4.0: a search (query/filter/similar) honours `with_vectors`; before, search results never carry vectors.
SEARCH_TAKES_VECTORS = SDK_VERSION >= Version("2.4.0")
# 2.7.0: a similarity search yields (record, score) tuples; 2.3.0 .. 2.6.x yield the records alone.
SIMILAR_YIELDS_SCORES = SDK_VERSION >= Version("2.7.0")

E2E_URL = os.environ.get("ARGILLA_E2E_URL")
mock_only = pytest.mark.skipif(bool(E2E_URL), reason="fault injection needs argilla-mock's /__mock API")

# The real server behind ARGILLA_E2E_URL is normally the oracle with its stub search engine (every search
# answers no hits, progress/metrics are zeros): the search tests are skipped there unless
# ARGILLA_E2E_REAL_SEARCH=1 says that server has a real engine. ARGILLA_E2E_STUB_SEARCH=1 skips them anywhere.
STUB_SEARCH = bool(os.environ.get("ARGILLA_E2E_STUB_SEARCH")) or (
    bool(E2E_URL) and not os.environ.get("ARGILLA_E2E_REAL_SEARCH")
)


def needs_real_search(test):
    """Marks a test `search` (select with `-m search`) and skips it where STUB_SEARCH."""
    skip = pytest.mark.skipif(STUB_SEARCH, reason="the server's search engine is a stub (no hits, zero counts)")
    return pytest.mark.search(skip(test))


def pytest_configure(config):
    config.addinivalue_line("markers", "search: needs a server whose search engine really searches (see STUB_SEARCH)")


def unique(prefix):
    """A name no other test (or earlier run on a shared server) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Server:
    def __init__(self, url, key, proc=None):
        self.url, self.key, self.proc = url.rstrip("/"), key, proc

    def http(self, method, path, key=None, **kw):
        """A raw request, for setup/cleanup and for what the SDK hides (e.g. api keys)."""
        headers = {"X-Argilla-Api-Key": key or self.key}
        return httpx.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def add_fault(self, **rule):
        r = httpx.post(self.url + "/__mock/faults", json=rule, timeout=10)
        assert r.status_code in (200, 201), r.text
        return r.json()


def start_mock():
    binary = os.environ.get("ARGILLA_MOCK_BIN")
    if not binary:
        pytest.fail("set ARGILLA_MOCK_BIN to the argilla-mock binary, or ARGILLA_E2E_URL to a real server")
    args = shlex.split(os.environ.get("ARGILLA_MOCK_ARGS", ""))
    proc = subprocess.Popen(
        [binary, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    # The first two lines are printed once the server accepts connections: no polling needed.
    url_line = proc.stdout.readline().strip()
    key_line = proc.stdout.readline().strip()
    if not url_line.startswith("ARGILLA_API_URL="):
        proc.kill()
        pytest.fail(f"argilla-mock did not start: {url_line!r}")
    assert key_line == f"ARGILLA_API_KEY={OWNER_KEY}", key_line
    return Server(url_line.split("=", 1)[1], OWNER_KEY, proc)


@pytest.fixture
def server(monkeypatch):
    srv = Server(E2E_URL, OWNER_KEY) if E2E_URL else start_mock()
    # `rg.User(...)`/`rg.Workspace(...)` without client= fall back to a default client built from these
    # (and the SDK reads them at import time): point them at the server under test anyway.
    monkeypatch.setenv("ARGILLA_API_URL", srv.url)
    monkeypatch.setenv("ARGILLA_API_KEY", srv.key)
    yield srv
    if srv.proc is not None:
        srv.proc.terminate()
        srv.proc.wait(timeout=10)


@pytest.fixture
def owner(server):
    """The owner's client. Note: every rg.Argilla(...) becomes the SDK's default client, so the tests
    always pass client= explicitly instead of relying on it."""
    return rg.Argilla(api_url=server.url, api_key=server.key)


class Factory:
    """Users, workspaces and datasets made through the SDK as the owner, removed again after the test."""

    def __init__(self, server, owner):
        self.server, self.owner = server, owner
        self.user_ids, self.workspace_ids, self.dataset_ids = [], [], []

    def user(self, role="annotator", **kw):
        kw.setdefault("username", unique("u"))
        kw.setdefault("password", PASSWORD)
        user = rg.User(role=role, client=self.owner, **kw).create()
        self.user_ids.append(user.id)
        return user

    def workspace(self, **kw):
        kw.setdefault("name", unique("ws"))
        ws = rg.Workspace(client=self.owner, **kw).create()
        self.workspace_ids.append(ws.id)
        return ws

    def dataset(self, settings=None, workspace=None, client=None, **kw):
        """A dataset created (and so published) through the SDK; by default in a new workspace of its own,
        as the owner, with one text field and one label question."""
        kw.setdefault("name", unique("ds"))
        if workspace is None:
            workspace = self.workspace()
        if settings is None:
            settings = simple_settings()
        ds = rg.Dataset(workspace=workspace, settings=settings, client=client or self.owner, **kw)
        ds.create()
        self.dataset_ids.append(ds.id)
        return ds

    def track_dataset(self, dataset_id):
        self.dataset_ids.append(dataset_id)

    def track_user(self, user_id):
        self.user_ids.append(user_id)

    def track_workspace(self, ws_id):
        self.workspace_ids.append(ws_id)

    def api_key_of(self, user):
        """The user's API key: the SDK's UserModel drops `api_key`, so it comes from the raw answer."""
        r = self.server.http("GET", f"/api/v1/users/{user.id}")
        assert r.status_code == 200, r.text
        return r.json()["api_key"]

    def login(self, user):
        """A client authenticated as `user` (by its API key)."""
        return rg.Argilla(api_url=self.server.url, api_key=self.api_key_of(user))

    def cleanup(self):
        for ds_id in reversed(self.dataset_ids):
            self.server.http("DELETE", f"/api/v1/datasets/{ds_id}")
        for ws_id in reversed(self.workspace_ids):
            # A workspace with datasets cannot be deleted (409): remove any the test left there too.
            r = self.server.http("GET", "/api/v1/me/datasets", params={"workspace_id": str(ws_id)})
            for item in r.json().get("items", []) if r.status_code == 200 else []:
                self.server.http("DELETE", f"/api/v1/datasets/{item['id']}")
            self.server.http("DELETE", f"/api/v1/workspaces/{ws_id}")
        for user_id in reversed(self.user_ids):
            self.server.http("DELETE", f"/api/v1/users/{user_id}")


@pytest.fixture
def make(server, owner):
    factory = Factory(server, owner)
    yield factory
    factory.cleanup()


def simple_settings(**kw):
    """The smallest settings a dataset can be published with: one text field, one required label question."""
    return rg.Settings(
        fields=[rg.TextField(name="text")],
        questions=[rg.LabelQuestion(name="label", labels=["yes", "no"])],
        **kw,
    )


def assert_api_error(exc, cls, status, body=None):
    """`exc` is exactly `cls`, prints as the SDK formats it, carries `status` (2.0.1+), and its
    details are the server's raw body (compared as JSON when `body` is given)."""
    assert type(exc) is cls, repr(exc)
    assert isinstance(exc, ArgillaAPIError)
    prefix = f"Argilla SDK error: {cls.__name__}: {cls.message}. Details: "
    text = str(exc)
    assert text.startswith(prefix), text
    if body is not None:
        assert json.loads(text[len(prefix):]) == body, text
    # 2.0.0 never passes the status on: every API error says 500 there.
    assert exc.status_code == (status if EXCEPTIONS_CARRY_STATUS else 500)
    # The httpx error the SDK translated is kept as the context.
    assert isinstance(exc.__context__, httpx.HTTPStatusError)
    assert exc.__context__.response.status_code == status


def forbidden_body():
    return {"detail": {"code": "argilla.api.errors::ForbiddenOperationError", "params": {"detail": "Operation not allowed"}}}


def unauthorized_body():
    return {
        "detail": {"code": "argilla.api.errors::UnauthorizedError", "params": {"detail": "Could not validate credentials"}}
    }


def validation_body(*errors):
    return {"detail": {"code": "argilla.api.errors::ValidationError", "params": {"errors": list(errors)}}}
