"""The request log as people and machines read it."""
import json

from conftest import EDIT_TOKEN, ZONE, MockProcess


def test_text_log_has_one_line_per_request(tmp_path):
    server = MockProcess("--log-format", "text")
    try:
        server.raw("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", headers={"Authorization": f"Bearer {EDIT_TOKEN}"})
        server.raw("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota")
        with open(server.log.name) as f:
            lines = f.read().splitlines()
    finally:
        assert server.stop() == 0
    assert any("listening on http://127.0.0.1:" in l for l in lines)
    requests = [l for l in lines if " GET /client/v4/zones/" in l]
    assert len(requests) == 2
    assert requests[0].split()[2:5] == ["GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", "200"]
    assert requests[1].split()[4:6] == ["400", "9106"]
    assert not any(EDIT_TOKEN in l for l in requests), "request lines must not carry secrets"


def test_json_log_is_one_object_per_line():
    server = MockProcess("--log-format", "json")
    try:
        server.raw("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota")
        with open(server.log.name) as f:
            lines = f.read().splitlines()
    finally:
        assert server.stop() == 0
    entries = [json.loads(l) for l in lines]
    request = next(e for e in entries if e.get("path", "").endswith("/quota"))
    assert request["status"] == 400 and request["code"] == 9106 and request["method"] == "GET"
    assert request["level"] == "info" and isinstance(request["duration_ms"], float)
    assert any(e.get("port") for e in entries), "the start-up line names the port"
