#!/usr/bin/env python3
"""Send the same requests to two users-API servers and compare the answers.

usage: parity.py REAL_URL MOCK_URL [--profile 1.x|2.x] [--verbose]

`--profile 1.x` (the default): Argilla 1.14.1's API, the cases below. Both servers must start in
the state of a fresh Argilla install: owner `argilla` / `argilla.apikey` / password `1234` in
workspace `argilla` (for the mock: fixtures/minimal.json).
`--profile 2.x`: argilla-server 2.8.0's `/api/v1/…`, the cases of parity_2x.py (password
`12345678`; for the mock: fixtures/fresh-2.8.json). These also compare `content-type`, `allow`
and `location` on every case, and the key order of JSON bodies.
The cases run in order against each server; values that differ by nature (ids, keys,
timestamps, tokens) are captured per server, then replaced by their names before comparing.
Status, JSON body (or content type when not JSON) and the headers that matter are compared.

Cases marked `known` are differences we keep on purpose (docs/differences.md): they are
reported but do not fail the run. Standard library only.
"""

import http.client
import json
import re
import sys
import urllib.parse

OWNER = "argilla.apikey"
ZERO = "00000000-0000-0000-0000-000000000000"
J = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# (name, method, path, key, body, extra headers, options)
# key: "owner" | a variable name holding a key | None (no header) | ("raw", value)
# body: None | dict/list (sent as JSON) | bytes (sent as is)
# options: save={var: json-path}, known="reason", headers=[names to compare]
CASES = [
    ("me as owner", "GET", "/api/me", "owner", None, {}, {"save": {"owner_id": "id"}}),
    ("list workspaces", "GET", "/api/workspaces", "owner", None, {}, {"save": {"ws_argilla": "0.id"}}),
    ("info needs no key", "GET", "/api/_info", None, None, {}, {}),
    ("status needs no key", "GET", "/api/_status", None, None, {}, {"blank": ["elasticsearch", "mem_info"]}),
    # --- credentials
    ("me without key", "GET", "/api/me", None, None, {}, {}),
    ("me with empty key", "GET", "/api/me", ("raw", ""), None, {}, {}),
    ("me with wrong key", "GET", "/api/me", ("raw", "wrong"), None, {}, {}),
    ("me with lower-case header name", "GET", "/api/me", None, None, {"x-argilla-api-key": OWNER}, {}),
    ("me with garbage bearer only", "GET", "/api/me", None, None, {"Authorization": "Bearer garbage"}, {}),
    ("me with basic auth only", "GET", "/api/me", None, None, {"Authorization": "Basic Zm9vOmJhcg=="}, {}),
    ("valid key beats garbage bearer", "GET", "/api/me", "owner", None, {"Authorization": "Bearer garbage"}, {}),
    ("workspace header is ignored", "GET", "/api/me", "owner", None, {"X-Argilla-Workspace": "nope"}, {}),
    ("login", "POST", "/api/security/token", None, b"username=argilla&password=1234", FORM,
     {"save": {"token": "access_token"}}),
    ("login with wrong password", "POST", "/api/security/token", None, b"username=argilla&password=nope", FORM, {}),
    ("login of unknown user", "POST", "/api/security/token", None, b"username=nobody&password=nope", FORM, {}),
    ("login without password", "POST", "/api/security/token", None, b"username=argilla", FORM, {}),
    ("login with empty password", "POST", "/api/security/token", None, b"username=argilla&password=", FORM, {}),
    ("login with JSON", "POST", "/api/security/token", None, {"username": "argilla", "password": "1234"}, J, {}),
    ("login without body", "POST", "/api/security/token", None, None, {}, {}),
    ("login with wrong grant type", "POST", "/api/security/token", None,
     b"grant_type=client&username=argilla&password=1234", FORM, {}),
    ("login with password grant type", "POST", "/api/security/token", None,
     b"grant_type=password&username=argilla&password=1234", FORM, {}),
    ("me with bearer token", "GET", "/api/me", None, None, {"Authorization": "Bearer {token}"}, {}),
    ("me with lower-case bearer", "GET", "/api/me", None, None, {"Authorization": "bearer {token}"}, {}),
    ("wrong key beats valid bearer", "GET", "/api/me", ("raw", "wrong"), None, {"Authorization": "Bearer {token}"}, {}),
    ("empty key falls back to bearer", "GET", "/api/me", ("raw", ""), None, {"Authorization": "Bearer {token}"}, {}),
    ("users with bearer token", "GET", "/api/users", None, None, {"Authorization": "Bearer {token}"}, {}),
    # --- creating users
    ("create annotator in argilla", "POST", "/api/users", "owner",
     {"first_name": "Ann", "username": "ann", "password": "12345678", "role": "annotator", "workspaces": ["argilla"]},
     J, {"save": {"ann_id": "id", "ann_key": "api_key"}}),
    ("create admin", "POST", "/api/users", "owner",
     {"first_name": "Adm", "last_name": "In", "username": "adm", "password": "12345678", "role": "admin"},
     J, {"save": {"adm_id": "id", "adm_key": "api_key"}}),
    ("create ignores a sent api_key and strips names", "POST", "/api/users", "owner",
     {"first_name": "  Pad  ", "last_name": " L ", "username": "pad", "password": "12345678", "api_key": "mine"},
     J, {"save": {"pad_id": "id", "pad_key": "api_key"}}),
    ("create defaults role when null", "POST", "/api/users", "owner",
     {"first_name": "N", "username": "nullrole", "password": "12345678", "role": None, "workspaces": None}, J, {}),
    ("create coerces numbers to strings", "POST", "/api/users", "owner",
     {"first_name": 5, "last_name": 1.5, "username": "num", "password": "12345678", "workspaces": []}, J, {}),
    ("create from a list of pairs", "POST", "/api/users", "owner",
     [["first_name", "P"], ["username", "pairs"], ["password", "12345678"]], J, {}),
    ("create with trailing newline in username", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "nl\n", "password": "12345678"}, J, {}),
    ("create with unicode whitespace name", "POST", "/api/users", "owner",
     {"first_name": "\u00a0\u2003x\u3000", "username": "uniws", "password": "12345678"}, J, {}),
    ("create without content type", "POST", "/api/users", "owner",
     b'{"first_name":"x","username":"noct","password":"12345678"}', {}, {}),
    ("create with +json content type", "POST", "/api/users", "owner",
     b'{"first_name":"x","username":"plusjson","password":"12345678"}', {"Content-Type": "application/vnd.api+json"}, {}),
    ("create with BOM", "POST", "/api/users", "owner",
     b'\xef\xbb\xbf{"first_name":"x","username":"bom","password":"12345678"}', J, {}),
    ("create with NaN name", "POST", "/api/users", "owner",
     b'{"first_name":NaN,"username":"nan","password":"12345678"}', J, {}),
    ("create duplicate", "POST", "/api/users", "owner",
     {"first_name": "Ann", "username": "ann", "password": "12345678"}, J, {}),
    ("duplicate with short password is 422", "POST", "/api/users", "owner",
     {"first_name": "Ann", "username": "ann", "password": "1"}, J, {}),
    ("create empty object", "POST", "/api/users", "owner", {}, J, {}),
    ("create all null", "POST", "/api/users", "owner",
     {"first_name": None, "last_name": None, "username": None, "role": None, "password": None, "workspaces": None}, J, {}),
    ("create every field wrong", "POST", "/api/users", "owner",
     {"first_name": "   ", "last_name": "", "username": "Bad Name", "role": "boss", "password": "short", "workspaces": "x"}, J, {}),
    ("create wrong types", "POST", "/api/users", "owner",
     {"first_name": True, "last_name": 1.5, "username": ["x"], "role": 1, "password": {"a": 1}, "workspaces": [1, None, "a"]}, J, {}),
    ("create long fields", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "a" * 300, "password": "p" * 101}, J, {}),
    ("create upper-case username", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "Ann", "password": "12345678"}, J, {}),
    ("create leading dash username", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "-ann", "password": "12345678"}, J, {}),
    ("create role with wrong case", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "rolecase", "password": "12345678", "role": "Owner"}, J, {}),
    ("create unknown workspace", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "wsx", "password": "12345678", "workspaces": ["argilla", "no-such", "other"]}, J, {}),
    ("create duplicate workspace link", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "wsdup", "password": "12345678", "workspaces": ["argilla", "argilla"]}, J,
     {"blank_hex": True}),
    ("failed creates left no user", "GET", "/api/users", "owner", None, {}, {}),
    ("malformed JSON: trailing comma", "POST", "/api/users", "owner", b'{"first_name":"a",', J, {}),
    ("malformed JSON: bare word", "POST", "/api/users", "owner", b"{bad", J, {}),
    ("malformed JSON: extra data", "POST", "/api/users", "owner", b'{"a":1}x', J, {}),
    ("malformed JSON: only spaces", "POST", "/api/users", "owner", b"   ", J, {}),
    ("malformed JSON: bad escape", "POST", "/api/users", "owner", b'{"first_name":"\\x"}', J, {}),
    ("malformed JSON: control character", "POST", "/api/users", "owner", b'{"first_name":"a\tb"}', J, {}),
    ("malformed JSON: multi-line", "POST", "/api/users", "owner",
     '{"first_name":"é",\n"username":"x", "password":"12345678",\n x}'.encode(), J, {}),
    ("body is a JSON array", "POST", "/api/users", "owner", [1, 2], J, {}),
    ("body is an empty JSON array", "POST", "/api/users", "owner", [], J, {}),
    ("body is a JSON string", "POST", "/api/users", "owner", "str", J, {}),
    ("body is JSON null", "POST", "/api/users", "owner", b"null", J, {}),
    ("no body", "POST", "/api/users", "owner", None, J, {}),
    ("form body", "POST", "/api/users", "owner", b"first_name=a&username=b&password=12345678", FORM, {}),
    ("text/plain body", "POST", "/api/users", "owner",
     b'{"first_name":"x","username":"tp","password":"12345678"}', {"Content-Type": "text/plain"}, {}),
    ("malformed JSON without a key is 422 first", "POST", "/api/users", None, b"{", J, {}),
    ("too deep JSON is 400", "POST", "/api/users", "owner",
     b'{"first_name":' + b"[" * 958 + b"]" * 958 + b"}", J, {}),
    # Not at the limit itself: how deep the real server's json.loads may go depends on how
    # deep its call stack already is, which moved by a level or two between runs on a busy
    # machine (954 levels decoded in one run and not in another).
    ("deep JSON within the limit", "POST", "/api/users", "owner",
     b'{"first_name":' + b"[" * 940 + b"]" * 940 + b"}", J, {}),
    ("too long integer is 400", "POST", "/api/users", "owner",
     b'{"first_name":"x","username":"bigint","password":"12345678","n":' + b"9" * 4301 + b"}", J, {}),
    ("minus zero is 0", "POST", "/api/users", "owner",
     b'{"first_name":-0,"username":"mz","password":"12345678","workspaces":[-0]}', J, {}),
    ("pairs with a number key", "POST", "/api/users", "owner",
     [["first_name", "x"], ["username", "pk"], ["password", "12345678"], [1, "x"]], J, {}),
    ("empty JSON string body", "POST", "/api/users", "owner", b'""', J, {}),
    ("password with NUL", "POST", "/api/users", "owner",
     {"first_name": "x", "username": "nulpw", "password": "12345678\u0000"}, J, {}),
    ("empty content type is JSON", "POST", "/api/users", "owner",
     b'{"first_name":"x","username":"emptyct","password":"12345678"}', {"Content-Type": ""}, {}),
    ("CORS preflight with an unknown method", "OPTIONS", "/api/users", None, None,
     {"Origin": "http://example.test", "Access-Control-Request-Method": "post"}, {"headers": ["access-control-allow-origin"]}),
    ("unparsable method", "FOO", "/api/me", "owner", None, {}, {}),
    ("HEAD on an API route", "HEAD", "/api/me", "owner", None, {},
     {"known": "HEAD falls through to the web UI on the real server; the mock has no UI (404)"}),
    ("malformed id bytes", "DELETE", "/api/users/%FF", "owner", None, {}, {}),
    ("body not UTF-8", "POST", "/api/users", "owner",
     b'{"first_name":"\xff\xfe","username":"u8","password":"12345678"}', J, {}),
    ("annotator creating is 403", "POST", "/api/users", "ann_key",
     {"first_name": "x", "username": "zz", "password": "12345678"}, J, {}),
    ("annotator with bad body is 422", "POST", "/api/users", "ann_key",
     {"first_name": "x", "username": "zz", "password": "1"}, J, {}),
    ("admin creating is 403", "POST", "/api/users", "adm_key",
     {"first_name": "x", "username": "zz", "password": "12345678"}, J, {}),
    ("no key with bad body is 401", "POST", "/api/users", None, {"first_name": "x"}, J, {}),
    # --- reading users
    ("list users as owner", "GET", "/api/users", "owner", None, {}, {}),
    ("list users as annotator", "GET", "/api/users", "ann_key", None, {}, {}),
    ("list users as admin", "GET", "/api/users", "adm_key", None, {}, {}),
    ("me as annotator", "GET", "/api/me", "ann_key", None, {}, {}),
    ("me as admin without workspaces", "GET", "/api/me", "adm_key", None, {}, {}),
    # --- workspaces
    ("create workspace", "POST", "/api/workspaces", "owner", {"name": "second"}, J, {"save": {"ws2": "id"}}),
    ("create duplicate workspace", "POST", "/api/workspaces", "owner", {"name": "second"}, J, {}),
    ("create workspace with bad name", "POST", "/api/workspaces", "owner", {"name": "Bad"}, J, {}),
    ("create workspace without name", "POST", "/api/workspaces", "owner", {}, J, {}),
    ("create workspace with numeric name", "POST", "/api/workspaces", "owner", {"name": 5}, J, {}),
    ("create workspace as annotator", "POST", "/api/workspaces", "ann_key", {"name": "third"}, J, {}),
    ("create workspace without key", "POST", "/api/workspaces", None, {}, J, {}),
    ("list workspaces as annotator", "GET", "/api/workspaces", "ann_key", None, {}, {}),
    ("me as owner lists all workspaces", "GET", "/api/me", "owner", None, {}, {}),
    ("members of argilla", "GET", "/api/workspaces/{ws_argilla}/users", "owner", None, {}, {}),
    ("members as annotator member", "GET", "/api/workspaces/{ws_argilla}/users", "ann_key", None, {}, {}),
    ("members as admin non-member", "GET", "/api/workspaces/{ws_argilla}/users", "adm_key", None, {}, {}),
    ("members of unknown workspace", "GET", f"/api/workspaces/{ZERO}/users", "owner", None, {}, {}),
    ("members of unknown workspace as annotator", "GET", f"/api/workspaces/{ZERO}/users", "ann_key", None, {}, {}),
    ("members with bad id", "GET", "/api/workspaces/bad/users", "owner", None, {}, {}),
    ("add annotator to second", "POST", "/api/workspaces/{ws2}/users/{ann_id}", "owner", None, {}, {}),
    ("add annotator to second again", "POST", "/api/workspaces/{ws2}/users/{ann_id}", "owner", None, {}, {}),
    ("add admin to second", "POST", "/api/workspaces/{ws2}/users/{adm_id}", "owner", None, {}, {}),
    ("members as admin member", "GET", "/api/workspaces/{ws2}/users", "adm_key", None, {}, {}),
    ("add unknown user", "POST", f"/api/workspaces/{{ws2}}/users/{ZERO}", "owner", None, {}, {}),
    ("add to unknown workspace", "POST", f"/api/workspaces/{ZERO}/users/{{ann_id}}", "owner", None, {}, {}),
    ("add both unknown", "POST", f"/api/workspaces/{ZERO}/users/{ZERO}", "owner", None, {}, {}),
    ("add as annotator", "POST", "/api/workspaces/{ws2}/users/{pad_id}", "ann_key", None, {}, {}),
    ("add with bad ids", "POST", "/api/workspaces/x/users/y", "owner", None, {}, {}),
    ("me as annotator in two workspaces", "GET", "/api/me", "ann_key", None, {}, {}),
    ("v1 my workspaces as annotator", "GET", "/api/v1/me/workspaces", "ann_key", None, {}, {}),
    ("v1 my workspaces as owner", "GET", "/api/v1/me/workspaces", "owner", None, {}, {}),
    ("v1 workspaces of annotator", "GET", "/api/v1/users/{ann_id}/workspaces", "owner", None, {}, {}),
    ("v1 workspaces of owner", "GET", "/api/v1/users/{owner_id}/workspaces", "owner", None, {}, {}),
    ("v1 workspaces of user as annotator", "GET", "/api/v1/users/{ann_id}/workspaces", "ann_key", None, {}, {}),
    ("v1 workspaces of unknown user", "GET", f"/api/v1/users/{ZERO}/workspaces", "owner", None, {}, {}),
    ("v1 workspaces with bad id", "GET", "/api/v1/users/bad/workspaces", "owner", None, {}, {}),
    ("v1 workspace as member", "GET", "/api/v1/workspaces/{ws2}", "ann_key", None, {}, {}),
    ("v1 workspace as non-member", "GET", "/api/v1/workspaces/{ws_argilla}", "adm_key", None, {}, {}),
    ("v1 unknown workspace", "GET", f"/api/v1/workspaces/{ZERO}", "owner", None, {}, {}),
    ("v1 unknown workspace as annotator", "GET", f"/api/v1/workspaces/{ZERO}", "ann_key", None, {}, {}),
    ("remove member as annotator", "DELETE", "/api/workspaces/{ws2}/users/{ann_id}", "ann_key", None, {}, {}),
    ("remove member as admin non-member", "DELETE", "/api/workspaces/{ws_argilla}/users/{ann_id}", "adm_key", None, {}, {}),
    ("remove member as admin member", "DELETE", "/api/workspaces/{ws2}/users/{ann_id}", "adm_key", None, {}, {}),
    ("remove member again", "DELETE", "/api/workspaces/{ws2}/users/{ann_id}", "owner", None, {}, {}),
    ("remove from unknown workspace", "DELETE", f"/api/workspaces/{ZERO}/users/{{ann_id}}", "ann_key", None, {}, {}),
    ("v1 delete workspace as annotator", "DELETE", "/api/v1/workspaces/{ws2}", "ann_key", None, {}, {}),
    ("v1 delete workspace", "DELETE", "/api/v1/workspaces/{ws2}", "owner", None, {}, {}),
    ("v1 delete workspace again", "DELETE", "/api/v1/workspaces/{ws2}", "owner", None, {}, {}),
    ("admin lost its workspace", "GET", "/api/me", "adm_key", None, {}, {}),
    # --- deleting users
    ("delete with bad id", "DELETE", "/api/users/not-a-uuid", "owner", None, {}, {}),
    ("delete with bad id and no key", "DELETE", "/api/users/not-a-uuid", None, None, {}, {}),
    ("delete unknown", "DELETE", f"/api/users/{ZERO}", "owner", None, {}, {}),
    ("delete unknown as annotator", "DELETE", f"/api/users/{ZERO}", "ann_key", None, {}, {}),
    ("delete existing as annotator", "DELETE", "/api/users/{pad_id}", "ann_key", None, {}, {}),
    ("delete existing as admin", "DELETE", "/api/users/{pad_id}", "adm_key", None, {}, {}),
    ("delete with braces id", "DELETE", "/api/users/%7B{pad_id}%7D", "owner", None, {}, {}),
    ("delete again", "DELETE", "/api/users/{pad_id}", "owner", None, {}, {}),
    ("deleted key is refused", "GET", "/api/me", "pad_key", None, {}, {}),
    ("delete workspace member", "DELETE", "/api/users/{ann_id}", "owner", None, {}, {}),
    ("re-create a deleted username", "POST", "/api/users", "owner",
     {"first_name": "Ann", "username": "ann", "password": "12345678"}, J, {}),
    # --- protocol
    ("gzip when asked and large", "GET", "/api/users", "owner", None, {"Accept-Encoding": "gzip"},
     {"headers": ["content-encoding", "vary"]}),
    ("no gzip for small bodies", "GET", "/api/me", "owner", None, {"Accept-Encoding": "gzip"},
     {"headers": ["content-encoding"]}),
    ("CORS on a simple request", "GET", "/api/me", "owner", None, {"Origin": "http://example.test"},
     {"headers": ["access-control-allow-origin", "access-control-allow-credentials"]}),
    ("CORS preflight", "OPTIONS", "/api/users", None, None,
     {"Origin": "http://example.test", "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "x-argilla-api-key,content-type"},
     {"headers": ["access-control-allow-origin", "access-control-allow-methods",
                  "access-control-allow-headers", "access-control-allow-credentials", "access-control-max-age"]}),
    ("PUT on users", "PUT", "/api/users", "owner", None, {}, {}),
    ("PATCH on me", "PATCH", "/api/me", "owner", None, {}, {}),
    ("POST on unknown path", "POST", "/api/nope", "owner", None, {}, {}),
    ("DELETE on unknown v1 path", "DELETE", "/api/v1/nope", None, None, {}, {}),
    ("POST with trailing slash", "POST", "/api/users/", "owner", None, {}, {}),
    ("GET unknown path", "GET", "/api/nope", "owner", None, {},
     {"known": "the real server serves its web UI (HTML) on unknown GET paths; the mock has no UI"}),
    ("GET a user by id", "GET", "/api/users/{owner_id}", "owner", None, {},
     {"known": "no such endpoint in 1.14; the real server serves its web UI there"}),
    ("GET login route", "GET", "/api/security/token", None, None, {},
     {"known": "GET on a POST-only path falls through to the web UI on the real server"}),
    # --- last: the owner deletes itself
    ("owner deletes itself", "DELETE", "/api/users/{owner_id}", "owner", None, {}, {}),
    ("its key is then refused", "GET", "/api/me", "owner", None, {}, {}),
]

