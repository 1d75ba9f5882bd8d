#!/usr/bin/env bash
# Compatibility table: runs the real-SDK end-to-end suites against the argilla-mock binary for every
# SDK release line that installs here, one venv per version under .venvs/compat/ (made on first use,
# sequentially, and reused afterwards), and prints version × passed/failed/skipped × note.
#
#   1.x:        tests/sdk  with `argilla==X`    (1.11.0, the first with argilla.client.users.User .. 1.29.1)
#   argilla-v1: tests/sdk  with `argilla-v1==X` (the legacy 1.x SDK as `import argilla_v1`; token v1-X)
#   2.x:        tests/sdk2 with `argilla==X`    (2.0.0 .. 2.8.0)
#
# usage: scripts/compat.sh [--ci] [--write] [--freeze] [--no-run] [VERSION...]
#   VERSION   e.g. 1.11.0 2.8.0 v1-1.29.1 (default: the latest patch of every minor, plus 2.0.0)
#   --ci      only what scripts/test.sh does not already run: the oldest 1.x (1.11.0) and argilla-v1
#   --write   (or COMPAT_WRITE=1) write docs/compatibility.md from this run
#   --freeze  write tests/compat/constraints-VERSION.txt (pip freeze) for a version that has none
#   --no-run  install and run nothing: reuse each version's last result (target/compat/VERSION.tsv)
# env: ARGILLA_MOCK_BIN (default target/debug/argilla-mock), PYTHON (default python3, 3.11 here)
# Exit status: 0 when every version installed and passed (skips allowed), 1 otherwise.
# Time here (2 cores): all 30 versions about 15 min with the venvs present, about 30 min more to make them.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
MOCK_BIN="$(realpath "${ARGILLA_MOCK_BIN:-target/debug/argilla-mock}")"
WRITE="${COMPAT_WRITE:-0}"
FREEZE=0
NO_RUN=0
ALL="1.11.0 1.12.1 1.13.3 1.14.1 1.15.1 1.16.0 1.17.0 1.18.0 1.19.0 1.20.0 1.21.0 1.22.0 1.23.1 \
1.24.0 1.25.0 1.26.1 1.27.0 1.28.0 1.29.1 v1-1.29.1 2.0.0 2.0.1 2.1.0 2.2.2 2.3.0 2.4.0 2.5.0 2.6.0 2.7.0 2.8.0"
CI_SET="1.11.0 v1-1.29.1"

versions=()
for arg in "$@"; do
  case "$arg" in
    --ci) versions+=($CI_SET) ;;
    --write) WRITE=1 ;;
    --freeze) FREEZE=1 ;;
    --no-run) NO_RUN=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) versions+=("$arg") ;;
  esac
