#!/usr/bin/env bash
# Runs every Swift test under ThreadSanitizer (data races in the Dispatch code) and
# under AddressSanitizer with LeakSanitizer, each in its own scratch path so it never
# fights the normal build. Fails on any sanitizer report.
#
#   scripts/sanitizers.sh            # both
#   scripts/sanitizers.sh thread     # one of: thread, address
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(thread address)

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for sanitizer in "${sanitizers[@]}"; do
  case $sanitizer in
    thread) scratch=.build-tsan ;;
    address) scratch=.build-asan ;;
    *) echo "scripts/sanitizers.sh: unknown sanitizer $sanitizer (thread, address)" >&2; exit 2 ;;
  esac
  echo "== swift test --sanitize=$sanitizer"
  swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
  status=0
  # Serially: sanitized code runs several times slower, and timing-sensitive socket
  # tests competing for 2 cores would flake.
  swift test --skip-build --no-parallel --sanitize="$sanitizer" --scratch-path "$scratch" >"$log" 2>&1 || status=$?
  grep -E "^(✔|✘) Test run with|Executed [0-9]+ tests" "$log" || true
  if [ "$status" -ne 0 ] || grep -qE "WARNING: ThreadSanitizer|ERROR: (Address|Leak)Sanitizer|^✘" "$log"; then
    grep -E -A40 "WARNING: ThreadSanitizer|ERROR: (Address|Leak)Sanitizer|^✘" "$log" | head -200 >&2
    echo "!! swift test under the $sanitizer sanitizer FAILED (exit $status)" >&2
    exit 1
  fi
done
