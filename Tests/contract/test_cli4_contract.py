"""cli4 (cloudflare-cli4, python-cloudflare v2), as its users type it, against the mock."""
import json
import os
import subprocess
from pathlib import Path

from conftest import EDIT_TOKEN, ZONE

CLI4 = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "cli4")


def cli4(mock, *args, token=EDIT_TOKEN):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDFLARE_", "CF_"))}
    env.update(CLOUDFLARE_API_URL=mock.base_url, CLOUDFLARE_API_TOKEN=token, HOME=str(Path(mock._dir.name)))
    return subprocess.run([CLI4, *args], capture_output=True, text=True, env=env, timeout=60)


def test_order_get_list_quota_delete(mock_server):
    ordered = cli4(mock_server, "--post", "type=advanced", 'hosts=["example.com","*.example.com"]', "validation_method=txt",
                   "validity_days==90", "certificate_authority=lets_encrypt", "cloudflare_branding=false",
                   f"/zones/:{ZONE}/ssl/certificate_packs/order")
    assert ordered.returncode == 0, ordered.stderr
    pack = json.loads(ordered.stdout)
    assert pack["status"] == "initializing" and pack["hosts"] == ["example.com", "*.example.com"]

    got = json.loads(cli4(mock_server, f"/zones/:{ZONE}/ssl/certificate_packs/:{pack['id']}").stdout)
    assert got["id"] == pack["id"]
    listed = json.loads(cli4(mock_server, "status=all", f"/zones/:{ZONE}/ssl/certificate_packs").stdout)
    assert pack["id"] in [p["id"] for p in listed]
    quota = json.loads(cli4(mock_server, f"/zones/:{ZONE}/ssl/certificate_packs/quota").stdout)
    assert quota == {"advanced": {"allocated": 100, "used": 4}}
    deleted = json.loads(cli4(mock_server, "--delete", f"/zones/:{ZONE}/ssl/certificate_packs/:{pack['id']}").stdout)
    assert deleted == {"id": pack["id"]}


def test_errors_surface_with_cloudflare_codes(mock_server):
    bad_token = cli4(mock_server, f"/zones/:{ZONE}/ssl/certificate_packs", token="A" * 40)
    assert bad_token.returncode != 0
    assert "9109" in bad_token.stderr and "Invalid access token" in bad_token.stderr
    missing = cli4(mock_server, "--post", "type=advanced", f"/zones/:{ZONE}/ssl/certificate_packs/order")
    assert missing.returncode != 0 and "1471" in missing.stderr
