#!/usr/bin/env python3
"""argilla-contract adapter for the real `argilla` 2.x Python SDK (rg.Argilla, rg.User, rg.Workspace).

Speaks PROTOCOL.md on stdin/stdout (handshake `"api": "2.x"`): it only maps each operation to the SDK
calls and each SDK exception to the protocol's error kinds. Tested with argilla 2.8.0 and 2.0.0. Run it
with the Python that has the SDK installed:
    argilla-contract --client "python adapter.py"

Where the 2.x SDK has no call of its own, the adapter composes SDK calls, and says so below:
- a lookup that misses (`client.users(username=...)`, `client.workspaces(name)`) returns None with a
  UserWarning in the SDK; the adapter reports that as `not_found`;
- `User.create(..., workspaces=[...])` has no 2.x counterpart: the names are looked up first (an
  unknown one is `validation`, as in 1.x, and nothing is created), then `user.add_to_workspace(ws)`;
- `user.workspaces` does not exist in 2.x (up to 2.8.0): the calling user's workspaces are
  `client.workspaces` (GET /api/v1/me/workspaces);
- `User(...)` is the ordinary way to make a user in 2.x, so `user.construct` is not among the features.
"""

import json
import os
import sys
import uuid
import warnings

warnings.simplefilter("ignore")

import argilla as rg  # noqa: E402
import httpx  # noqa: E402
from argilla._exceptions import (  # noqa: E402
    ArgillaAPIError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    UnprocessableEntityError,
)

try:  # 2.0.1+: rg.Argilla(...) checks the key at once
    from argilla._exceptions._client import ArgillaCredentialsError
except ImportError:  # pragma: no cover - 2.0.0
    ArgillaCredentialsError = UnauthorizedError

FEATURES = ["user.me", "user.list", "user.from_name", "user.from_id", "user.create", "user.delete",
            "user.workspaces", "user.update", "workspace.create", "workspace.delete", "workspace.add_user",
            "workspace.remove_user", "workspace.users"]


class Missing(LookupError):
    """A lookup the SDK answered with None."""


class UnknownWorkspace(ValueError):
    """`user.create` named a workspace that does not exist."""


def user_json(user):
    return {
        "id": str(user.id),
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": getattr(user.role, "value", user.role),
    }


def workspace_json(ws):
    return {"id": str(ws.id), "name": ws.name}


def error_kind(exc):
    """The protocol kind of an SDK exception (argilla-2x-users-api.md §5 "Status → exception")."""
    if isinstance(exc, Missing):
        return "not_found"
    if isinstance(exc, UnknownWorkspace):
        return "validation"
    if isinstance(exc, (UnauthorizedError, ArgillaCredentialsError)):
        return "unauthorized"
    if isinstance(exc, ForbiddenError):
        return "permission"
    if isinstance(exc, NotFoundError):
        return "not_found"
    if isinstance(exc, ConflictError):
        return "conflict"
    if isinstance(exc, UnprocessableEntityError):
        return "validation"
    if isinstance(exc, ArgillaAPIError):  # InternalServerError, other statuses
        return "server_error"
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return "transport"
    if isinstance(exc, httpx.HTTPError):  # a cut connection, a read timeout, a protocol error
        return "server_error"
    if isinstance(exc, json.JSONDecodeError):  # a broken body
        return "server_error"
    if type(exc).__name__ == "ValidationError" and "input_type=dict" in str(exc):
        return "server_error"  # the server's answer does not fit the SDK's model
    if isinstance(exc, ValueError):
        if "does not exist" in str(exc):  # Workspace.add_user/remove_user with an unknown username
            return "not_found"
        return "validation"  # pydantic's local checks (ValidationError is a ValueError), UnknownWorkspace
    return "usage"


def find_user(client, username):
    user = client.users(username=username)
    if user is None:
        raise Missing(f"User with username '{username}' not found")
    return user


def find_workspace(client, name):
    ws = client.workspaces(name)
    if ws is None:
        raise Missing(f"Workspace with name '{name}' not found")
    return ws


def run(message):
    base_url, api_key = message["base_url"], message["api_key"]
    # Resources built without client= fall back to a default client made from these.
    os.environ["ARGILLA_API_URL"], os.environ["ARGILLA_API_KEY"] = base_url, api_key
    op, args = message["op"], message.get("args") or {}
    if op not in FEATURES:
        raise NotImplementedError(op)
    client = rg.Argilla(api_url=base_url, api_key=api_key, timeout=20)
    if op == "user.me":
        return user_json(client.me)
    if op == "user.list":
        return [user_json(u) for u in client.users.list()]
    if op == "user.from_name":
        return user_json(find_user(client, args["name"]))
    if op == "user.from_id":
        user = client.users(id=uuid.UUID(args["id"]))
        if user is None:
            raise Missing(f"User with id {args['id']} not found")
        return user_json(user)
    if op == "user.create":
        workspaces = []
        for name in args.get("workspaces") or []:
            ws = client.workspaces(name)
            if ws is None:
                raise UnknownWorkspace(f"Workspace '{name}' does not exist: no user created")
            workspaces.append(ws)
        kwargs = {k: args[k] for k in ("first_name", "last_name", "role") if k in args}
        user = rg.User(username=args["username"], password=args["password"], client=client, **kwargs).create()
        for ws in workspaces:
            user.add_to_workspace(ws)
        return user_json(user)
    if op == "user.delete":
        find_user(client, args["username"]).delete()
        return None
    if op == "user.workspaces":
        return [w.name for w in client.workspaces]
    if op == "user.update":
        user = find_user(client, args["username"])
        for field, value in (args.get("changes") or {}).items():
            setattr(user, field, value)  # UserModel validates on assignment
        return user_json(user.update())
    if op == "workspace.create":
        return workspace_json(rg.Workspace(name=args["name"], client=client).create())
    if op == "workspace.delete":
        find_workspace(client, args["name"]).delete()
        return None
    if op == "workspace.add_user":
        return user_json(find_workspace(client, args["workspace"]).add_user(args["username"]))
    if op == "workspace.remove_user":
        return user_json(find_workspace(client, args["workspace"]).remove_user(args["username"]))
    if op == "workspace.users":
        return [u.username for u in find_workspace(client, args["workspace"]).users]
    raise NotImplementedError(op)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if message.get("cmd") == "start":
            reply = {"implementation": {"name": "argilla", "language": "python", "version": rg.__version__},
                     "features": FEATURES, "api": "2.x"}
        elif message.get("cmd") == "run":
            seq = message["seq"]
            try:
                reply = {"seq": seq, "ok": run(message)}
            except NotImplementedError as exc:
                reply = {"seq": seq, "skipped": f"operation {exc} is not supported"}
            except Exception as exc:  # every failure is reported, none ends the adapter
                reply = {"seq": seq, "error": {"kind": error_kind(exc), "native": type(exc).__name__,
                                               "message": str(exc)[:500]}}
        else:
            continue
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
