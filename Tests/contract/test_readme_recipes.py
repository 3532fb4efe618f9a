"""The README's pytest recipe and CI snippet, run as a reader would run them."""
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
BINARY_DIR = Path(os.environ.get("CERTPACK_MOCK_BIN", REPO / ".build" / "debug" / "certpack-mock")).parent


def block(marker: str, language: str) -> str:
    for body in re.findall(rf"```{language}\n(.*?)```", README, flags=re.S):
        if marker in body:
            return body
    raise AssertionError(f"README has no {language} block containing {marker!r}")


def env_with_binary():
    env = dict(os.environ)
    env["PATH"] = f"{BINARY_DIR}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.pop("CERTPACK_MOCK_BIN", None)
    return env


def test_pytest_recipe_passes(tmp_path):
    (tmp_path / "conftest.py").write_text(block("# conftest.py", "python"))
    (tmp_path / "test_example.py").write_text(block("# test_example.py", "python"))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, env=env_with_binary(), cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_ci_snippet_runs(tmp_path):
    snippet = block("--port-file /tmp/cpm.port", "sh").replace("/tmp/cpm.port", str(tmp_path / "cpm.port"))
    tests = tmp_path / "my_tests"
    tests.mkdir()
    (tests / "test_env.py").write_text(
        "import os, cloudflare\n"
        "def test_reads_base_url():\n"
        "    cf = cloudflare.Cloudflare(api_token='certpackmock-ssl-read-000000000000000000')\n"
        "    assert cf.ssl.certificate_packs.quota.get(zone_id='023e105f4ecef8ad9ca31a8372d0c353').advanced.allocated == 100\n")
    run = subprocess.run(["bash", "-ec", snippet], capture_output=True, text=True, env=env_with_binary(), cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
