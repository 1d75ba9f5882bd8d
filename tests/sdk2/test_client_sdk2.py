"""rg.Argilla(...), client.me and the SDK's exception classes."""

import datetime
import socket
import uuid

import httpx
import pytest

import argilla as rg
from argilla import _exceptions as exceptions
from argilla._exceptions import ArgillaAPIError, ArgillaError, UnauthorizedError

from conftest import (
    CHECKS_CREDENTIALS_AT_INIT,
    CLIENT_TAKES_RETRIES,
    OWNER_NAME,
    assert_api_error,
    unauthorized_body,
)


def test_the_owner_key_connects_and_me_is_the_default_owner(server):
    client = rg.Argilla(api_url=server.url, api_key=server.key)
    me = client.me
    assert isinstance(me, rg.User)
    assert me.username == OWNER_NAME
    assert me.role == "owner"
    assert isinstance(me.id, uuid.UUID)
    # The default owner is made with an empty first name and no last name.
    assert me.first_name == ""
    assert me.last_name is None
    # `inserted_at`/`updated_at` became Resource properties in a later 2.x; the model has them always.
    assert isinstance(me._model.inserted_at, datetime.datetime)
    assert isinstance(me._model.updated_at, datetime.datetime)
    # The SDK's UserModel has no api_key field: the key the server sends is dropped.
    assert not hasattr(me, "api_key")


def test_me_is_fetched_once_per_client(server):
    client = rg.Argilla(api_url=server.url, api_key=server.key)
    assert client.me is client.me


def test_me_is_the_same_user_as_the_owner_in_the_user_list(owner):
    listed = owner.users(username=OWNER_NAME)
    assert listed is not None
    assert listed.id == owner.me.id
    assert listed.role == "owner"


@pytest.mark.skipif(not CHECKS_CREDENTIALS_AT_INIT, reason="2.0.0 sends no request in rg.Argilla(...)")
def test_a_wrong_key_fails_at_construction_with_a_credentials_error(server):
    from argilla._exceptions._client import ArgillaCredentialsError

    with pytest.raises(ArgillaCredentialsError) as info:
        rg.Argilla(api_url=server.url, api_key="not-a-key-" + uuid.uuid4().hex)
    assert str(info.value) == (
        "Argilla SDK error: ArgillaCredentialsError: Credentials (api_key and/or api_url) are invalid"
    )
    # It is raised `from` the UnauthorizedError of GET /api/v1/me.
    assert_api_error(info.value.__cause__, UnauthorizedError, 401, unauthorized_body())


@pytest.mark.skipif(CHECKS_CREDENTIALS_AT_INIT, reason="2.0.1+ checks the key in rg.Argilla(...)")
def test_a_wrong_key_is_accepted_by_the_2_0_0_constructor_and_me_raises_unauthorized(server):
    client = rg.Argilla(api_url=server.url, api_key="not-a-key-" + uuid.uuid4().hex)
    with pytest.raises(UnauthorizedError) as info:
        client.me
    assert_api_error(info.value, UnauthorizedError, 401, unauthorized_body())


def test_a_wrong_key_is_unauthorized_on_every_call(server):
    # Whatever the constructor does, a client holding a bad key gets UnauthorizedError on its calls.
    client = rg.Argilla(api_url=server.url, api_key=server.key)
    client.http_client.headers["X-Argilla-Api-Key"] = "wrong-" + uuid.uuid4().hex
    with pytest.raises(UnauthorizedError) as info:
        client.users.list()
    assert_api_error(info.value, UnauthorizedError, 401, unauthorized_body())
    with pytest.raises(UnauthorizedError):
        client.workspaces.list()
    with pytest.raises(UnauthorizedError):
        rg.Workspace(name="never-made", client=client).create()
    # exist/exists never raise: a 401 is just "not 200".
    assert client.api.users.exist(uuid.uuid4()) is False
    assert client.api.workspaces.exists(uuid.uuid4()) is False


def test_an_empty_key_is_refused_locally(server):
    with pytest.raises(ArgillaError, match="Missing api_key"):
        rg.Argilla(api_url=server.url, api_key="")


def test_an_unreachable_server_is_httpx_connect_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    if CHECKS_CREDENTIALS_AT_INIT:
        # The SDK does not wrap transport errors: httpx's own error reaches the caller.
        with pytest.raises(httpx.ConnectError):
            rg.Argilla(api_url=url, api_key="argilla.apikey", **({"retries": 0} if CLIENT_TAKES_RETRIES else {}))
    else:
        client = rg.Argilla(api_url=url, api_key="argilla.apikey")
        with pytest.raises(httpx.ConnectError):
            client.me


@pytest.mark.parametrize(
    "name, status",
    [
        ("BadRequestError", 400),
        ("UnauthorizedError", 401),
        ("ForbiddenError", 403),
        ("NotFoundError", 404),
        ("ConflictError", 409),
        ("UnprocessableEntityError", 422),
        ("InternalServerError", 500),
    ],
)
def test_the_exception_classes_live_in_argilla_exceptions(name, status):
    cls = getattr(exceptions, name)
    assert issubclass(cls, ArgillaAPIError)
    assert issubclass(cls, ArgillaError)
    assert issubclass(cls, Exception)
    assert isinstance(cls.message, str) and cls.message
    err = cls(f"{cls.message}. Details: x", status_code=status)
    assert err.status_code == status
    assert str(err) == f"Argilla SDK error: {name}: {cls.message}. Details: x"
