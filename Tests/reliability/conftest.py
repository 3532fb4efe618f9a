"""Reliability tests: hostile input, slow clients, load, descriptor exhaustion,
shutdown and security checks against the built binary (CERTPACK_MOCK_BIN)."""
import json
import os

import pytest

from reliability_support import FIGURES, MockProcess


@pytest.fixture(scope="module")
def mock():
    """One mock per test module, on a manual clock."""
    server = MockProcess("--clock", "manual", "--seed", "7")
    yield server
    assert server.proc.poll() is None, "the mock died during the module"
    assert server.stop() == 0


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, value in FIGURES.items():
        terminalreporter.write_line(f"{name}: {value}")
    path = os.environ.get("RELIABILITY_FIGURES")
    if path:
        with open(path, "w") as f:
            json.dump(FIGURES, f, indent=2, default=str)
