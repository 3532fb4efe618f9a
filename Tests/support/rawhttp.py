"""The one raw HTTP/1.1 client of the Python tools: the reliability tests and the
benchmark helpers. Requests are written as bytes exactly as given (hostile ones too);
responses are framed by Content-Length, which the mock (and nginx, beside it in the
benchmark) always sends. Only the standard library, so any python3 runs it."""
import json
import socket
import time


class Response:
    def __init__(self, status: int, reason: str, headers: dict[str, str], body: bytes, raw: bytes):
        self.status, self.reason, self.headers, self.body, self.raw = status, reason, headers, body, raw

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def codes(self) -> list[int]:
        """The Cloudflare envelope's error codes; empty when the body is no envelope."""
        try:
            return [e["code"] for e in self.json.get("errors", [])]
        except (ValueError, AttributeError):
            return []

    def __repr__(self):
        return f"{self.status} {self.codes} {self.body[:200]!r}"


def parse_response(data: bytes, head: bool = False) -> tuple[Response | None, bytes]:
    """One complete response at the start of `data` (1xx skipped), and what follows.
    `head`: the answer to a HEAD request, which has no content whatever its length says."""
    while True:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            return None, data
        lines = data[:head_end].decode("latin-1").split("\r\n")
        version, status, *reason = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(status)
        if 100 <= status < 200:
            data = data[head_end + 4:]
            continue
        length = 0 if head else int(headers.get("content-length", "0"))
        end = head_end + 4 + length
        if len(data) < end:
            return None, data
        return Response(status, reason[0] if reason else "", headers, data[head_end + 4:end], data[:end]), data[end:]


def request_bytes(method: str, target: str, body: bytes = b"", headers: dict | None = None, host: str = "127.0.0.1") -> bytes:
    """A request: Host, then `headers` in order, then Content-Length when there is a body
    (or the method needs one, so an empty POST still says 0)."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def connect(port: int, timeout: float = 10) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def read_response(sock: socket.socket, timeout: float = 10, buffered: bytes = b"", head: bool = False) -> Response:
    """Reads one response; raises if the connection ends or times out first."""
    data = buffered
    deadline = time.monotonic() + timeout
    while True:
        response, _ = parse_response(data, head)
        if response:
            return response
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before a full response; got {data[:300]!r}")
        data += chunk


def exchange(port: int, data: bytes, timeout: float = 10) -> Response:
    """Sends raw bytes on a new connection and reads one response. The server may
    answer (and stop reading) before everything is sent: that is fine."""
    with connect(port, timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_response(sock, timeout, head=data.startswith(b"HEAD "))


def request(port: int, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> Response:
    return exchange(port, request_bytes(method, target, body, headers))


def healthy(port: int, timeout: float = 10) -> bool:
    try:
        return exchange(port, request_bytes("GET", "/__mock/health"), timeout).status == 200
    except OSError:
        return False


class Connection:
    """One keep-alive connection (TCP_NODELAY) for many requests, pipelined or not;
    answers are read in order, what arrived beyond one kept for the next."""

    def __init__(self, port: int, timeout: float = 10.0):
        self.sock = connect(port, timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buffered = b""

    def send(self, data: bytes):
        self.sock.sendall(data)

    def read_response(self) -> Response:
        deadline = time.monotonic() + self.timeout
        while True:
            response, self.buffered = parse_response(self.buffered)
            if response:
                return response
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = self.sock.recv(262144)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buffered += chunk

    def close(self):
        self.sock.close()
