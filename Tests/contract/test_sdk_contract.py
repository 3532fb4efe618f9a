"""Cloudflare's official Python SDK (pinned in requirements.txt) against the mock, unchanged."""
import cloudflare
import pytest

from conftest import (DOCS_EMAIL, DOCS_KEY, EDIT_TOKEN, NET_TOKEN, NET_ZONE, NO_ACM_ZONE, READ_TOKEN, ZONE)

ORDER = dict(type="advanced", hosts=["example.com", "*.example.com"], validation_method="txt",
             validity_days=90, certificate_authority="lets_encrypt")


def sdk(mock, **kwargs):
    kwargs.setdefault("api_token", EDIT_TOKEN)
    kwargs.setdefault("max_retries", 0)
    return cloudflare.Cloudflare(base_url=mock.base_url, **kwargs)


def test_order_returns_an_initializing_pack(client):
    pack = client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER)
    assert pack.status == "initializing"
    assert pack.type == "advanced"
    assert pack.hosts == ["example.com", "*.example.com"]
    assert pack.validation_method == "txt" and pack.validity_days == 90
    assert pack.certificate_authority == "lets_encrypt" and pack.cloudflare_branding is False
    assert len(pack.id) == 32 and all(c in "0123456789abcdef" for c in pack.id)
    assert pack.certificates == [] and pack.validation_records is None


def test_get_follows_the_lifecycle_as_the_clock_advances(client, mock_server):
    pack_id = client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER).id
    mock_server.control("POST", "clock/advance", {"seconds": 1.5})
    validating = client.ssl.certificate_packs.get(pack_id, zone_id=ZONE)
    assert validating.status == "pending_validation"
    assert [r.txt_name for r in validating.validation_records] == ["_acme-challenge.example.com"] * 2
    assert all(len(r.txt_value) == 32 and r.status == "pending" for r in validating.validation_records)
    seen = []
    for _ in range(3):
        mock_server.control("POST", "clock/advance", {"seconds": 1})
        seen.append(client.ssl.certificate_packs.get(pack_id, zone_id=ZONE).status)
    assert seen == ["pending_validation", "pending_issuance", "pending_deployment"]
    mock_server.control("POST", "clock/advance", {"seconds": 1})
    active = client.ssl.certificate_packs.get(pack_id, zone_id=ZONE)
    assert active.status == "active"
    assert [c.signature for c in active.certificates] == ["ECDSAWithSHA256", "SHA256WithRSA"]
    assert active.primary_certificate == active.certificates[0].id
    assert all(c.status == "active" and c.hosts == ORDER["hosts"] for c in active.certificates)


def test_list_auto_pagination_ends(client):
    ids = {client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER).id for _ in range(12)}
    listed = [p.id for p in client.ssl.certificate_packs.list(zone_id=ZONE, status="all", per_page=5)]
    assert len(listed) == 15  # 12 new + the three fixture packs
    assert ids <= set(listed)
    # Without status=all only active packs are listed: two of the fixture packs (the third waits on validation).
    assert [p.status for p in client.ssl.certificate_packs.list(zone_id=ZONE)] == ["active", "active"]


def test_list_page_metadata(client):
    for _ in range(6):
        client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER)
    page = client.ssl.certificate_packs.list(zone_id=ZONE, status="all", per_page=5, page=2)
    assert len(page.result) == 4
    assert page.result_info.page == 2 and page.result_info.per_page == 5
    assert page.result_info.total_count == 9 and page.result_info.total_pages == 2


def test_edit_restarts_a_timed_out_pack(client, mock_server):
    pack = client.ssl.certificate_packs.create(
        zone_id=ZONE, **{**ORDER, "hosts": ["example.com", "validation-fails-once.example.com"]})
    mock_server.control("POST", "clock/advance", {"seconds": 3600})
    failed = client.ssl.certificate_packs.get(pack.id, zone_id=ZONE)
    assert failed.status == "validation_timed_out"
    assert failed.validation_errors[0].message.startswith("SERVFAIL looking up CAA for")
    restarted = client.ssl.certificate_packs.edit(pack.id, zone_id=ZONE, cloudflare_branding=True)
    assert restarted.status == "initializing" and restarted.cloudflare_branding is True
    mock_server.control("POST", "clock/advance", {"seconds": 3600})
    assert client.ssl.certificate_packs.get(pack.id, zone_id=ZONE).status == "active"


@pytest.mark.parametrize("label,status", [("validation-timeout", "validation_timed_out"),
                                          ("issuance-timeout", "issuance_timed_out"),
                                          ("ca-rate-limit", "issuance_timed_out")])
