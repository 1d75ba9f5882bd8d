"""Finding the ``argilla-mock`` executable without cargo."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import List, Union

from ._errors import BinaryNotFoundError

__all__ = ["BINARY_ENV", "find_binary"]

#: The environment variable naming an ``argilla-mock`` executable to use instead of the
#: installed one (e.g. ``target/debug/argilla-mock`` of a checkout).
BINARY_ENV = "ARGILLA_MOCK_BIN"

_NAME = "argilla-mock.exe" if os.name == "nt" else "argilla-mock"


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _scripts_dirs() -> List[Path]:
    """The folders a wheel's scripts are installed into, most specific first."""
    dirs: List[Path] = []
    # `pip install` puts the wheel's binary in the scripts folder of the environment it installs
    # into: the interpreter's own scheme, then the per-user scheme (`pip install --user`).
    for scheme in (None, f"{os.name}_user"):
        try:
            path = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:
            continue
        if path:
            dirs.append(Path(path))
    # A venv run through a symlinked or copied interpreter: its scripts sit next to it.
    dirs.append(Path(sys.executable).parent)
    seen = set()
    unique = []
    for d in dirs:
        if d not in seen:
            seen.add(d)
            unique.append(d)
    return unique


def find_binary(explicit: Union[str, "os.PathLike[str]", None] = None) -> str:
    """Return the path of the ``argilla-mock`` executable to run.

    Looked for, in order:

    1. ``explicit``, when given (a path, or a command name looked up on ``PATH``);
    2. the ``ARGILLA_MOCK_BIN`` environment variable, when set and not empty;
    3. the scripts folder of this Python environment, where ``pip install argilla-mock`` put
       it (``sysconfig.get_path("scripts")``, the per-user scripts folder, then the folder of
       ``sys.executable``);
    4. ``argilla-mock`` on ``PATH``.

    An explicit path or ``ARGILLA_MOCK_BIN`` that does not name an executable is an error: it is
    not silently replaced by another binary.

    Raises:
        BinaryNotFoundError: nothing usable was found; the message says where it looked.
        TypeError: ``explicit`` is neither a string nor a path.
    """
    if explicit is not None:
        if not isinstance(explicit, (str, os.PathLike)):
            raise TypeError(f"binary must be a str or os.PathLike, not {type(explicit).__name__}")
        return _resolve_given(os.fspath(explicit), "the binary argument")
    from_env = os.environ.get(BINARY_ENV, "")
    if from_env:
        return _resolve_given(from_env, f"${BINARY_ENV}")
    tried = []
    for folder in _scripts_dirs():
        candidate = folder / _NAME
        if _is_executable(candidate):
            return str(candidate)
        tried.append(str(candidate))
    on_path = shutil.which(_NAME)
    if on_path:
        return on_path
    tried.append(f"{_NAME} on PATH")
    raise BinaryNotFoundError(
        "argilla-mock executable not found; tried: "
        + ", ".join(tried)
        + f". Install the wheel (`pip install argilla-mock`), or set ${BINARY_ENV} "
        "(pytest: --argilla-mock-bin) to a built binary."
    )


def _resolve_given(value: str, origin: str) -> str:
    path = Path(value).expanduser()
    if _is_executable(path):
        return str(path)
    if os.sep not in value and (os.altsep is None or os.altsep not in value):
        found = shutil.which(value)
        if found:
            return found
    if path.exists():
        raise BinaryNotFoundError(f"{origin} names {value!r}, which is not an executable file")
    raise BinaryNotFoundError(f"{origin} names {value!r}, which does not exist")
