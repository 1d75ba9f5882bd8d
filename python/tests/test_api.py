"""The Python API: ArgillaMock, namespaces, faults, the journal, and the process's life cycle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
import urllib.parse
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest

import argilla as rg
from argilla.client.users import User
from argilla_mock import (
    AdminError,
    AdminValidationError,
    ArgillaMock,
    BinaryNotFoundError,
    JournalEntry,
    StartupError,
    find_binary,
)

from conftest import process_gone, reported_version

LUKE = {
    "workspaces": [{"name": "jedi"}],
    "users": [
        {"username": "yoda", "role": "annotator", "password": "12345678", "api_key": "yoda.key"},
        {"username": "luke", "role": "owner", "password": "12345678", "api_key": "luke.key",
         "workspaces": ["jedi"]},
    ],
}


@pytest.fixture(scope="module")
def server() -> Iterator[ArgillaMock]:
    with ArgillaMock() as mock:
        yield mock


@pytest.fixture
def fresh(server: ArgillaMock, request: pytest.FixtureRequest):
    """A namespace for one test, closed afterwards."""
    ns = server.namespace(request.node.name.replace("[", "-").replace("]", ""))
    ns.close()
    yield ns
    ns.close()


def get(url: str, path: str, key: str = "argilla.apikey") -> httpx.Response:
    return httpx.get(url + path, headers={"X-Argilla-Api-Key": key}, timeout=10)


# -- the server ------------------------------------------------------------------------------


def test_context_manager_gives_url_and_key_the_sdk_uses(server: ArgillaMock) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.api_key == "argilla.apikey"
    assert server.running and server.pid is not None
    rg.init(api_url=server.url, api_key=server.api_key)
    assert User.me().username == "argilla"


def test_context_manager_leaves_no_process_behind() -> None:
    with ArgillaMock() as mock:
        pid = mock.pid
        assert pid is not None and not process_gone(pid)
        tmp = Path(mock._tmpdir or "")
        assert tmp.is_dir()
    assert process_gone(pid)
    assert not tmp.exists(), "temporary files are removed"
    assert not mock.running and mock.pid is None
    with pytest.raises(Exception, match="not running"):
        mock.url
    mock.stop()  # stopping twice is harmless


def test_process_stopped_on_exception_and_at_interpreter_exit(tmp_path: Path) -> None:
    with pytest.raises(ZeroDivisionError):
        with ArgillaMock() as mock:
            pid = mock.pid
            1 / 0
    assert pid is not None and process_gone(pid)
    # A script that starts a server and never stops it: the interpreter's exit must.
    script = tmp_path / "leak.py"
    script.write_text(
        "from argilla_mock import ArgillaMock\n"
        "server = ArgillaMock().start()\n"
        "print(server.pid, flush=True)\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    assert process_gone(int(out.stdout.strip()))


def test_garbage_collected_server_is_stopped() -> None:
    mock = ArgillaMock().start()
    pid = mock.pid
    assert pid is not None
    del mock
    import gc

    gc.collect()
    assert process_gone(pid)


def test_start_twice_is_refused(server: ArgillaMock) -> None:
    with pytest.raises(Exception, match="already running"):
        server.start()


def test_argilla_version_is_passed_to_the_binary() -> None:
    for version in ("1.29.1", "2.8.0"):
        with ArgillaMock(argilla_version=version) as mock:
            assert reported_version(mock.url) == version


def test_seed_repeats_generated_ids() -> None:
    fixtures = {"users": [{"username": "argilla", "role": "owner", "password": "12345678"}]}
    ids = []
    for _ in range(2):
        with ArgillaMock(fixtures=fixtures, seed=7) as mock:
            assert mock.api_key is not None and mock.api_key != "argilla.apikey"
            ids.append((mock.api_key, mock.state()["users"][0]["id"]))
    assert ids[0] == ids[1]


def test_fixtures_from_a_mapping_and_a_file(tmp_path: Path) -> None:
    with ArgillaMock(fixtures=LUKE) as mock:
        assert mock.api_key == "luke.key", "the first owner's key when there is no `argilla`"
        assert [u["username"] for u in get(mock.url, "/api/users", "luke.key").json()] == ["yoda", "luke"]
    path = tmp_path / "f.json"
    path.write_text(json.dumps(LUKE))
    with ArgillaMock(fixtures=path) as mock:
        assert get(mock.url, "/api/me", "luke.key").json()["username"] == "luke"


def test_file_database_survives_a_restart(tmp_path: Path) -> None:
    database = f"sqlite:{tmp_path / 'mock.db'}"
    with ArgillaMock(database=database) as mock:
        rg.init(api_url=mock.url, api_key=mock.api_key)
        User.create("kept", password="12345678", role="annotator")
    with ArgillaMock(database=database) as mock:
        rg.init(api_url=mock.url, api_key=mock.api_key)
        assert User.from_name("kept").username == "kept"


def test_own_environment_does_not_configure_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGILLA_MOCK_NO_ADMIN", "true")
    monkeypatch.setenv("ARGILLA_MOCK_ARGILLA_VERSION", "9.9.9")
    with ArgillaMock() as mock:
        assert mock.namespaces() == []
        assert reported_version(mock.url) != "9.9.9"


def test_bad_arguments_are_refused_before_starting() -> None:
    with pytest.raises(TypeError, match="seed must be an int"):
        ArgillaMock(seed="7")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="fixtures must be a mapping or a path"):
        ArgillaMock(fixtures=42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="argilla_version must look like"):
        ArgillaMock(argilla_version="latest")
    with pytest.raises(ValueError, match="database must be"):
        ArgillaMock(database="postgres://x")
    with pytest.raises(ValueError, match="startup_timeout"):
        ArgillaMock(startup_timeout=0)
    with pytest.raises(TypeError, match="extra_args"):
        ArgillaMock(extra_args="--seed 1")  # type: ignore[arg-type]


def test_bad_fixture_file_fails_start_with_the_binarys_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"users": [{"username": "x", "role": "emperor", "password": "p"}]}))
    with pytest.raises(StartupError) as info:
        ArgillaMock(fixtures=path).start()
    assert info.value.returncode == 1
    assert "bad.json" in str(info.value) and "role" in str(info.value)


# -- the binary ------------------------------------------------------------------------------


def test_binary_that_dies_at_start_gives_a_clear_error(fake_binary: Callable[[str], Path]) -> None:
    binary = fake_binary("echo 'argilla-mock: error: cannot bind: permission denied' >&2\nexit 3\n")
    started = time.monotonic()
    with pytest.raises(StartupError) as info:
        ArgillaMock(binary=binary).start()
    assert time.monotonic() - started < 5, "no waiting for the timeout when the process exits"
    message = str(info.value)
    assert "exited before it was ready (exit code 3)" in message
    assert "cannot bind: permission denied" in message
    assert info.value.returncode == 3


def test_binary_that_never_announces_times_out(fake_binary: Callable[[str], Path]) -> None:
    binary = fake_binary("echo starting >&2\nexec sleep 30\n")
    with pytest.raises(StartupError, match=r"did not start within 0.5 s[\s\S]*starting") as info:
        ArgillaMock(binary=binary, startup_timeout=0.5).start()
    assert info.value.returncode is None, "it was still running, and was killed"


def test_binary_that_prints_something_else(fake_binary: Callable[[str], Path]) -> None:
    with pytest.raises(StartupError, match="printed 'hello' where ARGILLA_API_URL=... was expected"):
        ArgillaMock(binary=fake_binary("echo hello\nexec sleep 30\n")).start()


def test_missing_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BinaryNotFoundError, match="does not exist"):
        ArgillaMock(binary=tmp_path / "nope").start()
    monkeypatch.setenv("ARGILLA_MOCK_BIN", str(tmp_path))
    with pytest.raises(BinaryNotFoundError, match=r"\$ARGILLA_MOCK_BIN names .* not an executable"):
        find_binary()
    assert isinstance(BinaryNotFoundError("x"), FileNotFoundError)


def test_installed_binary_is_found_without_cargo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wheel's binary sits in this environment's scripts folder, and is found there."""
    if os.environ.get("ARGILLA_MOCK_BIN"):
        pytest.skip("this run names its binary through ARGILLA_MOCK_BIN")
    monkeypatch.delenv("ARGILLA_MOCK_BIN", raising=False)
    found = Path(find_binary())
    assert found.parent == Path(sysconfig.get_path("scripts")), found
    help_text = subprocess.run([str(found), "--help"], capture_output=True, text=True, check=True)
    assert "--argilla-version" in help_text.stdout


