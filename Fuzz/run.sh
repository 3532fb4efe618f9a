#!/usr/bin/env bash
# Builds the libFuzzer targets (AddressSanitizer + LeakSanitizer + coverage) and runs
# each for a bounded time on a temporary copy of its committed seed corpus. Fails on
# any crash, oracle failure, leak, timeout (hang) or memory blow-up.
#
#   Fuzz/run.sh              # every target, FUZZ_SECONDS (default 40) seconds each
#   Fuzz/run.sh http-parser  # one target
#
# A failing input is kept in .build-fuzz/artifacts/ and printed in base64; turn it
# into a regression test (Tests/*/Hostile*.swift) before fixing the bug.
set -euo pipefail
cd "$(dirname "$0")/.."

# One line a target: its name (corpus in Fuzz/corpus/NAME), the package module the harness
# is compiled into (so it sees `internal`), the harness (with any further source files of
# another module it needs, comma-separated), its dictionary, -max_len, and optionally the
# modules those further files import (comma-separated). What the modules depend on comes
# from Package.swift; adding a target is adding a line here.
TARGETS="
http-parser  HTTPServer        Fuzz/HTTPRequestParserFuzz.swift  Fuzz/http.dict  8192
order-body   CertificatePacks  Fuzz/OrderBodyFuzz.swift,Sources/CertPackMock/OrderDraft+JSON.swift  Fuzz/json.dict  16384  StrictJSON
json         StrictJSON        Fuzz/JSONReaderFuzz.swift         Fuzz/json.dict  16384
http2-session HTTPServer       Fuzz/HTTP2SessionFuzz.swift       Fuzz/http2.dict 16384
tls-glue     HTTPServer        Fuzz/TLSGlueFuzz.swift            Fuzz/http.dict  8192
"

seconds=${FUZZ_SECONDS:-40}
build=.build-fuzz
names=$(awk 'NF { print $1 }' <<<"$TARGETS" | paste -sd' ')
targets=("$@")
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"$names"

mkdir -p "$build/modules" "$build/artifacts"
flags=(-sanitize=fuzzer,address -swift-version 6 -parse-as-library -O -g -package-name CertPackMock -I "$build/modules")
# lld (shipped with Swift) links the sanitizer runtimes without gold's warning flood.
if command -v ld.lld >/dev/null; then flags+=(-use-ld=lld); fi

# The package's targets, once: for a module, the modules it depends on (directly or not),
# dependencies first, as "KIND NAME PATH PKG-CONFIG" (kind swift, c or system).
swift package describe --type json >"$build/describe.json"
swift package dump-package >"$build/dump.json"
dependencies() {
  python3 - "$build" "$@" <<'PY'
import json, sys
build, *roots = sys.argv[1:]
targets = {t["name"]: t for t in json.load(open(f"{build}/describe.json"))["targets"]}
pkg_config = {t["name"]: t.get("pkgConfig") or "-" for t in json.load(open(f"{build}/dump.json"))["targets"]}
kinds = {"SwiftTarget": "swift", "ClangTarget": "c", "SystemLibraryTarget": "system"}
seen = []
def visit(name):
    for dependency in targets[name].get("target_dependencies", []):
        visit(dependency)
    if name not in seen: seen.append(name)
for name in roots[1:] + roots[:1]:
    visit(name)
for name in seen:
    if name == roots[0]: continue
    print(kinds[targets[name]["module_type"]], name, targets[name]["path"], pkg_config[name])
PY
}

# True when $1 is missing or older than any of the other arguments.
# Linker flags among the arguments (-lnghttp2) are not files and are skipped.
stale() {
  local out=$1 input inputs=()
  shift
  [ -e "$out" ] || return 0
  for input in "$@"; do [[ $input == -* ]] || inputs+=("$input"); done
  [ -n "$(find "${inputs[@]}" -newer "$out" -print -quit)" ]
}

run_logged() {
  if ! "$@" >"$build/compile.log" 2>&1; then
    cat "$build/compile.log" >&2
    echo "Fuzz/run.sh: compiling failed: $*" >&2
    exit 1
  fi
}

# Builds the modules $1 depends on into $build and sets `links` (archives and linker flags)
# and adds their C include paths to `flags`; each library is built once.
build_dependencies() {
  local kind name path pc objects
  links=()
  while read -r kind name path pc; do
    case $kind in
      swift)
        stale "$build/lib$name.a" "$path" "${links[@]:-$path}" &&
          run_logged swiftc "${flags[@]}" -module-name "$name" -emit-module -emit-module-path "$build/modules/$name.swiftmodule" \
            -emit-library -static "$path"/*.swift -o "$build/lib$name.a"
        links=("$build/lib$name.a" "${links[@]}") ;;
      c)
        # SwiftPM's module map for a C target: its include/NAME.h as umbrella header.
        if [ -f "$path/include/module.modulemap" ]; then
          flags+=(-Xcc -I -Xcc "$path/include")
        else
          mkdir -p "$build/cmodules/$name"
          printf 'module %s {\n  umbrella header "%s"\n  export *\n}\n' "$name" "$PWD/$path/include/$name.h" >"$build/cmodules/$name/module.modulemap"
          flags+=(-Xcc -I -Xcc "$path/include" -I "$build/cmodules/$name")
        fi
        if stale "$build/lib$name.a" "$path"; then
          objects=()
          for c in "$path"/*.c; do
            [ -e "$c" ] || continue
            run_logged clang -fsanitize=fuzzer-no-link,address -O1 -g -I "$path/include" -c "$c" -o "$build/$name-$(basename "$c").o"
            objects+=("$build/$name-$(basename "$c").o")
          done
          rm -f "$build/lib$name.a"; ar rcs "$build/lib$name.a" "${objects[@]}"
        fi
        links=("$build/lib$name.a" "${links[@]}") ;;
      system)
        flags+=(-I "$path")
        if [ "$pc" != - ]; then
          for f in $(pkg-config --cflags "$pc"); do flags+=(-Xcc "$f"); done
          read -r -a more < <(pkg-config --libs "$pc"); links+=("${more[@]}")
        fi ;;
    esac
  done < <(dependencies "$@")
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
summary=()
for target in "${targets[@]}"; do
  module=""
  extras=""
  read -r _ module harness dict max_len extras < <(awk -v t="$target" '$1 == t' <<<"$TARGETS") || true
  if [ -z "${module:-}" ]; then echo "Fuzz/run.sh: unknown target $target ($names)" >&2; exit 2; fi
  echo "== fuzz $target: build ($module and what it depends on)"
  build_dependencies "$module" ${extras//,/ }
  IFS=, read -r -a harness_files <<<"$harness"
  module_path=$(python3 -c 'import json, sys; print(next(t["path"] for t in json.load(open(sys.argv[1]))["targets"] if t["name"] == sys.argv[2]))' "$build/describe.json" "$module")
  stale "$build/fuzz-$target" "$module_path" "${harness_files[@]}" "${links[@]:-$harness}" &&
    run_logged swiftc "${flags[@]}" -module-name "$module" "$module_path"/*.swift "${harness_files[@]}" "${links[@]}" -o "$build/fuzz-$target"
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
