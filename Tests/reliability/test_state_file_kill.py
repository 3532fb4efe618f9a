"""kill -9 under a load of orders, again and again, with --state-file: after each restart the
file loads, every pack it holds reads back whole, no id repeats, and what was lost is at most
the last second of changes."""
import http.client
import json
import os
import random
import signal
import tempfile
import threading
import time
from pathlib import Path

from reliability_support import EDIT_TOKEN, FIGURES, MockProcess

KILLS = int(os.environ.get("STATE_FILE_KILLS", "8"))
WORKERS = 2
# A steady load rather than the most the client can send: the debug binary the tests run saves
# every pack each time, so the store's size, not the rate, sets how long a save takes.
PAUSE = 0.002


def load_orders(port, zone_id, zone_name, acknowledged, stop):
    """Orders on one keep-alive connection until the server dies; records (ack time, pack)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Authorization": f"Bearer {EDIT_TOKEN}", "Content-Type": "application/json"}
    while not stop.is_set():
        host = f"h{random.getrandbits(40):x}.{zone_name}"
        body = {"type": "advanced", "hosts": [zone_name, host], "validation_method": "txt",
                "validity_days": 90, "certificate_authority": "lets_encrypt"}
        try:
            conn.request("POST", f"/client/v4/zones/{zone_id}/ssl/certificate_packs/order", json.dumps(body), headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            return
        if response.status == 200:
            acknowledged.append((time.monotonic(), json.loads(data)["result"]))
        time.sleep(PAUSE)


def test_kill_9_under_orders_loses_at_most_a_second_and_never_the_file():
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / "state.json"
    mock = MockProcess("--state-file", str(path), "--log-level", "warning")
    zone = mock.control("POST", "zones", {"name": "kill.example", "quota": 10_000_000})
    ever_issued: dict[str, dict] = {}
    total_orders = 0
    worst_lost_ms = 0.0
    lost_total = 0
    recovered = 0
    try:
        for kill in range(KILLS):
            acknowledged: list = []
            stop = threading.Event()
            workers = [threading.Thread(target=load_orders, args=(mock.port, zone["id"], "kill.example", acknowledged, stop))
                       for _ in range(WORKERS)]
            for w in workers:
                w.start()
            time.sleep(random.uniform(0.4, 1.6))   # kill at an arbitrary moment of the load
            killed_at = time.monotonic()
            os.kill(mock.proc.pid, signal.SIGKILL)
            mock.proc.wait(timeout=10)
            stop.set()
            for w in workers:
                w.join(timeout=10)
            mock.log.close()
            mock._dir.cleanup()
            total_orders += len(acknowledged)
            for _, pack in acknowledged:
                assert pack["id"] not in ever_issued, f"id {pack['id']} issued twice"
                ever_issued[pack["id"]] = pack

            # The file always loads (MockProcess fails if start-up fails).
            mock = MockProcess("--state-file", str(path), "--log-level", "warning")
            state = mock.control("GET", "state")
            in_file = json.loads(path.read_text())["packs"]
            ids_in_file = [p["id"] for p in in_file]
            assert len(ids_in_file) == len(set(ids_in_file)), "an id repeats in the file"
            served = {p["pack"]["id"]: p["pack"] for p in state["packs"]}
            assert set(ids_in_file) == set(served)
            for pack_id in ids_in_file:
                if pack_id not in ever_issued:
                    continue   # a fixture pack
                ordered, now = ever_issued[pack_id], served[pack_id]
                for field in ("hosts", "validation_method", "validity_days", "certificate_authority", "cloudflare_branding"):
                    assert now[field] == ordered[field], (pack_id, field)
            # Read a few back through Cloudflare's API too.
            for pack_id in random.sample([i for i in ids_in_file if i in ever_issued], min(5, len(ids_in_file) - 1)):
                conn = http.client.HTTPConnection("127.0.0.1", mock.port, timeout=5)
                conn.request("GET", f"/client/v4/zones/{zone['id']}/ssl/certificate_packs/{pack_id}",
                             headers={"Authorization": f"Bearer {EDIT_TOKEN}"})
                response = conn.getresponse()
                assert response.status == 200 and json.loads(response.read())["result"]["hosts"] == ever_issued[pack_id]["hosts"]
                conn.close()
            lost = [(t, p) for t, p in acknowledged if p["id"] not in served]
            lost_total += len(lost)
            if lost:
                worst_lost_ms = max(worst_lost_ms, (killed_at - min(t for t, _ in lost)) * 1000)
            recovered = len(served)
        assert worst_lost_ms <= 1000, f"lost {worst_lost_ms:.0f} ms of acknowledged orders"
    finally:
        FIGURES["state file kill -9: kills / orders acknowledged / lost / packs recovered at the end"] = (
            f"{KILLS} / {total_orders} / {lost_total} / {recovered}")
        FIGURES["state file kill -9: most changes lost (ms before the kill)"] = round(worst_lost_ms)
        mock.stop()
        folder.cleanup()
