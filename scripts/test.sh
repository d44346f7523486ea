#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds the binary the end-to-end tests run, and runs every test.
# Tests start their own loopback servers (moto from .venv, the scripted server) and stop them when done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export ROLEHOP_PYTHON="$PWD/.venv/bin/python"
swift build --build-tests
if [ $# -gt 0 ]; then swift test --skip-build "$@"; exit; fi
swift test --skip-build --skip TimeoutTimingTests
# Wall-clock bounds are checked alone (see TimeoutTimingTests).
swift test --skip-build --filter TimeoutTimingTests
