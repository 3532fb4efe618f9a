"""Send COUNT orders over one keep-alive connection, pipelined in batches,
then print the zone's quota `used` (one JSON number) for verification.

usage: fill.py PORT COUNT [--hosts 3|2] [--batch 64] [--sequential] [--no-verify]
Exits 1 if any order is not answered 200.
"""
import argparse
import json
import sys

from workload import rawhttp
import workload


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("count", type=int)
    p.add_argument("--hosts", type=int, choices=(2, 3), default=3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--sequential", action="store_true",
                   help="one request in flight at a time (no pipelining)")
    p.add_argument("--no-verify", action="store_true",
                   help="skip the final quota GET (keeps a profile to orders only)")
    args = p.parse_args()

    hosts = workload.THREE_HOSTS if args.hosts == 3 else workload.SEED_HOSTS
    one = workload.request_bytes("POST", workload.ORDER_PATH, workload.order_body(hosts))
    batch = 1 if args.sequential else args.batch
    conn = rawhttp.Connection(args.port, timeout=30)
    sent = bad = 0
    while sent < args.count:
        n = min(batch, args.count - sent)
        conn.send(one * n)
        for _ in range(n):
            answer = conn.read_response()
            status, body = answer.status, answer.body
            if status != 200:
                bad += 1
                if bad <= 3:
                    print(f"order answered {status}: {body[:200]!r}", file=sys.stderr)
        sent += n
    used = -1
    if not args.no_verify:
        conn.send(workload.request_bytes("GET", workload.QUOTA_PATH))
        answer = conn.read_response()
        status, body = answer.status, answer.body
        if status == 200:
            used = json.loads(body)["result"]["advanced"]["used"]
    conn.close()
    print(used)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
