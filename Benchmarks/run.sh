#!/usr/bin/env bash
# Benchmark the mock beside nginx on the same machine, in the same run.
# See Benchmarks/README.md. Needs: swift, wrk, nginx, valgrind, python3, taskset, strip.
#
# Knobs (environment): BENCH_DURATION (seconds per wrk run, default 5),
# BENCH_ROUNDS (runs per server and row, default 3; the median is reported),
# BENCH_CONNECTIONS (default "1 64 256"), BENCH_SERVER_CPU / BENCH_CLIENT_CPU
# (default 0 / 1), BENCH_ORDERS (RSS fill, default 100000), BENCH_CALLGRIND_N
# (default 2000; 0 skips the profile), BENCH_H2 (HTTP/2 rows with h2load when it is
# installed; 0 skips them), BENCH_NGINX_ACCESS_LOG (on = nginx's
# default access log, one line per request; off), BENCH_DEADLINE (seconds after
# the build before everything is stopped, default 900), BENCH_TLS (0 skips the TLS rows of
# Benchmarks/tls.sh; they add about 3 minutes), BENCH_MOCK_CONFIG (default: the mock as
# it starts, one log line and one journal entry per request; tuned: --log-level warning
# --journal-limit 0), BENCH_CHART_TO_DOCS (1 copies the run's chart.png to
# docs/benchmark.png, the README's figure; default 0).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
TOOLS="$BENCH_DIR/tools"
DURATION="${BENCH_DURATION:-5}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONNECTIONS="${BENCH_CONNECTIONS:-1 64 256}"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
ORDERS="${BENCH_ORDERS:-100000}"
CALLGRIND_N="${BENCH_CALLGRIND_N:-2000}"
NGINX_ACCESS_LOG="${BENCH_NGINX_ACCESS_LOG:-on}"
DEADLINE="${BENCH_DEADLINE:-900}"
MOCK_CONFIG="${BENCH_MOCK_CONFIG:-default}"
SCRATCH="${BENCH_SCRATCH:-$ROOT/.build-bench}"

ZONE=023e105f4ecef8ad9ca31a8372d0c353
GET_PATH="/client/v4/zones/$ZONE/ssl/certificate_packs/$ZONE"
ORDER_PATH="/client/v4/zones/$ZONE/ssl/certificate_packs/order"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in wrk nginx valgrind callgrind_annotate python3 taskset strip swift; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install -y wrk nginx-light valgrind python3 util-linux binutils)"
done
[ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 CPUs; server and client will share a core"

# --- processes: every one started by PID, stopped by PID --------------------
PIDS=()
WORK=""
stop_pid() { # TERM the PID, KILL it after 5 s, then KILL any of its children left over
    local pid=$1 children child
    kill -0 "$pid" 2>/dev/null || return 0
    children="$(ps -o pid= --ppid "$pid" 2>/dev/null || true)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for child in $children; do kill -KILL "$child" 2>/dev/null || true; done
}
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
forget_pid() { local keep=() p; for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
stop() { stop_pid "$1"; forget_pid "$1"; }

# --- build ------------------------------------------------------------------
log "building release binary (scratch path $SCRATCH)"
# The binary as docker/Dockerfile ships it: a static executable (Swift runtime, Foundation and
# the C library inside), which starts without the dynamic loader and maps fewer pages.
RELEASE_FLAGS=(-c release --static-swift-stdlib -Xswiftc -static-executable --scratch-path "$SCRATCH")
(cd "$ROOT" && swift build "${RELEASE_FLAGS[@]}" >&2)
BIN="$(cd "$ROOT" && swift build "${RELEASE_FLAGS[@]}" --show-bin-path)/certpack-mock"
[ -x "$BIN" ] || die "no binary at $BIN"

# From here on the run is bounded: a watchdog we started (and stop) by PID.
( sleep "$DEADLINE"; echo "[bench] deadline of ${DEADLINE}s passed, stopping" >&2; kill -TERM $$ ) &
PIDS+=($!)

WORK="$(mktemp -d -t certpack-bench.XXXXXX)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$BENCH_DIR/results/$STAMP"
mkdir -p "$OUT"
RAW="$OUT/raw.txt"
: >"$RAW"
export BENCH_WRK_DIR="$BENCH_DIR/wrk"
SERVER_PIN=(taskset -c "$SERVER_CPU")
CLIENT_PIN=(taskset -c "$CLIENT_CPU")
py() { "${CLIENT_PIN[@]}" python3 "$TOOLS/$1" "${@:2}"; }

{
    echo "MACHINE $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs, $(free -m | awk '/Mem:/ {print $2}') MiB RAM, Linux $(uname -r)"
    echo "MACHINE $(swift --version 2>&1 | head -1 | sed 's/ (.*//'), $(nginx -v 2>&1 | sed 's/.*: //'), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), $(valgrind --version)"
    echo "MACHINE source $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$ROOT" status --porcelain -- Sources Package.swift 2>/dev/null)" ] && echo ' with uncommitted changes in Sources/')"
    echo "MACHINE server pinned to CPU $SERVER_CPU, wrk -t1 pinned to CPU $CLIENT_CPU, median of $ROUNDS runs of ${DURATION}s per row, nginx access log $NGINX_ACCESS_LOG, mock configuration $MOCK_CONFIG"
} >>"$RAW"

# Fixtures: the repository's, with a quota no benchmark exhausts.
py util.py fixtures "$ROOT/fixtures" "$WORK/fixtures" "$ZONE" 100000000

# The fixture quota is the only change to the default configuration, unless tuned.
case $MOCK_CONFIG in
    default) MOCK_ARGS=(--host 127.0.0.1 --fixtures "$WORK/fixtures") ;;
    tuned) MOCK_ARGS=(--host 127.0.0.1 --log-level warning --journal-limit 0 --fixtures "$WORK/fixtures") ;;
    *) die "BENCH_MOCK_CONFIG is default or tuned, not $MOCK_CONFIG" ;;
