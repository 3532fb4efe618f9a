#!/usr/bin/env bash
# Installs the Debian packages CertPackMock needs that this machine lacks, and nothing
# else: libnghttp2-dev (HTTP/2) and libssl-dev (TLS: OpenSSL 3). The build takes their
# headers from /usr/include and links their static archives (libnghttp2.a, libssl.a,
# libcrypto.a; see Sources/COpenSSL/module.modulemap), so the binary needs neither
# library at run time and no pkg-config.
#
#   scripts/install-system-packages.sh            # what building and running needs
#   scripts/install-system-packages.sh --test     # plus the test tools: nghttp2-client
#                                                 # (nghttp, h2load), curl and openssl
#                                                 # (s_client for the HTTPS tests)
#
# Runs apt-get update once before installing, as root or through sudo; otherwise it
# prints the command to run and exits 1. Exits 0 at once when nothing is missing.
set -euo pipefail

packages=(libnghttp2-dev libssl-dev)
[ "${1:-}" = "--test" ] && packages+=(nghttp2-client curl openssl)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install-system-packages: missing ${missing[*]}, and this is not a Debian/Ubuntu system (no apt-get)." >&2
  echo "Install the development files (headers and static libraries) of libnghttp2 and OpenSSL 3 with your package manager." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "install-system-packages: missing ${missing[*]}; run as root:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-system-packages: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
