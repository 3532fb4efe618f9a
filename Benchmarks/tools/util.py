"""Small helpers for run.sh (so it needs no curl and no loops of processes).

  util.py freeport                      print a free TCP port on 127.0.0.1
  util.py wait PORT PATH SECONDS        poll until PATH answers 200 (exit 1 on timeout)
  util.py fetch PORT METHOD PATH OUT    one request (the seed order body for POST);
                                        writes the body to OUT, prints `status length`
  util.py rss PID...                    print the summed VmRSS in KiB of the PIDs
  util.py cpu PID...                    print the summed user+system CPU time in µs of the PIDs
  util.py listening PORT SECONDS        poll until a TCP connect succeeds (sends no request)
  util.py fixtures SRC DST ZONE QUOTA   copy SRC's fixtures to DST with ZONE's quota raised
"""
import json
import os
import shutil
import socket
import sys
import time

import rawhttp


def freeport():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def wait(port, path, seconds):
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            conn = rawhttp.Connection(int(port), timeout=2)
            conn.send(rawhttp.request_bytes("GET", path, token=None))
            status, _ = conn.read_response()
            conn.close()
            if status == 200:
                return 0
        except OSError:
            pass
        time.sleep(0.02)
    print(f"timed out waiting for 127.0.0.1:{port}{path}", file=sys.stderr)
    return 1


def fetch(port, method, path, out):
    body = rawhttp.order_body(rawhttp.SEED_HOSTS) if method == "POST" else b""
    conn = rawhttp.Connection(int(port))
    conn.send(rawhttp.request_bytes(method, path, body))
    status, answer = conn.read_response()
    conn.close()
    with open(out, "wb") as f:
        f.write(answer)
    print(status, len(answer))
    return 0


def rss(*pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    print(total)
    return 0


def cpu(*pids):
    ticks = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            after_comm = f.read().rsplit(")", 1)[1].split()
        ticks += int(after_comm[11]) + int(after_comm[12])  # utime, stime (fields 14, 15)
    print(ticks * 1_000_000 // os.sysconf("SC_CLK_TCK"))
    return 0


def switches(*pids):
    """Context switches (voluntary + involuntary) of every thread of the processes."""
    total = 0
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/status") as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                            total += int(line.split()[1])
            except FileNotFoundError:  # a thread that ended meanwhile
                pass
    print(total)
    return 0


def listening(port, seconds):
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
            return 0
        except OSError:
            time.sleep(0.05)
    return 1


def fixtures(src, dst, zone, quota):
    os.makedirs(dst, exist_ok=True)
    for name in ("credentials.json", "packs.json"):
        shutil.copy(os.path.join(src, name), os.path.join(dst, name))
    with open(os.path.join(src, "zones.json")) as f:
        zones = json.load(f)
    for z in zones:
        if z["id"] == zone:
            z["quota"] = int(quota)
    with open(os.path.join(dst, "zones.json"), "w") as f:
        json.dump(zones, f, indent=2)
    return 0


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    sys.exit({"freeport": freeport, "wait": wait, "fetch": fetch, "rss": rss,
              "cpu": cpu, "switches": switches, "listening": listening, "fixtures": fixtures}[command](*rest) or 0)
