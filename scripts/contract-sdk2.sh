#!/usr/bin/env bash
# The contract suite through the argilla 2.x SDK adapter (contract-tests/adapters/python-argilla2),
# against an in-process argilla-mock; called by scripts/test.sh after the 1.x adapter runs.
# Needs the binaries of `cargo build --workspace` (target/debug/) and a Python with argilla 2.x.
#
# usage: scripts/contract-sdk2.sh VENV_PYTHON [extra argilla-contract flags, e.g. --server URL]
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:?usage: scripts/contract-sdk2.sh VENV_PYTHON [argilla-contract flags]}"
shift
version="$("$python" -c 'import argilla; print(argilla.__version__)')"
echo "== contract suite through the argilla $version SDK adapter (2.x)"
known="contract-tests/adapters/python-argilla2/known-failing.txt"
# An SDK release with bugs of its own lists them apart (e.g. 2.0.0's local-only user.update()).
if [ -f "contract-tests/adapters/python-argilla2/known-failing-$version.txt" ]; then
  known="contract-tests/adapters/python-argilla2/known-failing-$version.txt"
fi
mkdir -p target/contract
# The 2.x SDK imports slowly on a busy machine: allow the handshake a minute.
./target/debug/argilla-contract \
  --client "$python contract-tests/adapters/python-argilla2/adapter.py" \
  --known-failing "$known" \
  --timeout-secs 60 \
  --junit "target/contract/argilla2-$version.junit.xml" --report "target/contract/argilla2-$version.ndjson" \
  "$@"
