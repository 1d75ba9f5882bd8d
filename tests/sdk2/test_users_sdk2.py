"""client.users, rg.User(...).create/update/delete, memberships from the user's side, users API."""

import datetime
import re
import uuid

import pytest

import argilla as rg
from argilla._exceptions import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    UnprocessableEntityError,
)

from conftest import (
    CHECKS_CREDENTIALS_AT_INIT,
    OWNER_NAME,
    PASSWORD,
    USER_HAS_WORKSPACES,
    USER_UPDATE_SENDS_PATCH,
    assert_api_error,
    forbidden_body,
    unauthorized_body,
    unique,
    validation_body,
)


# ---- listing and lookup ---------------------------------------------------------------------------


def test_listing_users_shows_the_owner_and_new_users_in_creation_order(owner, make):
    first, second = make.user(), make.user()
    users = owner.users.list()
    assert all(isinstance(u, rg.User) for u in users)
    names = [u.username for u in users]
    assert OWNER_NAME in names
    # Ordered by insertion time: the two new ones come after the default owner, in creation order.
    assert names.index(OWNER_NAME) < names.index(first.username) < names.index(second.username)
    assert [u.username for u in owner.users] == names  # iteration
    assert len(owner.users) == len(users)
    assert owner.users[names.index(first.username)].id == first.id  # indexing
    listed = users[names.index(first.username)]
    assert (listed.id, listed.role, listed.first_name, listed.last_name) == (first.id, "annotator", first.username, None)


def test_users_by_username_finds_the_exact_name(owner, make):
    user = make.user()
    found = owner.users(username=user.username)
    assert isinstance(found, rg.User)
    assert (found.id, found.username, found.role) == (user.id, user.username, "annotator")


def test_users_by_unknown_username_is_none_with_a_warning(owner):
    name = unique("nobody")
    with pytest.warns(UserWarning, match=re.escape(f"User with username '{name}' not found.")):
        assert owner.users(username=name) is None


def test_users_by_id_finds_the_user_by_uuid_or_string(owner, make):
    user = make.user()
    assert owner.users(id=user.id).username == user.username
    assert owner.users(id=str(user.id)).username == user.username


def test_users_by_unknown_id_is_none_with_a_warning(owner):
    missing = uuid.uuid4()
    with pytest.warns(UserWarning, match=re.escape(f"User with id {missing!r} not found.")):
        assert owner.users(id=missing) is None


def test_users_by_a_non_uuid_id_is_a_value_error_before_any_request(owner):
    with pytest.raises(ValueError):
        owner.users(id="not-a-uuid")


# ---- create ---------------------------------------------------------------------------------------


def test_creating_a_user_returns_it_with_server_fields(owner, make):
    name = unique("u")
    user = rg.User(username=name, password=PASSWORD, client=owner)
    assert user.id is None
    created = user.create()
    make.track_user(user.id)
    assert created is user
    assert isinstance(user.id, uuid.UUID)
    assert user.username == name
    assert user.role == "annotator"  # the SDK's default role
    assert user.first_name == name  # the SDK sends the username as first name when none is given
    assert user.last_name is None
    # The password is not in the answer: the SDK keeps the one it sent.
    assert user.password == PASSWORD
    inserted, updated = user._model.inserted_at, user._model.updated_at
    assert isinstance(inserted, datetime.datetime) and isinstance(updated, datetime.datetime)
    assert updated >= inserted
    # Naive UTC timestamps (no offset in the JSON), as the SDK parses them.
    assert inserted.tzinfo is None and updated.tzinfo is None
    # The answer's api_key is dropped by the SDK's model ...
    assert not hasattr(user, "api_key")
    # ... but the server made one, and it logs in as that user.
    key = make.api_key_of(user)
    assert isinstance(key, str) and len(key) > 20 and key != owner.api_key
    me = make.login(user).me
    assert (me.id, me.username, me.role) == (user.id, name, "annotator")
    # Fetched again, it has the same server fields.
    fetched = owner.users(id=user.id)
    assert (fetched.username, fetched.role, fetched.first_name, fetched.last_name) == (name, "annotator", name, None)
    assert fetched._model.inserted_at == inserted and fetched._model.updated_at == updated
    # Equality compares the whole model, and the created one still holds the password the fetched one
    # lacks: the same user is not == to itself as fetched.
    assert fetched.password is None
    assert fetched != user