# -- admin API -------------------------------------------------------------------------------


def test_namespaces_are_isolated(server: ArgillaMock) -> None:
    a, b = server.namespace("iso-a"), server.namespace("iso-b")
    for ns in (a, b):
        ns.close()
    assert a.url == server.url + "/ns/iso-a" and a.api_key == "argilla.apikey"
    rg.init(api_url=a.url, api_key=a.api_key)
    User.create("only-in-a", password="12345678", role="annotator")
    rg.init(api_url=b.url, api_key=b.api_key)
    assert "only-in-a" not in [u.username for u in User.list()]
    assert {"iso-a", "iso-b"} <= set(server.namespaces())
    a.close()
    assert "iso-a" not in server.namespaces()
    rg.init(api_url=a.url, api_key=a.api_key)
    assert "only-in-a" not in [u.username for u in User.list()], "closed means fresh"
    b.close()


def test_namespace_names_are_checked(server: ArgillaMock) -> None:
    # The rule is the server's (README, "Namespaces"): each name refused here, it refuses too.
    for bad in ("", "a/b", "..", "x" * 65, "sp ace"):
        with pytest.raises(ValueError, match="namespace name"):
            server.namespace(bad)
        # Dots encoded too: a client would resolve a bare ".." away before sending it.
        quoted = urllib.parse.quote(bad, safe="").replace(".", "%2E")
        answer = httpx.get(f"{server.url}/ns/{quoted}/api/me", timeout=10)
        assert answer.status_code == 404, bad
    with pytest.raises(TypeError):
        server.namespace(3)  # type: ignore[arg-type]