def test_magic_hostnames_reach_failure_paths(client, mock_server, label, status):
    pack = client.ssl.certificate_packs.create(zone_id=ZONE, **{**ORDER, "hosts": ["example.com", f"{label}.example.com"]})
    mock_server.control("POST", "clock/advance", {"seconds": 3600})
    got = client.ssl.certificate_packs.get(pack.id, zone_id=ZONE)
    assert got.status == status
    assert got.validation_errors and got.validation_errors[0].message
    if label == "ca-rate-limit":
        assert "rate limited" in got.validation_errors[0].message
    # A restart does not help a pack that fails every time.
    client.ssl.certificate_packs.edit(pack.id, zone_id=ZONE)
    mock_server.control("POST", "clock/advance", {"seconds": 3600})
    assert client.ssl.certificate_packs.get(pack.id, zone_id=ZONE).status == status


def test_delete_then_get_is_not_found(client):
    pack_id = client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER).id
    deleted = client.ssl.certificate_packs.delete(pack_id, zone_id=ZONE)
    assert deleted.id == pack_id
    with pytest.raises(cloudflare.NotFoundError) as err:
        client.ssl.certificate_packs.get(pack_id, zone_id=ZONE)
    assert err.value.status_code == 404
    assert err.value.body["errors"][0]["code"] == 1408


def test_quota(client):
    client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER)
    quota = client.ssl.certificate_packs.quota.get(zone_id=ZONE)
    assert quota.advanced.allocated == 100 and quota.advanced.used == 4


def test_quota_exceeded_is_refused(mock_server):
    net = sdk(mock_server, api_token=NET_TOKEN)
    for _ in range(5):
        net.ssl.certificate_packs.create(zone_id=NET_ZONE, **{**ORDER, "hosts": ["example.net"]})
    with pytest.raises(cloudflare.BadRequestError) as err:
        net.ssl.certificate_packs.create(zone_id=NET_ZONE, **{**ORDER, "hosts": ["example.net"]})
    assert err.value.body["errors"][0]["code"] == 1481


def test_global_key_auth(mock_server):
    keyed = sdk(mock_server, api_token=None, api_email=DOCS_EMAIL, api_key=DOCS_KEY)
    assert keyed.ssl.certificate_packs.create(zone_id=ZONE, **ORDER).status == "initializing"


def test_validation_errors_name_every_field(client):
    with pytest.raises(cloudflare.BadRequestError) as err:
        client.ssl.certificate_packs.create(zone_id=ZONE, type="advanced", hosts=["www.example.com", "other.net"],
                                            validation_method="http", validity_days=30, certificate_authority="lets_encrypt")
    errors = err.value.body["errors"]
    assert {e["source"]["pointer"] for e in errors} == {"/hosts/1", "/hosts", "/validity_days"}
    assert err.value.body["success"] is False


def test_unknown_zone_is_7003_then_7000(client):
    with pytest.raises(cloudflare.BadRequestError) as err:
        client.ssl.certificate_packs.get("0" * 32, zone_id="f" * 32)
    assert [e["code"] for e in err.value.body["errors"]] == [7003, 7000]


def test_zone_without_acm_is_1450(client):
    with pytest.raises(cloudflare.AuthenticationError) as err:
        client.ssl.certificate_packs.create(zone_id=NO_ACM_ZONE, **{**ORDER, "hosts": ["example.org"]})
    assert err.value.status_code == 401 and err.value.body["errors"][0]["code"] == 1450


def test_read_only_token_cannot_order(mock_server):
    with pytest.raises(cloudflare.PermissionDeniedError) as err:
        sdk(mock_server, api_token=READ_TOKEN).ssl.certificate_packs.create(zone_id=ZONE, **ORDER)
    assert err.value.body["errors"] == [{"code": 10000, "message": "Authentication error"}]


def test_token_scoped_to_another_zone_is_refused(mock_server):
    with pytest.raises(cloudflare.PermissionDeniedError):
        sdk(mock_server, api_token=NET_TOKEN).ssl.certificate_packs.list(zone_id=ZONE)


def test_unknown_token_is_9109(mock_server):
    with pytest.raises(cloudflare.PermissionDeniedError) as err:
        sdk(mock_server, api_token="A" * 40).ssl.certificate_packs.list(zone_id=ZONE)
    assert err.value.body["errors"][0] == {"code": 9109, "message": "Invalid access token"}


def test_malformed_token_is_6003_with_chain(mock_server):
    with pytest.raises(cloudflare.BadRequestError) as err:
        sdk(mock_server, api_token="short").ssl.certificate_packs.list(zone_id=ZONE)
    error = err.value.body["errors"][0]
    assert error["code"] == 6003 and error["error_chain"] == [{"code": 6111, "message": "Invalid format for Authorization header"}]


