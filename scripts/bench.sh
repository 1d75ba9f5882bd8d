#!/usr/bin/env bash
# Performance table: argilla-mock against its targets, the bare-axum baseline and (with
# --with-real) the real Argilla 1.14.1 from ../shared/oracle/; then the records rows
# (scripts/bench_records.py: 100,000 records of the records contract's load; --with-real adds
# the real argilla-server 2.8.0's bulk rate).
#
# usage: scripts/bench.sh [--smoke] [--with-real] [--runs=N]
#   --smoke      a few seconds in all, to keep the script working (CI); timings are not judged
#   --with-real  also load the real server (needs the oracle; ~10 s to start)
# Needs wrk (Debian package) for the throughput and latency rows.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q -p argilla-mock -p argilla-contract --bins --example baseline
python3 scripts/bench.py "$@"
# Records (2.x): bulk writes, searches and RSS over the records contract's load.
python3 scripts/bench_records.py $(printf '%s\n' "$@" | grep -x -e --smoke -e --with-real || true)
