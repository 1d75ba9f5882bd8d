"""Schemathesis hooks for scripts/fuzz.sh.

The run authenticates as one owner. Deleting that owner (its id is one `GET /api/me` away, and
Schemathesis follows such links) would turn every later request into the same 401 and end the
fuzzing in all but name, so a call that would delete it targets an id that does not exist.
"""

import os

import schemathesis

PROTECTED_USER_ID = os.environ["FUZZ_PROTECTED_USER_ID"]
UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"


@schemathesis.hook
def before_call(context, case, kwargs):
    if (
        case.method.upper() == "DELETE"
        and case.operation.path == "/api/users/{user_id}"
        and str((case.path_parameters or {}).get("user_id", "")).lower() == PROTECTED_USER_ID
    ):
        case.path_parameters["user_id"] = UNKNOWN_ID