esac

start_mock() { # start_mock BINARY PORTFILE [wrapper...]; sets MOCK_PID and MOCK_PORT
    local bin=$1 portfile=$2; shift 2
    rm -f "$portfile"
    "$@" "$bin" "${MOCK_ARGS[@]}" --port 0 --port-file "$portfile" >"$WORK/mock.log" 2>&1 &
    MOCK_PID=$!
    PIDS+=("$MOCK_PID")
    for _ in $(seq 600); do [ -s "$portfile" ] && break; kill -0 "$MOCK_PID" || die "mock exited: $(cat "$WORK/mock.log")"; sleep 0.05; done
    [ -s "$portfile" ] || die "mock did not write its port file"
    MOCK_PORT="$(cat "$portfile")"
}

# --- the mock's answers, so nginx can answer with the same bytes -------------
log "starting the mock"
start_mock "$BIN" "$WORK/mock.port" "${SERVER_PIN[@]}"
py util.py wait "$MOCK_PORT" /__mock/health 10
read -r status get_len < <(py util.py fetch "$MOCK_PORT" GET "$GET_PATH" "$WORK/get.json")
[ "$status" = 200 ] || die "mock GET answered $status"
read -r status order_len < <(py util.py fetch "$MOCK_PORT" POST "$ORDER_PATH" "$WORK/order.json")
[ "$status" = 200 ] || die "mock order answered $status"
for f in get order; do
    if grep -q "[\$'\\\\]" "$WORK/$f.json"; then die "$f body has characters nginx's return would need escaped"; fi
done

