# TLS rows of the benchmark, sourced by Benchmarks/run.sh after the cleartext rows (it uses
# run.sh's helpers and variables). The mock and nginx present the same certificate: one
# ECDSA P-256 server certificate made here with the openssl command, given to the mock with
# --tls-cert/--tls-key and to nginx with ssl_certificate. Rows, each beside nginx:
#   TLS GET/POST, HTTP/1.1 keep-alive, wrk at 64 connections;
#   TLS h2 GET/POST, h2load at 64 connections x 1 stream (ALPN h2; when h2load is installed);
#   TLS handshakes: h2load with one request per connection (every connection a full handshake).
# Knob: BENCH_TLS=0 skips them; BENCH_TLS_HANDSHAKES (connections per handshake round, default 2000).

TLS_DIR="$WORK/tls"
mkdir -p "$TLS_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null \
    || die "openssl could not make the benchmark's certificate"
TLS_HANDSHAKES="${BENCH_TLS_HANDSHAKES:-2000}"

NGINX_TLS_PORT="$(py util.py freeport)"
cat >"$WORK/nginx/nginx-tls.conf" <<EOF
# Written by Benchmarks/tls.sh: the cleartext configuration's answers over TLS (1.2/1.3,
# HTTP/2 and HTTP/1.1 by ALPN), one worker, the mock's certificate.
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx-tls.pid;
error_log $WORK/nginx/error-tls.log warn;
events { worker_connections 4096; }
http {
    $ACCESS_LOG
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_requests 100000000;
    default_type application/json;
    server {
        listen 127.0.0.1:$NGINX_TLS_PORT ssl http2;
        ssl_certificate $TLS_DIR/cert.pem;
        ssl_certificate_key $TLS_DIR/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location = $ORDER_PATH { return 200 '$(cat "$WORK/order.json")'; }
        location = $GET_PATH { return 200 '$(cat "$WORK/get.json")'; }
        location = / { return 200 '{"status":"ok"}'; }
    }
}
EOF
cp "$WORK/nginx/nginx-tls.conf" "$OUT/nginx-tls.conf"
log "TLS: nginx on 127.0.0.1:$NGINX_TLS_PORT, the mock with the same certificate"
"${SERVER_PIN[@]}" nginx -p "$WORK/nginx" -e "$WORK/nginx/error-tls.log" -c "$WORK/nginx/nginx-tls.conf" &
NGINX_TLS_PID=$!
PIDS+=("$NGINX_TLS_PID")
py util.py listening "$NGINX_TLS_PORT" 10 || die "nginx (TLS) did not listen"
NGINX_TLS_WORKERS="$(ps -o pid= --ppid "$NGINX_TLS_PID" | tr -d ' ' | tr '\n' ' ')"
MOCK_ARGS+=(--tls-cert "$TLS_DIR/cert.pem" --tls-key "$TLS_DIR/key.pem")
start_mock "$BIN" "$WORK/mock-tls.port" "${SERVER_PIN[@]}"
MOCK_TLS_PORT="$MOCK_PORT"
py util.py wait "$MOCK_TLS_PORT" /__mock/health 10
tls_port_of() { if [ "$1" = mock ]; then echo "$MOCK_TLS_PORT"; else echo "$NGINX_TLS_PORT"; fi; }
tls_pids_of() { if [ "$1" = mock ]; then echo "$MOCK_PID"; else echo "$NGINX_TLS_PID $NGINX_TLS_WORKERS"; fi; }

run_wrk_tls() { # run_wrk_tls ENDPOINT SCRIPT SERVER SECONDS [ROUND]
    local endpoint=$1 script=$2 server=$3 seconds=$4 round=${5:-} file pids before after line
    file="$OUT/wrk-tls-$endpoint-c64-$server-r$round.txt"
    [ -n "$round" ] || file="$WORK/tls-warmup.txt"
    pids="$(tls_pids_of "$server")"
    before="$(py util.py cpu $pids)"
    "${CLIENT_PIN[@]}" wrk -t1 -c64 -d"${seconds}s" --timeout 5s -s "$BENCH_DIR/wrk/$script" \
        "https://127.0.0.1:$(tls_port_of "$server")/" >"$file" 2>&1 || die "wrk (TLS) failed: $(cat "$file")"
    after="$(py util.py cpu $pids)"
    [ -n "$round" ] || return 0
    line="$(grep '^BENCH ' "$file")" || die "no BENCH line in $file"
    echo "TLS row=wrk-$endpoint server=$server round=$round ${line#BENCH } server_cpu_us=$((after - before))" >>"$RAW"
    log "TLS wrk $endpoint round $round $server: $(echo "$line" | grep -o 'rps=[0-9.]*')"
}

