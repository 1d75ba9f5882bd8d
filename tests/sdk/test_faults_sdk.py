"""Injected faults reach the real `argilla` SDK as the errors its documentation promises.

`argilla.client.users.User` documents `RuntimeError` "if there was an error while retrieving" (and
listing, creating, deleting). Each fault kind of argilla-mock's admin API (`/__mock/faults`) is
sent to the real SDK here. These tests need the admin API, so they run against argilla-mock only
(they are skipped when ARGILLA_E2E_URL points at another server).
"""

import os
import uuid

import httpx
import pytest

from _sdk import SDK_VERSION, User, errors, rg

BaseClientError = errors.BaseClientError

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("ARGILLA_E2E_URL")), reason="fault injection needs argilla-mock's admin API"
)


def add_fault(server, rule):
    r = httpx.post(server.url + "/__mock/faults", json=rule, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["id"]


@pytest.mark.parametrize(
    "rule",
    [
        {"status": 500},
        {"status": 503},
        {"status": 429, "retry_after": 1},
        {"fault": "connection_reset"},
        {"fault": "empty_response"},
        {"fault": "malformed_body"},
    ],
    ids=["500", "503", "429", "reset", "empty", "malformed"],
)
def test_me_raises_runtime_error_when_the_server_fails(server, rule):
    add_fault(server, {"method": "GET", "path": "/api/me", **rule})
    with pytest.raises(RuntimeError, match="Error while retrieving the current user"):
        User.me()


@pytest.mark.parametrize(
    "rule, lookup_error",
    [
        ({"status": 500}, RuntimeError),
        # from_name/from_id wrap only the SDK's own API errors; a transport failure in their raw
        # httpx call reaches the caller as httpx's error, and a body that is not JSON as
        # json.JSONDecodeError (a ValueError) -- the real SDK's behaviour (argilla-users-api.md §6.1).
        ({"fault": "connection_reset"}, httpx.TransportError),
        ({"fault": "empty_response"}, httpx.TransportError),
        ({"fault": "malformed_body"}, ValueError),
    ],
    ids=["500", "reset", "empty", "malformed"],
)
def test_listing_failures_raise_runtime_error_from_list(server, rule, lookup_error):
    add_fault(server, {"method": "GET", "path": "/api/users", **rule})
    with pytest.raises(RuntimeError, match="Error while listing the users"):
        list(User.list())
    with pytest.raises(lookup_error):
        User.from_name("argilla")
    with pytest.raises(lookup_error):
        User.from_id(uuid.uuid4())


def test_a_slow_server_beyond_the_client_timeout_is_a_runtime_error(server):
    add_fault(server, {"method": "GET", "path": "/api/users", "delay_ms": 3000})
    rg.init(api_url=server.url, api_key=server.key, timeout=0.5)
    with pytest.raises(RuntimeError):
        list(User.list())


def test_a_short_delay_is_only_slower(server):
    add_fault(server, {"method": "GET", "path": "/api/users", "delay_ms": [50, 100], "seed": 3})
    assert "argilla" in [u.username for u in User.list()]


def test_a_fault_that_expires_lets_the_retry_succeed(server):
    add_fault(server, {"method": "GET", "path": "/api/users", "status": 500, "times": 1})
    with pytest.raises(RuntimeError):
        list(User.list())
    assert "argilla" in [u.username for u in User.list()]


def test_create_raises_runtime_error_when_the_server_fails_and_creates_nothing(server):
    add_fault(server, {"method": "POST", "path": "/api/users", "status": 500})
    with pytest.raises(RuntimeError, match="Error while creating user"):
        User.create("never-made", password="12345678")
    assert "never-made" not in [u.username for u in User.list()]


@pytest.mark.parametrize(
    "rule, error",
    [({"status": 500}, RuntimeError), ({"fault": "connection_reset"}, httpx.TransportError)],
    ids=["500", "reset"],
)
def test_delete_fails_with_the_documented_error_and_deletes_nothing(server, rule, error):
    made = server.create_user()
    user = User.from_name(made["username"])
    add_fault(server, {"method": "DELETE", "path": "/api/users/*", **rule})
    with pytest.raises(error):
        user.delete()
    assert made["username"] in [u.username for u in User.list()]


@pytest.mark.skipif(SDK_VERSION < (1, 13), reason="client-side role checks arrived in the 1.13 client")
def test_a_failing_role_check_surfaces_the_api_error(server):
    # Owner-only methods first call GET /api/me outside their own error handling, so its error
    # reaches the caller as the SDK's API error (argilla-users-api.md §6.2).
    add_fault(server, {"method": "GET", "path": "/api/me", "status": 500})
    with pytest.raises(BaseClientError):
        list(User.list())


def test_faults_for_one_key_leave_other_users_alone(server):
    made = server.create_user(role="annotator", workspaces=["argilla"])
    add_fault(server, {"path": "/api/me", "status": 500, "header": {"name": "X-Argilla-Api-Key", "value": made["api_key"]}})
    assert User.me().username == "argilla"
    with pytest.raises(BaseClientError, match="500"):
        rg.init(api_url=server.url, api_key=made["api_key"])
