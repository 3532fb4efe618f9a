"""Send COUNT orders over one keep-alive connection, pipelined in batches,
then print the zone's quota `used` (one JSON number) for verification.

usage: fill.py PORT COUNT [--hosts 3|2] [--batch 64] [--sequential] [--no-verify]
Exits 1 if any order is not answered 200.
"""
import argparse
import json
import sys

import rawhttp


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

    hosts = rawhttp.THREE_HOSTS if args.hosts == 3 else rawhttp.SEED_HOSTS
    one = rawhttp.request_bytes("POST", rawhttp.ORDER_PATH, rawhttp.order_body(hosts))
    batch = 1 if args.sequential else args.batch
    conn = rawhttp.Connection(args.port, timeout=30)
    sent = bad = 0
    while sent < args.count:
        n = min(batch, args.count - sent)
        conn.send(one * n)
        for _ in range(n):
            status, body = conn.read_response()
            if status != 200:
                bad += 1
                if bad <= 3:
                    print(f"order answered {status}: {body[:200]!r}", file=sys.stderr)
        sent += n
    used = -1
    if not args.no_verify:
        conn.send(rawhttp.request_bytes("GET", rawhttp.QUOTA_PATH))
        status, body = conn.read_response()
        if status == 200:
            used = json.loads(body)["result"]["advanced"]["used"]
    conn.close()
    print(used)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