NGINX_PORT="$(py util.py freeport)"
NGINX_H2_PORT="$(py util.py freeport)"
mkdir -p "$WORK/nginx"
if [ "$NGINX_ACCESS_LOG" = on ]; then ACCESS_LOG="access_log $WORK/nginx/access.log;"; else ACCESS_LOG="access_log off;"; fi
cat >"$WORK/nginx/nginx.conf" <<EOF
# Written by Benchmarks/run.sh. One worker, foreground, loopback only, the
# stock access log (one line per request) unless BENCH_NGINX_ACCESS_LOG=off.
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    $ACCESS_LOG
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_requests 100000000;  # the mock never closes a keep-alive connection on count
    default_type application/json;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = $ORDER_PATH { return 200 '$(cat "$WORK/order.json")'; }
        location = $GET_PATH { return 200 '$(cat "$WORK/get.json")'; }
        location = / { return 200 '{"status":"ok"}'; }
    }
    server {
        # HTTP/2 with prior knowledge (h2c), the same answers: the h2load rows' yardstick.
        listen 127.0.0.1:$NGINX_H2_PORT http2;
        location = $ORDER_PATH { return 200 '$(cat "$WORK/order.json")'; }
        location = $GET_PATH { return 200 '$(cat "$WORK/get.json")'; }
    }
}
EOF
cp "$WORK/nginx/nginx.conf" "$OUT/nginx.conf"
NGINX_CMD=(nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf")

log "starting nginx on 127.0.0.1:$NGINX_PORT"
"${SERVER_PIN[@]}" "${NGINX_CMD[@]}" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
py util.py wait "$NGINX_PORT" / 10
sleep 0.5
NGINX_WORKERS="$(ps -o pid= --ppid "$NGINX_PID" | tr -d ' ' | tr '\n' ' ')"
NGINX_IDLE_KB="$(py util.py rss "$NGINX_PID" $NGINX_WORKERS)"
read -r status len < <(py util.py fetch "$NGINX_PORT" GET "$GET_PATH" "$WORK/nginx-get.json")
[ "$status" = 200 ] && [ "$len" = "$get_len" ] || die "nginx GET answered $status with $len bytes (mock: $get_len)"
read -r status len < <(py util.py fetch "$NGINX_PORT" POST "$ORDER_PATH" "$WORK/nginx-order.json")
[ "$status" = 200 ] && [ "$len" = "$order_len" ] || die "nginx order answered $status with $len bytes (mock: $order_len)"

# --- throughput and latency ---------------------------------------------------
run_wrk() { # run_wrk ENDPOINT SCRIPT CONNS SERVER PORT SECONDS [ROUND]
    local endpoint=$1 script=$2 conns=$3 server=$4 port=$5 seconds=$6 round=${7:-}
    local file="$OUT/wrk-$endpoint-c$conns-$server-r$round.txt"
    [ -n "$round" ] || file="$WORK/warmup.txt"
    local pids cpu_before cpu_after csw_before csw_after
    if [ "$server" = mock ]; then pids="$MOCK_PID"; else pids="$NGINX_PID $NGINX_WORKERS"; fi
    cpu_before="$(py util.py cpu $pids)"
    csw_before="$(py util.py switches $pids)"
    "${CLIENT_PIN[@]}" wrk -t1 -c"$conns" -d"${seconds}s" --timeout 5s -s "$BENCH_DIR/wrk/$script" \
        "http://127.0.0.1:$port/" >"$file" 2>&1 || die "wrk failed: $(cat "$file")"
    cpu_after="$(py util.py cpu $pids)"
    csw_after="$(py util.py switches $pids)"
    if [ -n "$round" ]; then
        local line; line="$(grep '^BENCH ' "$file")" || die "no BENCH line in $file"
        echo "RUN endpoint=$endpoint conns=$conns server=$server round=$round ${line#BENCH } server_cpu_us=$((cpu_after - cpu_before)) server_csw=$((csw_after - csw_before))" >>"$RAW"
        log "$endpoint c=$conns round $round $server: $(echo "$line" | grep -o 'rps=[0-9.]*')"
    fi
}
port_of() { if [ "$1" = mock ]; then echo "$MOCK_PORT"; else echo "$NGINX_PORT"; fi; }
# GET first (the store holds only the fixtures), then POST (every order is stored).
# Each row is ROUNDS back-to-back pairs, the order within a pair alternating, so
# drift on this shared machine hits both servers alike; report.py takes medians.
for pair in "GET get_pack.lua" "POST order.lua"; do
    set -- $pair
    for server in nginx mock; do run_wrk "$1" "$2" 64 "$server" "$(port_of $server)" 2; done  # warm-up
    for conns in $CONNECTIONS; do
        for round in $(seq "$ROUNDS"); do
            order="nginx mock"; [ $((round % 2)) -eq 0 ] && order="mock nginx"
            for server in $order; do
                run_wrk "$1" "$2" "$conns" "$server" "$(port_of $server)" "$DURATION" "$round"
            done
        done
    done
done

# --- HTTP/2: h2load with prior knowledge, the mock's own port beside nginx's http2 listener
run_h2load() { # run_h2load ENDPOINT CONNS STREAMS SERVER PORT SECONDS [ROUND]
    local endpoint=$1 conns=$2 streams=$3 server=$4 port=$5 seconds=$6 round=${7:-}
    local file="$OUT/h2load-$endpoint-c$conns-m$streams-$server-r$round.txt" pids cpu_before cpu_after
    [ -n "$round" ] || file="$WORK/h2-warmup.txt"
    local path=$GET_PATH args=()
    if [ "$endpoint" = POST ]; then
        path=$ORDER_PATH
        args=(-d "$WORK/order-body.json" -H "content-type: application/json")
    fi
    if [ "$server" = mock ]; then pids="$MOCK_PID"; else pids="$NGINX_PID $NGINX_WORKERS"; fi
    cpu_before="$(py util.py cpu $pids)"
    "${CLIENT_PIN[@]}" h2load -t1 -c"$conns" -m"$streams" -D"$seconds" "${args[@]}" \
        -H "authorization: Bearer certpackmock-ssl-edit-000000000000000000" \
        "http://127.0.0.1:$port$path" >"$file" 2>&1 || die "h2load failed: $(tail -5 "$file")"
    cpu_after="$(py util.py cpu $pids)"
    [ -n "$round" ] || return 0
    local line
    line="$(python3 - "$file" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"finished in [0-9.]+s, ([0-9.]+) req/s", text).group(1)
done, ok, failed = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed", text).groups()
codes = re.search(r"status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text).groups()
mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", text).group(1)
us = float(mean[:-2]) * 1000 if mean.endswith("ms") else float(mean[:-2]) if mean.endswith("us") else float(mean[:-1]) * 1e6
print(f"rps={rps} requests={done} succeeded={ok} failed={failed} non2xx={sum(map(int, codes))} mean_us={us:.0f}")
PY
)" || die "cannot read $file"
    echo "H2 endpoint=$endpoint conns=$conns streams=$streams server=$server round=$round $line server_cpu_us=$((cpu_after - cpu_before))" >>"$RAW"
    log "h2 $endpoint c=$conns m=$streams round $round $server: $(echo "$line" | grep -o 'rps=[0-9.]*')"
}
if [ "${BENCH_H2:-1}" != 0 ] && command -v h2load >/dev/null; then
    printf '%s' '{"type":"advanced","hosts":["example.com","*.example.com"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}' >"$WORK/order-body.json"
    h2_port_of() { if [ "$1" = mock ]; then echo "$MOCK_PORT"; else echo "$NGINX_H2_PORT"; fi; }
    for endpoint in GET POST; do
        for server in nginx mock; do run_h2load "$endpoint" 64 1 "$server" "$(h2_port_of $server)" 2; done  # warm-up
        for shape in "64 1" "4 32"; do
            set -- $shape
            for round in $(seq "$ROUNDS"); do
                order="nginx mock"; [ $((round % 2)) -eq 0 ] && order="mock nginx"
                for server in $order; do
                    run_h2load "$endpoint" "$1" "$2" "$server" "$(h2_port_of $server)" "$DURATION" "$round"
                done
            done
        done
    done
else
    log "h2load not installed (apt-get install nghttp2-client) or BENCH_H2=0: no HTTP/2 rows"
fi
stop "$MOCK_PID"
stop "$NGINX_PID"

# --- POST in other configurations beside the one measured above ---------------------
# Fresh mocks a round (so the store grows alike in each): as configured (plain), tuned
# (no request log, no journal), with --state-file and with --cpu-scheduling normal (the
# default is adaptive); the order rotates every round. Reported as POST-<variant> rows and
# their per-round ratios.
log "POST tuned, with --state-file and with --cpu-scheduling normal beside the plain one, 64 connections"
PLAIN_ARGS=("${MOCK_ARGS[@]}")
VARIANTS=(plain tuned state-file normal)
[ "$MOCK_CONFIG" = tuned ] && VARIANTS=(plain state-file normal)
for round in $(seq "$ROUNDS"); do
    for k in "${!VARIANTS[@]}"; do
        variant="${VARIANTS[$(( (k + round) % ${#VARIANTS[@]} ))]}"
        rm -f "$WORK/state.json"
        MOCK_ARGS=("${PLAIN_ARGS[@]}")
        case $variant in
            state-file) MOCK_ARGS+=(--state-file "$WORK/state.json") ;;
            tuned) MOCK_ARGS+=(--log-level warning --journal-limit 0) ;;
            normal) MOCK_ARGS+=(--cpu-scheduling normal) ;;
        esac
        start_mock "$BIN" "$WORK/mock.port" "${SERVER_PIN[@]}"
        py util.py wait "$MOCK_PORT" /__mock/health 10
        run_wrk "POST-$variant" order.lua 64 mock "$MOCK_PORT" "$DURATION" "$round"
        stop "$MOCK_PID"
        [ "$variant" = state-file ] && log "state file after a graceful stop: $(wc -c <"$WORK/state.json") bytes"
    done
