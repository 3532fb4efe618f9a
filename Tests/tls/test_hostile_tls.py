"""Bad input over TLS: each gets an alert or a close, never a crash, a busy loop or a stuck
neighbour; after each, a verified HTTPS request is served at once."""
import importlib.util
import select
import socket
import ssl
import time
from pathlib import Path

from tls_support import client_hello, curl, http_request, s_client, tls_request

_spec = importlib.util.spec_from_file_location("reliability_support", Path(__file__).resolve().parents[1] / "reliability" / "reliability_support.py")
reliability = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reliability)


def neighbour_is_served(mock):
    data, tls = tls_request(mock.port, mock.ca_file, http_request("GET", "/__mock/health"))
    tls.close()
    assert data.startswith(b"HTTP/1.1 200"), data


def closed_by_server(sock: socket.socket, timeout: float = 15) -> bytes:
    """Reads until the server closes (EOF or reset) and returns what it sent; fails on timeout."""
    sock.settimeout(timeout)
    received = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
    except ConnectionResetError:
        return received


def raw_connection(mock) -> socket.socket:
    return socket.create_connection(("127.0.0.1", mock.port), timeout=10)


def test_truncated_client_hello_is_closed_by_the_handshake_timeout(mock):
    sock = raw_connection(mock)
    sock.sendall(client_hello()[:60])
    neighbour_is_served(mock)
    started = time.monotonic()
    assert closed_by_server(sock) == b""
    # --header-timeout 2 is the handshake timeout.
    assert time.monotonic() - started < 10


def test_garbage_after_the_handshake_byte_gets_an_alert(mock):
    sock = raw_connection(mock)
    sock.sendall(b"\x16" + b"this is no TLS record, only text pretending to be one" * 4)
    answer = closed_by_server(sock)
    # Nothing, or an alert record (content type 21).
    assert answer == b"" or answer[0] == 0x15, answer
    neighbour_is_served(mock)


def test_tls10_and_tls11_only_clients_get_a_protocol_version_alert(mock):
    for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(str(mock.ca_file))
        context.set_ciphers("DEFAULT@SECLEVEL=0")
        context.minimum_version = version
        context.maximum_version = version
        with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
            try:
                context.wrap_socket(sock, server_hostname="localhost")
                raise AssertionError(f"{version} was accepted")
            except ssl.SSLError as error:
                assert "PROTOCOL_VERSION" in str(error).upper() or "UNSUPPORTED_PROTOCOL" in str(error).upper(), error
    neighbour_is_served(mock)


def test_500_handshakes_that_never_finish_are_closed_while_others_are_served(mock):
    reliability.raise_fd_limit(2048)
    hello = client_hello(alpn=["h2", "http/1.1"])
    stalled = []
    for _ in range(500):
        sock = raw_connection(mock)
        sock.sendall(hello[: len(hello) // 2])
        stalled.append(sock)
    cpu_before = reliability.cpu_seconds(mock.proc.pid)
    started = time.monotonic()
    for _ in range(5):
        neighbour_is_served(mock)
    served_within = time.monotonic() - started
    # Every stalled handshake is closed by the server (readiness waits, not sleeps).
    open_socks = set(stalled)
    deadline = time.monotonic() + 30
    while open_socks and time.monotonic() < deadline:
        readable, _, _ = select.select(list(open_socks), [], [], 1)
        for sock in readable:
            try:
                data = sock.recv(4096)
            except ConnectionResetError:
                data = b""
            if not data:
                open_socks.discard(sock)
                sock.close()
    assert not open_socks, f"{len(open_socks)} of 500 stalled handshakes still open"
    # Waiting on 500 stalled handshakes is not a busy loop.
    waited = time.monotonic() - started
    cpu = reliability.cpu_seconds(mock.proc.pid) - cpu_before
    assert cpu < 0.5 * waited, f"{cpu:.2f}s of CPU in {waited:.2f}s"
    reliability.FIGURES["tls: 500 stalled handshakes, 5 neighbours served within (s)"] = round(served_within, 3)
    neighbour_is_served(mock)


def test_renegotiation_is_refused(mock):
    # s_client's "R" asks for a TLS 1.2 renegotiation; the server answers no_renegotiation.
    result = s_client(mock.port, "-tls1_2", "-CAfile", str(mock.ca_file), "-servername", "localhost", stdin="R\n", timeout=20)
    output = result.stdout + result.stderr
    assert "RENEGOTIATING" in output, output
    assert "no renegotiation" in output.lower() or "alert" in output.lower(), output
    neighbour_is_served(mock)


def test_plain_http_after_a_handshake_started_gets_an_alert(mock):
    sock = raw_connection(mock)
    sock.sendall(client_hello())
    # The server's flight comes back...
    first = sock.recv(65536)
    assert first and first[0] == 0x16
    # ...and cleartext HTTP in place of the client's Finished ends the connection.
    sock.sendall(http_request("GET", "/__mock/health"))
    answer = closed_by_server(sock)
    assert b"HTTP/1.1" not in answer
    neighbour_is_served(mock)


def test_a_client_that_does_not_trust_the_ca_leaves_the_server_serving(mock):
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
        try:
            ssl.create_default_context().wrap_socket(sock, server_hostname="localhost")
            raise AssertionError("a client without the CA accepted the certificate")
        except ssl.SSLCertVerificationError as error:
            assert "unable to get local issuer certificate" in str(error)
    neighbour_is_served(mock)
    assert mock.proc.poll() is None


def test_cleartext_http_to_the_tls_port_is_still_http(mock):
    # Not TLS: the first byte decides, so plain HTTP keeps working on the same port.
    assert mock.raw("GET", "/__mock/health")[0] == 200
    assert curl("--cacert", str(mock.ca_file), mock.https + "/__mock/health").returncode == 0
