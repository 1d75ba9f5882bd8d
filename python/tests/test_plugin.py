"""The pytest plugin: fixtures, marker, options, the journal on failure, xdist, clean-up."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable

import httpx
import pytest

import argilla as rg
from argilla.client.users import User
from argilla_mock import ArgillaMock, Namespace

from conftest import process_gone, reported_version

# -- the fixtures, used directly ---------------------------------------------------------------


def test_user_me_through_the_fixture_with_no_arguments(argilla_mock: Namespace) -> None:
    assert User.me().username == "argilla"
    rg.init()
    assert User.me().username == "argilla"
    assert os.environ["ARGILLA_API_URL"] == argilla_mock.url
    assert os.environ["ARGILLA_API_KEY"] == argilla_mock.api_key == "argilla.apikey"
    assert "/ns/" in argilla_mock.url


def test_fault_makes_user_list_raise_runtime_error(argilla_mock: Namespace) -> None:
    argilla_mock.add_fault(path="/api/users", method="GET", status=500)
    with pytest.raises(RuntimeError):
        list(User.list())
    argilla_mock.clear_faults()
    assert len(list(User.list())) == 4


@pytest.mark.parametrize("run", ["first", "second"])
def test_namespaces_do_not_see_each_other(argilla_mock: Namespace, run: str) -> None:
    # Both runs create the same user: in a shared database the second would get a conflict.
    assert "leia" not in [u.username for u in User.list()]
    User.create("leia", password="12345678", role="annotator")
    assert len(argilla_mock.requests(method="POST", path="/api/users")) == 1


def test_session_server_is_shared(argilla_mock_server: ArgillaMock, argilla_mock: Namespace) -> None:
    assert argilla_mock.server is argilla_mock_server
    assert argilla_mock.url.startswith(argilla_mock_server.url + "/ns/")
    User.me()  # a namespace opens on its first request
    assert argilla_mock.name in argilla_mock_server.namespaces()


@pytest.mark.argilla_mock(fixtures="data/jedi.json")
def test_marker_loads_fixtures_relative_to_the_test_file(argilla_mock: Namespace) -> None:
    assert argilla_mock.api_key == "luke.key"
    assert os.environ["ARGILLA_API_KEY"] == "luke.key"
    assert User.me().username == "luke"


@pytest.mark.argilla_mock(argilla_version="2.8.0")
def test_marker_argilla_version_gets_a_server_of_that_version(
    argilla_mock: Namespace, argilla_mock_server: ArgillaMock
) -> None:
    assert argilla_mock.server is not argilla_mock_server
    assert reported_version(argilla_mock.url) == "2.8.0"


# -- inner pytest runs -------------------------------------------------------------------------


def journal_sections(result: pytest.RunResult) -> str:
    """The text of the "argilla-mock requests" report sections in an inner run's output."""
    kept, inside = [], False
    for line in result.outlines:
        if "- argilla-mock requests (namespace" in line:
            inside = True
        elif inside and (line.startswith(("---", "===", "___")) or not line.startswith("#")):
            inside = False
        if inside:
            kept.append(line)
    return "\n".join(kept)


ISOLATION_TESTS = """
    import os
    import pytest
    from argilla.client.users import User

    @pytest.mark.parametrize("i", range({count}))
    def test_same_user_everywhere(argilla_mock, i):
        assert "leia" not in [u.username for u in User.list()]
        User.create("leia", password="12345678", role="annotator")
        with open({record!r}, "a") as f:
            f.write("%s %s %s\\n" % (os.environ.get("PYTEST_XDIST_WORKER", "-"),
                                     argilla_mock.server.pid, argilla_mock.url))
"""


def test_under_xdist_each_worker_has_a_server_and_none_is_left(pytester: pytest.Pytester) -> None:
    record = pytester.path / "record.txt"
    pytester.makepyfile(test_inner=ISOLATION_TESTS.format(count=8, record=str(record)))
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)
    rows = [line.split() for line in record.read_text().splitlines()]
    assert {w for w, _, _ in rows} == {"gw0", "gw1"}
    pids = {int(p) for _, p, _ in rows}
    assert len(pids) == 2, "one server per worker"
    assert len({url for _, _, url in rows}) == 8, "a namespace per test"
    assert all(process_gone(pid) for pid in pids), "servers stopped with the session"


def test_journal_is_shown_when_a_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        from argilla.client.users import User

        def test_fails(argilla_mock):
            User.create("han", password="hunter2-secret", role="annotator")
            User.me()
            assert False, "boom"

        def test_passes(argilla_mock):
            User.me()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-rP")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*- argilla-mock requests (namespace test_inner.py-test_fails-*) -*",
            "#* POST /api/users {*\"username\": \"han\"*\"password\": \"***\"*} -> 200 (*ms)",
            "#* GET /api/me -> 200 (*ms)",
        ]
    )
    section = journal_sections(result)
    assert "POST /api/users" in section and "GET /api/me" in section
    assert "hunter2-secret" not in section
    assert out.count("argilla-mock requests") == 1, "only the failing test gets the section"