# h2load's summary as key=value: requests per second, done, succeeded, failed, non-2xx, ALPN.
h2load_line() {
    python3 "$TOOLS/tls_report.py" h2load "$1"
}

run_h2load_tls() { # run_h2load_tls ROW SERVER ROUND h2load-args...
    local row=$1 server=$2 round=$3 file pids before after line
    shift 3
    file="$OUT/h2load-tls-$row-$server-r$round.txt"
    [ "$round" != warmup ] || file="$WORK/tls-h2-warmup.txt"
    pids="$(tls_pids_of "$server")"
    before="$(py util.py cpu $pids)"
    "${CLIENT_PIN[@]}" h2load -t1 "$@" -H "authorization: Bearer certpackmock-ssl-edit-000000000000000000" \
        >"$file" 2>&1 || die "h2load (TLS) failed: $(tail -5 "$file")"
    after="$(py util.py cpu $pids)"
    [ "$round" != warmup ] || return 0
    line="$(h2load_line "$file")" || die "cannot read $file"
    echo "TLS row=$row server=$server round=$round $line server_cpu_us=$((after - before))" >>"$RAW"
    log "TLS $row round $round $server: $(echo "$line" | grep -o 'rps=[0-9.]*')"
}

for pair in "GET get_pack.lua" "POST order.lua"; do
    set -- $pair
    for server in nginx mock; do run_wrk_tls "$1" "$2" "$server" 2; done
    for round in $(seq "$ROUNDS"); do
        order="nginx mock"; [ $((round % 2)) -eq 0 ] && order="mock nginx"
        for server in $order; do run_wrk_tls "$1" "$2" "$server" "$DURATION" "$round"; done
    done
done

if command -v h2load >/dev/null; then
    printf '%s' '{"type":"advanced","hosts":["example.com","*.example.com"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}' >"$WORK/tls-order-body.json"
    for endpoint in GET POST; do
        path=$GET_PATH; body=()
        [ "$endpoint" = GET ] || { path=$ORDER_PATH; body=(-d "$WORK/tls-order-body.json" -H "content-type: application/json"); }
        for server in nginx mock; do
            run_h2load_tls "h2-$endpoint" "$server" warmup -c64 -m1 -D2 "${body[@]}" "https://127.0.0.1:$(tls_port_of "$server")$path"
        done
        for round in $(seq "$ROUNDS"); do
            order="nginx mock"; [ $((round % 2)) -eq 0 ] && order="mock nginx"
            for server in $order; do
                run_h2load_tls "h2-$endpoint" "$server" "$round" -c64 -m1 -D"$DURATION" "${body[@]}" "https://127.0.0.1:$(tls_port_of "$server")$path"
            done
        done
    done
    # New connections: as many clients as requests, so each connection carries one request
    # after its own full handshake (h2load resumes no sessions).
    for round in $(seq "$ROUNDS"); do
        order="nginx mock"; [ $((round % 2)) -eq 0 ] && order="mock nginx"
        for server in $order; do
            health=/__mock/health; [ "$server" = mock ] || health=/  # each one's small 200
            run_h2load_tls "handshakes" "$server" "$round" -c"$TLS_HANDSHAKES" -n"$TLS_HANDSHAKES" -m1 \
                "https://127.0.0.1:$(tls_port_of "$server")$health"
        done
    done
else
    log "h2load not installed (apt-get install nghttp2-client): no TLS h2 or handshake rows"
fi
stop "$MOCK_PID"
stop "$NGINX_TLS_PID"
python3 "$TOOLS/tls_report.py" table "$RAW" >"$OUT/tls.md"
