"""--state-file: what a developer adds at run time survives a restart; a bad file stops start-up."""
import json
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from conftest import BINARY, EDIT_TOKEN, ZONE, MockProcess

ORDER = {"type": "advanced", "hosts": ["example.com", "*.example.com"], "validation_method": "txt",
         "validity_days": 90, "certificate_authority": "lets_encrypt"}


def call(mock, method, path, body=None, token=EDIT_TOKEN):
    req = urllib.request.Request(mock.base_url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture
def state_path():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "state.json"


def test_everything_added_at_run_time_survives_a_restart(state_path):
    first = MockProcess("--clock", "manual", "--state-file", str(state_path))
    try:
        zone = first.control("POST", "zones", {"name": "kept.example", "quota": 3, "enterprise": True})
        first.control("POST", "credentials", {"name": "kept-token", "token": "kept-token-1", "permissions": ["#ssl:read", "#ssl:edit"]})
        first.control("POST", "faults", {"path": "*/quota", "status": 503, "times": 2, "headers": {"Retry-After": "7"}})
        assert call(first, "GET", f"/zones/{ZONE}/ssl/certificate_packs/quota")[0] == 503
        status, ordered = call(first, "POST", f"/zones/{zone['id']}/ssl/certificate_packs/order",
                               {**ORDER, "hosts": ["kept.example", "www.kept.example"]}, token="kept-token-1")
        assert status == 200
        pinned = call(first, "POST", f"/zones/{ZONE}/ssl/certificate_packs/order", ORDER)[1]["result"]["id"]
        first.control("POST", f"packs/{pinned}/status", {"status": "validation_timed_out"})
        first.control("POST", "clock/advance", {"seconds": 1.5})
        first.control("POST", "lifecycle", {"mode": "manual"})
        before = first.control("GET", "state")
    finally:
        assert first.stop() == 0   # a graceful stop saves whatever the last timer tick had not
    saved = json.loads(state_path.read_text())
    assert saved["format"] == "certpack-mock-state" and saved["version"] == 1

    second = MockProcess("--state-file", str(state_path))
    try:
        after = second.control("GET", "state")
        assert after["clock"] == before["clock"]          # a manual clock stands where it stood
        assert after["lifecycle_mode"] == "manual"
        assert after["zones"] == before["zones"]
        assert after["packs"] == before["packs"]          # same ids, statuses, pins, records
        assert [r["remaining"] for r in after["faults"]] == [1]
        status, _ = call(second, "GET", f"/zones/{ZONE}/ssl/certificate_packs/quota")
        assert status == 503
        assert call(second, "GET", f"/zones/{ZONE}/ssl/certificate_packs/quota")[0] == 200   # the rule's last use
        status, read = call(second, "GET", f"/zones/{zone['id']}/ssl/certificate_packs/{ordered['result']['id']}", token="kept-token-1")
        assert status == 200 and read["result"]["hosts"] == ["kept.example", "www.kept.example"]
        new_id = call(second, "POST", f"/zones/{ZONE}/ssl/certificate_packs/order", ORDER)[1]["result"]["id"]
        assert new_id not in {p["pack"]["id"] for p in before["packs"]}
    finally:
        assert second.stop() == 0


def start_failing(state_path):
    result = subprocess.run([BINARY, "--port", "0", "--state-file", str(state_path)], capture_output=True, text=True, timeout=30)
    return result.returncode, result.stderr


@pytest.mark.parametrize("content, problem", [
    ('{"format":"certpack-mock-state","version":1,"packs":[', "not valid JSON"),
    ('{"format":"certpack-mock-state","version":99}', "format version 99 is newer"),
    ('{"hello":"world"}', "format"),
    ('', "not valid JSON"),
])
def test_a_file_that_cannot_be_loaded_stops_start_up(state_path, content, problem):
    state_path.write_text(content)
    code, stderr = start_failing(state_path)
    assert code == 1
    assert str(state_path) in stderr and problem in stderr and "start fresh" in stderr
    assert state_path.read_text() == content   # never overwritten


def test_a_broken_pack_entry_is_named(state_path):
    first = MockProcess("--state-file", str(state_path))
    call(first, "POST", f"/zones/{ZONE}/ssl/certificate_packs/order", ORDER)
    assert first.stop() == 0
    saved = json.loads(state_path.read_text())
    saved["packs"][1]["validation_method"] = "carrier-pigeon"
    state_path.write_text(json.dumps(saved))
    code, stderr = start_failing(state_path)
    assert code == 1 and "packs[1].validation_method: 'carrier-pigeon' is not one of txt, http, email" in stderr


def test_a_missing_file_is_a_fresh_start_and_is_created(state_path):
    mock = MockProcess("--state-file", str(state_path))
    try:
        assert mock.control("GET", "health") == {"status": "ok"}
    finally:
        assert mock.stop() == 0
    assert json.loads(state_path.read_text())["version"] == 1


def test_a_path_that_cannot_be_written_stops_start_up(state_path):
    code, stderr = start_failing(state_path.parent / "no-such-folder" / "state.json")
    assert code == 1 and "cannot be written" in stderr and "no-such-folder" in stderr
