"""Shared helpers for the package's own tests (run against the installed wheel)."""

from __future__ import annotations

import os
import stat
import textwrap
import warnings
from pathlib import Path
from typing import Callable

import httpx
import pytest

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _quiet_sdk() -> None:
    # argilla 1.x warns about its own deprecations on import and on init.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", UserWarning)


@pytest.fixture
def fake_binary(tmp_path: Path) -> Callable[[str], Path]:
    """Write an executable shell script standing in for argilla-mock; returns its path."""

    def make(body: str) -> Path:
        path = tmp_path / "fake-argilla-mock"
        path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path

    return make


def process_gone(pid: int) -> bool:
    """Whether no process (not even an unreaped zombie) has this pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        # A zombie is a process that exited and waits for its parent's wait().
        return "\nState:\tZ" in status.read_text()
    return False


def reported_version(url: str) -> str:
    """The Argilla version a server reports: 2.x at /api/v1/version, 1.x at /api/_info."""
    answer = httpx.get(url + "/api/v1/version", timeout=10)
    if answer.status_code == 200 and answer.headers["content-type"] == "application/json":
        return str(answer.json()["version"])
    return str(httpx.get(url + "/api/_info", timeout=10).json()["version"])
