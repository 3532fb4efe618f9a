"""Helpers for the HTTPS tests: the contract tests' MockProcess with its CA, curl and
openssl runners, TLS sockets."""
import importlib.util
import json
import socket
import ssl
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

_spec = importlib.util.spec_from_file_location("contract_conftest", REPO / "Tests" / "contract" / "conftest.py")
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

ZONE, EDIT_TOKEN, BINARY = contract.ZONE, contract.EDIT_TOKEN, contract.BINARY
EDIT = {"Authorization": f"Bearer {EDIT_TOKEN}"}
ORDER = {"type": "advanced", "hosts": ["example.com", "*.example.com"], "validation_method": "txt",
         "validity_days": 90, "certificate_authority": "lets_encrypt"}


class TLSMock(contract.MockProcess):
    """A mock with TLS on; `ca_file` is where its CA was written (--tls-ca-out), if anywhere."""

    def __init__(self, *args: str, ca_file: Path | None = None):
        super().__init__(*args)
        self.ca_file = ca_file
        self.https = f"https://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()


def curl(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    """curl with --silent --show-error; the caller checks returncode and stdout."""
    return subprocess.run(["curl", "--silent", "--show-error", "--max-time", "10", *args],
                          capture_output=True, text=True, timeout=timeout)


def s_client(port: int, *args: str, stdin: str = "", timeout: float = 20) -> subprocess.CompletedProcess:
    """`openssl s_client` against the mock; stdin ends the session unless it keeps it busy."""
    return subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
                          input=stdin, capture_output=True, text=True, timeout=timeout)


def tls_context(ca_file: Path | None, alpn: list[str] | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def tls_request(port: int, ca_file: Path, raw: bytes, server_hostname: str = "localhost", alpn=None, timeout: float = 10) -> tuple[bytes, ssl.SSLSocket]:
    """Sends `raw` over a verified TLS connection and reads until the server closes or
    one response (head plus Content-Length) is complete."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    tls = tls_context(ca_file, alpn).wrap_socket(sock, server_hostname=server_hostname)
    tls.sendall(raw)
    data = b""
    while True:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            length = 0
            for line in data[:head_end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(data) >= head_end + 4 + length:
                return data, tls
        chunk = tls.recv(65536)
        if not chunk:
            return data, tls
        data += chunk


def http_request(method: str, path: str, body: dict | None = None, headers: dict | None = None) -> bytes:
    payload = b"" if body is None else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost", f"Content-Length: {len(payload)}"]
    if body is not None:
        lines.append("Content-Type: application/json")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def client_hello(alpn=None) -> bytes:
    """A real TLS 1.3 ClientHello from Python's ssl module, over memory BIOs (never sent by it)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    context = ssl.create_default_context()
    if alpn:
        context.set_alpn_protocols(alpn)
    obj = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()
