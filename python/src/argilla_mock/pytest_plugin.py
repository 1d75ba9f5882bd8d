"""The pytest plugin (registered through the ``pytest11`` entry point ``argilla_mock``).

Fixtures:

``argilla_mock_server``
    Session scope: one :class:`~argilla_mock.ArgillaMock` for the whole run (one per worker
    under pytest-xdist), started on first use and stopped at the end.

``argilla_mock``
    Function scope: a fresh :class:`~argilla_mock.Namespace` of that server for each test,
    with ``ARGILLA_API_URL`` and ``ARGILLA_API_KEY`` pointing at it for the test's duration
    (and ``ARGILLA_WORKSPACE`` removed), so ``rg.init()`` (1.x) or ``rg.Argilla()`` (2.x) with no
    arguments talks to it.

The marker ``@pytest.mark.argilla_mock(fixtures=..., argilla_version=..., seed=...)`` changes
what one test gets: ``fixtures`` (a path, relative to the test file, or a mapping) is loaded into
its namespace; ``argilla_version`` and ``seed`` are server-wide settings, so a test that asks for
other values than the session server's gets a server of its own kind (started once, shared by
every test that asks for the same).

Options: ``--argilla-mock-bin PATH`` (or ``ARGILLA_MOCK_BIN``) runs a binary built elsewhere;
``--argilla-mock-version``, ``--argilla-mock-fixtures`` and ``--argilla-mock-seed`` configure
the session server.

When a test fails, its namespace's journal (method, path, body, status; secrets masked) is added
to the report as the section "argilla-mock requests".
"""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, Generator, Mapping, Optional, Tuple

import pytest

from ._binary import BINARY_ENV
from ._errors import ArgillaMockError
from ._journal import format_journal
from ._server import ArgillaMock, Fixtures, Namespace

__all__ = ["argilla_mock_server", "argilla_mock"]

_MARKER = "argilla_mock"
_MARKER_ARGS = ("fixtures", "argilla_version", "seed")
_SECTION = "argilla-mock requests"

# (argilla_version, seed): what makes two servers differ.
_ServerKey = Tuple[Optional[str], Optional[int]]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("argilla-mock", "argilla-mock (offline Argilla server)")
    group.addoption(
        "--argilla-mock-bin",
        dest="argilla_mock_bin",
        metavar="PATH",
        default=None,
        help=f"argilla-mock executable to run (default: ${BINARY_ENV}, then the installed wheel's).",
    )
    group.addoption(
        "--argilla-mock-version",
        dest="argilla_mock_version",
        metavar="VERSION",
        default=None,
        help="Argilla server version the session server reports, e.g. 1.29.1 or 2.8.0.",
    )
    group.addoption(
        "--argilla-mock-fixtures",
        dest="argilla_mock_fixtures",
        metavar="PATH",
        default=None,
        help="fixture file for the session server (default: the built-in users).",
    )
    group.addoption(
        "--argilla-mock-seed",
        dest="argilla_mock_seed",
        metavar="N",
        type=int,
        default=None,
        help="seed for repeatable generated ids and API keys.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "argilla_mock(fixtures=None, argilla_version=None, seed=None): fixtures to load into "
        "the test's argilla-mock namespace (a path relative to the test file, or a mapping), "
        "and the server version and seed it needs.",
    )


class _Servers:
    """The servers of one pytest run, keyed by their server-wide settings, started lazily."""

    def __init__(self, config: pytest.Config) -> None:
        self.binary: Optional[str] = config.getoption("argilla_mock_bin")
        fixtures = config.getoption("argilla_mock_fixtures")
        self.fixtures: Optional[str] = (
            str(Path(fixtures).expanduser().resolve()) if fixtures else None
        )
        self.default: _ServerKey = (
            config.getoption("argilla_mock_version"),
            config.getoption("argilla_mock_seed"),
        )
        self.running: Dict[_ServerKey, ArgillaMock] = {}

    def get(self, key: _ServerKey) -> ArgillaMock:
        server = self.running.get(key)
        if server is None or not server.running:
            version, seed = key
            server = ArgillaMock(
                fixtures=self.fixtures, seed=seed, argilla_version=version, binary=self.binary
            )
            server.start()
            self.running[key] = server
        return server

    def stop_all(self) -> None:
        for server in self.running.values():
            server.stop()
        self.running.clear()


