#!/usr/bin/env bash
# Parity: the same requests to the real Argilla servers and to argilla-mock, compared.
#
# usage: scripts/parity.sh [--profile 1.x|2.x|datasets|records] [--verbose]
# Without --profile, all three:
# - 1.x: a fresh real Argilla 1.14.1 (../shared/oracle/start-real-argilla.sh; first run ~60 s for
#   its venv, then ~7 s) on $PARITY_REAL_PORT (default 6910) and the mock with
#   `--argilla-version 1.14.1 --fixtures fixtures/minimal.json` (a fresh install's state);
#   scripts/parity.py prints "parity 1.x: N equal / M compared; ..."; then the auth matrix's table
#   (mock-server/tests/api/auth_matrix_argilla1.rs) is checked against a fresh real server.
# - 2.x: a fresh real argilla-server 2.8.0 (start-real-argilla-2.sh; first run ~1-2 min, then
#   ~12-20 s) on $PARITY_REAL2_PORT (default 6911) and the mock with `--argilla-version 2.8.0
#   --fixtures fixtures/fresh-2.8.json` (the same state; the 2.8 owner's password is 12345678);
#   "parity 2.x: N equal / M compared; ..." (cases in scripts/parity_2x.py); then the 2.x auth
#   matrix (mock-server/tests/api/auth_matrix_argilla2.rs) against a fresh real server.
# - datasets: the recorders of the 2.x datasets contract (../shared/real-server-2.8.0/
#   capture_datasets.py, 524 exchanges, and sdk_datasets_probe.py, 46 steps of the 2.8.0 SDK)
#   run against a fresh mock (`--argilla-version 2.8.0 --fixtures fixtures/fresh-2.8.json`) and
#   are compared with what they recorded on the real server (scripts/transcript_parity.py,
#   scripts/sdk_probe_parity.py; known differences: scripts/parity-known/*.txt). No live oracle
#   is needed; the SDK probe needs the 2.8.0 SDK (.venvs/argilla2-2.8.0, made by scripts/test.sh).
# - records: the same for the records contract (capture_records.py, 421 exchanges, and
#   sdk_records_probe.py, 72 steps), known differences in scripts/parity-known/records*.txt.
# Each comparison fails on any unexpected difference; the script fails if any did.
set -euo pipefail
cd "$(dirname "$0")/.."
ORACLE="${ARGILLA_ORACLE_SCRIPTS:-../shared/oracle}"
REAL_PORT="${PARITY_REAL_PORT:-6910}"
REAL2_PORT="${PARITY_REAL2_PORT:-6911}"
export ARGILLA_ORACLE_VERSION="${ARGILLA_ORACLE_VERSION:-1.14.1}"
TARGET="${CARGO_TARGET_DIR:-target}"

profiles="1.x 2.x datasets records"
RECORDED="${PARITY_RECORDED:-../shared/real-server-2.8.0}"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profiles="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

cargo build --release --locked -q -p argilla-mock
mock_out=$(mktemp)
mock_pid=
started=()
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  for port in "${started[@]}"; do
    bash "$ORACLE/stop-real-argilla.sh" "$port" >/dev/null 2>&1 || true
  done
  rm -f "$mock_out"
}
trap cleanup EXIT

# start_mock VERSION FIXTURES: starts the mock, sets mock_url once it accepts connections.
start_mock() {
  "$TARGET/release/argilla-mock" --port 0 --argilla-version "$1" --fixtures "$2" >"$mock_out" 2>/dev/null &
  mock_pid=$!
  # The mock prints its URL once it accepts connections; wait for that line (bounded).
  for _ in $(seq 1 200); do
    grep -q '^ARGILLA_API_URL=' "$mock_out" && break
    kill -0 "$mock_pid" 2>/dev/null || { echo "argilla-mock exited early" >&2; exit 1; }
    sleep 0.05
  done
  mock_url=$(sed -n 's/^ARGILLA_API_URL=//p' "$mock_out")
  [ -n "$mock_url" ] || { echo "argilla-mock did not start" >&2; exit 1; }
}

stop_mock() {
  kill "$mock_pid" 2>/dev/null || true
  wait "$mock_pid" 2>/dev/null || true
  mock_pid=
}

# fresh_oracle SCRIPT PORT: (re)starts a real server with a fresh database.
fresh_oracle() {
  bash "$ORACLE/stop-real-argilla.sh" "$2" >/dev/null 2>&1 || true
  bash "$ORACLE/$1" "$2" >/dev/null
  started+=("$2")
}