done
MOCK_ARGS=("${PLAIN_ARGS[@]}")

# --- start-up -----------------------------------------------------------------
log "start-up, median of 10 each (interleaved)"
STARTUP_PORT="$(py util.py freeport)"
py startup.py --runs 10 \
    --server nginx "$NGINX_PORT" / "$(printf '%q ' "${SERVER_PIN[@]}" "${NGINX_CMD[@]}")" \
    --server mock "$STARTUP_PORT" /__mock/health "$(printf '%q ' "${SERVER_PIN[@]}" "$BIN" "${MOCK_ARGS[@]}" --port "$STARTUP_PORT")" \
    | tee -a "$RAW" >&2

# --- memory: idle, then after ORDERS orders of 3 hosts ------------------------
log "RSS: idle, then $ORDERS orders"
start_mock "$BIN" "$WORK/mock.port" "${SERVER_PIN[@]}"
py util.py wait "$MOCK_PORT" /__mock/health 10
sleep 1
IDLE_KB="$(py util.py rss "$MOCK_PID")"
# Half the orders, then the rest: the journal (10,000 entries in the default configuration)
# is full at half-way, so the second half's growth is what a stored pack costs alone.
HALF=$((ORDERS / 2))
BEFORE_USED="$(py fill.py "$MOCK_PORT" 0)" || die "quota read failed"
py fill.py "$MOCK_PORT" "$HALF" --hosts 3 >/dev/null || die "some orders failed"
sleep 1
HALF_KB="$(py util.py rss "$MOCK_PID")"
USED="$(py fill.py "$MOCK_PORT" $((ORDERS - HALF)) --hosts 3)" || die "some orders failed"
[ "$USED" = $((BEFORE_USED + ORDERS)) ] || log "warning: quota used is $USED, expected $((BEFORE_USED + ORDERS)) (the fixtures' packs + orders)"
sleep 1
AFTER_KB="$(py util.py rss "$MOCK_PID")"
echo "RSS mock_idle_kb=$IDLE_KB mock_half_kb=$HALF_KB mock_after_kb=$AFTER_KB orders=$ORDERS used=$USED nginx_idle_kb=$NGINX_IDLE_KB" | tee -a "$RAW" >&2
stop "$MOCK_PID"

