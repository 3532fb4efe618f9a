"""First paint of the dashboard with 1,000 packs and a full journal, in headless Chromium.

Starts the binary given (default: the debug build), fills it over loopback (1,000 orders in
ten zones, then GETs until the journal holds its 10,000 entries), loads /__mock/ ROUNDS times
(reloads after a first load) and prints the median and worst of: first contentful paint (the page
frame), and the moment the script has drawn the packs and the journal (performance mark
'dashboard-rendered'), both from navigation start.

    .venv/bin/python Benchmarks/tools/dashboard_paint.py [BINARY] [ROUNDS]
"""
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(REPO / ".build" / "debug" / "certpack-mock")
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
TOKEN = "certpackmock-ssl-edit-000000000000000000"


def start():
    work = tempfile.mkdtemp()
    port_file = Path(work) / "port"
    proc = subprocess.Popen([BINARY, "--port", "0", "--port-file", str(port_file), "--host", "127.0.0.1",
                             "--log-level", "warning", "--journal-limit", "10000"])
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline:
            raise RuntimeError("no port")
        time.sleep(0.01)
    return proc, int(port_file.read_text())


def fill(port):
    conn = http.client.HTTPConnection("127.0.0.1", port)

    def call(method, path, body=None, headers=None):
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data

    zones = []
    for n in range(10):
        name = f"paint{n}.example"
        status, data = call("POST", "/__mock/zones", {"name": name, "quota": 100}, {"Content-Type": "application/json"})
        assert status == 200, data
        zones.append((json.loads(data)["result"]["id"], name))
    auth = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
    for i in range(1000):
        zone, name = zones[i % 10]
        order = {"type": "advanced", "hosts": [name, f"h{i}.{name}"], "validation_method": "txt",
                 "validity_days": 90, "certificate_authority": "lets_encrypt"}
        status, data = call("POST", f"/client/v4/zones/{zone}/ssl/certificate_packs/order", order, auth)
        assert status == 200, data
    # The journal drops its oldest tenth when full, so fill to just below, then to exactly 10,000.
    def held():
        return json.loads(call("GET", "/__mock/requests/count")[1])["result"]["count"]
    quota = f"/client/v4/zones/{zones[0][0]}/ssl/certificate_packs/quota"
    while held() < 9000:
        for _ in range(500):
            call("GET", quota, headers=auth)
    for _ in range(10000 - held()):
        call("GET", quota, headers=auth)
    assert held() == 10000
    status, data = call("GET", "/__mock/dashboard/state")
    packs = len(json.loads(data)["result"]["packs"])
    return packs, len(data)


def main():
    proc, port = start()
    try:
        packs, state_bytes = fill(port)
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1000"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
        fcp, drawn = [], []
        try:
            for i in range(ROUNDS + 1):
                # A reload of the page: the same renderer process, so the figure is the page's,
                # not Chromium starting a process for a new site.
                if i == 0:
                    driver.get(f"http://127.0.0.1:{port}/__mock/")
                else:
                    driver.refresh()
                WebDriverWait(driver, 20, poll_frequency=0.02).until(
                    lambda d: d.execute_script("return performance.getEntriesByName('dashboard-rendered').length"
                                               " && performance.getEntriesByName('first-contentful-paint').length"))
                paint = driver.execute_script(
                    "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null")
                mark = driver.execute_script("return performance.getEntriesByName('dashboard-rendered')[0].startTime")
                rows = driver.execute_script("return document.querySelectorAll('li.pack').length")
                fcp.append(paint)
                drawn.append(mark)
            fcp, drawn = fcp[1:], drawn[1:]  # the first load warms the browser's own caches
        finally:
            driver.quit()
        print(f"packs={packs} journal=10000 state_json={state_bytes} bytes rows_drawn={rows} rounds={ROUNDS}")
        print(f"first contentful paint: median {statistics.median(fcp):.0f} ms, worst {max(fcp):.0f} ms")
        print(f"packs and journal drawn: median {statistics.median(drawn):.0f} ms, worst {max(drawn):.0f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


if __name__ == "__main__":
    main()