VOLATILE_KEYS = {"id", "api_key", "inserted_at", "updated_at"}
# Tokens are opaque: two issued in the same second for the same user may even be equal.
OPAQUE_KEYS = {"access_token"}
# Header values compared without case (field names in `vary` are case-insensitive).
CASELESS_HEADERS = {"vary"}


def send(base, method, path, headers, body):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def fill(text, vars_):
    for name, value in vars_.items():
        text = text.replace("{" + name + "}", value)
    return text


def dig(data, path):
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def normalise(value, vars_, opts):
    """Blank what differs by nature; name the values captured from this server."""
    reverse = {v: "{" + k + "}" for k, v in vars_.items() if len(v) > 3}

    def text(s):
        for v, name in sorted(reverse.items(), key=lambda kv: -len(kv[0])):
            s = s.replace(v, name)
            s = s.replace(v.replace("-", ""), name)
        if opts.get("blank_hex"):
            s = re.sub(r"'[0-9a-f]{32}'", "'<hex>'", s)
        return s

    def walk(v, key=None):
        if key in opts.get("blank", []) or key in OPAQUE_KEYS:
            return "<blank>"
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, str):
            if key in VOLATILE_KEYS:
                return text(v) if text(v) != v else "<" + key + ">"
            return text(v)
        return v

    return walk(value)


