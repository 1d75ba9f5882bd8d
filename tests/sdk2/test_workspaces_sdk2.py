"""rg.Workspace(...).create/delete, client.workspaces, workspace.users/add_user/remove_user/datasets."""

import datetime
import re
import uuid

import pytest
from pydantic import ValidationError

import argilla as rg
from argilla._exceptions import ArgillaAPIError, ConflictError, ForbiddenError, NotFoundError

from conftest import (
    BASE_ERROR_HAS_MESSAGE,
    OWNER_NAME,
    WORKSPACE_CREATE_SENDS_ID,
    assert_api_error,
    forbidden_body,
    unique,
)


# ---- create, look up, delete ----------------------------------------------------------------------


def test_creating_a_workspace_returns_it_with_server_fields(owner, make):
    name = unique("ws")
    ws = rg.Workspace(name=name, client=owner)
    assert ws.id is None
    assert ws.create() is ws
    make.track_workspace(ws.id)
    assert isinstance(ws.id, uuid.UUID)
    assert ws.name == name
    assert isinstance(ws._model.inserted_at, datetime.datetime)
    assert isinstance(ws._model.updated_at, datetime.datetime)
    assert owner.api.workspaces.exists(ws.id) is True
    fetched = owner.workspaces(id=ws.id)
    assert (fetched.id, fetched.name) == (ws.id, name)
    # Same model, field by field (timestamps with microseconds included): equal.
    assert fetched == ws


def test_client_workspaces_add_creates_the_workspace(owner, make):
    name = unique("ws")
    ws = owner.workspaces.add(rg.Workspace(name=name, client=owner))
    make.track_workspace(ws.id)
    assert isinstance(ws, rg.Workspace) and isinstance(ws.id, uuid.UUID)
    assert owner.workspaces(name=name).id == ws.id


@pytest.mark.skipif(not WORKSPACE_CREATE_SENDS_ID, reason="Workspace.create() sends only the name before 2.7.0")
def test_a_given_workspace_id_is_honoured(owner, make):
    given = uuid.uuid4()
    ws = make.workspace(id=given)
    assert ws.id == given
    assert owner.workspaces(id=given).name == ws.name


@pytest.mark.skipif(WORKSPACE_CREATE_SENDS_ID, reason="2.7.0+ sends the id")
def test_a_given_workspace_id_is_not_sent_before_2_7(owner, make):
    # Surprise (SDK < 2.7.0): the SDK posts {"name": ...} only, so the server picks the id and the one
    # given to rg.Workspace(id=...) is silently replaced by it.
    given = uuid.uuid4()
    ws = make.workspace(id=given)
    assert ws.id != given
    assert owner.api.workspaces.exists(given) is False


def test_a_duplicate_workspace_name_is_a_conflict(owner, make):
    ws = make.workspace()
    with pytest.raises(ConflictError) as info:
        rg.Workspace(name=ws.name, client=owner).create()
    assert_api_error(info.value, ConflictError, 409, {"detail": f"Workspace name `{ws.name}` is not unique"})


def test_a_workspace_name_that_is_not_url_safe_is_refused_locally(owner):
    # The server accepts any non-empty name; the SDK checks ^[a-zA-Z0-9_-]+$ before sending.
    with pytest.raises(ValidationError, match="Workspace name must be url safe"):
        rg.Workspace(name="Team A", client=owner)


def test_listing_workspaces_as_the_owner_shows_all_of_them(owner, make):
    a, b = make.workspace(), make.workspace()
    workspaces = owner.workspaces.list()
    assert all(isinstance(w, rg.Workspace) for w in workspaces)
    names = [w.name for w in workspaces]
    # The owner is a member of neither, yet sees both, in creation order, after the default one.
    assert "argilla" in names
    assert names.index("argilla") < names.index(a.name) < names.index(b.name)
    assert [w.name for w in owner.workspaces] == names
    assert len(owner.workspaces) == len(names)
    assert owner.workspaces[names.index(a.name)].id == a.id
    # `in` compares whole models: the create answer and the list entry are equal.
    assert a in owner.workspaces and b in owner.workspaces


def test_workspaces_by_name_and_id_hit_and_miss(owner, make):
    ws = make.workspace()
    assert owner.workspaces(name=ws.name).id == ws.id
    assert owner.workspaces(ws.name).id == ws.id  # positional is the name
    assert owner.workspaces(id=ws.id).name == ws.name
    assert owner.workspaces(id=str(ws.id)).name == ws.name
    name = unique("nows")
    with pytest.warns(UserWarning, match=re.escape(f"Workspace with name '{name}' not found.")):
        assert owner.workspaces(name=name) is None
    missing = uuid.uuid4()
    with pytest.warns(UserWarning, match=re.escape(f"Workspace with id {missing!r} not found")):
        assert owner.workspaces(id=missing) is None


