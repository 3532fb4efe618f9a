"""HTTP/2 tests against the built binary (CERTPACK_MOCK_BIN): real clients (curl, nghttp,
h2load, the official SDK on httpx) and hostile raw frames (h2's hpack and hyperframe)."""
import pytest

from h2_support import contract


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