# recorded_contract NAME PROBE RECORDING SDK_KNOWN [PROBE_ARG...]: a contract's recorders
# (capture_NAME.py, then the SDK probe) against a fresh mock each, compared with what they
# recorded on the real server; known differences in scripts/parity-known/NAME.txt and SDK_KNOWN
# (empty: none).
recorded_contract() {
  local name=$1 probe=$2 recording=$3 sdk_known=$4
  shift 4
  local captured="$TARGET/parity/$name"
  rm -rf "$captured" && mkdir -p "$captured"
  start_mock 2.8.0 fixtures/fresh-2.8.json
  python3 "$RECORDED/capture_$name.py" "$mock_url" "$captured/transcripts" >"$captured/capture.log" 2>&1 \
    || echo "capture_$name.py stopped early (see $captured/capture.log)"
  stop_mock
  python3 scripts/transcript_parity.py "$RECORDED/$name-transcripts" "$captured/transcripts" \
    --label "$name (capture_$name.py)" --known "scripts/parity-known/$name.txt" ${args[@]+"${args[@]}"} || failed=1
  start_mock 2.8.0 fixtures/fresh-2.8.json
  ARGILLA_API_URL="$mock_url" ARGILLA_API_KEY=argilla.apikey .venvs/argilla2-2.8.0/bin/python \
    "$RECORDED/$probe" "$mock_url" argilla.apikey "$@" >"$captured/sdk-probe.json" 2>"$captured/sdk-probe.err" || true
  stop_mock
  local known=()
  [ -n "$sdk_known" ] && known=(--known "$sdk_known")
  python3 scripts/sdk_probe_parity.py "$RECORDED/$recording" "$captured/sdk-probe.json" \
    --label "$name (2.8.0 SDK probe)" ${known[@]+"${known[@]}"} ${args[@]+"${args[@]}"} || failed=1
}

failed=0
for profile in $profiles; do
  case "$profile" in
    1.x)
      fresh_oracle start-real-argilla.sh "$REAL_PORT"
      start_mock 1.14.1 fixtures/minimal.json
      python3 scripts/parity.py "http://127.0.0.1:$REAL_PORT" "$mock_url" --profile 1.x ${args[@]+"${args[@]}"} || failed=1
      stop_mock
      # The auth matrix's table (16 endpoints x 10 callers), asked of a fresh real server (the
      # parity cases above delete the owner).
      echo "== auth matrix (1.x) against the real server"
      fresh_oracle start-real-argilla.sh "$REAL_PORT"
      ARGILLA_ORACLE_URL="http://127.0.0.1:$REAL_PORT" \
        cargo test --locked -q -p argilla-mock --test api auth_matrix_argilla1 -- --ignored || failed=1
      bash "$ORACLE/stop-real-argilla.sh" "$REAL_PORT" >/dev/null 2>&1 || true
      ;;
    2.x)
      fresh_oracle start-real-argilla-2.sh "$REAL2_PORT"
      start_mock 2.8.0 fixtures/fresh-2.8.json
      python3 scripts/parity.py "http://127.0.0.1:$REAL2_PORT" "$mock_url" --profile 2.x ${args[@]+"${args[@]}"} || failed=1
      stop_mock
      # The 2.x auth matrix (20 endpoints x 12 callers), asked of a fresh real server (the
      # parity cases above demote the owner).
      echo "== auth matrix (2.x) against the real server"
      fresh_oracle start-real-argilla-2.sh "$REAL2_PORT"
      ARGILLA_ORACLE_URL="http://127.0.0.1:$REAL2_PORT" \
        cargo test --locked -q -p argilla-mock --test api auth_matrix_argilla2 -- --ignored || failed=1
      bash "$ORACLE/stop-real-argilla.sh" "$REAL2_PORT" >/dev/null 2>&1 || true
      ;;
    datasets)
      recorded_contract datasets sdk_datasets_probe.py sdk-datasets-probe-2.8.0.json ""
      ;;
    records)
      # The records probe's third argument: the oracle's log of search-engine bodies (the mock has none).
      recorded_contract records sdk_records_probe.py sdk-records-probe-2.8.0.json \
        scripts/parity-known/records-sdk.txt /dev/null
      ;;
    *) echo "unknown profile $profile (1.x, 2.x, datasets or records)" >&2; exit 2 ;;
  esac
done
exit "$failed"
