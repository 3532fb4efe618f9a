"""Helpers for the reliability tests: the contract tests' MockProcess, raw sockets,
/proc readings and the figures printed at the end of the run."""
import importlib.util
import json
import os
import resource
import socket
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# The contract tests' conftest, loaded under its own name (both folders have a conftest.py).
_spec = importlib.util.spec_from_file_location("contract_conftest", REPO / "Tests" / "contract" / "conftest.py")
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

MockProcess = contract.MockProcess
BINARY = contract.BINARY
ZONE, NET_ZONE, NO_ACM_ZONE = contract.ZONE, contract.NET_ZONE, contract.NO_ACM_ZONE
EDIT_TOKEN, READ_TOKEN, NET_TOKEN = contract.EDIT_TOKEN, contract.READ_TOKEN, contract.NET_TOKEN
SEED_PACK = "023e105f4ecef8ad9ca31a8372d0c353"
EDIT = {"Authorization": f"Bearer {EDIT_TOKEN}"}

# Figures measured by the tests, printed by conftest.py at the end of the run.
FIGURES: dict[str, object] = {}


def order_body(zone_name="example.com", **overrides) -> bytes:
    body = {"type": "advanced", "hosts": [zone_name, f"*.{zone_name}"], "validation_method": "txt",
            "validity_days": 90, "certificate_authority": "lets_encrypt"}
    body.update(overrides)
    return json.dumps(body).encode()


def raise_fd_limit(wanted: int) -> int:
    """Raises this process's soft RLIMIT_NOFILE towards `wanted` (never above the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Response:
    def __init__(self, status: int, reason: str, headers: dict[str, str], body: bytes, raw: bytes):
        self.status, self.reason, self.headers, self.body, self.raw = status, reason, headers, body, raw

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def codes(self) -> list[int]:
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


def request_bytes(method: str, target: str, body: bytes = b"", headers: dict | None = None, host: str = "127.0.0.1") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def request(port: int, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> Response:
    return exchange(port, request_bytes(method, target, body, headers))


def healthy(port: int) -> bool:
    try:
        return request(port, "GET", "/__mock/health").status == 200
    except OSError:
        return False


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all threads), from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def write_fixtures(directory: Path, quota: int) -> Path:
    """A fixtures folder like the built-in one with a large quota for example.com."""
    zones = json.loads((REPO / "fixtures" / "zones.json").read_text())
    for zone in zones:
        if zone["id"] == ZONE:
            zone["quota"] = quota
    (directory / "zones.json").write_text(json.dumps(zones))
    (directory / "credentials.json").write_text((REPO / "fixtures" / "credentials.json").read_text())
    return directory


def temp_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="certpack-reliability-")


def start_with_fd_limit(limit: int, *args: str) -> "MockProcess":
    """A MockProcess whose binary runs under `ulimit -n limit` (soft and hard), through
    an exec wrapper so the process id stays the server's."""
    wrapper_dir = tempfile.mkdtemp(prefix="certpack-ulimit-")
    wrapper = Path(wrapper_dir) / "certpack-mock"
    wrapper.write_text(f'#!/bin/sh\nulimit -n {limit} || exit 97\nexec "{contract.BINARY}" "$@"\n')
    wrapper.chmod(0o755)
    real = contract.BINARY
    contract.BINARY = str(wrapper)
    try:
        return MockProcess(*args)
    finally:
        contract.BINARY = real


def nofile_limit(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise RuntimeError("no limit")
