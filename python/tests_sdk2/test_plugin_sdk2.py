"""The pytest plugin with the real argilla 2.x SDK: `rg.Argilla()` with no arguments reaches the
test's namespace, faults become the SDK's exceptions, and namespaces stay apart.

scripts/python-test.sh runs this folder in a second fresh venv that has argilla 2.x installed
beside the wheel (python/tests needs the 1.x SDK; the two cannot share a venv).
"""

from __future__ import annotations

import os
import uuid

import pytest

import argilla as rg
from argilla._exceptions import InternalServerError, NotFoundError
from argilla_mock import ArgillaMock, Namespace

pytest_plugins = ["pytester"]


def test_client_with_no_arguments_talks_to_the_namespace(argilla_mock: Namespace) -> None:
    client = rg.Argilla()
    assert client.me.username == "argilla"
    assert client.api_url == argilla_mock.url == os.environ["ARGILLA_API_URL"]
    # 2.x checks the key with GET /api/v1/me when the client is made, then `me` asks again.
    assert {(r.path, r.status) for r in argilla_mock.requests()} == {("/api/v1/me", 200)}


def test_fault_makes_listing_users_raise_internal_server_error(argilla_mock: Namespace) -> None:
    client = rg.Argilla()
    argilla_mock.add_fault(path="/api/v1/users", method="GET", status=500, times=1)
    with pytest.raises(InternalServerError):
        client.users.list()
    assert len(client.users.list()) == 4


@pytest.mark.parametrize("run", ["first", "second"])
def test_namespaces_do_not_see_each_other(argilla_mock: Namespace, run: str) -> None:
    # Both runs create the same user and workspace: in a shared database the second would conflict.
    client = rg.Argilla()
    assert client.users(username="leia") is None
    leia = rg.User(username="leia", password="12345678", client=client).create()
    rebels = rg.Workspace(name="rebels", client=client).create()
    rebels.add_user(leia)
    assert [u.username for u in rebels.users] == ["leia"]


@pytest.mark.argilla_mock(argilla_version="2.8.0")
def test_marker_gives_a_server_that_is_only_argilla_2_8(
    argilla_mock: Namespace, argilla_mock_server: ArgillaMock
) -> None:
    assert argilla_mock.server is not argilla_mock_server
    client = rg.Argilla()
    assert client.me.role == "owner"
    workspace = client.workspaces(name="argilla")
    assert workspace is not None and list(workspace.datasets) == []
    with pytest.raises(NotFoundError):
        client.api.users.get(uuid.UUID("00000000-0000-4000-8000-000000000000"))


def test_failing_test_shows_its_2x_requests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import argilla as rg

        def test_fails(argilla_mock):
            rg.Argilla().me
            assert False
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["#* GET /api/v1/me -> 200 (*ms)"])


def test_runs_in_parallel_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import pytest
        import argilla as rg

        @pytest.mark.parametrize("i", range(4))
        def test_create(argilla_mock, i):
            client = rg.Argilla()
            rg.User(username="same-name", password="12345678", client=client).create()
            assert len(client.users.list()) == 5
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=4)
