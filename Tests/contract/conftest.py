"""Starts the real certpack-mock binary on a free port for the contract tests.

This is also the README's pytest recipe: copy `mock_server` into your own conftest.py.
"""
import json
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CERTPACK_MOCK_BIN", str(REPO / ".build" / "debug" / "certpack-mock"))

ZONE = "023e105f4ecef8ad9ca31a8372d0c353"          # example.com (ACM, Enterprise)
NET_ZONE = "9a7806061c88ada191ed06f989cc3dac"      # example.net (ACM, quota 5)
NO_ACM_ZONE = "372e67954025e0ba6aaa6d586b9e0b59"   # example.org (no ACM)
EDIT_TOKEN = "certpackmock-ssl-edit-000000000000000000"
READ_TOKEN = "certpackmock-ssl-read-000000000000000000"
NET_TOKEN = "certpackmock-example-net-000000000000000"
DOCS_EMAIL, DOCS_KEY = "user@example.com", "144c9defac04969c7bfad8efaa8ea194"


class MockProcess:
    """A running certpack-mock: its base URLs and a small client for /__mock/."""

    def __init__(self, *args: str):
        self._dir = tempfile.TemporaryDirectory()
        port_file = Path(self._dir.name) / "port"
        self.log = open(Path(self._dir.name) / "log", "w+")
        self.proc = subprocess.Popen([BINARY, "--port", "0", "--port-file", str(port_file), "--host", "127.0.0.1", *args],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise RuntimeError("certpack-mock did not start:\n" + self.log.read())
            time.sleep(0.01)
        self.port = int(port_file.read_text())
        self.root = f"http://127.0.0.1:{self.port}"
        self.base_url = self.root + "/client/v4"

    def control(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.root + "/__mock/" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())["result"]

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """Any request; returns (status, headers, body bytes) whatever the status."""
        req = urllib.request.Request(self.root + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def stop(self):
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=15)
        finally:
            self.log.close()
            self._dir.cleanup()
        return code


@pytest.fixture(scope="session")
def mock_server():
    """One mock for the session, on a manual virtual clock so tests decide when packs move."""
    server = MockProcess("--clock", "manual", "--seed", "1")
    yield server
    assert server.stop() == 0


@pytest.fixture(autouse=True)
def clean_state(request):
    """Every test starts from the fixtures: packs, journal, faults, clock and rate limits reset."""
    if "mock_server" in request.fixturenames:
        request.getfixturevalue("mock_server").control("POST", "reset")
    yield


@pytest.fixture
def client(mock_server):
    import cloudflare
    return cloudflare.Cloudflare(api_token=EDIT_TOKEN, base_url=mock_server.base_url, max_retries=0)
