#!/usr/bin/env bash
# Builds the libFuzzer targets (AddressSanitizer + LeakSanitizer + coverage) and runs
# each for a bounded time on a temporary copy of its committed seed corpus. Fails on
# any crash, oracle failure, leak, timeout (hang) or memory blow-up.
#
#   Fuzz/run.sh              # every target, FUZZ_SECONDS (default 40) seconds each
#   Fuzz/run.sh http-parser  # one target
#
# Targets: http-parser (HTTPServer's HTTPRequestParser, fed whole and in splits),
# order-body (StrictJSON + OrderValidator against a zone), json (StrictJSON alone),
# http2-session (HTTPServer's HTTP2Session on libnghttp2, fed frames after the preface).
# tls-glue (first-bytes sniffing and TLSConnectionLayer into HTTP1Session, with a real
# in-process TLS client).
# A failing input is kept in .build-fuzz/artifacts/ and printed in base64; turn it
# into a regression test (Tests/*/Hostile*.swift) before fixing the bug.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-40}
build=.build-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(http-parser order-body json http2-session tls-glue)

mkdir -p "$build/modules" "$build/artifacts"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -package-name CertPackMock -I Sources/CSystemLinux/include)
# lld (shipped with Swift) links the sanitizer runtimes without gold's warning flood.
if command -v ld.lld >/dev/null; then flags+=(-use-ld=lld); fi
# HTTPServer imports CNGHTTP2 (libnghttp2's module map).
flags+=(-I Sources/CNGHTTP2)
# HTTPServer imports TLS, which imports COpenSSL (OpenSSL's module map).
flags+=(-I Sources/COpenSSL)

# Rebuilds $1 when it is missing or older than any of the other arguments.
stale() {
  local out=$1
  shift
  [ -x "$out" ] || return 0
  [ -n "$(find "$@" -newer "$out" -print -quit)" ]
}

compile() {
  local log="$build/compile.log"
  if ! swiftc "${flags[@]}" "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "Fuzz/run.sh: compiling failed" >&2
    exit 1
  fi
}

