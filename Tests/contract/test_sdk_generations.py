"""Every generation of Cloudflare's Python SDK, one scenario each, in its own cached venv.

The venvs (`.venv-sdk-2`, `-3`, `-4`, pinned by `sdk_generations/sdk-N.txt`) are made by
scripts/test.sh, which sets CERTPACK_SDK_GENERATIONS=required so a missing one fails there;
run by hand without them, these tests skip and say how to make them. 5.9 is test_sdk_contract.py.
"""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).with_name("sdk_generations")


@pytest.mark.parametrize("generation,scenario", [("2", "scenario_python_cloudflare.py"),
                                                 ("3", "scenario_stainless.py"),
                                                 ("4", "scenario_stainless.py")])
def test_sdk_generation_scenario(mock_server, generation, scenario):
    python = REPO / f".venv-sdk-{generation}" / "bin" / "python"
    pin = (SCENARIOS / f"sdk-{generation}.txt").read_text().split("==")[-1].strip()
    if not python.exists():
        if os.environ.get("CERTPACK_SDK_GENERATIONS") == "required":
            pytest.fail(f"{python} missing: scripts/test.sh makes it")
        pytest.skip(f"no {python}; scripts/test.sh makes it from sdk_generations/sdk-{generation}.txt")
    run = subprocess.run([str(python), str(SCENARIOS / scenario), mock_server.root],
                         capture_output=True, text=True, timeout=120, cwd=SCENARIOS)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith(f"ok {pin} "), run.stdout
