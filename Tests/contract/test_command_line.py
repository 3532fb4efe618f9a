"""The command line as a newcomer and a Docker HEALTHCHECK use it: subcommands, flags, their
environment twins, and the errors bad settings produce."""
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from conftest import BINARY, REPO, MockProcess


def run(*args: str, env: dict | None = None, timeout: float = 20) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CERTPACK_MOCK_")}
    full_env.update(env or {})
    return subprocess.run([BINARY, *args], capture_output=True, text=True, env=full_env, timeout=timeout)


def free_port() -> int:
    """A port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthcheck_flags_reach_the_subcommand():
    mock = MockProcess()
    try:
        live = run("healthcheck", "--port", str(mock.port), "--host", "127.0.0.1")
        assert (live.returncode, live.stdout.strip()) == (0, "ok"), live.stderr
        # The flag beats the environment twin (the Docker image sets CERTPACK_MOCK_PORT).
        flag_wins = run("healthcheck", "--port", str(mock.port), env={"CERTPACK_MOCK_PORT": str(free_port())})
        assert flag_wins.returncode == 0, flag_wins.stderr
        from_env = run("healthcheck", env={"CERTPACK_MOCK_PORT": str(mock.port)})
        assert from_env.returncode == 0, from_env.stderr
    finally:
        assert mock.stop() == 0
    dead = run("healthcheck", "--port", str(mock.port), "--timeout", "1")
    assert dead.returncode == 1
    assert f"no healthy mock at 127.0.0.1:{mock.port}" in dead.stderr


def test_healthcheck_on_a_port_that_is_not_a_mock_fails():
    # Something that accepts but does not speak HTTP: the probe must not report it healthy.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        result = run("healthcheck", "--port", str(port), "--timeout", "1")
    assert result.returncode == 1


def test_serve_can_be_named_and_stops_cleanly_on_sigterm(tmp_path: Path):
    # Every other test starts the mock without a subcommand; this one names it.
    port_file = tmp_path / "port"
    proc = subprocess.Popen([BINARY, "serve", "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.01)
        result = run("healthcheck", "--port", port_file.read_text().strip())
        assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
    finally:
        proc.terminate()
        assert proc.wait(timeout=15) == 0
    assert "stopped" in proc.stderr.read()


def test_serve_help_lists_every_readme_flag_with_its_env_twin():
    help_text = re.sub(r"\s+", " ", run("serve", "--help").stdout)
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("| Flag | Env | Default |"):]
    table = table[:table.index("\n\n")]
    flags = re.findall(r"`(--[a-z-]+)`", table)
    assert len(flags) >= 20
    for flag in flags:
        assert f"{flag} <" in help_text, f"{flag} is in the README but not in serve --help"
    for env in set(re.findall(r"CERTPACK_MOCK_[A-Z_]+", table)):
        assert env in help_text, f"{env} is in the README but not in serve --help"
    root_help = run("--help").stdout
    assert "serve (default)" in root_help and "healthcheck" in root_help


def test_every_serve_flag_shows_its_own_env_twin():
    # A flag's name and its help's variable both come from one Setting, so `--pack-id-format`
    # must show CERTPACK_MOCK_PACK_ID_FORMAT, and likewise for every option of `serve`.
    help_text = run("serve", "--help").stdout
    entries = re.findall(r"^  (--[a-z-]+) <([a-z-]+)>(.*?)(?=^  -|\Z)", help_text, re.M | re.S)
    assert len(entries) >= 30, help_text
    for flag, value_name, text in entries:
        env = "CERTPACK_MOCK_" + flag[2:].upper().replace("-", "_")
        assert value_name == flag[2:], (flag, value_name)
        assert f"(env: {env}" in re.sub(r"\s+", " ", text), (flag, text)


def test_bad_settings_name_the_setting_and_the_fix(tmp_path: Path):
    cases = [
        (["--lifecycle", "bogus"], {}, "--lifecycle 'bogus' is not one of timed, immediate, manual, per-read"),
        ([], {"CERTPACK_MOCK_LIFECYCLE": "bogus"}, "CERTPACK_MOCK_LIFECYCLE"),
        (["--port", "70000"], {}, "--port must be from 0 to 65535"),
        (["--fixtures", str(tmp_path)], {}, "zones.json: cannot read the file"),
        (["--clock-start", "yesterday"], {}, "neither seconds since 1970 nor RFC 3339"),
        (["--log-format", "xml"], {}, "log format 'xml' is not one of text, json"),
    ]
    for args, env, message in cases:
        result = run("--port", "0", *args, env=env)
        assert result.returncode == 1, (args, env, result.stderr)
        assert message in result.stderr, (args, env, result.stderr)
    unknown = run("--bogus")
    assert unknown.returncode == 64 and "Unknown option '--bogus'" in unknown.stderr


def test_serve_flags_alone_still_get_the_roots_help_and_errors():
    """A line of serve's flags alone is parsed by serve directly (the root's own pass costs a
    fifth of start-up); a mistake, --help or a completion request on such a line must still be
    answered by the root: its usage line, its help, its script with both subcommands."""
    bad = run("--port", "abc")
    assert bad.returncode == 64, bad.stderr
    assert "Error: The value 'abc' is invalid for '--port <port>'" in bad.stderr
    assert "Usage: certpack-mock serve <options>" in bad.stderr
    shown = run("--port", "0", "--help")
    assert shown.returncode == 0 and "USAGE: certpack-mock serve <options>" in shown.stdout, shown.stdout
    script = run("--generate-completion-script", "bash")
    assert script.returncode == 0 and "complete -o filenames -F _certpack-mock certpack-mock" in script.stdout
    assert "healthcheck" in script.stdout


def test_a_taken_port_is_reported_with_a_way_out():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run("--host", "127.0.0.1", "--port", str(port))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1 port {port}" in result.stderr and "--port 0" in result.stderr


def test_clock_start_takes_rfc3339_or_epoch_seconds():
    for start, expected in [("2026-01-01T00:00:00Z", 1767225600.0), ("1767225600.5", 1767225600.5)]:
        mock = MockProcess("--clock", "manual", "--clock-start", start)
        try:
            clock = mock.control("GET", "clock")
            assert (clock["epoch_seconds"], clock["mode"]) == (expected, "manual")
        finally:
            assert mock.stop() == 0


def thread_policies(pid: int) -> set[int]:
    """The scheduling policy of every thread of process `pid`."""
    return {os.sched_getscheduler(int(tid)) for tid in os.listdir(f"/proc/{pid}/task")}


def test_cpu_scheduling_batch_and_normal_set_every_thread(monkeypatch):
    for args, env, policy in [(("--cpu-scheduling", "normal"), None, os.SCHED_OTHER),
                              (("--cpu-scheduling", "batch"), None, os.SCHED_BATCH),
                              ((), "batch", os.SCHED_BATCH)]:
        if env:
            monkeypatch.setenv("CERTPACK_MOCK_CPU_SCHEDULING", env)
        mock = MockProcess(*args)
        monkeypatch.delenv("CERTPACK_MOCK_CPU_SCHEDULING", raising=False)
        try:
            # Served requests have started libdispatch's event and worker threads.
            for _ in range(20):
                assert mock.raw("GET", "/__mock/health")[0] == 200
            assert thread_policies(mock.proc.pid) == {policy}, (args, env)
        finally:
            assert mock.stop() == 0
    bad = run("--cpu-scheduling", "fast", "--port", "0")
    assert bad.returncode != 0
    assert "--cpu-scheduling 'fast' is not one of normal, batch, adaptive" in bad.stderr


def test_adaptive_scheduling_is_normal_while_another_process_keeps_the_cpus_busy():
    # The default. One busy loop per CPU the mock may use: within a few samples (a quarter
    # second each) every thread of the mock must be under the normal policy, so its answers
    # do not wait behind the loops. (Without them it may be either: that depends on the machine.)
    mock = MockProcess()
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in os.sched_getaffinity(mock.proc.pid)]
    try:
        assert mock.raw("GET", "/__mock/health")[0] == 200
        deadline = time.monotonic() + 5
        while thread_policies(mock.proc.pid) != {os.SCHED_OTHER}:
            assert time.monotonic() < deadline, thread_policies(mock.proc.pid)
            time.sleep(0.05)
        started = time.monotonic()
        for _ in range(20):
            assert mock.raw("GET", "/__mock/health")[0] == 200
        assert time.monotonic() - started < 2
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
        assert mock.stop() == 0