def test_rate_limit_raises_rate_limit_error(mock_server):
    mock_server.control("POST", "rate-limit", {"enabled": True, "limit": 2, "window_seconds": 300})
    c = sdk(mock_server)
    c.ssl.certificate_packs.list(zone_id=ZONE)
    c.ssl.certificate_packs.list(zone_id=ZONE)
    with pytest.raises(cloudflare.RateLimitError) as err:
        c.ssl.certificate_packs.list(zone_id=ZONE)
    assert err.value.body["errors"][0]["code"] == 971
    assert int(err.value.response.headers["retry-after"]) == 300
    mock_server.control("POST", "clock/advance", {"seconds": 300})
    assert c.ssl.certificate_packs.list(zone_id=ZONE).result is not None


def test_injected_5xx_raises_internal_server_error(mock_server):
    mock_server.control("POST", "faults", {"method": "GET", "path": "*/ssl/certificate_packs", "status": 503, "code": 10013,
                                           "message": "Service unavailable", "times": 1})
    with pytest.raises(cloudflare.InternalServerError) as err:
        sdk(mock_server).ssl.certificate_packs.list(zone_id=ZONE)
    assert err.value.status_code == 503


def test_sdk_retry_succeeds_after_one_injected_failure(mock_server):
    mock_server.control("POST", "faults", {"method": "POST", "path": "*/certificate_packs/order", "status": 503, "times": 1})
    c = sdk(mock_server, max_retries=2)
    assert c.ssl.certificate_packs.create(zone_id=ZONE, **ORDER).status == "initializing"
    assert mock_server.control("GET", "requests/count?method=POST&path=*/order")["count"] == 2
    assert mock_server.control("GET", "requests/count?method=POST&path=*/order&status=503")["count"] == 1


def test_injected_connection_reset_raises_connection_error(mock_server):
    mock_server.control("POST", "faults", {"path": "*/quota", "action": "reset", "times": 1})
    with pytest.raises(cloudflare.APIConnectionError):
        sdk(mock_server).ssl.certificate_packs.quota.get(zone_id=ZONE)
    assert sdk(mock_server).ssl.certificate_packs.quota.get(zone_id=ZONE).advanced.used == 3


def test_uuid_pack_ids(tmp_path):
    from conftest import MockProcess
    server = MockProcess("--pack-id-format", "uuid", "--lifecycle", "immediate")
    try:
        c = sdk(server)
        pack = c.ssl.certificate_packs.create(zone_id=ZONE, **ORDER)
        assert len(pack.id) == 36 and pack.id.count("-") == 4 and pack.status == "active"
        assert c.ssl.certificate_packs.get(pack.id, zone_id=ZONE).id == pack.id
        assert c.ssl.certificate_packs.get(pack.id.replace("-", ""), zone_id=ZONE).id == pack.id
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("status,error_class", [(409, cloudflare.ConflictError), (422, cloudflare.UnprocessableEntityError),
                                                (418, cloudflare.APIStatusError), (500, cloudflare.InternalServerError)])
def test_every_sdk_error_class_is_reachable_through_fault_rules(mock_server, status, error_class):
    mock_server.control("POST", "faults", {"path": "*/certificate_packs/*", "status": status, "code": 1000 + status,
                                           "message": "injected", "times": 1})
    with pytest.raises(error_class) as err:
        sdk(mock_server).ssl.certificate_packs.get(ZONE, zone_id=ZONE)
    assert err.value.status_code == status
    assert err.value.body["errors"] == [{"code": 1000 + status, "message": "injected"}]


def test_verification_and_dcv_delegation_in_strict_mode(mock_server):
    """5.9 with strict validation: every answer must fit its models (seven-value enum, verification_info keys)."""
    strict = sdk(mock_server, _strict_response_validation=True)
    waiting = "a77f8bd7-3b47-46b4-a6f1-75cf98109948"
    listed = {v.cert_pack_uuid: v for v in strict.ssl.verification.get(zone_id=ZONE)}
    assert listed[waiting].certificate_status == "authorizing" and listed[waiting].validation_method == "http"
    assert listed["3822ff90-ea29-44df-9e55-21300bb9419b"].signature == "ECDSAWithSHA256"
    assert strict.ssl.verification.edit(waiting, zone_id=ZONE, validation_method="txt").status == "pending_validation"
    pack = strict.ssl.certificate_packs.get(waiting, zone_id=ZONE)
    uuid = strict.dcv_delegation.get(zone_id=ZONE).uuid
    assert [r.cname_target for r in pack.dcv_delegation_records] == [f"example.com.{uuid}.dcv.cloudflare.com",
                                                                      f"www.example.com.{uuid}.dcv.cloudflare.com"]
    assert strict.ssl.verification.edit(waiting, zone_id=ZONE, validation_method="txt").status == "pending_issuance"
    assert {v.certificate_status for v in strict.ssl.verification.get(zone_id=ZONE, retry=True)} == {"active", "issuing"}
    with pytest.raises(cloudflare.BadRequestError) as err:
        strict.ssl.verification.edit(waiting, zone_id=ZONE, validation_method="cname")
    assert err.value.body["errors"][0]["code"] == 1483
