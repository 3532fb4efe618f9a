"""Start-up time: from just before fork/exec to the first 200 answer.

usage: startup.py --runs 10 --server NAME PORT PATH 'COMMAND ...' [--server ...]

Each server's COMMAND must listen on 127.0.0.1:PORT (both servers set
SO_REUSEADDR, so one port serves all runs). Launches are interleaved across
servers so machine noise hits them alike. The poll is a tight loop of
connect() + one GET in this process (no curl per attempt). Every child is
started by PID and stopped by PID (SIGTERM, then SIGKILL after 5 s).
Prints one line per server: `STARTUP name median_ms=.. min_ms=.. max_ms=..`.
"""
import argparse
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time

children = []


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def on_signal(signum, _frame):
    for proc in children:
        stop(proc)
    sys.exit(128 + signum)


def first_200(port, path, deadline):
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    while time.monotonic() < deadline:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(request)
            head = b""
            while b"\r\n" not in head:
                chunk = s.recv(4096)
                if not chunk:
                    break
                head += chunk
            if head.startswith(b"HTTP/1.1 200"):
                return time.perf_counter()
        except OSError:
            pass
        finally:
            s.close()
    raise TimeoutError(f"no 200 from 127.0.0.1:{port}{path}")


def launch_once(port, path, argv):
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    children.append(proc)
    try:
        t1 = first_200(port, path, time.monotonic() + 10)
    finally:
        stop(proc)
        children.remove(proc)
    return (t1 - t0) * 1000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--server", nargs=4, action="append", required=True,
                   metavar=("NAME", "PORT", "PATH", "COMMAND"))
    args = p.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    times = {name: [] for name, *_ in args.server}
    for _ in range(args.runs):
        for name, port, path, command in args.server:
            times[name].append(launch_once(int(port), path, shlex.split(command)))
    for name, values in times.items():
        print(f"STARTUP {name} median_ms={statistics.median(values):.2f} "
              f"min_ms={min(values):.2f} max_ms={max(values):.2f} "
              f"all_ms={','.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
