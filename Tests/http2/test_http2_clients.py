"""Real HTTP/2 clients on the HTTP/1.1 port: curl (prior knowledge and Upgrade), nghttp,
h2load and Cloudflare's official Python SDK on an HTTP/2-only httpx client."""
import json
import subprocess
from pathlib import Path

import cloudflare
import httpx
import pytest

from h2_support import EDIT_TOKEN, ORDER, ORDER_PATH, ZONE

READ_TOKEN = "certpackmock-ssl-read-000000000000000000"
NO_ACM_ZONE = "372e67954025e0ba6aaa6d586b9e0b59"
ORDER_JSON = json.dumps(ORDER)
AUTH = ["-H", f"Authorization: Bearer {EDIT_TOKEN}"]
# The default fixtures' packs in ZONE: each counts in the zone's quota and its listing.
FIXTURE_PACKS = sum(p["zone_id"] == ZONE for p in json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "packs.json").read_text()))


def curl(*args):
    """curl's output with `-w '\\n%{http_version} %{http_code}'` appended; returns (version, status, body)."""
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "-w", r"\n%{http_version} %{http_code}", *args],
                         capture_output=True, text=True, check=True).stdout
    body, _, tail = out.rpartition("\n")
    version, status = tail.split()
    return version, int(status), body


def journal(mock, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return mock.control("GET", "requests" + ("?" + query if query else ""))


def sdk(mock, **kwargs):
    kwargs.setdefault("api_token", EDIT_TOKEN)
    kwargs.setdefault("max_retries", 0)
    return cloudflare.Cloudflare(base_url=mock.base_url, http_client=httpx.Client(http1=False, http2=True), **kwargs)


def test_curl_prior_knowledge_orders_a_pack(mock):
    version, status, body = curl("--http2-prior-knowledge", mock.root + ORDER_PATH, *AUTH,
                                 "-H", "Content-Type: application/json", "-d", ORDER_JSON)
    assert (version, status) == ("2", 200)
    assert json.loads(body)["result"]["status"] == "initializing"
    entry = journal(mock, method="POST")[-1]
    assert entry["protocol"] == "HTTP/2" and entry["status"] == 200


def test_curl_upgrade_answers_on_stream_one(mock):
    version, status, body = curl("--http2", f"{mock.root}/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", *AUTH)
    assert (version, status) == ("2", 200)
    assert json.loads(body)["result"]["advanced"]["used"] == FIXTURE_PACKS
    assert journal(mock)[-1]["protocol"] == "HTTP/2"


def test_curl_upgrade_with_a_body_is_answered_over_http1(mock):
    # Documented choice: a request with a body is not upgraded.
    version, status, _ = curl("--http2", mock.root + ORDER_PATH, *AUTH, "-H", "Content-Type: application/json", "-d", ORDER_JSON)
    assert (version, status) == ("1.1", 200)
    assert journal(mock, method="POST")[-1]["protocol"] == "HTTP/1.1"


def test_curl_http1_still_journaled_as_http1(mock):
    version, status, _ = curl(f"{mock.root}/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", *AUTH)
    assert (version, status) == ("1.1", 200)
    assert journal(mock)[-1]["protocol"] == "HTTP/1.1"


def test_nghttp_prior_knowledge_and_upgrade(mock):
    for flags in ([], ["-u"]):
        out = subprocess.run(["nghttp", "-v", *flags, "-H", f"authorization: Bearer {EDIT_TOKEN}",
                              f"{mock.root}/client/v4/zones/{ZONE}/ssl/certificate_packs/quota"],
                             capture_output=True, text=True, timeout=20)
        assert out.returncode == 0, out.stderr
        assert ":status: 200" in out.stdout
        assert "SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100" in out.stdout
        assert f'"used":{FIXTURE_PACKS}' in out.stdout
    assert [e["protocol"] for e in journal(mock)] == ["HTTP/2", "HTTP/2"]


@pytest.mark.parametrize("connections,streams", [(4, 8), (2, 1)])
def test_h2load_orders_all_succeed(mock, tmp_path, connections, streams):
    body = tmp_path / "order.json"
    body.write_text(ORDER_JSON)
    n = 96
    out = subprocess.run(["h2load", "-n", str(n), "-c", str(connections), "-m", str(streams), "-d", str(body),
                          "-H", f"authorization: Bearer {EDIT_TOKEN}", "-H", "content-type: application/json",
                          mock.root + ORDER_PATH], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"requests: {n} total, {n} started, {n} done, {n} succeeded, 0 failed" in out.stdout, out.stdout
    assert f"status codes: {n} 2xx" in out.stdout, out.stdout
    assert mock.control("GET", "requests/count?method=POST&status=200")["count"] == n


# ---- the official SDK, HTTP/2 only

def test_sdk_order_get_list_edit_delete_over_http2(mock):
    client = sdk(mock)
    pack = client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER)
    assert pack.status == "initializing" and pack.hosts == ORDER["hosts"]
    mock.control("POST", "clock/advance", {"seconds": 1.5})
    assert client.ssl.certificate_packs.get(pack.id, zone_id=ZONE).status == "pending_validation"
    ids = {client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER).id for _ in range(11)}
    listed = [p.id for p in client.ssl.certificate_packs.list(zone_id=ZONE, status="all", per_page=5)]
    assert len(listed) == 12 + FIXTURE_PACKS and ids | {pack.id} <= set(listed)  # 12 new + the fixture packs, 3 pages
    # Edit restarts validation of a pack that timed out.
    timed_out = client.ssl.certificate_packs.create(
        zone_id=ZONE, **{**ORDER, "hosts": ["example.com", "validation-fails-once.example.com"]})
    mock.control("POST", "clock/advance", {"seconds": 3600})
    assert client.ssl.certificate_packs.get(timed_out.id, zone_id=ZONE).status == "validation_timed_out"
    edited = client.ssl.certificate_packs.edit(timed_out.id, zone_id=ZONE, cloudflare_branding=True)
    assert edited.status == "initializing" and edited.cloudflare_branding is True
    client.ssl.certificate_packs.delete(pack.id, zone_id=ZONE)
    with pytest.raises(cloudflare.NotFoundError):
        client.ssl.certificate_packs.get(pack.id, zone_id=ZONE)
    protocols = {e["protocol"] for e in journal(mock)}
    assert protocols == {"HTTP/2"}


