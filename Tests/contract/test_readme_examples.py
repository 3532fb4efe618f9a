"""Runs every curl example of the README against a fresh mock and checks the status it promises.

An example is a `curl` command (with its continuation lines) in a ```sh block, preceded by a
`# expect NNN` line; the block's variable lines (`NAME=value`) run first, with MOCK pointing at
the test's mock. State is reset at the start of each block; within a block the examples run
in order, as a reader would type them.
"""
import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import MockProcess

README = Path(__file__).resolve().parents[2] / "README.md"


def examples():
    """(expected status, variable lines, command, first of its block) for every example."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S):
        lines = block.splitlines()
        variables = [l for l in lines if re.match(r"^[A-Z_]+=", l) and not l.startswith("MOCK=")]
        first = True
        i = 0
        while i < len(lines):
            m = re.match(r"# expect (\d{3})$", lines[i])
            if m:
                command = [lines[i + 1]]
                j = i + 1
                while command[-1].endswith("\\"):
                    j += 1
                    command.append(lines[j])
                found.append((int(m.group(1)), variables, "\n".join(command), first))
                first = False
                i = j
            i += 1
    return found


EXAMPLES = examples()


@pytest.fixture(scope="module")
def readme_mock():
    server = MockProcess("--log-level", "warning")
    yield server
    assert server.stop() == 0


def test_readme_has_curl_examples_for_every_control_route():
    assert len(EXAMPLES) >= 25
    text = " ".join(c for _, _, c, _ in EXAMPLES)
    for route in ["health", "reset", "clock/advance", "lifecycle", "packs/step", "/status", "faults", "requests",
                  "requests/count", "zones", "credentials", "rate-limit", "state", "/order", "quota", "-X PATCH", "-X DELETE",
                  "__mock/packs -d", "/ssl/verification", "dcv_delegation/uuid", "retry=true"]:
        assert route in text, route


@pytest.mark.parametrize("expected,variables,command,first", EXAMPLES, ids=[e[2].split("\n")[0][:70] for e in EXAMPLES])
def test_readme_example(readme_mock, expected, variables, command, first):
    if first:
        readme_mock.control("POST", "reset")
    script = "\n".join([f"MOCK={readme_mock.root}", *variables, command + " -o /dev/stderr -w '%{http_code}'"])
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) == expected, run.stderr
    body = json.loads(run.stderr)
    assert body["success"] is (expected < 400)
