"""Hostile and malformed requests against the real binary: each gets the right status
with an envelope (1498 for HTTP framing, Cloudflare's codes past it), and the server
keeps serving afterwards."""
import json
import select
import socket
import struct
import threading
import time

import pytest

from reliability_support import (EDIT, EDIT_TOKEN, FIGURES, SEED_PACK, ZONE, connect, exchange, healthy, open_fds,
                                 order_body, parse_response, read_response, request, request_bytes)

ORDER = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/order"
QUOTA = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota"
AUTH = f"Authorization: Bearer {EDIT_TOKEN}\r\n"
JSON = "Content-Type: application/json\r\n"


def head(extra: str = "", line: str = f"POST {ORDER} HTTP/1.1") -> bytes:
    return f"{line}\r\nHost: 127.0.0.1\r\n{AUTH}{extra}\r\n".encode("latin-1")


# name: (bytes, expected status). Every one is refused before Cloudflare logic: code 1498.
FRAMING = {
    "Content-Length with Transfer-Encoding": (head("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + b"0\r\n\r\n", 400),
    "two different Content-Length fields": (head("Content-Length: 5\r\nContent-Length: 6\r\n") + b"hello!", 400),
    "Content-Length list with different values": (head("Content-Length: 5, 6\r\n") + b"hello!", 400),
    "negative Content-Length": (head("Content-Length: -1\r\n"), 400),
    "Content-Length with a plus sign": (head("Content-Length: +5\r\n") + b"hello", 400),
    "Content-Length beyond 64 bits": (head("Content-Length: 99999999999999999999999999\r\n"), 400),
    "Content-Length of Int64.max": (head("Content-Length: 9223372036854775807\r\n"), 413),
    "non-numeric Content-Length": (head("Content-Length: abc\r\n"), 400),
    "hexadecimal Content-Length": (head("Content-Length: 0x10\r\n"), 400),
    "fractional Content-Length": (head("Content-Length: 1.5\r\n"), 400),
    "empty Content-Length": (head("Content-Length: \r\n"), 400),
    "chunk size not hex": (head("Transfer-Encoding: chunked\r\n") + b"zz\r\nhello\r\n0\r\n\r\n", 400),
    "chunk size overflowing 64 bits": (head("Transfer-Encoding: chunked\r\n") + b"10000000000000000000\r\n", 400),
    "negative chunk size": (head("Transfer-Encoding: chunked\r\n") + b"-5\r\nhello\r\n0\r\n\r\n", 400),
    "chunk size with a space inside": (head("Transfer-Encoding: chunked\r\n") + b"1 0\r\n", 400),
    "chunk larger than --max-body-bytes": (head("Transfer-Encoding: chunked\r\n") + b"200000\r\n", 413),
    "chunk data longer than its size": (head("Transfer-Encoding: chunked\r\n") + b"5\r\nhelloXX\r\n0\r\n\r\n", 400),
    "control byte in a chunk extension": (head("Transfer-Encoding: chunked\r\n") + b"5;a=\x01\r\nhello\r\n0\r\n\r\n", 400),
    "Transfer-Encoding gzip": (head("Transfer-Encoding: gzip\r\n"), 501),
    "Transfer-Encoding chunked twice": (head("Transfer-Encoding: chunked, chunked\r\n"), 400),
    "Transfer-Encoding in HTTP/1.0": (head("Transfer-Encoding: chunked\r\n", f"POST {ORDER} HTTP/1.0"), 400),
    "obs-fold (continuation line)": (head("X-Folded: one\r\n  two\r\n"), 400),
    "whitespace before the first header": (f"GET {QUOTA} HTTP/1.1\r\n Host: x\r\n\r\n".encode(), 400),
    "NUL in a header value": (head("X-Nul: a\x00b\r\n"), 400),
    "control byte 0x01 in a header value": (head("X-Ctl: a\x01b\r\n"), 400),
    "DEL in a header value": (head("X-Del: a\x7fb\r\n"), 400),
    "bare CR in a header value": (head("X-Cr: a\rb\r\n"), 400),
    "NUL in a header name": (head("X-N\x00ul: a\r\n"), 400),
    "space before the colon": (head("Content-Length : 0\r\n"), 400),
    "header line without a colon": (head("NoColonHere\r\n"), 400),
    "101 header fields": (head("".join(f"X-F{i}: v\r\n" for i in range(101))), 431),
    "1 MiB header section": (head("X-Big: " + "a" * (1 << 20) + "\r\n"), 431),
    "request line without version": (f"GET {QUOTA}\r\nHost: x\r\n\r\n".encode(), 400),
    "HTTP/0.9 request": (f"GET {QUOTA}\r\n".encode(), 400),
    "lowercase http/1.1": (f"GET {QUOTA} http/1.1\r\nHost: x\r\n\r\n".encode(), 400),
    "HTTP/2.0 request line": (f"GET {QUOTA} HTTP/2.0\r\nHost: x\r\n\r\n".encode(), 505),
    "HTTP/1.2 request line": (f"GET {QUOTA} HTTP/1.2\r\nHost: x\r\n\r\n".encode(), 505),
    "two spaces in the request line": (f"GET  {QUOTA} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 400),
    "NUL in the request target": (b"GET /__mock/\x00health HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "non-ASCII in the request target": ("GET /zones/é HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 400),
    "request line of 10 KiB": (f"GET /{'a' * 10240} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 414),
    "no Host in HTTP/1.1": (f"GET {QUOTA} HTTP/1.1\r\n{AUTH}\r\n".encode(), 400),
    "two Host fields": (head("Host: other\r\n"), 400),
    "Expect other than 100-continue": (head("Expect: 200-ok\r\nContent-Length: 0\r\n"), 417),
    "target of no form": (f"GET zones/{ZONE} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 400),
    "absolute-form with userinfo": (b"GET http://user:pw@127.0.0.1/__mock/health HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "absolute-form with another scheme": (b"GET ftp://127.0.0.1/__mock/health HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "absolute-form with an empty host": (b"GET http:///__mock/health HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "asterisk-form with GET": (b"GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "binary garbage": (bytes((i * 73 + 11) % 256 for i in range(4096)), 400),
}


def record(name: str, response) -> None:
    FIGURES[f"hostile: {name}"] = f"{response.status} {','.join(map(str, response.codes))}"


@pytest.mark.parametrize("name", list(FRAMING))
def test_framing_errors_get_1498_and_the_server_keeps_serving(mock, name):
    data, status = FRAMING[name]
    response = exchange(mock.port, data)
    record(name, response)
    assert response.status == status, response
    envelope = response.json
    assert envelope["success"] is False and envelope["result"] is None
    assert [e["code"] for e in envelope["errors"]] == [1498]
    assert response.headers.get("connection") == "close"
    assert healthy(mock.port)


def test_100_mib_body_refused_by_content_length_before_upload(mock):
    with connect(mock.port) as sock:
        sock.sendall(head(JSON + f"Content-Length: {100 << 20}\r\n"))
        started = time.monotonic()
        response = read_response(sock, timeout=5)  # not one body byte sent
        elapsed = time.monotonic() - started
    record("100 MiB body by Content-Length (head only sent)", response)
    FIGURES["100 MiB Content-Length refused after (ms)"] = round(elapsed * 1000, 1)
    assert response.status == 413 and response.codes == [1498]
    assert healthy(mock.port)


def test_100_mib_chunked_body_refused_mid_stream(mock):
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"  # 64 KiB chunks
    sent = 0
    with connect(mock.port) as sock:
        sock.sendall(head(JSON + "Transfer-Encoding: chunked\r\n"))
        try:
            while sent < (100 << 20):
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                sock.sendall(chunk)
                sent += 0x10000
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = read_response(sock, timeout=5)
    record("100 MiB chunked body", response)
    FIGURES["100 MiB chunked body: bytes sent before the 413"] = sent
    assert response.status == 413 and response.codes == [1498]
    assert sent < (16 << 20), f"the server let {sent} bytes in"
    assert healthy(mock.port)


def test_absolute_form_is_routed_by_its_path(mock):
    target = f"http://127.0.0.1:{mock.port}{ORDER}"
    response = exchange(mock.port, request_bytes("POST", target, order_body(), {**EDIT, "Content-Type": "application/json"}))
    record("absolute-form POST http://127.0.0.1:PORT/client/v4/.../order", response)
    assert response.status == 200, response
    pack = response.json["result"]["id"]
    read = exchange(mock.port, request_bytes("GET", f"HTTP://127.0.0.1:{mock.port}/client/v4/zones/{ZONE}/ssl/certificate_packs/{pack}?x=1", headers=EDIT))
    record("absolute-form GET (uppercase scheme, query)", read)
    assert read.status == 200 and read.json["result"]["id"] == pack
    health = exchange(mock.port, b"GET http://localhost:1?probe HTTP/1.1\r\nHost: x\r\n\r\n")
    record("absolute-form without a path (http://localhost:1?probe)", health)
    assert health.status == 400 and health.codes == [7000]  # routed as "/", which is no route
    journal = json.loads(request(mock.port, "GET", "/__mock/requests?method=POST&limit=1").body)["result"]
    assert journal[0]["path"] == ORDER


def order(mock, body: bytes, content_type="application/json"):
    headers = {**EDIT}
    if content_type:
        headers["Content-Type"] = content_type
    return request(mock.port, "POST", ORDER, body, headers)


def _nested(depth: int, open_: str, close: str) -> bytes:
    return (open_ * depth + close * depth).encode()


BODIES = {
    # name: (body, status, codes, content type)
    "non-UTF-8 JSON body": (b'{"type":"adv\xff\xfeanced"}', 400, [6007]),
    "Latin-1 JSON body": ('{"type":"advanced","hosts":["exämple.com"]}'.encode("latin-1"), 400, [6007]),
    "10,000 nested arrays": (_nested(10_000, "[", "]"), 400, [6007]),
    "10,000 nested objects": (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, 400, [6007]),
    "100,000 unclosed arrays": (b"[" * 100_000, 400, [6007]),
    "JSON with a byte order mark": (b"\xef\xbb\xbf" + order_body(), 400, [6007]),
    "trailing comma": (order_body()[:-1] + b",}", 400, [6007]),
    "two JSON documents": (order_body() + order_body(), 400, [6007]),
    "lone surrogate escape": (b'{"type":"\\ud800"}', 400, [6007]),
    "empty body": (b"", 400, [6007]),
    "body is an array": (b"[]", 400, [1470]),
    "validity_days 90": (order_body(validity_days=90), 200, []),
    "validity_days 90.0": (order_body().replace(b'"validity_days": 90', b'"validity_days": 90.0'), 200, []),
    "validity_days 9e1": (order_body().replace(b'"validity_days": 90', b'"validity_days": 9e1'), 200, []),
    "validity_days 900e-1": (order_body().replace(b'"validity_days": 90', b'"validity_days": 900e-1'), 200, []),
    'validity_days "90"': (order_body(validity_days="90"), 400, [1472]),
    "validity_days 90.5": (order_body().replace(b'"validity_days": 90', b'"validity_days": 90.5'), 400, [1472]),
    "validity_days 1e400": (order_body().replace(b'"validity_days": 90', b'"validity_days": 1e400'), 400, [1473]),
    "duplicate key, last (90) wins": (order_body(validity_days=30)[:-1] + b', "validity_days": 90}', 200, []),
    "duplicate key, last (30) wins": (order_body()[:-1] + b', "validity_days": 30}', 400, [1478]),
    "hosts of 10,000 entries": (order_body(hosts=["example.com"] + [f"h{i}.example.com" for i in range(9_999)]), 400, [1474]),
    "hosts of 10,000 non-strings": (order_body(hosts=list(range(10_000))), 400, [1474]),
    "host of 100 KiB": (order_body(hosts=["example.com", "a" * 100_000 + ".example.com"]), 400, [1476]),
}


@pytest.mark.parametrize("name", list(BODIES))
def test_hostile_order_bodies(mock, name):
    body, status, codes = BODIES[name]
    mock.control("POST", "reset?scope=packs")
    response = order(mock, body)
    record(name, response)
    assert response.status == status, response
    assert response.codes == codes, response
    if status == 200:
        assert response.json["result"]["validity_days"] == 90
    assert healthy(mock.port)


def test_body_with_another_content_type_is_9207(mock):
    response = order(mock, order_body(), content_type="text/plain")
    record("order body as text/plain", response)
    assert response.status == 400 and response.codes == [9207]


def test_still_serving_a_normal_order_after_everything(mock):
    mock.control("POST", "reset?scope=packs")
    response = order(mock, order_body())
    assert response.status == 200 and response.json["result"]["status"] == "initializing"
    seed = request(mock.port, "GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/{SEED_PACK}", headers=EDIT)
    assert seed.status == 200
    assert mock.proc.poll() is None


# MARK: - Connection-level abuse


def test_pipelined_flood_is_answered_in_order_without_reading_until_the_end(mock):
    count = 2000
    data = b"".join(request_bytes("GET", f"/__mock/health?n={i}") for i in range(count))
    with connect(mock.port, timeout=30) as sock:
        # The server stops reading while answers pile up; sending must not deadlock:
        # send from a thread while this one reads.
        sender = threading.Thread(target=sock.sendall, args=(data,))
        sender.start()
        buffered = b""
        statuses = []
        while len(statuses) < count:
            response, buffered = _next(sock, buffered)
            statuses.append(response.status)
        sender.join(timeout=30)
    FIGURES["pipelined requests on one connection"] = f"{count} sent, {statuses.count(200)} answered 200"
    assert statuses == [200] * count
    assert healthy(mock.port)


def _next(sock, buffered):
    while True:
        response, rest = parse_response(buffered)
        if response:
            return response, rest
        chunk = sock.recv(65536)
        assert chunk, "connection closed early"
        buffered += chunk


def test_connection_churn_and_abrupt_resets_leak_nothing(mock):
    """Found a bug: data and a reset arriving together left the descriptor open until
    the idle timeout (fixed in HTTPConnection.readable; Swift test HostileConnectionTests)."""
    pid = mock.proc.pid
    before = open_fds(pid)
    for i in range(1000):
        sock = socket.create_connection(("127.0.0.1", mock.port), timeout=5)
        if i % 3 == 0:
            sock.sendall(request_bytes("POST", ORDER, order_body(), {**EDIT, "Content-Type": "application/json"})[:-10])
        elif i % 3 == 1:
            sock.sendall(request_bytes("GET", QUOTA, headers=EDIT))
        # RST instead of FIN on close.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    deadline = time.monotonic() + 10
    while open_fds(pid) > before and time.monotonic() < deadline:
        time.sleep(0.1)
    after = open_fds(pid)
    FIGURES["connections opened and reset mid-request"] = f"1000 (server fds {before} -> {after})"
    assert after <= before
    assert healthy(mock.port)
