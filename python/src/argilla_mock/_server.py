"""Running the ``argilla-mock`` binary and driving its ``/__mock/`` admin API."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import weakref
from pathlib import Path
from typing import IO, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._binary import find_binary
from ._errors import AdminError, AdminValidationError, ArgillaMockError, StartupError
from ._journal import FaultRule, JournalEntry

__all__ = ["ArgillaMock", "Namespace", "Fixtures", "DelayMs"]

#: Fixtures as a file path or as the fixture document itself (``{"users": [...], ...}``).
Fixtures = Union[str, "os.PathLike[str]", Mapping[str, Any]]
#: A fault's delay: milliseconds, or a ``(min, max)`` range drawn from uniformly.
DelayMs = Union[int, Tuple[int, int], Sequence[int]]

_NAMESPACE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_STDERR_TAIL = 8 * 1024
# The admin API answers in well under a millisecond; this only bounds a hung server.
_ADMIN_TIMEOUT = 30.0
# Urllib honours HTTP(S)_PROXY; the server is on loopback and must be reached directly.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _check_type(name: str, value: Any, types: Union[type, Tuple[type, ...]], what: str) -> None:
    # bool is an int: refuse it where a number is meant.
    if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
        raise TypeError(f"{name} must be {what}, not {type(value).__name__}")


class _Admin:
    """Requests to one instance's admin API (the default instance or a namespace)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(
        self,
        method: str,
        path: str,
        body: Optional[bytes] = None,
        query: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        url = f"{self.base}/__mock{path}"
        if query:
            pairs = {k: v for k, v in query.items() if v is not None}
            if pairs:
                url += "?" + urllib.parse.urlencode(pairs)
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=_ADMIN_TIMEOUT) as response:
                payload = response.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                detail = json.loads(raw)["detail"]
            except (ValueError, KeyError, TypeError):
                detail = raw.decode("utf-8", "replace") or e.reason
            if not isinstance(detail, str):
                detail = json.dumps(detail)
            cls = AdminValidationError if e.code == 422 else AdminError
            raise cls(e.code, detail, method=method, url=url) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise AdminError(
                0, f"argilla-mock is not reachable at {url}: {reason}", method=method, url=url
            ) from None
        return json.loads(payload) if payload else None


