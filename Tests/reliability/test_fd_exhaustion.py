"""Descriptor exhaustion: under `ulimit -n 64`, far more connections than descriptors.
The server neither crashes nor spins, keeps serving the connections it holds, and
accepts again once descriptors free up."""
import socket
import time

from reliability_support import (FIGURES, connect, cpu_seconds, healthy, nofile_limit, open_fds, raise_fd_limit,
                                 read_response, request_bytes, start_with_fd_limit)

LIMIT = 64
CONNECTIONS = 300


def test_descriptor_exhaustion_neither_crashes_nor_spins_and_recovers():
    raise_fd_limit(CONNECTIONS + 200)
    server = start_with_fd_limit(LIMIT, "--header-timeout", "60", "--idle-timeout", "60")
    held: list[socket.socket] = []
    try:
        pid = server.proc.pid
        assert nofile_limit(pid) == LIMIT
        baseline_fds = open_fds(pid)
        assert healthy(server.port)

        # Five keep-alive clients served before the flood.
        early = []
        for _ in range(5):
            sock = connect(server.port)
            sock.sendall(request_bytes("GET", "/__mock/health"))
            assert read_response(sock).status == 200
            early.append(sock)
        # The flood: the kernel completes every handshake into the backlog; the server
        # can accept only until it runs out of descriptors.
        for _ in range(CONNECTIONS):
            held.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        time.sleep(1.0)
        assert server.proc.poll() is None, "the server died at EMFILE"
        fds_exhausted = open_fds(pid)

        before = cpu_seconds(pid)
        time.sleep(1.0)
        cpu_share = cpu_seconds(pid) - before
        assert cpu_share < 0.3, f"the server burns {cpu_share:.0%} of a core at EMFILE"

        # Connections it already holds are still served while it cannot accept.
        for sock in early:
            sock.sendall(request_bytes("GET", "/__mock/health"))
            assert read_response(sock).status == 200

        # Free the descriptors: it accepts again.
        for sock in held + early:
            sock.close()
        held.clear()
        started = time.monotonic()
        while not healthy(server.port):
            assert time.monotonic() - started < 10, "the server did not recover"
            time.sleep(0.1)
        recovered = time.monotonic() - started
        deadline = time.monotonic() + 10
        while open_fds(pid) > baseline_fds + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        fds_after = open_fds(pid)
        FIGURES["fd exhaustion: ulimit -n / connections opened"] = f"{LIMIT} / {CONNECTIONS + 5}"
        FIGURES["fd exhaustion: server fds baseline / exhausted / after"] = (baseline_fds, fds_exhausted, fds_after)
        FIGURES["fd exhaustion: CPU used over 1 s at EMFILE (s)"] = round(cpu_share, 3)
        FIGURES["fd exhaustion: serving again after (s)"] = round(recovered, 2)
        assert fds_after <= baseline_fds + 2, f"descriptors leaked: {baseline_fds} -> {fds_after}"
        assert server.proc.poll() is None
    finally:
        for sock in held:
            sock.close()
        assert server.stop() == 0