done
[ ${#versions[@]} -eq 0 ] && versions=($ALL)
[ -x "$MOCK_BIN" ] || { echo "no mock binary at $MOCK_BIN (set ARGILLA_MOCK_BIN)" >&2; exit 2; }

out=target/compat
mkdir -p "$out" .venvs/compat
results="$out/results.tsv"  # this run's rows; each version's row is also kept as $out/VERSION.tsv
: >"$results"

for token in "${versions[@]}"; do
  case "$token" in
    v1-*) version="${token#v1-}"; package=argilla-v1; module=argilla_v1; suite=tests/sdk ;;
    1.*)  version="$token"; package=argilla; module=argilla; suite=tests/sdk ;;
    2.*)  version="$token"; package=argilla; module=argilla; suite=tests/sdk2 ;;
    *) echo "unknown version $token" >&2; exit 2 ;;
  esac
  extra=(pytest)
  [ "$suite" = tests/sdk2 ] && extra+=(requests)  # the 2.x SDK imports requests without declaring it
  # Pins: the CI suites' own files for the versions CI runs, tests/compat/ for the others.
  constraints=""
  for f in "tests/compat/constraints-$token.txt" "$suite/constraints-$token.txt"; do
    [ -f "$f" ] && { constraints="$f"; break; }
  done
  venv=".venvs/compat/$token"
  log="$out/$token"
  if [ "$NO_RUN" = 1 ]; then
    cat "$log.tsv" >>"$results" 2>/dev/null || echo "no earlier result for $token" >&2
    continue
  fi
  # The venv is reused while it has this version, imports the API the suite uses, and was made
  # with the same constraints file (its hash is kept in the venv).
  [ "$suite" = tests/sdk ] && api="$module.client.users" || api="$module"
  check="import $api, $module, pytest, sys; sys.exit($module.__version__ != '$version')"
  stamp="$(cat "$constraints" 2>/dev/null | sha256sum | cut -c1-16)"
  if [ "$(cat "$venv/.compat-stamp" 2>/dev/null)" != "$stamp" ] ||
     ! "$venv/bin/python" -c "$check" 2>/dev/null; then
    echo "== creating $venv (${constraints:-no constraints file})"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        ${constraints:+-c "$constraints"} "$package==$version" "${extra[@]}" >"$log.install.log" 2>&1 ||
       ! "$venv/bin/python" -c "$check" >>"$log.install.log" 2>&1; then
      reason="$(grep -E '^(ERROR|[A-Za-z]*Error)' "$log.install.log" | tail -1 | cut -c1-160)"
      echo "   install failed: $reason (see $log.install.log)"
      printf '%s\t%s\t%s\tinstall-failed\t0\t0\t0\t0\t%s\t%s\n' "$token" "$package" "$version" \
        "${reason:-see install log}" "$(date -u +%F)" \
        | tee "$log.tsv" >>"$results"
      rm -rf "$venv"
      continue
    fi
    echo "$stamp" >"$venv/.compat-stamp"
  fi
  if [ "$FREEZE" = 1 ] && [ -z "$constraints" ]; then
    mkdir -p tests/compat
    "$venv/bin/python" -m pip freeze --disable-pip-version-check --exclude pip --exclude setuptools \
      >"tests/compat/constraints-$token.txt"
    echo "   wrote tests/compat/constraints-$token.txt"
  fi
  echo "== $package $version: $suite against $(basename "$MOCK_BIN")"
  rm -f "$log.xml"
  env -u ARGILLA_E2E_URL -u ARGILLA_MOCK_ARGS ARGILLA_MOCK_BIN="$MOCK_BIN" ARGILLA_SDK_MODULE="$module" \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q -rs --junitxml="$log.xml" "$suite" >"$log.log" 2>&1
  tail -1 "$log.log"
  # One line per version: token, package, version, status, passed, failed, skipped, errors, note, date.
  "$PYTHON" - "$token" "$package" "$version" "$log.xml" >"$log.tsv" <<'PY'
import datetime, re, sys, xml.etree.ElementTree as ET
token, package, version, path = sys.argv[1:]
today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError) as e:
    print(f"{token}\t{package}\t{version}\tno-result\t0\t0\t0\t0\tpytest wrote no report ({e})\t{today}")
    sys.exit()
passed = failed = skipped = errors = 0
failures, skips = [], {}
for case in root.iter("testcase"):
    kids = {k.tag: k for k in case}
    name = case.get("name")
    if "failure" in kids or "error" in kids:
        failed += "failure" in kids
        errors += "error" in kids
        failures.append(name)
    elif "skipped" in kids:
        skipped += 1
        reason = re.sub(r"^Skipped: ", "", kids["skipped"].get("message", ""))
        skips[reason] = skips.get(reason, 0) + 1
    else:
        passed += 1
status = "passed" if failed == errors == 0 and passed > 0 else "failed"
notes = []
if failures:
    notes.append("failed: " + ", ".join(failures))
notes += [f"{n} skipped: {r}" for r, n in skips.items()]
print(f"{token}\t{package}\t{version}\t{status}\t{passed}\t{failed}\t{skipped}\t{errors}\t{'; '.join(notes)}\t{today}")
PY
  cat "$log.tsv" >>"$results"
