"""Helpers for the reliability tests: the contract tests' MockProcess, the shared raw
HTTP client (Tests/support/rawhttp.py), /proc readings and the figures printed at the end
of the run."""
import importlib.util
import json
import os
import resource
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

sys.path.insert(0, str(REPO / "Tests" / "support"))
from rawhttp import (Response, connect, exchange, healthy, parse_response, read_response,  # noqa: E402,F401
                     request, request_bytes)

# The contract tests' conftest, loaded under its own name (both folders have a conftest.py).
_spec = importlib.util.spec_from_file_location("contract_conftest", REPO / "Tests" / "contract" / "conftest.py")
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

MockProcess = contract.MockProcess
BINARY = contract.BINARY
ZONE, NET_ZONE, NO_ACM_ZONE = contract.ZONE, contract.NET_ZONE, contract.NO_ACM_ZONE
EDIT_TOKEN, READ_TOKEN, NET_TOKEN = contract.EDIT_TOKEN, contract.READ_TOKEN, contract.NET_TOKEN
SEED_PACK = "023e105f4ecef8ad9ca31a8372d0c353"
EDIT = {"Authorization": f"Bearer {EDIT_TOKEN}"}

# Figures measured by the tests, printed by conftest.py at the end of the run.
FIGURES: dict[str, object] = {}


def order_body(zone_name="example.com", **overrides) -> bytes:
    body = {"type": "advanced", "hosts": [zone_name, f"*.{zone_name}"], "validation_method": "txt",
            "validity_days": 90, "certificate_authority": "lets_encrypt"}
    body.update(overrides)
    return json.dumps(body).encode()


def raise_fd_limit(wanted: int) -> int:
    """Raises this process's soft RLIMIT_NOFILE towards `wanted` (never above the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all threads), from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def write_fixtures(directory: Path, quota: int) -> Path:
    """A fixtures folder like the built-in one with a large quota for example.com."""
    zones = json.loads((REPO / "fixtures" / "zones.json").read_text())
    for zone in zones:
        if zone["id"] == ZONE:
            zone["quota"] = quota
    (directory / "zones.json").write_text(json.dumps(zones))
    (directory / "credentials.json").write_text((REPO / "fixtures" / "credentials.json").read_text())
    return directory


def temp_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="certpack-reliability-")


def start_with_fd_limit(limit: int, *args: str) -> "MockProcess":
    """A MockProcess whose binary runs under `ulimit -n limit` (soft and hard), through
    an exec wrapper so the process id stays the server's."""
    wrapper_dir = tempfile.mkdtemp(prefix="certpack-ulimit-")
    wrapper = Path(wrapper_dir) / "certpack-mock"
    wrapper.write_text(f'#!/bin/sh\nulimit -n {limit} || exit 97\nexec "{contract.BINARY}" "$@"\n')
    wrapper.chmod(0o755)
    real = contract.BINARY
    contract.BINARY = str(wrapper)
    try:
        return MockProcess(*args)
    finally:
        contract.BINARY = real


def nofile_limit(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise RuntimeError("no limit")
