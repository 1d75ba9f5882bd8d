#!/usr/bin/env bash
# Parity: the same requests to the real Argilla 1.14.1 server and to argilla-mock, compared.
#
# usage: scripts/parity.sh [--verbose]
# Starts a fresh real server with ../shared/oracle/start-real-argilla.sh (first run ~60 s for
# its venv, then ~7 s) on $PARITY_REAL_PORT (default 6910), builds and starts the mock with
# fixtures/minimal.json (a fresh install's state) on a free port, runs scripts/parity.py, and
# stops both. Prints "parity: N equal / M compared; ..." and fails on any unexpected difference;
# then checks the auth matrix's table (mock-server/tests/auth_matrix.rs) against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
ORACLE="${ARGILLA_ORACLE_SCRIPTS:-../shared/oracle}"
REAL_PORT="${PARITY_REAL_PORT:-6910}"

cargo build --release --locked -q -p argilla-mock
bash "$ORACLE/start-real-argilla.sh" "$REAL_PORT" >/dev/null
mock_out=$(mktemp)
./target/release/argilla-mock --port 0 --argilla-version 1.14.1 --fixtures fixtures/minimal.json >"$mock_out" 2>/dev/null &
mock_pid=$!
cleanup() {
  kill "$mock_pid" 2>/dev/null || true
  bash "$ORACLE/stop-real-argilla.sh" "$REAL_PORT" >/dev/null 2>&1 || true
  rm -f "$mock_out"
}
trap cleanup EXIT
# The mock prints its URL once it accepts connections; wait for that line (bounded).
for _ in $(seq 1 200); do
  grep -q '^ARGILLA_API_URL=' "$mock_out" && break
  kill -0 "$mock_pid" 2>/dev/null || { echo "argilla-mock exited early" >&2; exit 1; }
  sleep 0.05
done
mock_url=$(sed -n 's/^ARGILLA_API_URL=//p' "$mock_out")
[ -n "$mock_url" ] || { echo "argilla-mock did not start" >&2; exit 1; }
python3 scripts/parity.py "http://127.0.0.1:$REAL_PORT" "$mock_url" "$@"
# The auth matrix's table (16 endpoints x 10 callers), asked of a fresh real server (the parity
# cases above delete the owner).
echo "== auth matrix against the real server"
bash "$ORACLE/stop-real-argilla.sh" "$REAL_PORT" >/dev/null 2>&1 || true
bash "$ORACLE/start-real-argilla.sh" "$REAL_PORT" >/dev/null
ARGILLA_ORACLE_URL="http://127.0.0.1:$REAL_PORT" \
  cargo test --locked -q -p argilla-mock --test auth_matrix -- --ignored
