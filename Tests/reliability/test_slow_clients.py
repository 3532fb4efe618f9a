"""Slowloris: hundreds of connections dribbling a request head one byte per second
neither delay other clients nor stay open past the header timeout."""
import http.client
import socket
import statistics
import time

from reliability_support import EDIT, FIGURES, ZONE, MockProcess, open_fds, raise_fd_limit

SLOW = 500
HEADER_TIMEOUT = 2
HEAD = f"GET /client/v4/zones/{ZONE}/ssl/certificate_packs/quota HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def test_slow_clients_do_not_delay_others_and_are_closed_after_the_header_timeout():
    limit = raise_fd_limit(SLOW + 200)
    slow_count = min(SLOW, limit - 100)
    server = MockProcess("--header-timeout", str(HEADER_TIMEOUT), "--idle-timeout", "30")
    slow: list[socket.socket] = []
    try:
        for _ in range(slow_count):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.setblocking(False)
            slow.append(sock)
        held_at_server = 0

        normal = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        latencies = []
        sent_bytes = 0
        started = time.monotonic()
        next_byte = started
        position = 0
        # Send one byte a second on every slow connection (never completing the head)
        # while a normal keep-alive client keeps asking.
        while time.monotonic() - started < HEADER_TIMEOUT + 0.5:
            if time.monotonic() >= next_byte and position < len(HEAD) - 4:
                for sock in slow:
                    try:
                        sock.send(HEAD[position:position + 1])
                        sent_bytes += 1
                    except OSError:
                        pass
                position += 1
                next_byte += 1
                held_at_server = max(held_at_server, open_fds(server.proc.pid))
            t0 = time.monotonic()
            normal.request("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", headers=EDIT)
            response = normal.getresponse()
            response.read()
            latencies.append(time.monotonic() - t0)
            assert response.status == 200
            time.sleep(0.02)
        normal.close()

        # Every slow connection must now be closed by the server (EOF, no response).
        deadline = time.monotonic() + HEADER_TIMEOUT + 3
        closed = set()
        while len(closed) < len(slow) and time.monotonic() < deadline:
            for i, sock in enumerate(slow):
                if i in closed:
                    continue
                try:
                    data = sock.recv(4096)
                    if data == b"":
                        closed.add(i)
                    else:
                        raise AssertionError(f"a slow client got an answer: {data[:100]!r}")
                except BlockingIOError:
                    pass
                except ConnectionResetError:
                    closed.add(i)
            time.sleep(0.05)
        closed_after = time.monotonic() - started

        FIGURES["slow clients: connections held"] = len(slow)
        FIGURES["slow clients: bytes dribbled"] = sent_bytes
        FIGURES["slow clients: server fds while held"] = held_at_server
        FIGURES["slow clients: normal requests"] = len(latencies)
        FIGURES["slow clients: normal request latency max/median (ms)"] = (
            round(max(latencies) * 1000, 1), round(statistics.median(latencies) * 1000, 1))
        FIGURES["slow clients: all closed after (s)"] = round(closed_after, 2)
        assert len(latencies) >= 20
        assert max(latencies) < 0.2, f"a normal request took {max(latencies) * 1000:.0f} ms"
        assert len(closed) == len(slow), f"{len(slow) - len(closed)} slow connections still open"
        assert server.proc.poll() is None
    finally:
        for sock in slow:
            sock.close()
        assert server.stop() == 0
