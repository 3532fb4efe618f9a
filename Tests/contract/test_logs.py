"""The request log as people and machines read it."""
import json

from conftest import EDIT_TOKEN, ZONE, MockProcess


def test_text_log_has_one_line_per_request(tmp_path):
    server = MockProcess("--log-format", "text")
    try:
        server.raw("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", headers={"Authorization": f"Bearer {EDIT_TOKEN}"})
        server.raw("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota")
        with open(server.log.name) as f:
            lines = f.read().splitlines()
    finally:
        assert server.stop() == 0
    assert any("listening on http://127.0.0.1:" in l for l in lines)
    requests = [l for l in lines if " GET /client/v4/zones/" in l]
    assert len(requests) == 2
    assert requests[0].split()[2:5] == ["GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", "200"]
    assert requests[1].split()[4:6] == ["400", "9106"]
    assert not any(EDIT_TOKEN in l for l in requests), "request lines must not carry secrets"


def test_json_log_is_one_object_per_line():
    server = MockProcess("--log-format", "json")
    try:
        server.raw("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota")
        with open(server.log.name) as f:
            lines = f.read().splitlines()
    finally:
        assert server.stop() == 0
    entries = [json.loads(l) for l in lines]
    request = next(e for e in entries if e.get("path", "").endswith("/quota"))
    assert request["status"] == 400 and request["code"] == 9106 and request["method"] == "GET"
    assert request["level"] == "info" and isinstance(request["duration_ms"], float)
    assert any(e.get("port") for e in entries), "the start-up line names the port"


def _answers(sock, count):
    """Reads `count` HTTP/1.1 answers (each with Content-Length) from a keep-alive socket."""
    data, statuses = b"", []
    while len(statuses) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            data += chunk
            continue
        head = data[:head_end].decode()
        length = int(next(l.split(":", 1)[1] for l in head.split("\r\n") if l.lower().startswith("content-length:")))
        if len(data) < head_end + 4 + length:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            data += chunk
            continue
        statuses.append(int(head.split(" ", 2)[1]))
        data = data[head_end + 4 + length:]
    return statuses


def test_every_answered_request_is_already_in_the_log():
    """Lines are written per turn of a connection queue, before that turn's answers: whatever
    a client has been answered, the log already shows (a crash could not lose it)."""
    import socket
    import threading
    server = MockProcess("--log-format", "text")
    missing, errors = [], []

    def client(n):
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock, open(server.log.name) as log:
                seen = ""
                for round_ in range(20):
                    # Three pipelined requests in one write, each with a path of its own.
                    paths = [f"/client/v4/zones/{ZONE}/ssl/certificate_packs/{n:04d}{round_:04d}{i:024d}" for i in range(3)]
                    sock.sendall(b"".join(f"GET {p} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {EDIT_TOKEN}\r\n\r\n".encode() for p in paths))
                    assert _answers(sock, 3) == [404, 404, 404]
                    seen += log.read()
                    missing.extend(p for p in paths if f" {p} " not in seen)
        except Exception as err:  # reported below: an assert in a thread would not fail the test
            errors.append(repr(err))

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        assert server.stop() == 0
    assert not errors
    assert not missing, f"{len(missing)} answered requests not yet logged, e.g. {missing[:3]}"