# --- instructions per POST (callgrind) ------------------------------------------
CG_TABLES="$OUT/callgrind-top.md"
if [ "$CALLGRIND_N" -gt 0 ]; then
    # valgrind 3.19 cannot read Swift 6.3's DWARF: profile a copy without debug info
    # (the symbol table stays, so functions keep their names).
    STRIPPED="$WORK/certpack-mock-stripped"
    strip --strip-debug -o "$STRIPPED" "$BIN"
    profile_mock() { # profile_mock N LABEL [TOOL ARGS...]: callgrind.LABEL.out after TOOL PORT N ARGS
        local n=$1 label=$2 tool=${3:-}; shift 2; [ $# -eq 0 ] || shift
        log "callgrind: $n requests ($label)"
        # The adaptive scheduler's four samples a second cost by time, not per request: left
        # out, or the longer loaded run would charge them to its requests.
        local saved=("${MOCK_ARGS[@]}")
        MOCK_ARGS+=(--cpu-scheduling normal)
        start_mock "$STRIPPED" "$WORK/cg.port" "${SERVER_PIN[@]}" timeout -s KILL 300 \
            valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$label.out"
        MOCK_ARGS=("${saved[@]}")
        # `timeout` runs valgrind as its child; signal valgrind itself.
        VG_PID="$(ps -o pid= --ppid "$MOCK_PID" | tr -d ' ')"
        if [ "$n" -gt 0 ]; then
            py "$tool" "$MOCK_PORT" "$n" "$@" >/dev/null || die "callgrind requests ($label) failed"
        fi
        # A SIGTERM that lands before the mock's signal handling is armed is lost
        # (a wide window under valgrind), so repeat it until the mock exits.
        for attempt in $(seq 30); do
            kill -TERM "$VG_PID" 2>/dev/null || break
            [ "$attempt" -eq 1 ] || log "callgrind: SIGTERM again ($attempt)"
            sleep 1
        done
        wait "$MOCK_PID" || true
        forget_pid "$MOCK_PID"
    }
    profile_mock 0 0
    profile_mock "$CALLGRIND_N" "$CALLGRIND_N" fill.py --hosts 2 --sequential --no-verify
    py callgrind_top.py "$OUT/callgrind.0.out" "$OUT/callgrind.$CALLGRIND_N.out" "$CALLGRIND_N" >"$CG_TABLES"
    head -1 "$CG_TABLES" | tee -a "$RAW" >&2
    # A GET of the active fixture pack, counted the same way (the idle run is shared).
    profile_mock "$CALLGRIND_N" "get-$CALLGRIND_N" reads.py
    py callgrind_top.py "$OUT/callgrind.0.out" "$OUT/callgrind.get-$CALLGRIND_N.out" "$CALLGRIND_N" >"$OUT/callgrind-top-get.md"
    head -1 "$OUT/callgrind-top-get.md" | sed 's/^INSTR /INSTR_GET /' | tee -a "$RAW" >&2

    # The same count for nginx as a yardstick that machine noise cannot move:
    # one process (master_process off) so the profiled process is the one serving.
    sed 's/^daemon off;/daemon off;\nmaster_process off;/' "$WORK/nginx/nginx.conf" >"$WORK/nginx/nginx-cg.conf"
    for n in 0 "$CALLGRIND_N"; do
        log "callgrind nginx: $n orders"
        "${SERVER_PIN[@]}" timeout -s KILL 300 valgrind --tool=callgrind \
            --callgrind-out-file="$OUT/callgrind-nginx.$n.out" \
            nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx-cg.conf" \
            >"$WORK/nginx-cg.log" 2>&1 &
        CG_PID=$!
        PIDS+=("$CG_PID")
        py util.py listening "$NGINX_PORT" 60 || die "nginx under valgrind did not listen"
        if [ "$n" -gt 0 ]; then
            py fill.py "$NGINX_PORT" "$n" --hosts 2 --sequential --no-verify >/dev/null || die "nginx callgrind orders failed"
        fi
        VG_PID="$(ps -o pid= --ppid "$CG_PID" | tr -d ' ')"
        kill -TERM "$VG_PID"
        wait "$CG_PID" || true
        forget_pid "$CG_PID"
    done
    echo "NGINX_INSTR per_request=$(python3 - "$OUT/callgrind-nginx.0.out" "$OUT/callgrind-nginx.$CALLGRIND_N.out" "$CALLGRIND_N" <<'PY'
import sys
def total(path):
    for line in open(path):
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
print(round((total(sys.argv[2]) - total(sys.argv[1])) / int(sys.argv[3])))
PY
)" | tee -a "$RAW" >&2
fi

