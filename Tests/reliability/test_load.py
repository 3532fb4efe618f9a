"""Load: concurrent keep-alive clients ordering packs. No order is lost or given a
duplicate id, every pack reads back, and memory settles after repeated rounds."""
import http.client
import json
import os
import threading
import time

from pathlib import Path

from reliability_support import EDIT, FIGURES, ZONE, MockProcess, order_body, rss_kib, temp_dir, write_fixtures

CLIENTS = 32
ORDERS_PER_CLIENT = 100
ROUNDS = int(os.environ.get("RELIABILITY_LOAD_ROUNDS", "3"))
PACKS = f"/client/v4/zones/{ZONE}/ssl/certificate_packs"
HEADERS = {**EDIT, "Content-Type": "application/json"}


def run_clients(port: int, work) -> list:
    """Runs `work(connection, client_index)` on CLIENTS threads, one keep-alive connection each."""
    results: list = [None] * CLIENTS
    errors: list = []

    def client(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            results[index] = work(conn, index)
        except BaseException as error:  # reported below
            errors.append(f"client {index}: {error!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:5]
    return results


def call(conn, method: str, path: str, body: bytes | None = None):
    conn.request(method, path, body=body, headers=HEADERS)
    response = conn.getresponse()
    data = response.read()
    assert response.getheader("Connection", "").lower() != "close", "the server closed a keep-alive connection"
    return response.status, json.loads(data)


def one_round(port: int) -> dict:
    def order(conn, index):
        ids = []
        for n in range(ORDERS_PER_CLIENT):
            hosts = ["example.com", f"c{index}-n{n}.example.com"]
            status, envelope = call(conn, "POST", PACKS + "/order", order_body(hosts=hosts))
            assert status == 200, envelope
            assert envelope["result"]["hosts"] == hosts
            ids.append(envelope["result"]["id"])
        return ids

    started = time.monotonic()
    per_client = run_clients(port, order)
    order_seconds = time.monotonic() - started
    ids = [pack for ids in per_client for pack in ids]
    assert len(ids) == CLIENTS * ORDERS_PER_CLIENT
    assert len(set(ids)) == len(ids), "two orders got the same id"

    def read_back(conn, index):
        for n, pack in enumerate(per_client[index]):
            status, envelope = call(conn, "GET", f"{PACKS}/{pack}")
            assert status == 200, envelope
            assert envelope["result"]["hosts"] == ["example.com", f"c{index}-n{n}.example.com"]
        return True

    run_clients(port, read_back)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, envelope = call(conn, "GET", PACKS + "/quota")
    assert envelope["result"]["advanced"]["used"] == len(ids)
    status, envelope = call(conn, "GET", PACKS + "?status=all&per_page=5")
    assert envelope["result_info"]["total_count"] == len(ids), "a pack is missing from the list"
    conn.close()

    def delete(conn, index):
        for pack in per_client[index]:
            status, envelope = call(conn, "DELETE", f"{PACKS}/{pack}")
            assert status == 200 and envelope["result"]["id"] == pack
        return True

    run_clients(port, delete)
    return {"orders": len(ids), "order_seconds": order_seconds, "requests": 3 * len(ids) + 2}


def test_concurrent_orders_lose_nothing_and_memory_settles():
    with temp_dir() as tmp:
        fixtures = write_fixtures(Path(tmp), quota=1_000_000)
        server = MockProcess("--fixtures", str(fixtures), "--clock", "manual")
        try:
            pid = server.proc.pid
            rss = [rss_kib(pid)]
            total_requests = 0
            rates = []
            for _ in range(ROUNDS):
                result = one_round(server.port)
                total_requests += result["requests"]
                rates.append(round(result["orders"] / result["order_seconds"]))
                rss.append(rss_kib(pid))
            assert server.proc.poll() is None
        finally:
            assert server.stop() == 0
    FIGURES["load: clients x orders per round"] = f"{CLIENTS} x {ORDERS_PER_CLIENT} = {CLIENTS * ORDERS_PER_CLIENT} orders, {ROUNDS} rounds"
    FIGURES["load: requests sent"] = total_requests
    FIGURES["load: orders per second per round"] = rates
    FIGURES["load: RSS KiB at start, after each round"] = rss
    # Round 1 fills the journal (capped) and the allocator's pools; later rounds must
    # not keep growing: no pack, connection or journal entry is leaked.
    growth = rss[-1] - rss[2] if ROUNDS >= 2 else 0
    assert growth < 8 * 1024 * (ROUNDS - 2), f"RSS kept growing after round 2: {rss}"
    assert rss[-1] < 512 * 1024, f"RSS too large: {rss}"