class _Controls:
    """The admin methods an :class:`ArgillaMock` and a :class:`Namespace` share."""

    _api_key: Optional[str]

    def _client(self) -> _Admin:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The base URL to give the SDK as ``api_url`` (no trailing slash)."""
        return self._client().base

    @property
    def api_key(self) -> Optional[str]:
        """The owner's API key: user ``argilla``'s in the default fixtures (``argilla.apikey``).

        As the binary picks it: user ``argilla``'s key, else the first owner's, else the first
        user's; kept up to date by :meth:`load_fixtures`. ``None`` when no user has a known key.
        """
        return self._api_key

    def reset(self) -> None:
        """Put users, workspaces and memberships back to the fixtures.

        Fault rules and the journal are left as they are (see :meth:`clear_faults` and
        :meth:`clear_requests`).
        """
        self._client().call("POST", "/reset")

    def load_fixtures(self, fixtures: Fixtures) -> Dict[str, int]:
        """Replace the data with ``fixtures`` and make them what :meth:`reset` returns to.

        Args:
            fixtures: A fixture document (a mapping with ``users`` and ``workspaces``, see the
                README's "Fixture files") or the path of a JSON file holding one.

        Returns:
            How many were loaded: ``{"users": N, "workspaces": M, "datasets": D, "records": R}``.

        Raises:
            AdminValidationError: the server refused the fixtures; the message says which entry
                and field are wrong.
            TypeError: ``fixtures`` is neither a mapping nor a path.
            FileNotFoundError: the path does not exist.
        """
        _, text = _read_fixtures(fixtures)
        answer = self._client().call("PUT", "/fixtures", body=text.encode("utf-8"))
        # Which user's key the SDK should use is the server's rule (the key it would announce
        # at start-up for these fixtures).
        self._api_key = answer.get("api_key") or None
        return dict(answer["loaded"])

    def state(self) -> Dict[str, Any]:
        """The data behind the API: ``{"users": [...], "workspaces": [...],
        "memberships": [...]}`` (users with their API keys, without password hashes)."""
        return dict(self._client().call("GET", "/state"))

    def add_fault(
        self,
        path: Optional[str] = None,
        method: Optional[str] = None,
        status: Optional[int] = None,
        *,
        fault: Optional[str] = None,
        delay_ms: Optional[DelayMs] = None,
        times: Optional[int] = None,
        probability: Optional[float] = None,
        seed: Optional[int] = None,
        header: Union[str, Tuple[str, str], None] = None,
        body: Any = None,
        retry_after: Optional[int] = None,
    ) -> int:
        """Make matching requests fail; the first matching rule wins.

        Args:
            path: Path to match (as the API sees it, e.g. ``"/api/users"``), exact or a glob:
                ``*`` within one segment, ``**`` across segments. Any path when ``None``.
            method: HTTP method to match (any case); any method when ``None``.
            status: Answer with this status (200-599) instead; the body defaults to Argilla's
                error envelope for it.
            fault: Instead of a status: ``"connection_reset"`` (TCP RST), ``"empty_response"``
                (closed without an answer) or ``"malformed_body"`` (the normal answer with its
                JSON cut short).
            delay_ms: Wait this many milliseconds before answering, or a ``(min, max)`` range.
                Alone, it delays the normal answer.
            times: Expire after this many uses.
            probability: Chance (0-1) that a matching request is affected.
            seed: Seed for ``probability`` and delay ranges, so runs repeat.
            header: Match only requests with this header: a name, or ``(name, value)``.
            body: The answer's JSON body, with ``status``.
            retry_after: Seconds in ``Retry-After``, with status 429.

        Returns:
            The rule's id, for :meth:`remove_fault`.

        Raises:
            TypeError: an argument has the wrong type.
            ValueError: an argument has a value no rule can have (the server's
                :class:`AdminValidationError` is a ``ValueError`` too, and says what is wrong).
        """
        _check_type("path", path, str, "a str")
        _check_type("method", method, str, "a str")
        _check_type("status", status, int, "an int")
        _check_type("fault", fault, str, "a str")
        _check_type("times", times, int, "an int")
        _check_type("probability", probability, (int, float), "a number")
        _check_type("seed", seed, int, "an int")
        _check_type("retry_after", retry_after, int, "an int")
        # What a rule may be (the fault kinds, status ranges, …) is the server's to say: it
        # answers a rule it cannot use with a 422 naming the problem (AdminValidationError).
        spec: Dict[str, Any] = {
            "method": method,
            "path": path,
            "status": status,
            "fault": fault,
            "times": times,
            "probability": probability,
            "seed": seed,
            "body": body,
            "retry_after": retry_after,
        }
        if delay_ms is not None:
            spec["delay_ms"] = _delay_spec(delay_ms)
        if header is not None:
            spec["header"] = _header_spec(header)
        spec = {k: v for k, v in spec.items() if v is not None}
        answer = self._client().call("POST", "/faults", body=json.dumps(spec).encode("utf-8"))
        return int(answer["id"])

    def faults(self) -> List[FaultRule]:
        """The fault rules in force, in the order they are tried."""
        return [FaultRule.from_json(r) for r in self._client().call("GET", "/faults")["faults"]]

    def remove_fault(self, rule_id: int) -> None:
        """Remove one fault rule.

        Raises:
            AdminError: no rule has this id (status 404).
        """
        _check_type("rule_id", rule_id, int, "an int")
        self._client().call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._client().call("DELETE", "/faults")

    def requests(
        self,
        method: Optional[str] = None,
        path: Optional[str] = None,
        since: Optional[int] = None,
    ) -> List[JournalEntry]:
        """The journal: the requests received, oldest first, with secrets masked.

        Args:
            method: Only this HTTP method (any case).
            path: Only this exact path, as the API sees it (e.g. ``"/api/users"``).
            since: Only entries whose ``seq`` is greater than this.
        """
        _check_type("method", method, str, "a str")
        _check_type("path", path, str, "a str")
        _check_type("since", since, int, "an int")
        answer = self._client().call(
            "GET", "/requests", query={"method": method, "path": path, "since": since}
        )
        return [JournalEntry.from_json(e) for e in answer["requests"]]

    def clear_requests(self) -> None:
        """Empty the journal (of this namespace only, for a :class:`Namespace`)."""
        self._client().call("DELETE", "/requests")


def _delay_spec(delay_ms: DelayMs) -> Union[int, List[int]]:
    if isinstance(delay_ms, bool):
        raise TypeError("delay_ms must be an int or a (min, max) pair, not bool")
    if isinstance(delay_ms, int):
        if delay_ms < 0:
            raise ValueError(f"delay_ms must not be negative, got {delay_ms}")
        return delay_ms
    if isinstance(delay_ms, (tuple, list)) and len(delay_ms) == 2:
        low, high = delay_ms
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
            if low < 0 or high < 0:
                raise ValueError(f"delay_ms must not be negative, got {delay_ms!r}")
            return [low, high]
    raise TypeError(f"delay_ms must be an int or a (min, max) pair of ints, not {delay_ms!r}")


def _header_spec(header: Union[str, Tuple[str, str]]) -> Dict[str, str]:
    if isinstance(header, str):
        return {"name": header}
    if isinstance(header, (tuple, list)) and len(header) == 2 and all(isinstance(h, str) for h in header):
        return {"name": header[0], "value": header[1]}
    raise TypeError(f"header must be a name or a (name, value) pair of str, not {header!r}")


def _read_fixtures(fixtures: Fixtures) -> Tuple[Mapping[str, Any], str]:
    """The fixture document and its JSON text."""
    if isinstance(fixtures, Mapping):
        try:
            return fixtures, json.dumps(fixtures)
        except TypeError as e:
            raise TypeError(f"fixtures must be JSON-serialisable: {e}") from None
    if isinstance(fixtures, (str, os.PathLike)):
        text = Path(fixtures).read_text(encoding="utf-8")
        try:
            document = json.loads(text)
        except ValueError as e:
            raise ValueError(f"fixtures file {os.fspath(fixtures)!r} is not JSON: {e}") from None
        if not isinstance(document, dict):
            raise ValueError(f"fixtures file {os.fspath(fixtures)!r} does not hold a JSON object")
        return document, text
    raise TypeError(f"fixtures must be a mapping or a path, not {type(fixtures).__name__}")


class Namespace(_Controls):
    """An isolated copy of the whole API on a running :class:`ArgillaMock`.

    It has its own in-memory database, seeded from the fixtures the server started with on its
    first request, its own fault rules and its own part of the journal. Give :attr:`url` and
    :attr:`api_key` to the SDK. Namespaces are how tests share one server without seeing each
    other; get one with :meth:`ArgillaMock.namespace`.
    """

    def __init__(self, server: "ArgillaMock", name: str) -> None:
        self._server = server
        self.name = name
        """The namespace's name (1-64 of ``A-Z a-z 0-9 _ . -``)."""
        self._admin = _Admin(f"{server.url}/ns/{name}")
        self._api_key = server._startup_api_key

    def _client(self) -> _Admin:
        return self._admin

    @property
    def server(self) -> "ArgillaMock":
        """The server this namespace lives on."""
        return self._server

    def close(self) -> None:
        """Close the namespace and free its database; its next request opens a fresh copy.

        Closing a namespace that was never used (or is already closed) does nothing.
        """
        try:
            self._server._client().call("DELETE", f"/namespaces/{self.name}")
        except AdminError as e:
            if e.status != 404:
                raise
        self._api_key = self._server._startup_api_key

    def __repr__(self) -> str:
        return f"Namespace({self.name!r}, url={self.url!r})"


class ArgillaMock(_Controls):
    """An ``argilla-mock`` server in a child process, on a free loopback port.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        from argilla_mock import ArgillaMock

        with ArgillaMock() as server:
            rg.init(api_url=server.url, api_key=server.api_key)
            server.add_fault(path="/api/users", method="GET", status=500, times=1)

    The process is stopped on exit from the ``with`` block, by :meth:`stop`, when the object is
    garbage-collected, and at interpreter exit, whichever comes first.

    Args:
        fixtures: Users and workspaces to seed the database with: a fixture document (mapping)
            or the path of a fixture file. ``None``: the binary's default fixtures (owner
            ``argilla`` with key ``argilla.apikey``, ``admin``, ``annotator``, ``bob``).
        seed: Make generated ids and API keys the same on every run.
        argilla_version: The server version the API reports (``/api/_info``), e.g. ``"1.29.1"``
            or a 2.x profile such as ``"2.8.0"``; passed to the binary's ``--argilla-version``.
            ``None``: the binary's default.
        database: ``"sqlite:PATH"`` to keep the data in a file (seeded only when new);
            ``None``: in memory.
        binary: The ``argilla-mock`` executable; ``None`` finds it (see
            :func:`argilla_mock.find_binary`: ``ARGILLA_MOCK_BIN``, then the installed wheel's).
        startup_timeout: Seconds to wait for the server to announce itself.
        extra_args: More command-line arguments for the binary (e.g. ``["--journal-size",
            "100"]``).
        env: Extra environment variables for the process. ``ARGILLA_MOCK_*`` variables of this
            process are not passed on, so only these arguments configure the server.

    Raises:
        TypeError, ValueError: an argument is of the wrong type or value.
    """

    def __init__(
        self,
        fixtures: Optional[Fixtures] = None,
        seed: Optional[int] = None,
        argilla_version: Optional[str] = None,
        database: Optional[str] = None,
        *,
        binary: Union[str, "os.PathLike[str]", None] = None,
        startup_timeout: float = 30.0,
        extra_args: Sequence[str] = (),
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        if fixtures is not None and not isinstance(fixtures, (str, os.PathLike, Mapping)):
            raise TypeError(f"fixtures must be a mapping or a path, not {type(fixtures).__name__}")
        _check_type("seed", seed, int, "an int")
        if seed is not None and not 0 <= seed < 2**64:
            raise ValueError(f"seed must be between 0 and 2**64 - 1, got {seed}")
        _check_type("argilla_version", argilla_version, str, "a str")
        if argilla_version is not None and not re.fullmatch(r"\d+\.\d+\.\d+\S*", argilla_version):
            raise ValueError(f"argilla_version must look like '1.29.1', got {argilla_version!r}")
        _check_type("database", database, str, "a str")
        if database is not None and not database.startswith("sqlite:"):
            raise ValueError(f"database must be 'sqlite::memory:' or 'sqlite:PATH', got {database!r}")
        _check_type("startup_timeout", startup_timeout, (int, float), "a number")
        if startup_timeout <= 0:
            raise ValueError(f"startup_timeout must be positive, got {startup_timeout}")
        if isinstance(extra_args, str) or not all(isinstance(a, str) for a in extra_args):
            raise TypeError("extra_args must be a sequence of str")
        if env is not None and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            raise TypeError("env must map str to str")
        self.fixtures = fixtures
        self.seed = seed
        self.argilla_version = argilla_version
        self.database = database
        self.startup_timeout = float(startup_timeout)
        self.extra_args = tuple(extra_args)
        self._binary_arg = binary
        self._env = dict(env or {})
        self._process: Optional[subprocess.Popen[str]] = None
        self._tmpdir: Optional[str] = None
        self._stderr: Optional[IO[str]] = None
        self._finalizer: Optional[weakref.finalize[Any, ArgillaMock]] = None
        self._admin: Optional[_Admin] = None
        self._api_key: Optional[str] = None
        self._startup_api_key: Optional[str] = None
        self._lock = threading.Lock()

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> "ArgillaMock":
        """Start the server and wait until it accepts connections.

        Waits for the binary's first stdout line (it is printed once the port is bound),
        never longer than ``startup_timeout``. Returns ``self``.

        Raises:
            BinaryNotFoundError: no ``argilla-mock`` executable was found.
            StartupError: the process exited before announcing itself, or was too slow; the
                message has its exit code and standard error.
            ArgillaMockError: the server is already running.
        """
        with self._lock:
            if self._process is not None:
                raise ArgillaMockError("the server is already running")
            binary = find_binary(self._binary_arg)
            self._tmpdir = tempfile.mkdtemp(prefix="argilla-mock-")
            args = [binary, "--host", "127.0.0.1", "--port", "0"]
            if self.fixtures is not None:
                try:
                    args += ["--fixtures", self._fixtures_file(self._tmpdir)]
                except BaseException:
                    self._cleanup_files()
                    raise
            if self.seed is not None:
                args += ["--seed", str(self.seed)]
            if self.argilla_version is not None:
                args += ["--argilla-version", self.argilla_version]
            if self.database is not None:
                args += ["--database", self.database]
            args += self.extra_args
            env = {k: v for k, v in os.environ.items() if not k.startswith("ARGILLA_MOCK_")}
            # Request logs go to a file nobody reads unless start-up fails: keep them short.
            env.setdefault("RUST_LOG", "warn")
            env.update(self._env)
            # A file, not a pipe, for stderr: a pipe nobody drains would block the server once
            # its buffer is full.
            self._stderr = open(os.path.join(self._tmpdir, "stderr.log"), "w+", encoding="utf-8")
            try:
                process = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=self._stderr,
                    env=env,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                    # Its own session: a Ctrl-C in the terminal reaches this process, which then
                    # stops the server in order, not the server in the middle of a test.
                    start_new_session=os.name != "nt",
                )
            except OSError as e:
                self._cleanup_files()
                raise StartupError(
                    f"could not run {binary}: {e}", returncode=None, stderr=""
                ) from None
            self._process = process
            self._finalizer = weakref.finalize(
                self, _terminate, process, self._stderr, self._tmpdir
            )
            try:
                url, key = self._await_announcement(process, binary)
            except BaseException:
                self._stop_locked()
                raise
            self._admin = _Admin(url)
            self._api_key = self._startup_api_key = key or None
        return self

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and remove its temporary files.

        Stopping a server that is not running does nothing.
        """
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._process = None
        self._stderr = None
        self._tmpdir = None
        self._admin = None

    def __enter__(self) -> "ArgillaMock":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _fixtures_file(self, tmpdir: str) -> str:
        assert self.fixtures is not None
        if isinstance(self.fixtures, Mapping):
            _, text = _read_fixtures(self.fixtures)
            path = os.path.join(tmpdir, "fixtures.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return path
        path = os.fspath(self.fixtures)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"fixtures file not found: {path}")
        return os.path.abspath(path)

    def _await_announcement(self, process: "subprocess.Popen[str]", binary: str) -> Tuple[str, str]:
        """Read ``ARGILLA_API_URL=`` and ``ARGILLA_API_KEY=`` from stdout, with a timeout."""
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def read() -> None:
            assert process.stdout is not None
            with process.stdout:
                for line in process.stdout:
                    lines.put(line.rstrip("\r\n"))
            lines.put(None)  # end of output: the process has exited

        threading.Thread(target=read, name="argilla-mock-stdout", daemon=True).start()
        announced: Dict[str, str] = {}
        for expected in ("ARGILLA_API_URL", "ARGILLA_API_KEY"):
            try:
                line = lines.get(timeout=self.startup_timeout)
            except queue.Empty:
                raise self._startup_error(
                    process, binary, f"did not start within {self.startup_timeout:g} s"
                ) from None
            if line is None:
                raise self._startup_error(process, binary, "exited before it was ready")
            name, sep, value = line.partition("=")
            if not sep or name != expected:
                raise self._startup_error(
                    process, binary, f"printed {line!r} where {expected}=... was expected"
                )
            announced[name] = value
        return announced["ARGILLA_API_URL"], announced["ARGILLA_API_KEY"]

    def _startup_error(self, process: "subprocess.Popen[str]", binary: str, what: str) -> StartupError:
        try:
            returncode: Optional[int] = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            returncode = None
        stderr = ""
        if self._stderr is not None:
            self._stderr.flush()
            self._stderr.seek(0)
            stderr = self._stderr.read()[-_STDERR_TAIL:]
        message = f"argilla-mock ({binary}) {what}"
        if returncode is not None:
            message += f" (exit code {returncode})"
        message += ":\n" + (stderr.strip() or "(nothing on stderr)")
        return StartupError(message, returncode=returncode, stderr=stderr)

    def _cleanup_files(self) -> None:
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    # -- what a running server offers ---------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server process was started and has not exited."""
        process = self._process
        return process is not None and process.poll() is None

    @property
    def pid(self) -> Optional[int]:
        """The server process's id, ``None`` when it is not running."""
        process = self._process
        return process.pid if process is not None else None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the base URL to give the SDK as ``api_url``.

        Raises:
            ArgillaMockError: the server is not running.
        """
        return self._client().base

    def _client(self) -> _Admin:
        if self._admin is None:
            raise ArgillaMockError(
                "the server is not running: use `with ArgillaMock() as server:` or start()"
            )
        return self._admin

    def stderr(self) -> str:
        """What the server wrote on its standard error so far (``RUST_LOG=warn`` by default;
        pass ``env={"RUST_LOG": "info"}`` to see every request)."""
        if self._stderr is None:
            return ""
        with open(self._stderr.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def namespace(self, name: str) -> Namespace:
        """An isolated copy of the API under ``/ns/{name}`` (created on its first request).

        The same name gives the same namespace; use :meth:`Namespace.close` to drop its data.

        Raises:
            TypeError: ``name`` is not a str.
            ValueError: ``name`` is not 1-64 of ``A-Z a-z 0-9 _ . -`` (or is ``.``/``..``).
        """
        if not isinstance(name, str):
            raise TypeError(f"namespace name must be a str, not {type(name).__name__}")
        if not _NAMESPACE_NAME.fullmatch(name) or name in (".", ".."):
            raise ValueError(
                f"namespace name must be 1-64 of A-Z a-z 0-9 _ . - (not '.' or '..'), got {name!r}"
            )
        return Namespace(self, name)

    def namespaces(self) -> List[str]:
        """The names of the namespaces open now, sorted."""
        return list(self._client().call("GET", "/namespaces")["namespaces"])

    def __repr__(self) -> str:
        state = self._admin.base if self._admin is not None else "not running"
        return f"ArgillaMock({state})"


def _terminate(process: "subprocess.Popen[str]", stderr: Optional[IO[str]], tmpdir: Optional[str]) -> None:
    """Stop the process and remove its files (also run by the finalizer at interpreter exit)."""
    if process.poll() is None:
        try:
            process.terminate()
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        except OSError:
            pass
    if stderr is not None:
        stderr.close()
    if tmpdir is not None:
        shutil.rmtree(tmpdir, ignore_errors=True)

