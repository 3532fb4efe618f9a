"""Security: loopback-only default bind, no secret in logs / journal / answers, zone
scoping on every route, and request paths that never reach the file system."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from reliability_support import (BINARY, EDIT, EDIT_TOKEN, FIGURES, NET_TOKEN, NET_ZONE, NO_ACM_ZONE, REPO, SEED_PACK,
                                 ZONE, MockProcess, exchange, order_body, request, request_bytes)

JSON = {"Content-Type": "application/json"}
NET = {"Authorization": f"Bearer {NET_TOKEN}"}


# MARK: - Default bind


def _listening(port: int) -> list[str]:
    """Addresses with a LISTEN socket on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] != "0A" or int(port_hex, 16) != port:
                continue
            raw = b"".join(bytes.fromhex(address[i:i + 8])[::-1] for i in range(0, len(address), 8))
            family = socket.AF_INET if len(raw) == 4 else socket.AF_INET6
            found.append(socket.inet_ntop(family, raw))
    return sorted(found)


def test_default_bind_is_loopback_only():
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CERTPACK_MOCK_")}
        proc = subprocess.Popen([BINARY, "--port", "0", "--port-file", str(port_file)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while not (port_file.exists() and port_file.read_text().strip()):
                assert proc.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.01)
            addresses = _listening(int(port_file.read_text()))
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
    FIGURES["security: default listening sockets"] = addresses
    assert addresses, "no listening socket found"
    assert set(addresses) <= {"127.0.0.1", "::1"}, addresses


# MARK: - Secrets


def _fixture_secrets() -> list[str]:
    secrets = []
    for credential in json.loads((REPO / "fixtures" / "credentials.json").read_text()):
        secrets += [credential[k] for k in ("token", "key") if k in credential]
    return secrets


RUNTIME_TOKEN = "reliabilitySecretToken_00000000000000000"  # 40 chars, well-formed
RUNTIME_KEY = "fedcba9876543210fedcba9876543210fedcb"         # 37 hex, well-formed
UNKNOWN_TOKEN = "UnknownButWellFormedToken000000000000000"
UNKNOWN_KEY = "0000000000000000000000000000000000abc"
MALFORMED_TOKEN = "short-secret-token"


def test_no_secret_in_logs_journal_or_answers():
    server = MockProcess("--log-level", "trace", "--clock", "manual")
    answers = []
    try:
        server.control("POST", "credentials", {"name": "runtime-token", "token": RUNTIME_TOKEN,
                                               "permissions": ["#ssl:read", "#ssl:edit"], "zones": ["*"]})
        server.control("POST", "credentials", {"name": "runtime-key", "email": "rt@example.com", "key": RUNTIME_KEY,
                                               "permissions": ["#ssl:read"], "zones": [NET_ZONE]})
        credentials = [{"Authorization": f"Bearer {t}"} for t in
                       _fixture_secrets()[:4] + [RUNTIME_TOKEN, UNKNOWN_TOKEN, MALFORMED_TOKEN]]
        credentials += [{"X-Auth-Email": "user@example.com", "X-Auth-Key": "144c9defac04969c7bfad8efaa8ea194"},
                        {"X-Auth-Email": "admin@example.com", "X-Auth-Key": "0123456789abcdef0123456789abcdef01234"},
                        {"X-Auth-Email": "rt@example.com", "X-Auth-Key": RUNTIME_KEY},
                        {"X-Auth-Email": "rt@example.com", "X-Auth-Key": UNKNOWN_KEY},
                        {"X-Auth-Email": "not-an-email", "X-Auth-Key": RUNTIME_KEY},
                        {"Authorization": f"Basic {RUNTIME_TOKEN}"},
                        {"Authorization": f"bearer  {RUNTIME_TOKEN} "}]
        base = f"/client/v4/zones/{ZONE}/ssl/certificate_packs"
        for headers in credentials:
            for method, path, body in [("GET", base, b""), ("GET", base + "/quota", b""),
                                       ("POST", base + "/order", order_body()),
                                       ("POST", base + "/order", b'{"hosts":"bad"}'),
                                       ("GET", f"{base}/{SEED_PACK}", b""),
                                       ("PATCH", f"{base}/{SEED_PACK}", b'{"cloudflare_branding":true}'),
                                       ("DELETE", f"{base}/ffffffffffffffffffffffffffffffff", b""),
                                       ("GET", f"/client/v4/zones/{NO_ACM_ZONE}/ssl/certificate_packs/nope", b""),
                                       ("PUT", base, b"")]:
                response = request(server.port, method, path, body, {**headers, **JSON})
                answers.append(response.raw)
        journal = server.raw("GET", "/__mock/requests?limit=100000")[2]
        state = server.raw("GET", "/__mock/state")[2]
        listed = server.raw("GET", "/__mock/credentials")[2]
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=15) == 0
        server.log.seek(0)
        log_lines = server.log.read().splitlines()
    finally:
        server.stop()
    # The start-up banner prints the fixture credentials on purpose (public test values,
    # listed in the README); no other line may carry a secret.
    banner = [l for l in log_lines if " credential " in l and ("Bearer" in l or "X-Auth-Key" in l)]
    assert len(banner) == len(_fixture_secrets())
    log_text = "\n".join(l for l in log_lines if l not in banner)
    assert RUNTIME_TOKEN not in "\n".join(banner) and RUNTIME_KEY not in "\n".join(banner)
    secrets = _fixture_secrets() + [RUNTIME_TOKEN, RUNTIME_KEY, UNKNOWN_TOKEN, UNKNOWN_KEY, MALFORMED_TOKEN]
    places = {"request log": log_text.encode(), "journal": journal, "state": state, "credential list": listed,
              "answers": b"\n".join(answers)}
    leaks = [(secret, where) for secret in secrets for where, text in places.items() if secret.encode() in text]
    FIGURES["security: requests with valid/invalid credentials checked for leaks"] = len(answers)
    FIGURES["security: log lines checked (banner excluded)"] = len(log_lines) - len(banner)
    assert not leaks, leaks
    assert json.loads(journal)["result"], "the journal recorded nothing"