def caseless(header, value):
    return value.lower() if value is not None and header in CASELESS_HEADERS else value


def header_value(base, header, value, vars_):
    """A header as compared: caseless where names are, the server's address and ids named."""
    if value is not None and header == "location":
        value = normalise(value.replace(base.rstrip("/"), "{base}"), vars_, {})
    return caseless(header, value)


def run(base, cases, always_headers, verbose):
    vars_ = {}
    results = []
    for name, method, path, key, body, extra, opts in cases:
        headers = {k: fill(v, vars_) for k, v in extra.items()}
        if key == "owner":
            headers["X-Argilla-Api-Key"] = OWNER
        elif isinstance(key, tuple):
            headers["X-Argilla-Api-Key"] = key[1]
        elif key is not None:
            headers["X-Argilla-Api-Key"] = vars_.get(key, "missing-" + key)
        if body is not None and not isinstance(body, bytes):
            body = fill(json.dumps(body), vars_).encode()
        status, resp_headers, raw = send(base, method, fill(path, vars_), headers, body)
        ctype = resp_headers.get("content-type", "")
        parsed = None
        if ctype.startswith("application/json") and "content-encoding" not in resp_headers and raw:
            parsed = json.loads(raw)
            for var, where in opts.get("save", {}).items():
                if 200 <= status < 300:
                    vars_[var] = str(dig(parsed, where))
                    if var.endswith("_id"):
                        vars_[var + "_simple_upper"] = vars_[var].replace("-", "").upper()
        results.append((name, status, ctype, resp_headers, parsed, opts))
    return [
        (name, status, ctype if always_headers else ctype.split(";")[0],
         {h: header_value(base, h, hdrs.get(h), vars_) for h in always_headers + opts.get("headers", [])},
         normalise(parsed, vars_, opts), opts)
        for name, status, ctype, hdrs, parsed, opts in results
    ]


