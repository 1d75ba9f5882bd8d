#!/usr/bin/env bash
# The Python package (python/): builds the argilla-mock wheel with maturin (the server binary
# inside), installs it into a FRESH venv together with the real argilla 1.29.1 SDK, pytest and
# pytest-xdist, and runs the package's own tests there (python/tests) with no cargo or rustc on
# PATH, so the binary is the wheel's; then the same with argilla 2.8.0 and python/tests_sdk2.
# Also checks that `argilla-mock --help` runs from that venv.
# Prints the wheel's size, the build time and how long a test with the argilla_mock fixture takes.
#
# usage: scripts/python-test.sh
# env:   WHEEL_PROFILE=release|debug (default release: the wheel users get; debug reuses the
#        target/debug build of scripts/test.sh), PYTHON (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PYTHON="${PYTHON:-python3}"
PROFILE="${WHEEL_PROFILE:-release}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
SDK_CONSTRAINTS=tests/sdk/constraints-1.29.1.txt
OUT="$CARGO_TARGET_DIR/python"

# The build tool lives in its own venv, reused between runs (the tested venv is always new).
build_venv=.venvs/maturin
if ! "$build_venv/bin/maturin" --version >/dev/null 2>&1 || ! "$build_venv/bin/mypy" --version >/dev/null 2>&1; then
  echo "== creating $build_venv"
  rm -rf "$build_venv"
  "$PYTHON" -m venv "$build_venv"
  "$build_venv/bin/python" -m pip install -q --disable-pip-version-check -c python/build-constraints.txt maturin mypy
fi

echo "== building the wheel (maturin, $PROFILE)"
rm -rf "$OUT/wheels"
mkdir -p "$OUT/wheels"
profile_flag=()
[ "$PROFILE" = release ] && profile_flag=(--release)
started=$(date +%s%N)
(cd python && "$ROOT/$build_venv/bin/maturin" build --locked "${profile_flag[@]}" --out "$OUT/wheels")
build_secs=$(( ($(date +%s%N) - started) / 1000000000 ))
wheel=$(ls "$OUT"/wheels/argilla_mock-*.whl)
wheel_bytes=$(stat -c %s "$wheel")

echo "== fresh venv with the wheel, argilla 1.29.1, pytest, pytest-xdist"
venv=.venvs/python-test
rm -rf "$venv"
"$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  -c "$SDK_CONSTRAINTS" -c python/tests/constraints.txt \
  "$wheel" "argilla==1.29.1" pytest pytest-xdist

# PATH for the tests: the venv, then the system folders that hold no Rust toolchain.
clean_path="$ROOT/$venv/bin"
IFS=: read -r -a entries <<<"$PATH"
for dir in "${entries[@]}"; do
  [ -n "$dir" ] && [ "$dir" != "$ROOT/$venv/bin" ] || continue
  [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/rustup" ] && continue
  clean_path="$clean_path:$dir"
done
run_clean() { env -u ARGILLA_MOCK_BIN -u CARGO_TARGET_DIR PATH="$clean_path" "$@"; }

if run_clean sh -c 'command -v cargo || command -v rustc'; then
  echo "python-test: a Rust toolchain is still on the test PATH" >&2
  exit 1
fi
installed=$(run_clean sh -c 'command -v argilla-mock')
[ "$installed" = "$ROOT/$venv/bin/argilla-mock" ] || {
  echo "python-test: argilla-mock on PATH is $installed, not the venv's" >&2
  exit 1
}
echo "== argilla-mock --help from the venv ($installed)"
run_clean argilla-mock --help | head -3
run_clean argilla-mock --version

echo "== mypy --strict on the installed package"
"$build_venv/bin/mypy" --strict --cache-dir "$OUT/mypy-cache" --python-executable "$venv/bin/python" -p argilla_mock

echo "== the package's tests (python/tests) in the fresh venv, binary from the wheel"
mkdir -p "$OUT/reports"
# Run from python/tests so the checkout's python/src is not what gets imported.
(cd python/tests && run_clean "$ROOT/$venv/bin/python" -m pytest -p no:cacheprovider -q \
  --junitxml="$OUT/reports/python-tests.xml" .)

echo "== the plugin with the real argilla 2.8.0 SDK (python/tests_sdk2), in a second fresh venv"
venv2=.venvs/python-test-sdk2
rm -rf "$venv2"
"$PYTHON" -m venv "$venv2"
"$venv2/bin/python" -m pip install -q --disable-pip-version-check \
  -c tests/sdk2/constraints-2.8.0.txt -c python/tests/constraints.txt \
  "$wheel" "argilla==2.8.0" requests pytest pytest-xdist  # 2.8.0 imports requests without declaring it
(cd python/tests_sdk2 && run_clean "$ROOT/$venv2/bin/python" -m pytest -p no:cacheprovider -q \
  --junitxml="$OUT/reports/python-tests-sdk2.xml" .)

echo "== timing: 20 tests that use the argilla_mock fixture and call User.me()"
timing_dir="$OUT/timing"
rm -rf "$timing_dir"
mkdir -p "$timing_dir"
cat >"$timing_dir/test_timing.py" <<'EOF'
import pytest
from argilla.client.users import User


@pytest.mark.parametrize("i", range(20))
def test_me(argilla_mock, i):
    assert User.me().username == "argilla"
EOF
cat >"$timing_dir/conftest.py" <<'EOF'
import json

phases = {}


def pytest_runtest_logreport(report):
    phases.setdefault(report.nodeid, {})[report.when] = report.duration * 1000


def pytest_sessionfinish(session):
    with open("timing.json", "w") as f:
        json.dump(list(phases.values()), f)
EOF
(cd "$timing_dir" && run_clean "$ROOT/$venv/bin/python" -m pytest -p no:cacheprovider -q -W ignore test_timing.py)
timing=$("$venv/bin/python" - "$timing_dir/timing.json" <<'EOF'
import json, statistics, sys
tests = json.load(open(sys.argv[1]))
total = [sum(t.values()) for t in tests]
fixture = [t["setup"] + t["teardown"] for t in tests]
print(f"first test {total[0]:.0f} ms (fixture {fixture[0]:.0f} ms, starting the server); "
      f"later tests median {statistics.median(total[1:]):.0f} ms, of which the fixture "
      f"{statistics.median(fixture[1:]):.1f} ms (the rest is the SDK building its client)")
EOF
)

printf '== python package: wheel %s, %s KiB; build %s s (%s); fixture test: %s\n' \
  "$(basename "$wheel")" "$((wheel_bytes / 1024))" "$build_secs" "$PROFILE" "$timing"
