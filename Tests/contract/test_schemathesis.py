"""Every answer's shape checked against Cloudflare's own schema (the trimmed OpenAPI file beside this one).

The checks that would demand answers Cloudflare does not give are left out, each for a reason
written in the README ("Conformance"): unauthenticated requests get 400/9106 (not 401/403),
schema-valid ids of unknown objects get 400/7003, malformed auth headers get 400/6003, and the
CA rules refuse pairs the schema allows (e.g. lets_encrypt with 14 days).
"""
import subprocess
from pathlib import Path

from conftest import EDIT_TOKEN, MockProcess

SCHEMA = Path(__file__).with_name("cloudflare-certificate-packs.openapi.json")
CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance", "unsupported_method",
                   "allow_header_conformance", "use_after_free", "ensure_resource_availability"])


def test_schemathesis_finds_no_nonconforming_answer():
    server = MockProcess("--log-level", "warning", "--seed", "7")
    try:
        run = subprocess.run(
            [str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "schemathesis"), "run", str(SCHEMA),
             "--url", server.base_url, "--header", f"Authorization: Bearer {EDIT_TOKEN}",
             "--checks", CHECKS, "--max-examples", "40", "--seed", "1", "--workers", "1", "--no-color"],
            capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert " passed" in run.stdout
    finally:
        assert server.stop() == 0
