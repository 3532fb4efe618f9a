#!/usr/bin/env bash
# The README's run command: installs the system packages the build needs if they are
# missing (scripts/install-system-packages.sh), then `swift run certpack-mock` with
# the given arguments, e.g. scripts/run.sh --port 0 --port-file /tmp/port
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-system-packages.sh
exec swift run certpack-mock "$@"
