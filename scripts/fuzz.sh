#!/usr/bin/env bash
# Spec-driven fuzzing: Schemathesis generates requests from the mock's own /openapi.json (valid
# and invalid bodies, odd path ids, missing and wrong credentials, stateful create→delete chains)
# against a fresh mock, and checks every answer: no 5xx, a declared status, the declared schema
# and content type. Afterwards the mock's journal counts what was sent and every 5xx, and the
# process must still be alive.
#
# usage: scripts/fuzz.sh [EXAMPLES]   (default 1000 per operation: 11,563 requests in ~4 min;
#                                      scripts/test.sh runs 40: about 1,000 requests in ~20 s)
# env:   ARGILLA_MOCK_BIN (default target/debug/argilla-mock), FUZZ_SEED (default 20261128),
#        FUZZ_ARGILLA_VERSION (default none: the default profile, both generations and so every
#        operation of /openapi.json; 1.14.1 or 2.8.0 for one generation)
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${1:-1000}"
SEED="${FUZZ_SEED:-20261128}"
FUZZ_ARGILLA_VERSION="${FUZZ_ARGILLA_VERSION:-}"
PYTHON="${PYTHON:-python3}"
BIN="${ARGILLA_MOCK_BIN:-$PWD/target/debug/argilla-mock}"
OUT=target/fuzz
mkdir -p "$OUT"

venv=.venvs/schemathesis
if ! "$venv/bin/schemathesis" --version >/dev/null 2>&1; then
  echo "== creating $venv"
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    -c tests/fuzz/constraints.txt schemathesis
fi
[ -x "$BIN" ] || cargo build --locked -p argilla-mock

profile_args=()
[ -n "${FUZZ_ARGILLA_VERSION:-}" ] && profile_args=(--argilla-version "$FUZZ_ARGILLA_VERSION")
"$BIN" --port 0 "${profile_args[@]}" --journal-size 200000 >"$OUT/mock.out" 2>"$OUT/mock.err" &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true' EXIT
for _ in $(seq 200); do
  grep -q '^ARGILLA_API_URL=' "$OUT/mock.out" 2>/dev/null && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$OUT/mock.err"; exit 1; }
  sleep 0.05
done
url="$(sed -n 's/^ARGILLA_API_URL=//p' "$OUT/mock.out")"
key="$(sed -n 's/^ARGILLA_API_KEY=//p' "$OUT/mock.out")"
me_path=/api/me
[ "${FUZZ_ARGILLA_VERSION:-}" = "${FUZZ_ARGILLA_VERSION#2.}" ] || me_path=/api/v1/me
owner_id="$(curl -sf -H "X-Argilla-Api-Key: $key" "$url$me_path" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
first_seq="$(curl -sf "$url/__mock/requests?limit=1" | "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin)["requests"]; print(r[-1]["seq"] if r else 0)')"

echo "== schemathesis: $EXAMPLES examples per operation, seed $SEED, against $url"
set +e
FUZZ_PROTECTED_USER_ID="$owner_id" SCHEMATHESIS_HOOKS=hooks PYTHONPATH=tests/fuzz \
  "$venv/bin/schemathesis" --config-file tests/fuzz/schemathesis.toml run "$url/openapi.json" \
  -H "X-Argilla-Api-Key: $key" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
  --max-examples "$EXAMPLES" --seed "$SEED" --generation-database none --no-color \
  --report junit --report-junit-path "$OUT/schemathesis.junit.xml"
schemathesis_status=$?
set -e

"$PYTHON" - "$url" "$first_seq" "$mock_pid" "$schemathesis_status" "$OUT/summary.json" <<'PY'
import collections, json, os, sys, urllib.request
url, first_seq, pid, st_status, summary_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
try:
    os.kill(pid, 0)
    alive = True
except OSError:
    alive = False
entries = []
if alive:
    with urllib.request.urlopen(f"{url}/__mock/requests?limit=1000000") as r:
        entries = [e for e in json.load(r)["requests"] if e["seq"] > first_seq]
statuses = collections.Counter(e["status"] for e in entries)
server_errors = [e for e in entries if (e["status"] or 0) >= 500]
summary = {
    "requests": len(entries),
    "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
    "server_errors": len(server_errors),
    "server_alive": alive,
    "schemathesis_exit": st_status,
}
json.dump(summary, open(summary_path, "w"), indent=2)
print(json.dumps(summary))
for e in server_errors[:10]:
    print("5xx:", e["method"], e["path"], e["status"])
ok = alive and not server_errors and st_status == 0 and len(entries) > 0
sys.exit(0 if ok else 1)
PY
