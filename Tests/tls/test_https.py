"""HTTPS on the mock's one port: ALPN, the certificate, the CA to trust, the SDK, and
everything else (journal, faults, logs, rate limit, graceful stop) the same as over HTTP."""
import json
import signal
import ssl
import subprocess
import threading

import pytest

from tls_support import BINARY, EDIT, EDIT_TOKEN, ORDER, ZONE, TLSMock, curl, http_request, s_client, tls_request

LIST = f"/client/v4/zones/{ZONE}/ssl/certificate_packs?status=all"
ORDER_PATH = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/order"
AUTH = f"Authorization: Bearer {EDIT_TOKEN}"


def https_get(mock, path, *extra):
    return curl("--cacert", str(mock.ca_file), "-H", AUTH, "-w", "\n%{http_code} %{http_version}", *extra, mock.https + path)


def split_answer(result):
    body, _, tail = result.stdout.rpartition("\n")
    status, version = tail.split()
    return body, int(status), version


def test_curl_http2_is_chosen_by_alpn_alone(mock):
    result = https_get(mock, LIST, "--http2")
    assert result.returncode == 0, result.stderr
    body, status, version = split_answer(result)
    assert (status, version) == (200, "2")
    assert json.loads(body)["success"] is True


def test_curl_http11_over_tls(mock):
    result = https_get(mock, LIST, "--http1.1")
    assert result.returncode == 0, result.stderr
    _, status, version = split_answer(result)
    assert (status, version) == (200, "1.1")


def test_readme_order_over_https_is_journaled_with_tls_and_alpn(mock):
    for flag, alpn, protocol in (("--http1.1", "http/1.1", "HTTP/1.1"), ("--http2", "h2", "HTTP/2")):
        result = curl("--cacert", str(mock.ca_file), flag, "-w", "\n%{http_code}", "-X", "POST", mock.https + ORDER_PATH,
                      "-H", AUTH, "-H", "Content-Type: application/json", "--data", json.dumps(ORDER))
        assert result.returncode == 0, result.stderr
        body, _, status = result.stdout.rpartition("\n")
        assert status == "200"
        assert json.loads(body)["result"]["status"] == "initializing"
        entry = mock.control("GET", "requests?limit=1")[-1]
        assert entry["path"] == ORDER_PATH
        assert entry["tls"] == {"version": "TLSv1.3", "alpn": alpn}
        assert entry.get("protocol", protocol) == protocol
    # Cleartext requests say so.
    mock.raw("GET", LIST, headers=EDIT)
    assert mock.control("GET", "requests?limit=1")[-1]["tls"] is None


@pytest.mark.parametrize("offer, expected", [("h2", "ALPN protocol: h2"), ("http/1.1", "ALPN protocol: http/1.1"),
                                             ("h2,http/1.1", "ALPN protocol: h2"), (None, "No ALPN negotiated")])
def test_openssl_s_client_alpn(mock, offer, expected):
    args = ["-CAfile", str(mock.ca_file), "-verify_return_error", "-servername", "localhost"]
    if offer:
        args += ["-alpn", offer]
    result = s_client(mock.port, *args)
    assert expected in result.stdout, result.stdout + result.stderr
    assert "Verify return code: 0 (ok)" in result.stdout


def test_alpn_without_a_common_protocol_gets_no_application_protocol_alert(mock):
    result = s_client(mock.port, "-CAfile", str(mock.ca_file), "-alpn", "h3")
    assert result.returncode != 0
    assert "no application protocol" in result.stderr
    assert https_get(mock, "/__mock/health").returncode == 0


def served_certificate(port: int) -> str:
    result = s_client(port, "-servername", "localhost", "-showcerts")
    start = result.stdout.index("-----BEGIN CERTIFICATE-----")
    end = result.stdout.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
    return result.stdout[start:end] + "\n"


def x509(pem: str, *args: str) -> str:
    return subprocess.run(["openssl", "x509", "-noout", *args], input=pem, capture_output=True, text=True, check=True).stdout


def test_certificate_names_key_and_issuer(mock, tmp_path):
    leaf = served_certificate(mock.port)
    sans = x509(leaf, "-ext", "subjectAltName").splitlines()[1].strip().split(", ")
    assert sans == ["DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1", "DNS:api.cloudflare.com", "DNS:mock.test"]
    text = x509(leaf, "-text")
    assert "ASN1 OID: prime256v1" in text
    assert "TLS Web Server Authentication" in text
    assert "CA:FALSE" in text
    (tmp_path / "leaf.pem").write_text(leaf)
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(mock.ca_file), "-purpose", "sslserver", str(tmp_path / "leaf.pem")],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_served_ca_is_the_written_one_over_http_and_https(mock):
    status, headers, body = mock.raw("GET", "/__mock/tls/ca.pem")
    assert status == 200
    assert headers["Content-Type"] == "application/x-pem-file"
    assert body.decode() == mock.ca_file.read_text()
    assert "CA:TRUE" in x509(body.decode(), "-text")
    over_tls = curl("--cacert", str(mock.ca_file), mock.https + "/__mock/tls/ca.pem")
    assert over_tls.stdout == body.decode()


