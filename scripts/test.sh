#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds the binary the end-to-end tests run, and runs every test.
# Tests start their own loopback servers (moto from .venv, the scripted server) and stop them when done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export ROLEHOP_PYTHON="$PWD/.venv/bin/python"
swift build --build-tests
swift test --skip-build "$@"
