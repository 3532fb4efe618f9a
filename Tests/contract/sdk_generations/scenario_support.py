"""What the generation scenarios share: the mock's ids, its control API, a check counter.

Runs under each generation's own Python (no pytest there); a failed check raises and the
process exits non-zero with the traceback, which the pytest side shows.
"""
import json
import sys
import urllib.request

ZONE = "023e105f4ecef8ad9ca31a8372d0c353"
EDIT_TOKEN = "certpackmock-ssl-edit-000000000000000000"
DOCS_PACK = "3822ff90-ea29-44df-9e55-21300bb9419b"
WAITING_PACK = "a77f8bd7-3b47-46b4-a6f1-75cf98109948"
ORDER = dict(type="advanced", hosts=["example.com", "*.example.com"], validation_method="txt",
             validity_days=90, certificate_authority="lets_encrypt")
ROOT = sys.argv[1]
BASE_URL = ROOT + "/client/v4"
checks = 0


def control(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(ROOT + "/__mock/" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["result"]


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def done(version):
    print(f"ok {version} {checks} checks")