def test_fault_makes_user_list_raise_then_expires(fresh) -> None:
    rule = fresh.add_fault(path="/api/users", method="GET", status=500, times=1)
    assert [(f.id, f.remaining, f.spec["status"]) for f in fresh.faults()] == [(rule, 1, 500)]
    rg.init(api_url=fresh.url, api_key=fresh.api_key)
    with pytest.raises(RuntimeError):
        list(User.list())
    assert len(list(User.list())) == 4, "times=1: the second call gets the normal answer"
    assert fresh.faults() == []


def test_fault_kinds_delay_header_and_removal(fresh) -> None:
    rg.init(api_url=fresh.url, api_key=fresh.api_key)  # it calls /api/me itself
    reset = fresh.add_fault(path="/api/me", fault="connection_reset")
    with pytest.raises(RuntimeError):
        User.me()
    fresh.remove_fault(reset)
    with pytest.raises(AdminError) as info:
        fresh.remove_fault(reset)
    assert info.value.status == 404 and f"no fault rule with id {reset}" in str(info.value)
    fresh.add_fault(path="/api/**", status=503, header=("X-Argilla-Api-Key", "bob.apikey"))
    fresh.add_fault(path="/api/me", delay_ms=(30, 40), seed=1)
    assert get(fresh.url, "/api/me", "bob.apikey").status_code == 503
    started = time.monotonic()
    assert get(fresh.url, "/api/me").status_code == 200
    assert time.monotonic() - started >= 0.03
    assert [e.fault.kind for e in fresh.requests(path="/api/me") if e.fault] == [
        "connection_reset", "status", "delay"
    ]
    fresh.clear_faults()
    assert fresh.faults() == []


def test_bad_faults_get_type_and_value_errors(fresh) -> None:
    with pytest.raises(TypeError, match="status must be an int"):
        fresh.add_fault(path="/api/me", status="500")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="status must be an int"):
        fresh.add_fault(path="/api/me", status=True)
    with pytest.raises(ValueError, match='unknown fault "explode"'):
        fresh.add_fault(path="/api/me", fault="explode")
    with pytest.raises(ValueError, match="does nothing"):
        fresh.add_fault(path="/api/me")
    with pytest.raises(TypeError, match="delay_ms"):
        fresh.add_fault(path="/api/me", delay_ms="slow")  # type: ignore[arg-type]
    # What only the server checks comes back as its own message, as a ValueError too.
    with pytest.raises(AdminValidationError, match=r"^probability must be between 0 and 1, got 1.5$"):
        fresh.add_fault(path="/api/me", status=500, probability=1.5)
    with pytest.raises(ValueError, match="must start with '/'"):
        fresh.add_fault(path="api/me", status=500)
    with pytest.raises(ValueError, match="status must be between 200 and 599"):
        fresh.add_fault(status=99)
    assert fresh.faults() == []