def test_deleting_a_workspace_and_again_is_not_found(owner, make):
    ws = make.workspace()
    ws_id = ws.id
    assert ws.delete() is None
    # Unlike a user, the workspace keeps its id after delete().
    assert ws.id == ws_id
    assert owner.api.workspaces.exists(ws_id) is False
    with pytest.warns(UserWarning):
        assert owner.workspaces(id=ws_id) is None
    assert ws.name not in [w.name for w in owner.workspaces]
    with pytest.raises(NotFoundError) as info:
        ws.delete()
    assert_api_error(info.value, NotFoundError, 404, {"detail": f"Workspace with id `{ws_id}` not found"})
    # The name is free again.
    again = make.workspace(name=ws.name)
    assert again.id != ws_id


def test_deleting_a_workspace_unlinks_its_members(owner, make):
    user, ws = make.user(), make.workspace()
    ws.add_user(user)
    ws.delete()
    assert owner.api.workspaces.list_by_user_id(user.id) == []
    assert make.login(user).workspaces.list() == []


def test_workspaces_api_exists(owner, make):
    ws = make.workspace()
    assert owner.api.workspaces.exists(ws.id) is True
    assert owner.api.workspaces.exists(uuid.uuid4()) is False


def test_a_new_workspace_has_no_datasets(owner, make):
    ws = make.workspace()
    assert ws.datasets == []
    assert ws.list_datasets() == []
    # The default workspace of a fresh server has none either (tests here never make datasets).
    assert owner.workspaces(name="argilla").datasets == []


# ---- members --------------------------------------------------------------------------------------


def test_a_new_workspace_has_no_users(owner, make):
    ws = make.workspace()
    assert len(ws.users) == 0
    assert list(ws.users) == []


def test_add_user_and_remove_user_by_object(owner, make):
    ws, a, b = make.workspace(), make.user(), make.user(role="admin")
    added = ws.add_user(a)
    assert isinstance(added, rg.User) and added.id == a.id
    ws.add_user(b)
    members = list(ws.users)
    assert all(isinstance(u, rg.User) for u in members)
    # Members are listed in the order they joined.
    assert [(u.username, u.role) for u in members] == [(a.username, "annotator"), (b.username, "admin")]
    assert ws.users[1].id == b.id
    assert owner.users.list(workspace=ws) == members
    removed = ws.remove_user(a)
    assert isinstance(removed, rg.User) and removed.id == a.id
    assert [u.id for u in ws.users] == [b.id]


def test_add_user_and_remove_user_by_username(owner, make):
    ws, user = make.workspace(), make.user()
    added = ws.add_user(user.username)
    assert added.id == user.id
    assert [u.username for u in ws.users] == [user.username]
    removed = ws.remove_user(user.username)
    assert removed.id == user.id
    assert len(ws.users) == 0


def test_add_or_remove_an_unknown_username_is_a_value_error(owner, make):
    ws = make.workspace()
    name = unique("nobody")
    with pytest.raises(ValueError, match=f"User {name} does not exist"):
        ws.add_user(name)
    with pytest.raises(ValueError, match=f"User {name} does not exist"):
        ws.remove_user(name)


def test_adding_a_member_twice_by_username_is_a_conflict(owner, make):
    ws, user = make.workspace(), make.user()
    ws.add_user(user.username)
    with pytest.raises(ConflictError):
        ws.add_user(user.username)


def test_removing_a_non_member_by_username_is_not_found(owner, make):
    ws, user = make.workspace(), make.user()
    with pytest.raises(NotFoundError) as info:
        ws.remove_user(user.username)
    assert_api_error(
        info.value,
        NotFoundError,
        404,
        {"detail": f"WorkspaceUser not found filtering by workspace_id={ws.id}, user_id={user.id}"},
    )


def test_user_in_workspace_users_compares_whole_models(owner, make):
    ws, user = make.workspace(), make.user()
    other = make.user()
    ws.add_user(user)
    # add_to_workspace replaced the user's model by the server's answer (no password): equal to the
    # member list entry, so `in` is True.
    assert user in ws.users
    assert other not in ws.users
    # A freshly created user still holds its password locally, so it is not == to its own list entry.
    fresh = make.user()
    ws_member = owner.users(id=fresh.id)
    ws_member.add_to_workspace(ws)
    assert fresh.id in [u.id for u in ws.users]
    assert fresh not in ws.users
    assert ws_member in ws.users


def test_the_owner_may_list_members_of_any_workspace(owner, make):
    ws, user = make.workspace(), make.user()
    ws.add_user(user)
    assert owner.me.username == OWNER_NAME
    assert [u.id for u in owner.workspaces(id=ws.id).users] == [user.id]