# A library module the targets import, built once into $build/modules and lib$1.a;
# arguments after the name go to the compiler.
library() {
  if stale "$build/lib$1.a" "Sources/$1"; then
    compile -module-name "$1" -emit-module -emit-module-path "$build/modules/$1.swiftmodule" \
      -emit-library -static "Sources/$1"/*.swift -o "$build/lib$1.a" "${@:2}"
  fi
}

build_target() {
  case $1 in
    http-parser)
      # HTTPServer imports Sockets, which reaches the kernel through the CSystemLinux C shim.
      if stale "$build/CSystemLinux.o" Sources/CSystemLinux; then
        clang -c -O -g Sources/CSystemLinux/CSystemLinux.c -I Sources/CSystemLinux/include -o "$build/CSystemLinux.o"
      fi
      library Sockets
      # ...and TLS (COpenSSL), for the TLS connection glue.
      library TLS
      stale "$build/fuzz-http-parser" Sources/HTTPServer Fuzz/HTTPRequestParserFuzz.swift "$build/libSockets.a" "$build/libTLS.a" &&
        compile -module-name HTTPServer -I "$build/modules" Sources/HTTPServer/*.swift Fuzz/HTTPRequestParserFuzz.swift \
          "$build/libSockets.a" "$build/CSystemLinux.o" "$build/libTLS.a" -o "$build/fuzz-http-parser"
      ;;
    http2-session)
      # The session and the request/response types it needs, without the transport
      # (sockets, Dispatch); the target supplies monotonicNow().
      h2_files=(HTTP2Session HTTP2Stream HTTPRequest HTTPResponse HTTPResponse+Serialization HTTPHandler
        HTTPProtocolError HTTPVersion+Protocol HTTPStatus ASCII HTTPDateCache)
      stale "$build/fuzz-http2-session" Sources/HTTPServer Fuzz/HTTP2SessionFuzz.swift &&
        compile -module-name HTTPServer $(printf "Sources/HTTPServer/%s.swift " "${h2_files[@]}") Fuzz/HTTP2SessionFuzz.swift \
          -lnghttp2 -o "$build/fuzz-http2-session"
      ;;
    json)
      stale "$build/fuzz-json" Sources/StrictJSON Fuzz/JSONReaderFuzz.swift &&
        compile -module-name StrictJSON Sources/StrictJSON/*.swift Fuzz/JSONReaderFuzz.swift -o "$build/fuzz-json"
      ;;
    order-body)
      library StrictJSON
      library Locks
      stale "$build/fuzz-order-body" Sources/CertificatePacks Fuzz/OrderBodyFuzz.swift "$build/libStrictJSON.a" "$build/libLocks.a" &&
        compile -module-name CertificatePacks -I "$build/modules" Sources/CertificatePacks/*.swift \
          Fuzz/OrderBodyFuzz.swift "$build/libStrictJSON.a" "$build/libLocks.a" -o "$build/fuzz-order-body"
      ;;
    tls-glue)
      if stale "$build/CSystemLinux.o" Sources/CSystemLinux; then
        clang -c -O -g Sources/CSystemLinux/CSystemLinux.c -I Sources/CSystemLinux/include -o "$build/CSystemLinux.o"
      fi
      library Sockets
      library TLS
      stale "$build/fuzz-tls-glue" Sources/HTTPServer Sources/TLS Fuzz/TLSGlueFuzz.swift "$build/libSockets.a" "$build/libTLS.a" &&
        compile -module-name HTTPServer -I "$build/modules" Sources/HTTPServer/*.swift Fuzz/TLSGlueFuzz.swift \
          "$build/libSockets.a" "$build/CSystemLinux.o" "$build/libTLS.a" -o "$build/fuzz-tls-glue"
      ;;
    *)
      echo "Fuzz/run.sh: unknown target $1 (http-parser, order-body, json, http2-session, tls-glue)" >&2
      exit 2
      ;;
  esac
  return 0
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
summary=()
for target in "${targets[@]}"; do
  echo "== fuzz $target: build"
  build_target "$target"
  case $target in
    http-parser) dict=Fuzz/http.dict; max_len=8192 ;;
    http2-session) dict=Fuzz/http2.dict; max_len=16384 ;;
    tls-glue) dict=Fuzz/http.dict; max_len=8192 ;;
    *) dict=Fuzz/json.dict; max_len=16384 ;;
  esac
  corpus="$work/$target"
  cp -r "Fuzz/corpus/$target" "$corpus"
  seeds=$(ls "$corpus" | wc -l)
  echo "== fuzz $target: ${seconds}s from $seeds seeds"
  log="$work/$target.log"
  status=0
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: memory blow-up;
  # leaks are detected (ASan's LeakSanitizer) after inputs that allocate.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
    "$build/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -dict="$dict" -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" "$corpus" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  final=$(ls "$corpus" | wc -l)
  if [ "$status" -ne 0 ] || grep -qE '^==[0-9]+==ERROR|SUMMARY: (Address|Leak)Sanitizer|ALARM: working on the last Unit|Fatal error' "$log"; then
    failed=1
    echo "!! fuzz $target FAILED (exit $status) after ${runs:-?} runs; last lines of the log:" >&2
    tail -60 "$log" >&2
    for artifact in "$build/artifacts/$target-"*; do
      [ -f "$artifact" ] || continue
      echo "!! failing input $artifact (base64):" >&2
      base64 -w0 "$artifact" >&2
      echo >&2
    done
    summary+=("$target: FAILED after ${runs:-?} runs")
  else
    summary+=("$target: ${runs} runs in ${seconds}s (${rate}/s), ${cov:-cov: ?}, corpus $seeds -> $final, 0 crashes")
  fi
done

echo "== fuzz summary"
printf '   %s\n' "${summary[@]}"
exit $failed
