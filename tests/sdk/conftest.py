"""Shared fixtures: a users-API server per test (argilla-mock by default, or ARGILLA_E2E_URL)."""

import os
import subprocess
import uuid
import warnings

import httpx
import pytest

from _sdk import rg

OWNER_KEY = "argilla.apikey"


class Server:
    def __init__(self, url, key, proc=None):
        self.url, self.key, self.proc = url, key, proc

    def http(self, method, path, key=None, **kw):
        headers = {"X-Argilla-Api-Key": key or self.key}
        return httpx.request(method, self.url + path, headers=headers, timeout=10, **kw)

    def create_user(self, role="annotator", workspaces=None):
        """A new user made through the HTTP API (as the owner); returns its JSON."""
        body = {
            "first_name": "Test",
            "username": f"u-{uuid.uuid4().hex[:12]}",
            "password": "12345678",
            "role": role,
        }
        if workspaces is not None:
            body["workspaces"] = workspaces
        r = self.http("POST", "/api/users", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def create_workspace(self):
        r = self.http("POST", "/api/workspaces", json={"name": f"ws-{uuid.uuid4().hex[:12]}"})
        assert r.status_code == 200, r.text
        return r.json()


def start_mock():
    binary = os.environ["ARGILLA_MOCK_BIN"]
    proc = subprocess.Popen(
        [binary, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    # The first two lines are printed once the server accepts connections: no polling needed.
    url_line = proc.stdout.readline().strip()
    key_line = proc.stdout.readline().strip()
    assert url_line.startswith("ARGILLA_API_URL="), url_line
    assert key_line == "ARGILLA_API_KEY=argilla.apikey", key_line
    return Server(url_line.split("=", 1)[1], OWNER_KEY, proc)


@pytest.fixture
def server(monkeypatch):
    external = os.environ.get("ARGILLA_E2E_URL")
    srv = Server(external, OWNER_KEY) if external else start_mock()
    # A failed rg.init makes the next call build a default client from these variables:
    # point them at the server under test so nothing can fall through to another server.
    monkeypatch.setenv("ARGILLA_API_URL", srv.url)
    monkeypatch.setenv("ARGILLA_API_KEY", srv.key)
    monkeypatch.delenv("ARGILLA_WORKSPACE", raising=False)
    warnings.simplefilter("ignore")
    rg.init(api_url=srv.url, api_key=srv.key)
    yield srv
    if srv.proc is not None:
        srv.proc.terminate()
        srv.proc.wait(timeout=10)


