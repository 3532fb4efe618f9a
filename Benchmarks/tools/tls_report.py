"""The TLS rows of the benchmark (Benchmarks/tls.sh).

usage: tls_report.py h2load FILE   one h2load summary as key=value (rps, done, ok, failed, non2xx, alpn)
       tls_report.py table RAW      the TLS table (medians, mock / nginx) in Markdown
"""
import collections
import re
import statistics
import sys

import report

NAMES = {
    "wrk-GET": "GET keep-alive, HTTP/1.1 (wrk, 64 conns)",
    "wrk-POST": "POST order keep-alive, HTTP/1.1 (wrk, 64 conns)",
    "h2-GET": "GET, h2 by ALPN (h2load, 64 conns x 1 stream)",
    "h2-POST": "POST order, h2 by ALPN (h2load, 64 conns x 1 stream)",
    "handshakes": "new TLS connections, one request each (h2load)",
}


def h2load(path):
    text = open(path).read()
    rps = re.search(r"finished in [0-9.]+s, ([0-9.]+) req/s", text).group(1)
    done, ok, failed = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed", text).groups()
    codes = re.search(r"status codes: (\d+) 2xx", text).group(1)
    alpn = "h2" if "Application protocol: h2" in text else "http/1.1"
    print(f"rps={rps} requests={done} succeeded={ok} failed={failed} non2xx={int(done) - int(codes)} alpn={alpn}")


def medians(tls_runs):
    """{row: (mock req/s, nginx req/s, the mock's ALPN)}: medians over rounds, rows in NAMES order
    that both servers ran (the TLS table and chart.py show these)."""
    rows = collections.defaultdict(lambda: collections.defaultdict(list))
    alpn = {}
    for fields in tls_runs:
        rows[fields["row"]][fields["server"]].append(float(fields["rps"]))
        if fields["server"] == "mock" and "alpn" in fields:
            alpn[fields["row"]] = fields["alpn"]
    return {row: (statistics.median(rows[row]["mock"]), statistics.median(rows[row]["nginx"]), alpn.get(row, "h2"))
            for row in NAMES if row in rows and rows[row]["mock"] and rows[row]["nginx"]}


def table(raw):
    print("\n### TLS (the same ECDSA P-256 certificate for both; medians per second)\n")
    print("| row | mock | nginx | mock / nginx |")
    print("|---|---:|---:|---:|")
    for row, (mock, nginx, alpn) in medians(report.read_raw(raw).tls_runs).items():
        note = f" (the mock spoke {alpn})" if row.startswith("h2") and alpn != "h2" else ""
        print(f"| {NAMES[row]}{note} | {mock:.0f} | {nginx:.0f} | {mock / nginx:.2f}x |")


if __name__ == "__main__":
    {"h2load": h2load, "table": table}[sys.argv[1]](sys.argv[2])