_SERVERS = pytest.StashKey[_Servers]()
_NAMESPACE = pytest.StashKey[Namespace]()


@pytest.fixture(scope="session")
def _argilla_mock_servers(pytestconfig: pytest.Config) -> Generator[_Servers, None, None]:
    servers = _Servers(pytestconfig)
    pytestconfig.stash[_SERVERS] = servers
    try:
        yield servers
    finally:
        servers.stop_all()


@pytest.fixture(scope="session")
def argilla_mock_server(_argilla_mock_servers: _Servers) -> ArgillaMock:
    """One argilla-mock server for the whole test session (per xdist worker).

    Configured by ``--argilla-mock-bin``, ``--argilla-mock-version``, ``--argilla-mock-fixtures``
    and ``--argilla-mock-seed``. Tests that change its data should use ``argilla_mock`` (a
    namespace of their own) instead, or call ``reset()`` themselves.
    """
    return _start(_argilla_mock_servers, _argilla_mock_servers.default)


def _start(servers: _Servers, key: _ServerKey) -> ArgillaMock:
    try:
        return servers.get(key)
    except ArgillaMockError as e:
        # The cause is the message itself (exit code and stderr): no traceback into this plugin.
        pytest.fail(f"argilla-mock could not be started: {e}", pytrace=False)


@pytest.fixture
def argilla_mock(
    request: pytest.FixtureRequest,
    _argilla_mock_servers: _Servers,
    monkeypatch: pytest.MonkeyPatch,
) -> Generator[Namespace, None, None]:
    """A fresh namespace of the session's argilla-mock server, for this test only.

    ``ARGILLA_API_URL`` and ``ARGILLA_API_KEY`` point at it while the test runs, so the SDK's
    ``rg.init()`` (1.x) or ``rg.Argilla()`` (2.x) needs no arguments; the namespace is closed (its data dropped) afterwards.
    ``@pytest.mark.argilla_mock(fixtures=..., argilla_version=..., seed=...)`` adjusts it.
    """
    options = _marker_options(request)
    key: _ServerKey = (
        options.get("argilla_version", _argilla_mock_servers.default[0]),
        options.get("seed", _argilla_mock_servers.default[1]),
    )
    if key == _argilla_mock_servers.default:
        server: ArgillaMock = request.getfixturevalue("argilla_mock_server")
    else:
        server = _start(_argilla_mock_servers, key)
    namespace = server.namespace(_namespace_name(request.node.nodeid))
    # A name is reused when a test runs again (e.g. a rerun plugin): start from fresh data.
    namespace.close()
    if "fixtures" in options:
        namespace.load_fixtures(_resolve_fixtures(options["fixtures"], request))
    monkeypatch.setenv("ARGILLA_API_URL", namespace.url)
    if namespace.api_key is not None:
        monkeypatch.setenv("ARGILLA_API_KEY", namespace.api_key)
    else:
        monkeypatch.delenv("ARGILLA_API_KEY", raising=False)
    monkeypatch.delenv("ARGILLA_WORKSPACE", raising=False)
    _forget_sdk_client()
    _point_sdk2_defaults_at(namespace, monkeypatch)
    request.node.stash[_NAMESPACE] = namespace
    try:
        yield namespace
    finally:
        del request.node.stash[_NAMESPACE]
        _forget_sdk_client()
        if server.running:
            namespace.close()