def test_failure_report_masks_what_the_server_cannot_know(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import httpx

        def test_fails(argilla_mock):
            httpx.get(argilla_mock.url + "/api/me?api_key=leaked-key&page=2",
                      headers={"X-Argilla-Api-Key": "header-secret"})
            assert False
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["#* GET /api/me?api_key=***&page=2 -> 401 (*ms)"])
    section = journal_sections(result)
    assert "GET /api/me" in section
    assert "leaked-key" not in section and "header-secret" not in section


def test_marker_options_and_servers_per_version(pytester: pytest.Pytester) -> None:
    (pytester.path / "fx").mkdir()
    (pytester.path / "fx" / "solo.json").write_text(
        json.dumps({"users": [{"username": "han", "role": "owner", "password": "12345678",
                               "api_key": "han.key"}]})
    )
    pytester.makepyfile(
        test_inner="""
        import httpx, os, pytest
        from argilla.client.users import User

        def version(ns):
            answer = httpx.get(ns.url + "/api/v1/version")
            if answer.headers["content-type"] == "application/json" and answer.status_code == 200:
                return answer.json()["version"]
            return httpx.get(ns.url + "/api/_info").json()["version"]

        @pytest.mark.argilla_mock(fixtures="fx/solo.json", argilla_version="2.8.0")
        def test_profile(argilla_mock):
            assert version(argilla_mock) == "2.8.0"
            me = httpx.get(argilla_mock.url + "/api/v1/me", headers={"X-Argilla-Api-Key": "han.key"})
            assert me.json()["username"] == "han"

        @pytest.mark.argilla_mock(fixtures={"users": [{"username": "x", "role": "owner",
                                                       "password": "12345678", "api_key": "x.k"}]})
        def test_mapping(argilla_mock):
            assert os.environ["ARGILLA_API_KEY"] == "x.k"
            assert version(argilla_mock) == "1.29.1"

        def test_default(argilla_mock):
            assert version(argilla_mock) == "1.29.1"
            assert User.me().username == "argilla"

        @pytest.mark.argilla_mock(colour="red")
        def test_typo(argilla_mock):
            pass

        @pytest.mark.argilla_mock(fixtures="fx/missing.json")
        def test_missing(argilla_mock):
            pass

        @pytest.mark.argilla_mock(fixtures={"users": [{"username": "x", "role": "emperor",
                                                       "password": "12345678"}]})
        def test_refused(argilla_mock):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--argilla-mock-version", "1.29.1")
    result.assert_outcomes(passed=3, errors=3)
    result.stdout.fnmatch_lines_random(
        [
            "*TypeError: @pytest.mark.argilla_mock got unknown argument(s) colour; it takes fixtures, argilla_version, seed",
            "*FileNotFoundError: fixtures file 'fx/missing.json' not found next to the test*",
            "*AdminValidationError: *emperor*",
        ]
    )


def test_seed_option_gives_each_test_the_same_ids_on_every_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        from argilla.client.users import User

        def test_a(argilla_mock):
            print("ID", User.create("wedge", password="12345678").id)

        def test_b(argilla_mock):
            print("ID", User.create("biggs", password="12345678").id)
        """
    )
    runs = []
    for _ in range(2):
        result = pytester.runpytest("-p", "no:cacheprovider", "-s", "--argilla-mock-seed", "11")
        result.assert_outcomes(passed=2)
        runs.append([line for line in result.outlines if "ID " in line])
    assert len(runs[0]) == 2 and runs[0][0] != runs[0][1]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_binary_that_dies_at_start_fails_the_test_with_its_message(
    pytester: pytest.Pytester,
    fake_binary: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    binary = fake_binary("echo 'error: address already in use' >&2\nexit 7\n")
    pytester.makepyfile(test_inner="def test_x(argilla_mock):\n    pass\n")
    args = ["-p", "no:cacheprovider"]
    if how == "option":
        args += ["--argilla-mock-bin", str(binary)]
    else:
        monkeypatch.setenv("ARGILLA_MOCK_BIN", str(binary))
    result = pytester.runpytest(*args)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*argilla-mock could not be started: argilla-mock (*fake-argilla-mock) exited before it was ready (exit code 7):",
            "*error: address already in use",
        ]
    )
    assert "pytest_plugin.py" not in result.stdout.str(), "no traceback into the plugin"


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner="def test_x(argilla_mock):\n    pass\n")
    result = pytester.runpytest("-p", "no:argilla_mock", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'argilla_mock' not found*"])


def test_help_lists_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        ["*--argilla-mock-bin=PATH*", "*--argilla-mock-version=VERSION*", "*--argilla-mock-seed=N*"]
    )
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.argilla_mock(fixtures=None, argilla_version=None, seed=None):*"])


def test_pytest_plugin_is_registered_through_the_entry_point() -> None:
    from importlib.metadata import entry_points

    eps = entry_points()
    group = eps.select(group="pytest11") if hasattr(eps, "select") else eps.get("pytest11", [])
    assert "argilla_mock.pytest_plugin" in {ep.value for ep in group}
    assert sys.modules["argilla_mock.pytest_plugin"]
