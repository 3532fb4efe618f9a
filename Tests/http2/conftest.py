"""HTTP/2 tests against the built binary (CERTPACK_MOCK_BIN): real clients (curl, nghttp,
h2load, the official SDK on httpx) and hostile raw frames (h2's hpack and hyperframe)."""
import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# The contract tests' conftest, loaded under its own name (this folder has a conftest.py too).
_spec = importlib.util.spec_from_file_location("contract_conftest", REPO / "Tests" / "contract" / "conftest.py")
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)


@pytest.fixture(scope="module")
def mock():
    """One mock per module: manual clock, short idle timeout (the zero-window test waits it out)."""
    server = contract.MockProcess("--clock", "manual", "--seed", "3", "--idle-timeout", "2", "--header-timeout", "2")
    yield server
    assert server.proc.poll() is None, "the mock died during the module"
    assert server.stop() == 0


@pytest.fixture(autouse=True)
def clean_state(request):
    if "mock" in request.fixturenames:
        request.getfixturevalue("mock").control("POST", "reset")
    yield
