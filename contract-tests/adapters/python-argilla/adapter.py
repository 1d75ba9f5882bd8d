#!/usr/bin/env python3
"""argilla-contract adapter for the real `argilla` 1.x Python SDK (argilla.client.users.User).

Speaks PROTOCOL.md on stdin/stdout: it only maps each operation to the SDK call and each SDK
exception to the protocol's error kinds. Run it with the Python that has the SDK installed:
    argilla-contract --client "python adapter.py"
"""

import json
import os
import sys
import warnings

warnings.simplefilter("ignore")

import argilla as rg  # noqa: E402
import httpx  # noqa: E402
from argilla.client.sdk.commons.errors import BaseClientError, UnauthorizedApiError  # noqa: E402
from argilla.client.users import User  # noqa: E402

FEATURES = ["user.me", "user.list", "user.from_name", "user.from_id", "user.create",
            "user.delete", "user.workspaces", "user.construct"]


def user_json(user):
    return {
        "id": str(user.id),
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": getattr(user.role, "value", user.role),
    }


def error_kind(exc):
    """The protocol kind of an SDK exception (argilla-users-api.md §6, Part C)."""
    text = str(exc)
    if isinstance(exc, PermissionError):
        return "permission"
    if isinstance(exc, UnauthorizedApiError):
        return "unauthorized"
    if isinstance(exc, httpx.ConnectError) or (isinstance(exc, BaseClientError) and "not available or not responding" in text):
        return "transport"
    if isinstance(exc, (httpx.TransportError, RuntimeError, BaseClientError)):
        return "server_error"
    if isinstance(exc, (ValueError, KeyError)):
        if "already exists" in text:
            return "conflict"
        if "doesn't exist" in text:
            return "not_found"
        # pydantic's local validation, the 422 "cannot be created ... not valid", a broken body.
        if "Expecting" in text or "JSON" in type(exc).__name__:
            return "server_error"
        return "validation"
    return "usage"


def run(message):
    base_url, api_key = message["base_url"], message["api_key"]
    # A failed init makes the SDK fall back to these: keep them on the server under test.
    os.environ["ARGILLA_API_URL"], os.environ["ARGILLA_API_KEY"] = base_url, api_key
    op, args = message["op"], message.get("args") or {}
    if op == "user.construct":
        User(name=args.get("name"))
        return None
    rg.init(api_url=base_url, api_key=api_key, timeout=20)
    if op == "user.me":
        return user_json(User.me())
    if op == "user.list":
        return [user_json(u) for u in User.list()]
    if op == "user.from_name":
        return user_json(User.from_name(args["name"]))
    if op == "user.from_id":
        import uuid
        return user_json(User.from_id(uuid.UUID(args["id"])))
    if op == "user.create":
        kwargs = {k: args[k] for k in ("first_name", "last_name", "role", "workspaces") if k in args}
        return user_json(User.create(args["username"], password=args["password"], **kwargs))
    if op == "user.delete":
        User.from_name(args["username"]).delete()
        return None
    if op == "user.workspaces":
        return [w.name for w in User.me().workspaces]
    raise NotImplementedError(op)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if message.get("cmd") == "start":
            reply = {"implementation": {"name": "argilla", "language": "python", "version": rg.__version__},
                     "features": FEATURES}
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
