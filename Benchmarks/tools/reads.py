"""Send COUNT GETs of the fixture pack (the docs' zone's active pack) over one keep-alive
connection, one at a time, as the callgrind count of a GET does.

usage: reads.py PORT COUNT
Exits 1 if any answer is not 200.
"""
import argparse
import sys

from workload import rawhttp
import workload


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("count", type=int)
    args = p.parse_args()
    one = workload.request_bytes("GET", workload.PACK_PATH)
    conn = rawhttp.Connection(args.port, timeout=30)
    for _ in range(args.count):
        conn.send(one)
        answer = conn.read_response()
        if answer.status != 200:
            print(f"GET {workload.PACK_PATH}: {answer.status} {answer.body[:200]!r}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
