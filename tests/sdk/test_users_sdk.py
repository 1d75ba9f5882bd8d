"""The real, unmodified `argilla` 1.x SDK against a users API server.

By default each test starts its own argilla-mock (binary from ARGILLA_MOCK_BIN) on a free
loopback port with a fresh in-memory database and the embedded default fixtures. With
ARGILLA_E2E_URL set, the same tests run against that server instead (e.g. the real Argilla
started by ../shared/oracle/start-real-argilla.sh), so every expectation here is checked on
the real thing too. Tests only rely on the default owner `argilla` / `argilla.apikey` and
create whatever else they need with unique names.

Expected results and exception types are those documented for `argilla.client.users.User`
and recorded in argilla-users-api.md (Part C, "the real Python client against the real server").
"""

import uuid

import httpx
import pytest

from _sdk import SDK_VERSION, User, errors, rg

UnauthorizedApiError = errors.UnauthorizedApiError
# 1.13: owner-only methods check the caller's role first (GET /api/me) and raise PermissionError
# before any other request; 1.11-1.12 have no such check (User.list is then a lazy generator).
role_checked = pytest.mark.skipif(SDK_VERSION < (1, 13), reason="client-side role checks arrived in the 1.13 client")
OWNER_KEY = "argilla.apikey"


def names(users):
    return [u.username for u in users]


def workspace_names(workspaces):
    # 1.13+: WorkspaceModel objects; 1.11-1.12: the names from the user's own `workspaces` field.
    return [w if isinstance(w, str) else w.name for w in workspaces]


def test_me_returns_the_default_owner(server):
    me = User.me()
    assert me.username == "argilla"
    assert me.role.value == "owner"
    assert me.first_name == ""
    assert me.last_name is None
    assert me.api_key == OWNER_KEY
    assert isinstance(me.id, uuid.UUID)
    assert me.inserted_at.microsecond == 0


def test_list_returns_every_user_oldest_first(server):
    first = server.create_user()
    second = server.create_user()
    listed = names(User.list())
    assert listed[0] == "argilla"
    assert listed.index(first["username"]) < listed.index(second["username"])


def test_from_name_finds_an_existing_user(server):
    made = server.create_user(role="admin")
    user = User.from_name(made["username"])
    assert str(user.id) == made["id"]
    assert user.role.value == "admin"
    assert user.first_name == "Test"


def test_from_name_of_a_missing_user_raises_value_error(server):
    with pytest.raises(ValueError, match="doesn't exist in Argilla"):
        User.from_name("no-such-user")


def test_from_id_finds_a_user_by_uuid(server):
    made = server.create_user()
    assert User.from_id(uuid.UUID(made["id"])).username == made["username"]


def test_from_id_of_a_missing_user_raises_value_error(server):
    with pytest.raises(ValueError, match="doesn't exist in Argilla"):
        User.from_id(uuid.uuid4())


def test_create_returns_the_new_user_with_a_generated_key(server):
    username = f"new-{uuid.uuid4().hex[:10]}"
    user = User.create(username, password="12345678", first_name="New", last_name="Comer", role="admin")
    assert user.username == username
    assert user.full_name == "New Comer"
    assert user.role.value == "admin"
    assert len(user.api_key) == 107
    assert username in names(User.list())


@pytest.mark.skipif(SDK_VERSION < (1, 14), reason="workspaces= arrived in the 1.14 client")
def test_create_with_workspaces_links_them(server):
    workspace = server.create_workspace()
    username = f"ws-user-{uuid.uuid4().hex[:8]}"
    user = User.create(username, password="12345678", role="annotator", workspaces=["argilla", workspace["name"]])
    # As the owner, user.workspaces lists the target user's own workspaces.
    assert workspace_names(user.workspaces) == ["argilla", workspace["name"]]


@pytest.mark.skipif(SDK_VERSION < (1, 14), reason="workspaces= arrived in the 1.14 client")
def test_create_with_an_unknown_workspace_raises_value_error_and_creates_nothing(server):
    username = f"ws-none-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ValueError, match="Workspace 'no-such-ws' does not exist"):
        User.create(username, password="12345678", workspaces=["no-such-ws"])
    assert username not in names(User.list())


def test_create_of_a_duplicate_username_raises_the_documented_error(server):
    made = server.create_user()
    # 1.11-1.15 raise ValueError, 1.16+ KeyError (argilla-users-api.md §6.2).
    expected = KeyError if SDK_VERSION >= (1, 16) else ValueError
    with pytest.raises(expected, match="already exists in Argilla"):
        User.create(made["username"], password="12345678")


def test_create_with_a_short_password_is_refused_before_any_request(server):
    username = f"short-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ValueError):
        User.create(username, password="123")
    assert username not in names(User.list())
    if server.proc is not None:  # argilla-mock's journal shows what the SDK sent
        sent = httpx.get(server.url + "/__mock/requests?method=POST&path=/api/users", timeout=10).json()
        assert sent["requests"] == []


def test_delete_removes_the_user_and_a_second_delete_raises_value_error(server):
    made = server.create_user()
    user = User.from_name(made["username"])
    assert user.delete() is None
    with pytest.raises(ValueError, match="doesn't exist"):
        User.from_name(made["username"])
    with pytest.raises(ValueError, match="doesn't exist"):
        user.delete()


def test_a_deleted_users_key_is_refused(server):
    made = server.create_user()
    User.from_name(made["username"]).delete()
    with pytest.raises(UnauthorizedApiError, match="Could not validate credentials"):
        rg.init(api_url=server.url, api_key=made["api_key"])


def test_a_wrong_key_is_refused_by_init(server):
    with pytest.raises(UnauthorizedApiError, match="Could not validate credentials"):
        rg.init(api_url=server.url, api_key="not-a-key")


@role_checked
def test_an_annotator_is_refused_owner_only_methods(server):
    made = server.create_user(role="annotator", workspaces=["argilla"])
    rg.init(api_url=server.url, api_key=made["api_key"], workspace="argilla")
    assert User.me().username == made["username"]
    for call in (User.list, lambda: User.from_name("argilla"), lambda: User.create("zz-never", password="12345678")):
        with pytest.raises(PermissionError, match="is not allowed to call"):
            call()


@role_checked
def test_an_admin_is_refused_owner_only_methods(server):
    made = server.create_user(role="admin")
    rg.init(api_url=server.url, api_key=made["api_key"])
    with pytest.raises(PermissionError):
        User.list()


def test_a_non_owner_sees_its_own_workspaces(server):
    workspace = server.create_workspace()
    made = server.create_user(role="annotator", workspaces=[workspace["name"]])
    rg.init(api_url=server.url, api_key=made["api_key"])
    assert workspace_names(User.me().workspaces) == [workspace["name"]]


def test_the_owner_sees_all_workspaces_as_its_own(server):
    workspace = server.create_workspace()
    mine = workspace_names(User.me().workspaces)
    assert mine[0] == "argilla"
    assert workspace["name"] in mine


def test_the_constructor_is_refused(server):
    with pytest.raises(Exception, match="cannot be initialized"):
        User(name="x")


def test_an_unreachable_server_is_reported(server):
    with pytest.raises(Exception, match="not available or not responding"):
        rg.init(api_url="http://127.0.0.1:9", api_key=OWNER_KEY)