def main():
    real_url, mock_url = sys.argv[1], sys.argv[2]
    verbose = "--verbose" in sys.argv
    profile = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else "1.x"
    if profile == "2.x":
        import parity_2x

        cases, always_headers, label = parity_2x.CASES, parity_2x.HEADERS, "parity 2.x"
        # Key order counts too: compare the bodies as serialised.
        key = lambda r: (r[1], r[2], r[3], json.dumps(r[4]))  # noqa: E731
    elif profile == "1.x":
        cases, always_headers, label = CASES, [], "parity 1.x"
        key = lambda r: r[1:5]  # noqa: E731
    else:
        sys.exit(f"unknown profile {profile!r} (1.x or 2.x)")
    real = run(real_url, cases, always_headers, verbose)
    mock = run(mock_url, cases, always_headers, verbose)
    equal = known = 0
    failures = []
    for r, m in zip(real, mock):
        name, opts = r[0], r[5]
        same = key(r) == key(m)
        if same:
            equal += 1
            if verbose:
                print(f"  same    {name}")
        elif opts.get("known"):
            known += 1
            print(f"  known   {name}: real {r[1]} {r[2]} / mock {m[1]} {m[2]} ({opts['known']})")
        else:
            failures.append(name)
            print(f"  DIFFERS {name}")
            print(f"    real: {r[1]} {r[2]} {r[3]} {json.dumps(r[4], ensure_ascii=False)[:600]}")
            print(f"    mock: {m[1]} {m[2]} {m[3]} {json.dumps(m[4], ensure_ascii=False)[:600]}")
    total = len(real)
    print(f"{label}: {equal} equal / {total} compared; {known} known differences "
          f"(docs/differences.md); {len(failures)} unexpected")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