@pytest.mark.parametrize("make,error_class,code", [
    (lambda m: sdk(m).ssl.certificate_packs.create(zone_id=ZONE, **{**ORDER, "validity_days": 7}), cloudflare.BadRequestError, None),
    (lambda m: sdk(m, api_token="short").ssl.certificate_packs.list(zone_id=ZONE), cloudflare.BadRequestError, 6003),
    (lambda m: sdk(m, api_token=READ_TOKEN).ssl.certificate_packs.create(zone_id=ZONE, **ORDER), cloudflare.PermissionDeniedError, 10000),
    (lambda m: sdk(m, api_token="x" * 40).ssl.certificate_packs.list(zone_id=ZONE), cloudflare.PermissionDeniedError, 9109),
    (lambda m: sdk(m).ssl.certificate_packs.get("0" * 32, zone_id=ZONE), cloudflare.NotFoundError, 1408),
    (lambda m: sdk(m).ssl.certificate_packs.create(zone_id=NO_ACM_ZONE, **{**ORDER, "hosts": ["example.org"]}), cloudflare.APIStatusError, 1450),
])
def test_sdk_error_classes_over_http2(mock, make, error_class, code):
    with pytest.raises(error_class) as err:
        make(mock)
    if code is not None:
        assert err.value.body["errors"][0]["code"] == code
    assert journal(mock)[-1]["protocol"] == "HTTP/2"


@pytest.mark.parametrize("status,error_class", [(409, cloudflare.ConflictError), (422, cloudflare.UnprocessableEntityError),
                                                (418, cloudflare.APIStatusError), (500, cloudflare.InternalServerError),
                                                (503, cloudflare.InternalServerError)])
def test_sdk_fault_statuses_over_http2(mock, status, error_class):
    mock.control("POST", "faults", {"path": "*/certificate_packs/*", "status": status, "code": 1000 + status,
                                    "message": "injected", "times": 1})
    with pytest.raises(error_class) as err:
        sdk(mock).ssl.certificate_packs.get(ZONE, zone_id=ZONE)
    assert err.value.status_code == status
    assert err.value.body["errors"] == [{"code": 1000 + status, "message": "injected"}]


