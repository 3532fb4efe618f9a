"""What the benchmark sends: the docs' zone and token, the order bodies, and requests
built by the shared raw client (Tests/support/rawhttp.py, also the reliability tests')."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "support"))
import rawhttp  # noqa: E402,F401  (re-exported: the tools use rawhttp.Connection)

ZONE = "023e105f4ecef8ad9ca31a8372d0c353"
TOKEN = "certpackmock-ssl-edit-000000000000000000"
ORDER_PATH = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/order"
QUOTA_PATH = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota"
# The fixture pack whose id is the zone's (active), as get_pack.lua reads it.
PACK_PATH = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/{ZONE}"
SEED_HOSTS = ["example.com", "*.example.com"]
THREE_HOSTS = ["example.com", "*.example.com", "www.example.com"]


def order_body(hosts):
    quoted = ",".join(f'"{h}"' for h in hosts)
    return ('{"type":"advanced","hosts":[' + quoted + '],"validation_method":"txt",'
            '"validity_days":90,"certificate_authority":"lets_encrypt"}').encode()


def request_bytes(method, path, body=b"", token=TOKEN):
    """The request as the benchmark has always sent it: bearer token, and a JSON
    Content-Type with any body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body:
        headers["Content-Type"] = "application/json"
    return rawhttp.request_bytes(method, path, body, headers)
