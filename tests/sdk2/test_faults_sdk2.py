"""Injected faults reach the real 2.x SDK as its exceptions (argilla-mock only: POST /__mock/faults).

A real server gives no way to make it answer 500, 400 or 503 on the users/workspaces routes, so
InternalServerError, BadRequestError and the base ArgillaAPIError for unlisted statuses, transport
failures and timeouts are only tested here.
"""

import httpx
import pytest

import argilla as rg
from argilla._exceptions import (
    ArgillaAPIError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
)

from conftest import (
    BASE_ERROR_HAS_MESSAGE,
    CHECKS_CREDENTIALS_AT_INIT,
    PASSWORD,
    USER_UPDATE_SENDS_PATCH,
    assert_api_error,
    mock_only,
    unique,
)

pytestmark = mock_only

BOOM = {"detail": "boom"}


def test_a_failing_me_is_an_internal_server_error(server):
    server.add_fault(method="GET", path="/api/v1/me", status=500, body=BOOM)
    if CHECKS_CREDENTIALS_AT_INIT:
        # Only a 401 becomes ArgillaCredentialsError; any other error escapes the constructor as is.
        with pytest.raises(InternalServerError) as info:
            rg.Argilla(api_url=server.url, api_key=server.key)
    else:
        client = rg.Argilla(api_url=server.url, api_key=server.key)
        with pytest.raises(InternalServerError) as info:
            client.me
    assert_api_error(info.value, InternalServerError, 500, BOOM)
    assert str(info.value).startswith("Argilla SDK error: InternalServerError: Internal server error. Details: ")


def _create_user(client, _make):
    return rg.User(username=unique("u"), password=PASSWORD, client=client).create()


@pytest.mark.parametrize(
    "method, path, action",
    [
        ("GET", "/api/v1/users", lambda c, m, ws, u: c.users.list()),
        ("GET", "/api/v1/users", lambda c, m, ws, u: len(c.users)),
        ("GET", "/api/v1/users", lambda c, m, ws, u: c.users(username="argilla")),
        ("GET", "/api/v1/users/*", lambda c, m, ws, u: c.users(id=u.id)),
        ("POST", "/api/v1/users", lambda c, m, ws, u: _create_user(c, m)),
        ("PATCH", "/api/v1/users/*", lambda c, m, ws, u: u.update()),
        ("DELETE", "/api/v1/users/*", lambda c, m, ws, u: u.delete()),
        ("GET", "/api/v1/me/workspaces", lambda c, m, ws, u: c.workspaces.list()),
        ("GET", "/api/v1/me/workspaces", lambda c, m, ws, u: c.workspaces(name=ws.name)),
        ("GET", "/api/v1/workspaces/*", lambda c, m, ws, u: c.workspaces(id=ws.id)),
        ("POST", "/api/v1/workspaces", lambda c, m, ws, u: rg.Workspace(name=unique("ws"), client=c).create()),
        ("DELETE", "/api/v1/workspaces/*", lambda c, m, ws, u: ws.delete()),
        ("GET", "/api/v1/workspaces/*/users", lambda c, m, ws, u: list(ws.users)),
        ("POST", "/api/v1/workspaces/*/users", lambda c, m, ws, u: u.add_to_workspace(ws)),
        ("DELETE", "/api/v1/workspaces/*/users/*", lambda c, m, ws, u: u.remove_from_workspace(ws)),
        ("GET", "/api/v1/me/datasets", lambda c, m, ws, u: ws.datasets),
    ],
    ids=[
        "users.list",
        "len(users)",
        "users(username)",
        "users(id)",
        "user.create",
        "user.update",
        "user.delete",
        "workspaces.list",
        "workspaces(name)",
        "workspaces(id)",
        "workspace.create",
        "workspace.delete",
        "workspace.users",
        "add_to_workspace",
        "remove_from_workspace",
        "workspace.datasets",
    ],
)
def test_a_500_on_each_call_is_an_internal_server_error(owner, make, method, path, action):
    ws, user = make.workspace(), make.user()
    if method == "PATCH" and not USER_UPDATE_SENDS_PATCH:
        pytest.skip("user.update() sends no request before 2.6.0")
    if path == "/api/v1/workspaces/*/users/*":
        user.add_to_workspace(ws)
    make.server.add_fault(method=method, path=path, status=500, body=BOOM)
    with pytest.raises(InternalServerError) as info:
        action(owner, make, ws, user)
    assert_api_error(info.value, InternalServerError, 500, BOOM)


