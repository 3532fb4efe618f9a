"""HTTPS tests: the built binary (CERTPACK_MOCK_BIN) serving TLS on its one port, driven by
curl, `openssl s_client`, Python's ssl module and the official SDK."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tls_support import TLSMock  # noqa: E402


@pytest.fixture(scope="module")
def mock(tmp_path_factory):
    """One mock per test module; its CA written with --tls-ca-out, a short header (and so
    handshake) timeout so the hostile tests see connections closed within seconds."""
    ca_out = tmp_path_factory.mktemp("ca") / "ca.pem"
    server = TLSMock("--clock", "manual", "--seed", "5", "--header-timeout", "2",
                     "--tls-ca-out", str(ca_out), "--tls-hostname", "mock.test", ca_file=ca_out)
    yield server
    assert server.proc.poll() is None, "the mock died during the module"
    assert server.stop() == 0


@pytest.fixture(autouse=True)
def clean_state(request):
    if "mock" in request.fixturenames:
        request.getfixturevalue("mock").control("POST", "reset")
    yield