done

echo
column -t -s $'\t' "$results" | cut -c1-200

if [ "$WRITE" = 1 ]; then
  "$PYTHON" - "$results" "$MOCK_BIN" "scripts/compat.sh $*" >docs/compatibility.md <<'PY'
import datetime, os, subprocess, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
mock = sys.argv[2]
command = " ".join(a for a in sys.argv[3].split() if a != "--no-run")  # the measuring command
def git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()
head, server = git("rev-parse", "--short", "HEAD"), git("log", "-1", "--format=%h", "--", "mock-server")
# Hand-written notes (why a version fails or skips), keyed by version token: tests/compat/notes.tsv
hand = {}
if os.path.exists("tests/compat/notes.tsv"):
    for line in open("tests/compat/notes.tsv"):
        if line.strip() and not line.startswith("#"):
            k, v = line.rstrip("\n").split("\t", 1)
            hand[k] = v
def label(r):
    return f"argilla-v1 {r[2]}" if r[1] == "argilla-v1" else f"argilla {r[2]}"
ok = [label(r) for r in rows if r[3] == "passed"]
bad = [label(r) for r in rows if r[3] != "passed"]
print("# SDK compatibility")
print()
print("Which releases of the real, unmodified Argilla Python SDK work against argilla-mock: the end-to-end")
print("suites (`tests/sdk` for the 1.x SDK, `tests/sdk2` for the 2.x SDK) run against the mock with each")
print("release, one venv per release with the pins in `tests/compat/` (or the CI suites' own")
print("`tests/sdk*/constraints-*.txt`), on Python 3.11. A skip's reason names the SDK change: a test of an")
print("API the release lacks is skipped, and so is the variant of a test written for the other side of a")
print("behaviour change (e.g. 2.6.0+ skip the test of the older no-op `user.update()`).")
print()
print(f"- **Supported ({len(ok)} of {len(rows)} releases pass):** " + (", ".join(ok) or "none") + ".")
if bad:
    print(f"- **Not passing:** " + ", ".join(bad) + " (see the notes).")
failed_install = [label(r) for r in rows if r[3] == "install-failed"]
print(f"- **Failed to install:** " + (", ".join(failed_install) or "none") + ".")
print("- Not covered: `argilla` 1.0-1.10 (no `argilla.client.users.User`, the API `tests/sdk` exercises).")
print()
dates = sorted({(r + [""] * 10)[9] for r in rows} - {""})
print(f"- measured: {' to '.join(dict.fromkeys([dates[0], dates[-1]])) if dates else 'unknown'} (UTC)")
print(f"- mock: the `argilla-mock` binary given as ARGILLA_MOCK_BIN, built from `mock-server/` as of commit `{server}`")
print(f"  (the last commit that changed it; the suites and this script as of `{head}`)")
write = "" if "--write" in command.split() else "COMPAT_WRITE=1 "
print(f"- command: `ARGILLA_MOCK_BIN=target/debug/argilla-mock {write}{command}` (Python 3.11)")
print()
print("| SDK | suite | result | passed | failed | skipped | note |")
print("| --- | --- | --- | ---: | ---: | ---: | --- |")
for r in rows:
    token, package, version, status, passed, failed, skipped, errors, note = (r + [""] * 10)[:9]
    suite = "tests/sdk2" if version.startswith("2.") else "tests/sdk"
    failed = str(int(failed) + int(errors))
    note = "; ".join(x for x in (hand.get(token, ""), note) if x).replace("|", "\\|")
    print(f"| {label(r)} | {suite} | {status} | {passed} | {failed} | {skipped} | {note} |")
print()
print("Reproduce one line: `scripts/compat.sh 1.11.0` (venvs in `.venvs/compat/`, logs and JUnit files in")
print("`target/compat/`). `scripts/compat.sh --ci` runs only what `scripts/test.sh` does not already cover.")
PY
  echo "wrote docs/compatibility.md"
fi

! grep -qvP '\tpassed\t' "$results"
