"""argilla-mock: an offline stand-in for the Argilla users API, for tests.

The wheel carries the ``argilla-mock`` server binary; this package runs it and drives its
``/__mock/`` admin API with the standard library only::

    import argilla as rg
    from argilla_mock import ArgillaMock

    with ArgillaMock() as server:
        rg.init(api_url=server.url, api_key=server.api_key)
        server.add_fault(path="/api/users", method="GET", status=500, times=1)
        ...
        print(server.requests(method="GET"))

With pytest, the plugin (installed with the package) gives the ``argilla_mock`` fixture: a fresh
namespace of one shared server per test, with ``ARGILLA_API_URL`` and ``ARGILLA_API_KEY`` set.
"""

from importlib.metadata import PackageNotFoundError, version as _version

from ._binary import BINARY_ENV, find_binary
from ._errors import (
    AdminError,
    AdminValidationError,
    ArgillaMockError,
    BinaryNotFoundError,
    StartupError,
)
from ._journal import AppliedFault, FaultRule, JournalEntry, format_journal
from ._server import ArgillaMock, DelayMs, Fixtures, Namespace

try:
    __version__ = _version("argilla-mock")
except PackageNotFoundError:  # imported from a source tree, not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "AdminError",
    "AdminValidationError",
    "AppliedFault",
    "ArgillaMock",
    "ArgillaMockError",
    "BINARY_ENV",
    "BinaryNotFoundError",
    "DelayMs",
    "FaultRule",
    "Fixtures",
    "JournalEntry",
    "Namespace",
    "StartupError",
    "find_binary",
    "format_journal",
    "__version__",
]