def test_creating_a_user_with_all_fields_and_a_given_id(owner, make):
    given = uuid.uuid4()
    name = unique("u")
    user = rg.User(
        username=name, first_name="Ada", last_name="Lovelace", role="admin", password=PASSWORD, id=given, client=owner
    ).create()
    make.track_user(user.id)
    assert user.id == given  # the server honours a client-supplied id
    fetched = owner.users(id=given)
    assert (fetched.username, fetched.first_name, fetched.last_name, fetched.role) == (name, "Ada", "Lovelace", "admin")


def test_creating_an_owner(owner, make):
    user = make.user(role="owner")
    assert owner.users(id=user.id).role == "owner"
    # Another owner may list users.
    assert user.username in [u.username for u in make.login(user).users]


def test_client_users_add_creates_the_user(owner, make):
    name = unique("u")
    added = owner.users.add(rg.User(username=name, password=PASSWORD, client=owner))
    make.track_user(added.id)
    assert isinstance(added, rg.User)
    assert isinstance(added.id, uuid.UUID)
    assert owner.users(username=name).id == added.id


def test_a_duplicate_username_is_a_conflict(owner, make):
    user = make.user()
    with pytest.raises(ConflictError) as info:
        rg.User(username=user.username, password=PASSWORD, client=owner).create()
    assert_api_error(info.value, ConflictError, 409, {"detail": f"User username `{user.username}` is not unique"})


def test_a_duplicate_id_is_a_conflict(owner, make):
    user = make.user()
    with pytest.raises(ConflictError) as info:
        rg.User(username=unique("u"), password=PASSWORD, id=user.id, client=owner).create()
    assert_api_error(info.value, ConflictError, 409, {"detail": f"User with id `{user.id}` is not unique"})


def test_a_short_password_is_unprocessable(owner):
    name = unique("u")
    with pytest.raises(UnprocessableEntityError) as info:
        rg.User(username=name, password="short", client=owner).create()
    assert_api_error(
        info.value,
        UnprocessableEntityError,
        422,
        validation_body(
            {"type": "string_too_short", "loc": ["body", "password"], "msg": "String should have at least 8 characters"}
        ),
    )
    assert name not in [u.username for u in owner.users]


def test_a_user_without_password_is_unprocessable(owner):
    # The SDK sends "password": null; the server wants a string.
    with pytest.raises(UnprocessableEntityError) as info:
        rg.User(username=unique("u"), client=owner).create()
    assert_api_error(
        info.value,
        UnprocessableEntityError,
        422,
        validation_body({"type": "string_type", "loc": ["body", "password"], "msg": "Input should be a valid string"}),
    )


def test_an_empty_username_or_a_bad_role_is_refused_locally(owner):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        rg.User(username="", password=PASSWORD, client=owner)
    with pytest.raises(ValidationError):
        rg.User(username=unique("u"), password=PASSWORD, role="superuser", client=owner)


def test_user_get_refreshes_from_the_server(owner, make):
    user = make.user(first_name="Before")
    same = rg.User(username="placeholder", id=user.id, client=owner)
    assert same.get() is same
    assert (same.username, same.first_name, same.role) == (user.username, "Before", "annotator")
    assert same._model.inserted_at == user._model.inserted_at


def test_usernames_have_no_pattern_and_are_case_sensitive(owner, make):
    # 2.x dropped the 1.x username pattern: upper case, dots and @ are accepted and kept as sent.
    name = unique("Mixed.Case@x")
    user = make.user(username=name)
    assert user.username == name
    assert owner.users(username=name).id == user.id
    with pytest.warns(UserWarning):
        assert owner.users(username=name.lower()) is None
    # Another user whose name differs only in case is a different user, not a conflict.
    lower = make.user(username=name.lower())
    assert lower.id != user.id


def test_timestamps_carry_microseconds(owner, make):
    # 2.x answers ISO timestamps with microseconds (1.x: whole seconds). One of three creates having a
    # zero fraction by chance is possible; all three is not (p = 1e-18).
    users = [make.user() for _ in range(3)]
    assert any(u._model.inserted_at.microsecond for u in users)
    workspaces = [make.workspace() for _ in range(3)]
    assert any(w._model.inserted_at.microsecond for w in workspaces)


# ---- update ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not USER_UPDATE_SENDS_PATCH, reason="user.update() sends no request before 2.6.0")
def test_updating_a_user_changes_names_and_role_on_the_server(owner, make):
    user = make.user()
    before = user._model.updated_at
    user.first_name = "Grace"
    user.last_name = "Hopper"
    user.role = "admin"
    assert user.update() is user
    assert (user.first_name, user.last_name, user.role) == ("Grace", "Hopper", "admin")
    fetched = owner.users(id=user.id)
    assert (fetched.username, fetched.first_name, fetched.last_name, fetched.role) == (
        user.username,
        "Grace",
        "Hopper",
        "admin",
    )
    assert fetched._model.updated_at >= before
    # The model is replaced by the answer, which has no password.
    assert user.password is None