# MARK: - Zone scope


@pytest.fixture(scope="module")
def scoped(mock):
    mock.control("POST", "reset")
    return mock


def _cf(mock, method, path, headers, body=b""):
    return request(mock.port, method, path, body, {**headers, **JSON})


def _state(mock):
    """What another zone holds, read with the all-zones token."""
    out = {}
    for zone in (ZONE, NO_ACM_ZONE):
        listed = _cf(mock, "GET", f"/client/v4/zones/{zone}/ssl/certificate_packs?status=all&per_page=50", EDIT).json
        quota = _cf(mock, "GET", f"/client/v4/zones/{zone}/ssl/certificate_packs/quota", EDIT).json
        out[zone] = (sorted((p["id"], p["cloudflare_branding"], p["status"]) for p in listed["result"]), quota["result"])
    return out


def test_zone_scoped_token_reaches_nothing_in_another_zone_on_any_route(scoped):
    mock = scoped
    own = _cf(mock, "POST", f"/client/v4/zones/{NET_ZONE}/ssl/certificate_packs/order", NET, order_body("example.net"))
    assert own.status == 200, own  # the token works in its own zone
    own_pack = own.json["result"]["id"]
    other = _cf(mock, "POST", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/order", EDIT, order_body())
    other_pack = other.json["result"]["id"]
    before = _state(mock)

    attempts = []
    for zone in (ZONE, NO_ACM_ZONE):
        for prefix in ("/client/v4", ""):
            base = f"{prefix}/zones/{zone}/ssl/certificate_packs"
            for method, path, body in [
                ("GET", base, b""), ("GET", base + "/", b""), ("GET", base + "?status=all", b""),
                ("HEAD", base, b""),
                ("POST", base + "/order", order_body("example.com")),
                ("POST", base + "/order", order_body("example.net")),
                ("GET", f"{base}/{SEED_PACK}", b""), ("GET", f"{base}/{other_pack}", b""),
                ("HEAD", f"{base}/{other_pack}", b""),
                ("PATCH", f"{base}/{SEED_PACK}", b'{"cloudflare_branding":true}'),
                ("PATCH", f"{base}/{other_pack}", b""),
                ("DELETE", f"{base}/{SEED_PACK}", b""), ("DELETE", f"{base}/{other_pack}/", b""),
                ("GET", base + "/quota", b""),
            ]:
                attempts.append((method, path, body))
    for method, path, body in attempts:
        response = _cf(mock, method, path, NET, body)
        assert response.status == 403, (method, path, response)
        if method != "HEAD":
            assert response.codes == [10000], (method, path, response)
    # The same through absolute-form and with the zone id in capitals (not a zone id: 7003).
    absolute = exchange(mock.port, request_bytes("DELETE", f"http://127.0.0.1:{mock.port}/client/v4/zones/{ZONE}/ssl/certificate_packs/{SEED_PACK}", headers=NET))
    assert absolute.status == 403 and absolute.codes == [10000]
    upper = _cf(mock, "DELETE", f"/client/v4/zones/{ZONE.upper()}/ssl/certificate_packs/{SEED_PACK}", NET)
    assert upper.status == 400 and upper.codes == [7003, 7000]
    # A pack of another zone, addressed through the token's own zone: not found there.
    cross = []
    for method, body in [("GET", b""), ("PATCH", b'{"cloudflare_branding":true}'), ("DELETE", b"")]:
        for pack in (other_pack, SEED_PACK):
            response = _cf(mock, method, f"/client/v4/zones/{NET_ZONE}/ssl/certificate_packs/{pack}", NET, body)
            cross.append(response)
            assert response.status == 404 and response.codes == [1408], (method, pack, response)
    # And the all-zones token cannot reach the net pack through another zone's path either.
    for method in ("GET", "PATCH", "DELETE"):
        response = _cf(mock, method, f"/client/v4/zones/{ZONE}/ssl/certificate_packs/{own_pack}", EDIT)
        assert response.status == 404 and response.codes == [1408]

    assert _state(mock) == before, "another zone changed"
    assert _cf(mock, "GET", f"/client/v4/zones/{NET_ZONE}/ssl/certificate_packs/{own_pack}", NET).status == 200
    FIGURES["security: zone-scoped token, requests into other zones (all 403/10000)"] = len(attempts) + 1
    FIGURES["security: cross-zone pack ids through the own zone (all 404/1408)"] = len(cross) + 3


# MARK: - Paths and the file system

TRAVERSALS = {
    f"/client/v4/zones/..%2f..%2fetc%2fpasswd/ssl/certificate_packs": (400, [7003, 7000]),
    f"/client/v4/zones/..%2F..%2F..%2Fetc%2Fpasswd/ssl/certificate_packs/quota": (400, [7003, 7000]),
    f"/client/v4/zones/{ZONE}/ssl/certificate_packs/..%2f..%2f..%2fetc%2fpasswd": (400, [7003, 7000]),
    f"/client/v4/zones/{ZONE}/ssl/certificate_packs/%2e%2e": (400, [7003, 7000]),
    f"/client/v4/zones/{ZONE}/ssl/certificate_packs/..": (400, [7003, 7000]),
    f"/client/v4/zones/{ZONE}/ssl/certificate_packs/../../../../etc/passwd": (400, [7000]),
    "/zones/../../etc/passwd": (400, [7000]),
    "/client/v4/zones/../../etc/passwd": (400, [7000]),
    "/%2e%2e/%2e%2e/etc/passwd": (400, [7000]),
    "/etc/passwd": (400, [7000]),
    "/client/v4/../../../etc/shadow": (400, [7000]),
    "/client/v4/zones/%00/ssl/certificate_packs": (400, [7003, 7000]),
    "/client/v4/zones/....//....//etc/passwd/ssl/certificate_packs": (400, [7000]),
    "/client/v4/zones/" + "../" * 200 + "etc/passwd": (400, [7000]),
    "/__mock/../../etc/passwd": (404, [1499]),
    "/__mock/packs/..%2f..%2fetc%2fpasswd/step": (404, [1499]),
    "/__mock/zones/..%2f..%2fetc%2fpasswd": (404, [1499]),
    "/__mock/faults/../../../etc/passwd": (404, [1499]),
}


def _strace(pid: int, out: Path):
    if not shutil.which("strace"):
        return None
    tracer = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=%file,recvfrom,sendto,sendmsg", "-o", str(out), "-p", str(pid)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)
    if tracer.poll() is not None:  # no ptrace permission here
        return None
    return tracer


def test_path_segments_never_reach_the_file_system(scoped):
    mock = scoped
    with tempfile.TemporaryDirectory() as tmp:
        trace = Path(tmp) / "trace"
        tracer = _strace(mock.proc.pid, trace)
        answers = {}
        for path, expected in TRAVERSALS.items():
            for method in ("GET", "DELETE"):
                response = _cf(mock, method, path, EDIT)
                answers[path] = (response.status, response.codes)
                assert b"root:" not in response.raw
                if method == "GET":
                    assert (response.status, response.codes) == expected, (path, response)
                else:
                    assert response.status in (400, 404, 405), (path, response)
        for path in ("/__mock/requests?path=..%2f..%2fetc%2fpasswd", "/__mock/reset?scope=..%2f..%2fetc%2fpasswd"):
            response = _cf(mock, "POST" if "reset" in path else "GET", path, {})
            assert b"root:" not in response.raw
        touched = None
        if tracer:
            time.sleep(0.2)
            tracer.send_signal(signal.SIGINT)
            tracer.wait(timeout=10)
            # The socket calls prove strace was attached (the server makes no file call at
            # all); among file calls only those naming a path count (fstat of a socket,
            # newfstatat(fd, "", AT_EMPTY_PATH), is not the file system).
            # With several threads strace splits a call into "recvfrom(... <unfinished ...>"
            # and "<... recvfrom resumed>...", so a line's call is named either way.
            traced = [l for l in trace.read_text().splitlines() if l.strip()]
            socket_call = re.compile(r"(\b(recvfrom|sendto|sendmsg)\(|<\.\.\. (recvfrom|sendto|sendmsg) resumed>)")
            assert any(socket_call.search(l) for l in traced), "strace saw no socket call: it did not trace"
            # The adaptive CPU scheduling (the default) samples /proc/stat and lists the
            # process's threads in /proc/self/task four times a second, whatever is served:
            # exactly those two paths, read-only, are not the request reaching the disk.
            governor = re.compile(r'openat\(AT_FDCWD, "/proc/(stat|self/task)", O_RDONLY[|A-Z_]*\) = \d+$')
            touched = [l for l in traced if not socket_call.search(l) and not governor.search(l)
                       and any(re.findall(r'"([^"]+)"', l))]
    FIGURES["security: traversal paths tried (GET and DELETE)"] = len(TRAVERSALS) * 2 + 2
    FIGURES["security: file-system calls while serving them (strace)"] = "strace unavailable" if touched is None else len(touched)
    if touched is not None:
        assert not touched, f"the server touched the file system while serving: {touched[:10]}"
