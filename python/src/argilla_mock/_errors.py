"""The exceptions this package raises."""

from __future__ import annotations

from typing import Optional

__all__ = [
    "ArgillaMockError",
    "BinaryNotFoundError",
    "StartupError",
    "AdminError",
    "AdminValidationError",
]


class ArgillaMockError(Exception):
    """Base class of every error raised by :mod:`argilla_mock`."""


class BinaryNotFoundError(ArgillaMockError, FileNotFoundError):
    """No ``argilla-mock`` executable was found where it was looked for.

    The message lists every place that was tried, in order.
    """


class StartupError(ArgillaMockError):
    """The server process did not announce itself: it exited, or it was too slow.

    Attributes:
        returncode: The process's exit code, or ``None`` when it was still running (and was
            killed) after the start-up timeout.
        stderr: What the process wrote on its standard error (the last 8 KiB).
    """

    def __init__(self, message: str, *, returncode: Optional[int], stderr: str) -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


class AdminError(ArgillaMockError):
    """The ``/__mock/`` admin API answered with an error.

    ``str(error)`` is the server's own ``detail`` message.

    Attributes:
        status: The HTTP status of the answer (0 when the server could not be reached).
        detail: The server's message (or the transport error's).
        method: The HTTP method of the admin request.
        url: The URL of the admin request.
    """

    def __init__(self, status: int, detail: str, *, method: str, url: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.method = method
        self.url = url


class AdminValidationError(AdminError, ValueError):
    """The admin API refused a request as invalid (HTTP 422), e.g. a fault rule it cannot use.

    It is also a :class:`ValueError`, so ``except ValueError`` catches bad arguments whether this
    package or the server found them.
    """