@pytest.mark.skipif(not USER_UPDATE_SENDS_PATCH, reason="user.update() sends no request before 2.6.0")
def test_updating_the_username_to_a_taken_one_is_unprocessable(owner, make):
    a, b = make.user(), make.user()
    a.username = b.username
    with pytest.raises(UnprocessableEntityError) as info:
        a.update()
    # A plain detail here (PATCH answers 422, not 409, for a taken username).
    assert_api_error(info.value, UnprocessableEntityError, 422, {"detail": f"Username '{b.username}' already exists"})
    assert owner.users(id=a.id).username != b.username


@pytest.mark.skipif(not USER_UPDATE_SENDS_PATCH, reason="user.update() sends no request before 2.6.0")
def test_updating_a_deleted_user_is_not_found(owner, make):
    user = make.user()
    ghost = owner.users(id=user.id)
    user.delete()
    ghost.first_name = "Ghost"
    with pytest.raises(NotFoundError) as info:
        ghost.update()
    assert_api_error(info.value, NotFoundError, 404, {"detail": f"User with id `{ghost.id}` not found"})


@pytest.mark.skipif(USER_UPDATE_SENDS_PATCH, reason="2.6.0+ sends PATCH")
def test_updating_a_user_before_2_6_changes_nothing_on_the_server(owner, make):
    # Surprise (SDK < 2.6.0): UsersAPI has no update(); the base ResourceAPI.update returns the model as
    # given, so user.update() "succeeds" locally and the server never hears of it.
    user = make.user()
    user.first_name = "Grace"
    user.role = "admin"
    assert user.update() is user
    assert (user.first_name, user.role) == ("Grace", "admin")
    fetched = owner.users(id=user.id)
    assert (fetched.first_name, fetched.role) == (user.username, "annotator")


# ---- delete ---------------------------------------------------------------------------------------


def test_deleting_a_user_removes_it(owner, make):
    user = make.user()
    user_id, name = user.id, user.username
    key = make.api_key_of(user)
    assert owner.api.users.exist(user_id) is True
    assert user.delete() is None
    # The SDK resets the model to just the username: the id is gone.
    assert user.id is None and user.username == name
    assert owner.api.users.exist(user_id) is False
    with pytest.warns(UserWarning):
        assert owner.users(id=user_id) is None
    with pytest.warns(UserWarning):
        assert owner.users(username=name) is None
    # Its key no longer works.
    if CHECKS_CREDENTIALS_AT_INIT:
        from argilla._exceptions._client import ArgillaCredentialsError

        with pytest.raises(ArgillaCredentialsError):
            rg.Argilla(api_url=make.server.url, api_key=key)
    else:
        with pytest.raises(UnauthorizedError):
            rg.Argilla(api_url=make.server.url, api_key=key).me
    # A deleted username can be created again.
    again = make.user(username=name)
    assert again.id != user_id


def test_deleting_a_user_twice_is_unprocessable(owner, make):
    # Surprise: after delete() the SDK's user has no id, so the second delete() asks for
    # DELETE /api/v1/users/None, which the server refuses as an invalid UUID (422), not 404.
    user = make.user()
    user.delete()
    with pytest.raises(UnprocessableEntityError) as info:
        user.delete()
    assert_api_error(info.value, UnprocessableEntityError, 422)
    body = info.value.__context__.response.json()
    errors = body["detail"]["params"]["errors"]
    assert [(e["type"], e["loc"]) for e in errors] == [("uuid_parsing", ["path", "user_id"])]
    # exist() after the delete also asks for /users/None: False, not an error.
    assert owner.api.users.exist(user.id) is False


def test_deleting_an_unknown_user_through_a_stale_object_is_not_found(owner, make):
    user = make.user()
    stale = owner.users(id=user.id)
    user.delete()
    with pytest.raises(NotFoundError) as info:
        stale.delete()
    assert_api_error(info.value, NotFoundError, 404, {"detail": f"User with id `{stale.id}` not found"})


def test_users_api_exist(owner, make):
    user = make.user()
    assert owner.api.users.exist(user.id) is True
    assert owner.api.users.exist(owner.me.id) is True
    assert owner.api.users.exist(uuid.uuid4()) is False


# ---- memberships from the user's side -------------------------------------------------------------