def test_official_sdk_over_https_with_the_served_ca(mock):
    import cloudflare
    import httpx
    client = cloudflare.Cloudflare(api_token=EDIT_TOKEN, base_url=mock.https + "/client/v4", max_retries=0,
                                   http_client=httpx.Client(verify=str(mock.ca_file)))
    pack = client.ssl.certificate_packs.create(zone_id=ZONE, **ORDER)
    assert pack.status == "initializing"
    fetched = client.ssl.certificate_packs.get(pack.id, zone_id=ZONE)
    assert fetched.id == pack.id
    listed = [p.id for p in client.ssl.certificate_packs.list(zone_id=ZONE, status="all")]
    assert pack.id in listed
    assert mock.control("GET", "requests?limit=1")[-1]["tls"]["alpn"] == "http/1.1"


def test_clients_without_the_ca_are_refused(mock):
    import cloudflare
    import httpx
    result = curl(mock.https + "/__mock/health")
    assert result.returncode == 60  # "SSL certificate problem: unable to get local issuer certificate"
    client = cloudflare.Cloudflare(api_token=EDIT_TOKEN, base_url=mock.https + "/client/v4", max_retries=0,
                                   http_client=httpx.Client())
    with pytest.raises(cloudflare.APIConnectionError):
        client.ssl.certificate_packs.list(zone_id=ZONE)
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_request(mock.port, None, http_request("GET", "/__mock/health"))
    assert https_get(mock, "/__mock/health").returncode == 0


def test_plain_http_h2c_and_https_side_by_side_on_one_port(mock):
    plain = curl("-w", "%{http_version}", "-o", "/dev/null", f"http://127.0.0.1:{mock.port}/__mock/health")
    h2c = curl("--http2-prior-knowledge", "-w", "%{http_version}", "-o", "/dev/null", f"http://127.0.0.1:{mock.port}/__mock/health")
    https = curl("--cacert", str(mock.ca_file), "-w", "%{http_version}", "-o", "/dev/null", "--http2", mock.https + "/__mock/health")
    assert (plain.stdout, h2c.stdout, https.stdout) == ("1.1", "2", "2"), (plain.stderr, h2c.stderr, https.stderr)


