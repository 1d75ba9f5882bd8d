"""Which 1.x SDK module the suite runs: `argilla` (argilla 1.x) or `argilla_v1` (the legacy 1.x SDK
republished as the PyPI package `argilla-v1`, same code under another name).

ARGILLA_SDK_MODULE picks it (`argilla` or `argilla_v1`); unset, it is `argilla` when that is a 1.x
SDK and `argilla_v1` otherwise (e.g. a venv with only `argilla-v1` installed).
"""

import importlib
import os


def _module_name():
    name = os.environ.get("ARGILLA_SDK_MODULE")
    if name:
        return name
    try:
        importlib.import_module("argilla.client.users")
        return "argilla"
    except ImportError:  # not installed, or argilla 2.x (no argilla.client.users)
        return "argilla_v1"


NAME = _module_name()
rg = importlib.import_module(NAME)
User = importlib.import_module(f"{NAME}.client.users").User
errors = importlib.import_module(f"{NAME}.client.sdk.commons.errors")
SDK_VERSION = tuple(int(p) for p in rg.__version__.split(".")[:2])