def test_sdk_rate_limit_over_http2(mock):
    mock.control("POST", "rate-limit", {"enabled": True, "limit": 1, "window_seconds": 60})
    client = sdk(mock)
    client.ssl.certificate_packs.list(zone_id=ZONE)
    with pytest.raises(cloudflare.RateLimitError) as err:
        client.ssl.certificate_packs.list(zone_id=ZONE)
    assert err.value.body["errors"][0]["code"] == 971
    assert int(err.value.response.headers["retry-after"]) == 60


def test_sdk_delay_and_reset_faults_over_http2(mock):
    mock.control("POST", "faults", {"path": "*/quota", "action": "delay", "delay_ms": 200, "times": 1})
    mock.control("POST", "faults", {"path": "*/certificate_packs", "action": "reset", "times": 1})
    client = sdk(mock)
    assert client.ssl.certificate_packs.quota.get(zone_id=ZONE).advanced.used == FIXTURE_PACKS
    # A reset on HTTP/2 is RST_STREAM(INTERNAL_ERROR) on that stream: a connection error to the SDK...
    with pytest.raises(cloudflare.APIConnectionError):
        client.ssl.certificate_packs.list(zone_id=ZONE)
    # ...and the same client (same connection pool) goes on.
    assert client.ssl.certificate_packs.quota.get(zone_id=ZONE).advanced.used == FIXTURE_PACKS
    entries = journal(mock)
    assert all(e["protocol"] == "HTTP/2" for e in entries)
    assert any(e["status"] == 0 and e["credential"] == "fault" for e in entries)


def test_sdk_retries_an_injected_503_over_http2(mock):
    mock.control("POST", "faults", {"method": "POST", "path": "*/certificate_packs/order", "status": 503, "times": 1})
    assert sdk(mock, max_retries=2).ssl.certificate_packs.create(zone_id=ZONE, **ORDER).status == "initializing"
    assert mock.control("GET", "requests/count?method=POST&path=*/order")["count"] == 2


def test_log_line_names_the_protocol():
    from h2_support import contract
    server = contract.MockProcess("--log-format", "json")
    try:
        curl("--http2-prior-knowledge", f"{server.root}/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", *AUTH)
        curl(f"{server.root}/client/v4/zones/{ZONE}/ssl/certificate_packs/quota", *AUTH)
        server.log.seek(0)
        entries = [json.loads(line) for line in server.log.read().splitlines()]
    finally:
        assert server.stop() == 0
    quota = [e for e in entries if e.get("path", "").endswith("/quota")]
    assert [e["protocol"] for e in quota] == ["HTTP/2", "HTTP/1.1"]
    assert all(e["message"].endswith(e["protocol"]) for e in quota)


def test_sigterm_sends_goaway_and_finishes_streams_in_flight():
    from h2_support import contract
    from hpack import Decoder
    from hyperframe.frame import DataFrame, GoAwayFrame, HeadersFrame

    from h2_support import NO_ERROR, RawH2

    server = contract.MockProcess()
    try:
        server.control("POST", "faults", {"path": "*/quota", "action": "delay", "delay_ms": 800, "times": 1})
        client = RawH2(server.port)
        client.request(1, path=f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota",
                       extra=[("authorization", f"Bearer {EDIT_TOKEN}")])
        # The request is with the handler (journaled only once answered): stop the server now.
        client.read_frames(lambda fs: any(f.stream_id == 0 and type(f).__name__ == "SettingsFrame" and "ACK" in f.flags for f in fs))
        server.proc.terminate()
        frames = client.read_frames(lambda fs: any(isinstance(f, GoAwayFrame) for f in fs))
        goaway = client.goaway()
        assert goaway.error_code == NO_ERROR and goaway.last_stream_id == 1
        frames = client.read_frames(lambda fs: any(isinstance(f, DataFrame) and "END_STREAM" in f.flags for f in fs))
        headers = next(f for f in frames if isinstance(f, HeadersFrame) and f.stream_id == 1)
        assert dict(Decoder().decode(headers.data))[":status"] == "200"
        body = b"".join(f.data for f in frames if isinstance(f, DataFrame) and f.stream_id == 1)
        assert json.loads(body)["result"]["advanced"]["used"] == FIXTURE_PACKS
        assert client.wait_closed()
        assert server.proc.wait(timeout=10) == 0
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.log.close()
        server._dir.cleanup()
