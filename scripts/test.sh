#!/usr/bin/env bash
# Runs every test: the Swift unit and end-to-end tests, then the contract tests that
# drive the built binary with Cloudflare's official Python SDK, cli4 and schemathesis,
# then the reliability checks: hostile input, slow clients, load, descriptor
# exhaustion, shutdown and security against the binary; bounded libFuzzer runs; the
# Swift tests again under ThreadSanitizer and AddressSanitizer.
# Needs only Swift and python3; missing Debian packages (libnghttp2-dev, nghttp2-client, curl)
# are installed first, the Python tools into .venv (pinned).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== system packages (libnghttp2-dev; nghttp2-client and curl for the HTTP/2 tests)"
scripts/install-system-packages.sh --test

echo "== swift build (a target may import only what it declares)"
swift build --explicit-target-dependency-import-check error
scripts/check-imports.sh

echo "== swift test"
swift test --explicit-target-dependency-import-check error

echo "== contract tests (Python SDK, cli4, schemathesis)"
requirements=Tests/contract/requirements.txt
stamp=.venv/.requirements
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi
# Each older generation of the Python SDK in its own venv, remade only when its pin changes.
for pin in Tests/contract/sdk_generations/sdk-*.txt; do
  venv=".venv-$(basename "$pin" .txt)"
  if ! cmp -s "$pin" "$venv/.requirements" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$pin"
    cp "$pin" "$venv/.requirements"
  fi
done
CERTPACK_SDK_GENERATIONS=required CERTPACK_MOCK_BIN="$PWD/.build/debug/certpack-mock" .venv/bin/pytest -q Tests/contract

echo "== dashboard in a real browser (headless Chromium from Debian, selenium)"
if ! command -v chromium >/dev/null 2>&1 || [ ! -x /usr/bin/chromedriver ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver
fi
browser_requirements=Tests/browser/requirements.txt
if ! cmp -s "$browser_requirements" .venv/.browser-requirements 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$browser_requirements"
  cp "$browser_requirements" .venv/.browser-requirements
fi
# SE_OFFLINE: selenium uses /usr/bin/chromedriver and never tries to download a driver.
SE_OFFLINE=true CERTPACK_MOCK_BIN="$PWD/.build/debug/certpack-mock" .venv/bin/pytest -q Tests/browser

echo "== HTTP/2 tests (curl, nghttp, h2load, the SDK over HTTP/2, hostile frames)"
CERTPACK_MOCK_BIN="$PWD/.build/debug/certpack-mock" .venv/bin/pytest -q Tests/http2

echo "== reliability tests (hostile input, slow clients, load, fd exhaustion, shutdown, security)"
CERTPACK_MOCK_BIN="$PWD/.build/debug/certpack-mock" .venv/bin/pytest -q Tests/reliability

echo "== HTTPS tests (curl and openssl s_client over TLS, the SDK with the served CA, hostile TLS)"
CERTPACK_MOCK_BIN="$PWD/.build/debug/certpack-mock" .venv/bin/pytest -q Tests/tls

echo "== fuzzing (libFuzzer + AddressSanitizer, ${FUZZ_SECONDS:-40} s a target)"
Fuzz/run.sh

echo "== sanitizers"
scripts/sanitizers.sh