def _marker_options(request: pytest.FixtureRequest) -> Dict[str, Any]:
    marker = request.node.get_closest_marker(_MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise TypeError(
            f"@pytest.mark.{_MARKER} takes keyword arguments only "
            f"({', '.join(_MARKER_ARGS)}), got positional {marker.args!r}"
        )
    unknown = sorted(set(marker.kwargs) - set(_MARKER_ARGS))
    if unknown:
        raise TypeError(
            f"@pytest.mark.{_MARKER} got unknown argument(s) {', '.join(unknown)}; "
            f"it takes {', '.join(_MARKER_ARGS)}"
        )
    options = {k: v for k, v in marker.kwargs.items() if v is not None}
    version = options.get("argilla_version")
    if version is not None and not isinstance(version, str):
        raise TypeError(f"argilla_version must be a str, not {type(version).__name__}")
    seed = options.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    return options


def _resolve_fixtures(fixtures: Fixtures, request: pytest.FixtureRequest) -> Fixtures:
    """A relative path is taken from the test file's folder, then from the rootdir."""
    if isinstance(fixtures, Mapping) or not isinstance(fixtures, (str, os.PathLike)):
        return fixtures
    path = Path(fixtures).expanduser()
    if path.is_absolute():
        return path
    test_dir = Path(str(request.node.fspath)).parent
    for base in (test_dir, Path(str(request.config.rootpath))):
        if (base / path).is_file():
            return base / path
    raise FileNotFoundError(
        f"fixtures file {os.fspath(fixtures)!r} not found next to the test ({test_dir}) "
        f"nor in the rootdir ({request.config.rootpath})"
    )


def _namespace_name(nodeid: str) -> str:
    """A namespace name for a test: readable, at most 64 characters, the same on every run (so
    a seeded server gives a test the same ids every time), unique per test id."""
    digest = hashlib.sha1(nodeid.encode("utf-8")).hexdigest()[:12]
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid.rsplit("/", 1)[-1]).strip("-.")
    return f"{readable[:48]}-{digest}".lstrip("-.") or digest


def _forget_sdk_client() -> None:
    """Drop the client the argilla SDK keeps between calls, if the SDK is loaded.

    Without this, a test that calls ``User.me()`` (1.x) or ``rg.User(...).create()`` (2.x) without
    making a client would reuse the client a previous test made, pointing at that test's (closed)
    namespace; with it, the SDK builds its next client for this test's namespace.
    """
    sdk2_client = _sdk2_client_class()
    if sdk2_client is not None:
        sdk2_client._default_client = None
    singleton = sys.modules.get("argilla.client.singleton")
    holder = getattr(singleton, "ArgillaSingleton", None)
    if holder is None:
        return
    if callable(getattr(holder, "clear", None)):
        holder.clear()
    elif hasattr(holder, "_INSTANCE"):
        holder._INSTANCE = None


def _sdk2_client_class() -> Any:
    """``argilla.Argilla`` if the argilla 2.x SDK is loaded (1.x has no such class)."""
    client_class = getattr(sys.modules.get("argilla.client"), "Argilla", None)
    return client_class if hasattr(client_class, "_default_client") else None


def _point_sdk2_defaults_at(namespace: Namespace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``rg.Argilla()`` with no arguments talk to this namespace.

    The argilla 2.x SDK reads ``ARGILLA_API_URL`` and ``ARGILLA_API_KEY`` once, when it is
    imported, into the default values of its constructors' arguments; setting the environment
    afterwards changes nothing. So once the SDK is loaded, the test's URL and key replace those
    defaults (undone after the test by ``monkeypatch``). An SDK imported later, during the test,
    reads the environment set above.
    """
    client_class = _sdk2_client_class()
    if client_class is None:
        return
    wanted = {"api_url": namespace.url, "api_key": namespace.api_key}
    api_client = getattr(sys.modules.get("argilla._api._client"), "APIClient", None)
    for function in (client_class.__init__, getattr(api_client, "__init__", None)):
        if function is None or not hasattr(function, "__defaults__"):
            continue
        positional = [
            p.name
            for p in inspect.signature(function).parameters.values()
            if p.default is not p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        defaults = function.__defaults__ or ()
        if len(positional) == len(defaults):
            patched = tuple(wanted.get(name, value) for name, value in zip(positional, defaults))
            monkeypatch.setattr(function, "__defaults__", patched)
    config = getattr(sys.modules.get("argilla._api._client"), "DEFAULT_HTTP_CONFIG", None)
    for name, value in wanted.items():
        if hasattr(config, name):
            monkeypatch.setattr(config, name, value)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.failed or report.when == "teardown":
        return
    namespace = item.stash.get(_NAMESPACE, None)
    if namespace is None:
        return
    title = f"{_SECTION} (namespace {namespace.name})"
    try:
        text = format_journal(namespace.requests())
    except ArgillaMockError as e:
        text = f"(the journal could not be read: {e})"
    report.sections.append((title, text))