def test_journal_as_dataclasses_with_secrets_masked(fresh) -> None:
    rg.init(api_url=fresh.url, api_key=fresh.api_key)
    fresh.clear_requests()
    User.create("han", password="solo-1234", role="annotator")
    posts = fresh.requests(method="post", path="/api/users")
    assert len(posts) == 1
    entry = posts[0]
    assert isinstance(entry, JournalEntry)
    assert (entry.method, entry.path, entry.status, entry.namespace) == ("POST", "/api/users", 200, fresh.name)
    assert entry.header("X-Argilla-Api-Key") == "***"
    assert entry.body["username"] == "han" and entry.body["password"] == "***"
    assert "solo-1234" not in str(fresh.requests())
    line = entry.describe()
    assert line.startswith('POST /api/users {"') and line.endswith("ms)") and "-> 200" in line
    later = fresh.requests(since=entry.seq)
    assert all(e.seq > entry.seq for e in later)
    fresh.clear_requests()
    assert fresh.requests() == []
    with pytest.raises(TypeError):
        fresh.requests(since="1")  # type: ignore[arg-type]


def test_reset_and_load_fixtures(fresh, tmp_path: Path) -> None:
    rg.init(api_url=fresh.url, api_key=fresh.api_key)
    User.create("temp", password="12345678", role="annotator")
    fresh.reset()
    assert "temp" not in [u["username"] for u in fresh.state()["users"]]
    assert fresh.load_fixtures(LUKE) == {"users": 2, "workspaces": 1, "datasets": 0, "records": 0}
    assert fresh.api_key == "luke.key"
    rg.init(api_url=fresh.url, api_key=fresh.api_key)
    assert User.me().username == "luke"
    fresh.reset()
    assert sorted(u["username"] for u in fresh.state()["users"]) == ["luke", "yoda"], "reset returns to them"
    path = tmp_path / "generated-keys.json"
    path.write_text(json.dumps({"users": [{"username": "argilla", "role": "owner", "password": "1234"}]}))
    fresh.load_fixtures(path)
    assert fresh.api_key == fresh.state()["users"][0]["api_key"] != "argilla.apikey"
    fresh.close()
    assert fresh.api_key == "argilla.apikey", "a closed namespace comes back with the start-up fixtures"


def test_refused_fixtures_raise_the_servers_message(fresh) -> None:
    with pytest.raises(AdminValidationError) as info:
        fresh.load_fixtures({"users": [{"username": "x", "password": "p", "colour": "red"}]})
    assert info.value.status == 422
    assert "colour" in str(info.value)
    with pytest.raises(TypeError):
        fresh.load_fixtures(3)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        fresh.load_fixtures("/nonexistent/fixtures.json")


def test_unreachable_server_is_an_admin_error() -> None:
    mock = ArgillaMock().start()
    ns = mock.namespace("gone")
    mock.stop()
    with pytest.raises(AdminError, match="not reachable"):
        ns.reset()
    with pytest.raises(Exception, match="not running"):
        mock.reset()


def test_stderr_is_kept_for_reading() -> None:
    with ArgillaMock(env={"RUST_LOG": "argilla_mock=info"}) as mock:
        # Logged before the address is announced on stdout.
        assert "argilla-mock listening" in mock.stderr()
    with ArgillaMock() as mock:
        assert mock.stderr() == "", "warnings only, by default"


def test_typed_package_has_docstrings() -> None:
    import argilla_mock
    import argilla_mock.pytest_plugin as plugin

    assert (Path(argilla_mock.__file__).parent / "py.typed").is_file()
    assert argilla_mock.__version__ == "0.1.0"
    for name in argilla_mock.__all__:
        obj = getattr(argilla_mock, name)
        if callable(obj) and not name.startswith("_") and name not in ("DelayMs", "Fixtures"):
            assert obj.__doc__, name
    assert plugin.__doc__ and "argilla_mock_server" in plugin.__doc__
    for method in ("add_fault", "requests", "reset", "load_fixtures", "namespace", "clear_faults", "state"):
        assert getattr(ArgillaMock, method).__doc__, method
    assert "with ArgillaMock() as server" in (ArgillaMock.__doc__ or "")
