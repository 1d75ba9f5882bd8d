"""Schemathesis hooks for scripts/fuzz.sh.

The run authenticates as one owner. Deleting that owner (its id is one `GET /api/me` away, and
Schemathesis follows such links) would turn every later request into the same 401 and end the
fuzzing in all but name; making it an annotator (2.x `PATCH`) would turn them into 403s. So a
call that would delete or change it targets an id that does not exist.
"""

import os

import schemathesis

PROTECTED_USER_ID = os.environ["FUZZ_PROTECTED_USER_ID"]
UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"


# (method, path) of the calls that would delete or change a user: 1.x and 2.x.
CHANGES_A_USER = {
    ("DELETE", "/api/users/{user_id}"),
    ("DELETE", "/api/v1/users/{user_id}"),
    ("PATCH", "/api/v1/users/{user_id}"),
}


@schemathesis.hook
def before_call(context, case, kwargs):
    if (
        (case.method.upper(), case.operation.path) in CHANGES_A_USER
        and str((case.path_parameters or {}).get("user_id", "")).lower() == PROTECTED_USER_ID
    ):
        case.path_parameters["user_id"] = UNKNOWN_ID