def test_adding_a_user_to_a_workspace_and_again_is_a_conflict(owner, make):
    user, ws = make.user(), make.workspace()
    assert user.add_to_workspace(ws) is user
    # The model is replaced by the server's answer (the added user), which has no password.
    assert user.password is None
    assert [u.id for u in ws.users] == [user.id]
    with pytest.raises(ConflictError) as info:
        user.add_to_workspace(ws)
    assert_api_error(
        info.value,
        ConflictError,
        409,
        {"detail": f"Workspace user with workspace_id `{ws.id}` and user_id `{user.id}` is not unique"},
    )
    assert len(ws.users) == 1


def test_removing_a_user_from_a_workspace_and_a_non_member_is_not_found(owner, make):
    user, ws = make.user(), make.workspace()
    user.add_to_workspace(ws)
    assert user.remove_from_workspace(ws) is user
    assert user.id is not None and user.username
    assert len(ws.users) == 0
    with pytest.raises(NotFoundError) as info:
        user.remove_from_workspace(ws)
    assert_api_error(
        info.value,
        NotFoundError,
        404,
        {"detail": f"WorkspaceUser not found filtering by workspace_id={ws.id}, user_id={user.id}"},
    )


def test_adding_a_user_to_a_deleted_workspace_is_not_found(owner, make):
    user, ws = make.user(), make.workspace()
    ws_id = ws.id
    ws.delete()
    with pytest.raises(NotFoundError) as info:
        user.add_to_workspace(rg.Workspace(name="gone", id=ws_id, client=owner))
    assert_api_error(info.value, NotFoundError, 404, {"detail": f"Workspace with id `{ws_id}` not found"})


def test_adding_a_deleted_user_to_a_workspace_is_unprocessable(owner, make):
    # Surprise kept from the server: an unknown user here is 422 with a plain detail, not 404.
    user, ws = make.user(), make.workspace()
    stale = owner.users(id=user.id)
    user.delete()
    with pytest.raises(UnprocessableEntityError) as info:
        stale.add_to_workspace(ws)
    assert_api_error(info.value, UnprocessableEntityError, 422, {"detail": f"User with id `{stale.id}` not found"})


@pytest.mark.skipif(USER_HAS_WORKSPACES, reason="this SDK has User.workspaces")
def test_user_workspaces_does_not_exist_in_this_sdk(owner, make):
    # The issue lists `user.workspaces`, but no 2.x SDK up to 2.8.0 has it (AttributeError). The users
    # API method behind such a property exists: client.api.workspaces.list_by_user_id.
    user, ws = make.user(), make.workspace()
    user.add_to_workspace(ws)
    with pytest.raises(AttributeError):
        user.workspaces
    listed = owner.api.workspaces.list_by_user_id(user.id)
    assert [(w.id, w.name) for w in listed] == [(ws.id, ws.name)]


@pytest.mark.skipif(not USER_HAS_WORKSPACES, reason="no 2.x SDK up to 2.8.0 has User.workspaces")
def test_user_workspaces_lists_the_memberships(owner, make):
    user, ws = make.user(), make.workspace()
    user.add_to_workspace(ws)
    assert [w.name for w in user.workspaces] == [ws.name]


# ---- what non-owners may do -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["annotator", "admin"])
def test_a_non_owner_cannot_list_or_create_or_delete_users(owner, make, role):
    user = make.user(role=role)
    client = make.login(user)
    assert client.me.role == role
    with pytest.raises(ForbiddenError) as info:
        client.users.list()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    with pytest.raises(ForbiddenError):
        len(client.users)
    with pytest.raises(ForbiddenError):
        client.users(username=OWNER_NAME)
    # Even its own record: GET /users/{id} is owner-only (403 before existence), so a lookup by id
    # raises instead of answering None.
    with pytest.raises(ForbiddenError):
        client.users(id=user.id)
    with pytest.raises(ForbiddenError) as info:
        rg.User(username=unique("u"), password=PASSWORD, client=client).create()
    assert_api_error(info.value, ForbiddenError, 403, forbidden_body())
    victim = make.user()
    with pytest.raises(ForbiddenError):
        rg.User(username=victim.username, id=victim.id, client=client).delete()
    assert owner.api.users.exist(victim.id) is True


def test_a_client_whose_user_was_deleted_is_unauthorized(owner, make):
    user = make.user()
    client = make.login(user)
    owner.users(id=user.id).delete()
    with pytest.raises(UnauthorizedError) as info:
        client.workspaces.list()
    assert_api_error(info.value, UnauthorizedError, 401, unauthorized_body())