def test_api_cloudflare_com_recipe_with_curl_resolve(mock):
    result = curl("--cacert", str(mock.ca_file), "--resolve", f"api.cloudflare.com:{mock.port}:127.0.0.1",
                  "-H", AUTH, "-w", "\n%{http_code}", f"https://api.cloudflare.com:{mock.port}{LIST}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rpartition("\n")[2] == "200"
    # IPv6 loopback is on the certificate too (the mock here listens on 127.0.0.1 only).
    assert "IP Address:0:0:0:0:0:0:0:1" in x509(served_certificate(mock.port), "-ext", "subjectAltName")


def test_fault_rules_apply_over_tls(mock):
    mock.control("POST", "faults", {"path": "*/certificate_packs", "status": 503, "code": 10042, "times": 1})
    _, status, _ = split_answer(https_get(mock, f"/client/v4/zones/{ZONE}/ssl/certificate_packs", "--http1.1"))
    assert status == 503
    mock.control("POST", "faults", {"path": "*/certificate_packs", "action": "reset", "times": 1})
    reset = https_get(mock, f"/client/v4/zones/{ZONE}/ssl/certificate_packs", "--http1.1")
    assert reset.returncode in (35, 52, 56), reset  # connection reset / empty reply
    _, status, _ = split_answer(https_get(mock, f"/client/v4/zones/{ZONE}/ssl/certificate_packs", "--http1.1"))
    assert status == 200


def test_rate_limit_applies_over_tls(mock):
    mock.control("POST", "rate-limit", {"enabled": True, "limit": 2, "window_seconds": 300})
    statuses = [split_answer(https_get(mock, LIST))[1] for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_requests_over_tls_are_logged(mock):
    https_get(mock, LIST + "&page=1")
    assert f"GET /client/v4/zones/{ZONE}/ssl/certificate_packs 200" in mock.log_text()


def test_graceful_stop_finishes_a_request_in_flight_over_tls(tmp_path):
    ca = tmp_path / "ca.pem"
    mock = TLSMock("--tls-ca-out", str(ca), ca_file=ca)
    mock.control("POST", "faults", {"path": "*/certificate_packs", "action": "delay", "delay_ms": 1500})
    answers = []
    def slow():
        answers.append(tls_request(mock.port, ca, http_request("GET", f"/client/v4/zones/{ZONE}/ssl/certificate_packs", headers=EDIT))[0])
    worker = threading.Thread(target=slow)
    worker.start()
    # Wait until the delayed request is in the handler's hands: the rule counts it when it starts.
    for _ in range(2000):
        if mock.control("GET", "faults")[0]["matched"] > 0:
            break
    mock.proc.send_signal(signal.SIGTERM)
    worker.join(20)
    assert answers and answers[0].startswith(b"HTTP/1.1 200"), answers
    assert mock.proc.wait(20) == 0
    mock.log.close()


def test_tls_off_serves_cleartext_only(tmp_path):
    mock = TLSMock("--tls", "off")
    try:
        status, _, body = mock.raw("GET", "/__mock/tls/ca.pem")
        assert status == 404
        assert "TLS is off" in json.loads(body)["errors"][0]["message"]
        assert curl("-k", mock.https + "/__mock/health").returncode == 35
        assert mock.raw("GET", "/__mock/health")[0] == 200
    finally:
        assert mock.stop() == 0


def test_default_start_makes_the_certificate_on_first_need_either_way(tmp_path):
    """Without --tls-ca-out nothing TLS is made at start: the CA asked for first is the one that
    then signs the handshake, and a handshake first is signed by the CA served after it."""
    ca_first = TLSMock()
    try:
        status, _, body = ca_first.raw("GET", "/__mock/tls/ca.pem")
        assert status == 200
        (tmp_path / "ca.pem").write_bytes(body)
        result = curl("--cacert", str(tmp_path / "ca.pem"), "-w", "%{http_code}", "-o", "/dev/null",
                      f"https://localhost:{ca_first.port}/__mock/health")
        assert (result.returncode, result.stdout) == (0, "200"), result.stderr
    finally:
        assert ca_first.stop() == 0
    handshake_first = TLSMock()
    try:
        leaf = served_certificate(handshake_first.port)
        (tmp_path / "leaf.pem").write_text(leaf)
        (tmp_path / "ca2.pem").write_bytes(handshake_first.raw("GET", "/__mock/tls/ca.pem")[2])
        assert (tmp_path / "ca2.pem").read_bytes() != (tmp_path / "ca.pem").read_bytes()
        verify = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ca2.pem"), str(tmp_path / "leaf.pem")],
                                capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        assert handshake_first.stop() == 0


def test_tls_dir_keeps_the_ca_across_starts(tmp_path):
    directory = tmp_path / "ca-dir"
    first = TLSMock("--tls-dir", str(directory))
    try:
        ca = first.raw("GET", "/__mock/tls/ca.pem")[2].decode()
        first_leaf = served_certificate(first.port)
    finally:
        assert first.stop() == 0
    assert (directory / "ca.pem").read_text() == ca
    assert (directory / "ca-key.pem").stat().st_mode & 0o777 == 0o600
    second = TLSMock("--tls-dir", str(directory))
    try:
        assert second.raw("GET", "/__mock/tls/ca.pem")[2].decode() == ca
        # A new server certificate, from the same CA: a client trusting the first start's CA file connects.
        assert served_certificate(second.port) != first_leaf
        result = curl("--cacert", str(directory / "ca.pem"), f"https://localhost:{second.port}/__mock/health")
        assert result.returncode == 0, result.stderr
    finally:
        assert second.stop() == 0


def make_user_certificate(directory):
    """An RSA CA and a server certificate for localhost, as a user's own tooling would make them."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "user-ca.key", "-out", "user-ca.pem", "-days", "2",
            "-subj", "/CN=User Test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (directory / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "user-ca.pem", "-CAkey", "user-ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")


def test_user_pem_files_are_served(tmp_path):
    make_user_certificate(tmp_path)
    mock = TLSMock("--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key"))
    try:
        result = curl("--cacert", str(tmp_path / "user-ca.pem"), "-w", "%{http_code}", "-o", "/dev/null", mock.https + "/__mock/health")
        assert (result.returncode, result.stdout) == (0, "200"), result.stderr
        assert served_certificate(mock.port) == (tmp_path / "server.pem").read_text()
        status, _, body = mock.raw("GET", "/__mock/tls/ca.pem")
        assert status == 404 and "--tls-cert" in json.loads(body)["errors"][0]["message"]
        # The mock's own CA would not do.
        assert curl(mock.https + "/__mock/health").returncode == 60
    finally:
        assert mock.stop() == 0


@pytest.mark.parametrize("args, message", [
    (["--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"),
    (["--tls-cert", "server.pem", "--tls-key", "user-ca.key"], "is not the private key"),
    (["--tls-cert", "missing.pem", "--tls-key", "server.key"], "No such file"),
    (["--tls-cert", "server.pem", "--tls-key", "server.key", "--tls-dir", "d"], "exclude each other"),
    (["--tls-hostname", "bad name"], "neither a DNS name"),
    (["--tls-hostname", "1:2:3:::::::9"], "is not an IP address"),
    (["--tls", "maybe"], "is not one of on, off"),
])
def test_bad_tls_settings_stop_start_up_with_a_message(tmp_path, args, message):
    make_user_certificate(tmp_path)
    result = subprocess.run([BINARY, "--port", "0", *args], capture_output=True, text=True, cwd=tmp_path, timeout=20)
    assert result.returncode == 1
    assert message in result.stderr
