"""SIGTERM under load: requests in flight complete with 200, idle connections close,
new connections are refused, and the process exits 0."""
import signal
import socket
import threading
import time

from reliability_support import (EDIT, FIGURES, ZONE, MockProcess, connect, read_response, request_bytes)

QUOTA = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota"
IN_FLIGHT = 8
IDLE = 5


def test_sigterm_finishes_requests_in_flight_refuses_new_ones_and_exits_0():
    server = MockProcess()
    try:
        server.control("POST", "faults", {"path": "*/quota", "action": "delay", "delay_ms": 1000})
        idle = []
        for _ in range(IDLE):
            sock = connect(server.port)
            sock.sendall(request_bytes("GET", "/__mock/health"))
            assert read_response(sock).status == 200
            idle.append(sock)

        results: list = [None] * IN_FLIGHT

        def slow_request(i: int):
            try:
                with connect(server.port) as sock:
                    sock.sendall(request_bytes("GET", QUOTA, headers=EDIT))
                    results[i] = read_response(sock, timeout=10)
            except Exception as error:  # reported by the assertions below
                results[i] = error

        threads = [threading.Thread(target=slow_request, args=(i,)) for i in range(IN_FLIGHT)]
        for t in threads:
            t.start()
        time.sleep(0.3)  # every request is now inside its 1 s delay

        server.proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        refused_after = None
        outcomes = []
        while time.monotonic() - signalled < 1.0:
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
                outcomes.append("accepted")
            except ConnectionRefusedError:
                refused_after = refused_after or time.monotonic() - signalled
                outcomes.append("refused")
            time.sleep(0.01)

        for t in threads:
            t.join(timeout=15)
        code = server.proc.wait(timeout=15)
        exited_after = time.monotonic() - signalled

        idle_closed = 0
        for sock in idle:
            sock.settimeout(1)
            try:
                idle_closed += sock.recv(1) == b""
            except ConnectionResetError:
                idle_closed += 1
            sock.close()

        FIGURES["shutdown: requests in flight at SIGTERM"] = IN_FLIGHT
        FIGURES["shutdown: in-flight answers"] = sorted({getattr(r, "status", repr(r)) for r in results})
        FIGURES["shutdown: new connections refused after (ms)"] = round((refused_after or -1) * 1000, 1)
        FIGURES["shutdown: connection attempts in the 1 s after SIGTERM"] = f"{outcomes.count('accepted')} accepted, {outcomes.count('refused')} refused"
        FIGURES["shutdown: exit code, exited after (s)"] = (code, round(exited_after, 2))
        for response in results:
            assert not isinstance(response, Exception), response
            assert response.status == 200, response
            assert response.headers.get("connection") == "close"
        assert refused_after is not None and refused_after < 0.5, f"still accepting {refused_after} s after SIGTERM"
        # Once refused, never accepted again (a connect may only succeed before the listener closed).
        assert "accepted" not in outcomes[outcomes.index("refused"):], outcomes
        assert idle_closed == IDLE, "idle keep-alive connections were not closed"
        assert code == 0
        assert exited_after < 5
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.stop()