def test_an_admin_member_lists_members_but_a_non_member_admin_is_forbidden(owner, make):
    ws, other_ws = make.workspace(), make.workspace()
    admin, annotator = make.user(role="admin"), make.user()
    ws.add_user(admin)
    ws.add_user(annotator)
    client = make.login(admin)
    mine = client.workspaces(name=ws.name)
    assert [u.username for u in mine.users] == [admin.username, annotator.username]
    # Not a member of other_ws: the lookup by id itself is 403 (not None), and so is its member list.
    with pytest.raises(ForbiddenError) as info:
        client.workspaces(id=other_ws.id)
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    foreign = rg.Workspace(name=other_ws.name, id=other_ws.id, client=client)
    with pytest.raises(ForbiddenError) as info:
        list(foreign.users)
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())


def test_an_annotator_member_may_not_list_members(owner, make):
    ws, annotator = make.workspace(), make.user()
    ws.add_user(annotator)
    client = make.login(annotator)
    mine = client.workspaces(name=ws.name)
    assert mine is not None and mine.id == ws.id
    with pytest.raises(ForbiddenError):
        len(mine.users)


def test_an_admin_member_may_remove_a_member_but_not_add_one(owner, make):
    ws, admin, a, b = make.workspace(), make.user(role="admin"), make.user(), make.user()
    ws.add_user(admin)
    ws.add_user(a)
    client = make.login(admin)
    mine = client.workspaces(name=ws.name)
    as_admin = rg.User(username=a.username, id=a.id, client=client)
    assert as_admin.remove_from_workspace(mine).id == a.id
    with pytest.raises(ForbiddenError):
        rg.User(username=b.username, id=b.id, client=client).add_to_workspace(mine)
    assert [u.id for u in ws.users] == [admin.id]


# ---- who sees which workspaces --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["annotator", "admin"])
def test_a_non_owner_sees_only_its_own_workspaces(owner, make, role):
    mine, theirs = make.workspace(), make.workspace()
    user = make.user(role=role)
    client = make.login(user)
    assert client.workspaces.list() == []
    assert len(client.workspaces) == 0
    ws_name = unique("nows")
    with pytest.warns(UserWarning):
        assert client.workspaces(name=theirs.name) is None
    mine.add_user(user)
    assert [w.name for w in client.workspaces] == [mine.name]
    assert client.workspaces(name=mine.name).id == mine.id
    assert client.workspaces(id=mine.id).name == mine.name
    assert mine in client.workspaces
    assert theirs not in client.workspaces
    assert client.api.workspaces.exists(mine.id) is True
    # exists() is "answered 200": a non-member's 403 is False, like a missing workspace.
    assert client.api.workspaces.exists(theirs.id) is False
    assert client.api.workspaces.exists(uuid.uuid4()) is False
    with pytest.warns(UserWarning):
        assert client.workspaces(name=ws_name) is None


@pytest.mark.parametrize("role", ["annotator", "admin"])
def test_a_non_owner_cannot_create_or_delete_workspaces(owner, make, role):
    ws = make.workspace()
    user = make.user(role=role)
    ws.add_user(user)
    client = make.login(user)
    name = unique("ws")
    with pytest.raises(ForbiddenError) as info:
        rg.Workspace(name=name, client=client).create()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert name not in [w.name for w in owner.workspaces]
    with pytest.raises(ForbiddenError) as info:
        client.workspaces(id=ws.id).delete()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    assert owner.api.workspaces.exists(ws.id) is True


def test_the_v0_style_add_user_method_of_the_workspaces_api_gets_405(owner, make):
    # WorkspacesAPI.add_user (unused by the resources) posts to /workspaces/{id}/users/{user_id}, a path
    # the 2.x server does not route for POST: 405, which has no exception class of its own.
    ws, user = make.workspace(), make.user()
    if BASE_ERROR_HAS_MESSAGE:
        with pytest.raises(ArgillaAPIError) as info:
            owner.api.workspaces.add_user(ws.id, user.id)
        assert_api_error(info.value, ArgillaAPIError, 405, {"detail": "Method Not Allowed"})
    else:
        # Surprise (SDK 2.0.0): the base ArgillaAPIError has no `message`, so the error handler itself
        # fails with AttributeError for any status outside its table.
        with pytest.raises(AttributeError, match="message"):
            owner.api.workspaces.add_user(ws.id, user.id)
    assert len(ws.users) == 0


def test_the_default_workspace_is_the_first_listed(owner, make):
    from argilla._exceptions import ArgillaError

    # On a fresh server the default owner's workspace `argilla` is the oldest, so it is the default.
    assert owner.workspaces.default.name == "argilla"
    user = make.user()
    client = make.login(user)
    with pytest.raises(ArgillaError, match="There are no workspaces created"):
        client.workspaces.default
    ws = make.workspace()
    ws.add_user(user)
    assert client.workspaces.default.id == ws.id