# --- TLS rows beside nginx with the same certificate (Benchmarks/tls.sh) ----------
[ "${BENCH_TLS:-1}" = 0 ] || . "$BENCH_DIR/tls.sh"

# --- report ---------------------------------------------------------------------
stop "${PIDS[0]}"   # the watchdog
python3 "$TOOLS/report.py" "$RAW" $([ -s "$CG_TABLES" ] && echo "$CG_TABLES") | tee "$OUT/report.md"
python3 - "$RAW" <<'PY' | tee -a "$OUT/report.md"
import statistics, sys
rps = {}
for line in open(sys.argv[1]):
    if line.startswith("RUN endpoint=POST-"):
        f = dict(t.split("=", 1) for t in line.split()[1:] if "=" in t)
        rps.setdefault(f["round"], {})[f["endpoint"]] = float(f["rps"])
# (numerator, denominator, what is compared, goal)
for top, bottom, what, goal in (("POST-plain", "POST-tuned", "as configured vs tuned (no request log, no journal)", "≥ 0.9× for the default configuration"),
                                ("POST-state-file", "POST-plain", "with --state-file vs without", "≥ 0.9×"),
                                ("POST-plain", "POST-normal", "as configured (--cpu-scheduling adaptive) vs --cpu-scheduling normal", "none")):
    ratios = [r[top] / r[bottom] for r in rps.values() if top in r and bottom in r]
    if ratios:
        print(f"\nPOST {what} (64 connections, fresh mocks): {statistics.median(ratios):.2f}× "
              f"(median of {len(ratios)} per-round ratios: {', '.join(f'{x:.2f}' for x in ratios)}; goal {goal})")
PY
[ ! -s "$OUT/tls.md" ] || tee -a "$OUT/report.md" <"$OUT/tls.md"
cp "$OUT/report.md" "$BENCH_DIR/results/latest.md"
python3 "$TOOLS/chart.py" "$OUT" || { log "no chart: chart.py failed (the report stands)"; rm -f "$OUT/chart.png"; }
if [ "${BENCH_CHART_TO_DOCS:-0}" = 1 ] && [ -s "$OUT/chart.png" ]; then cp "$OUT/chart.png" "$ROOT/docs/benchmark.png"; log "chart copied to docs/benchmark.png"; fi
log "raw results in ${OUT#$ROOT/}"