def test_exist_and_exists_are_false_on_a_500(owner, make):
    ws, user = make.workspace(), make.user()
    make.server.add_fault(method="GET", path="/api/v1/users/*", status=500)
    make.server.add_fault(method="GET", path="/api/v1/workspaces/*", status=500)
    assert owner.api.users.exist(user.id) is False
    assert owner.api.workspaces.exists(ws.id) is False


def test_a_400_is_a_bad_request_error(server, owner):
    server.add_fault(method="GET", path="/api/v1/users", status=400, body=BOOM)
    with pytest.raises(BadRequestError) as info:
        owner.users.list()
    assert_api_error(info.value, BadRequestError, 400, BOOM)


@pytest.mark.parametrize("status", [429, 502, 503])
def test_an_unlisted_status_is_the_base_api_error(server, owner, status):
    server.add_fault(method="GET", path="/api/v1/users", status=status, body=BOOM)
    if BASE_ERROR_HAS_MESSAGE:
        with pytest.raises(ArgillaAPIError) as info:
            owner.users.list()
        assert_api_error(info.value, ArgillaAPIError, status, BOOM)
    else:
        # SDK 2.0.0: the base class has no `message`; the handler fails with AttributeError.
        with pytest.raises(AttributeError):
            owner.users.list()


def test_a_fault_that_fires_once_fails_one_call_only(owner, make):
    # The SDK does not retry on 5xx (its `retries` are httpx connect retries).
    make.server.add_fault(method="GET", path="/api/v1/users", status=500, times=1)
    with pytest.raises(InternalServerError):
        owner.users.list()
    assert "argilla" in [u.username for u in owner.users]


@pytest.mark.parametrize("fault", ["connection_reset", "empty_response"])
def test_a_broken_connection_is_httpx_s_own_error(owner, make, fault):
    # api_error_handler only translates HTTPStatusError: transport failures reach the caller unwrapped.
    make.server.add_fault(method="GET", path="/api/v1/users", fault=fault)
    with pytest.raises(httpx.TransportError):
        owner.users.list()


def test_a_malformed_json_body_is_a_value_error(owner, make):
    make.server.add_fault(method="GET", path="/api/v1/users", fault="malformed_body")
    with pytest.raises(ValueError):
        owner.users.list()


def test_a_delay_beyond_the_client_timeout_is_httpx_timeout(server):
    client = rg.Argilla(api_url=server.url, api_key=server.key, timeout=0.5)
    server.add_fault(method="GET", path="/api/v1/users", delay_ms=3000)
    with pytest.raises(httpx.TimeoutException):
        client.users.list()


def test_a_short_delay_is_only_slower(owner, make):
    make.server.add_fault(method="GET", path="/api/v1/me/workspaces", delay_ms=[50, 100], seed=3)
    assert "argilla" in [w.name for w in owner.workspaces]


def test_a_404_fault_on_a_lookup_by_id_is_none(owner, make):
    # Only NotFoundError turns a lookup into None: a 404 injected on an existing user does that too.
    user = make.user()
    make.server.add_fault(method="GET", path=f"/api/v1/users/{user.id}", status=404, body={"detail": "gone"})
    with pytest.warns(UserWarning):
        assert owner.users(id=user.id) is None
    with pytest.raises(NotFoundError):
        owner.api.users.get(user.id)
