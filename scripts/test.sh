#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds the binary the end-to-end tests run, and runs every test.
# Tests start their own loopback servers (moto from .venv, the scripted server) and stop them when done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export ROLEHOP_PYTHON="$PWD/.venv/bin/python"
swift build --build-tests
if [ $# -gt 0 ]; then swift test --skip-build "$@"; exit; fi
# Suites that wait on wall-clock deadlines (timeouts, a live terminal under tmux, the explorer's runtime) run in a
# second pass of their own: in the parallel pass, CPU-heavy suites can hold Swift's cooperative threads (two on a
# two-core machine) for seconds, which delays when an awaiting test resumes.
TIMED='TimeoutTimingTests|RuntimeTests|TUITmuxTests|LiveExplorerTmuxTests|SecretsAndBundleTests|HostileTerminalTests'
swift test --skip-build --skip "$TIMED"
swift test --skip-build --filter "$TIMED"
# The portable archive in an otherwise empty root (release build with a static Swift runtime, then chroot in a
# private mount namespace: `--version`, `pod`, `check --offline`, the explorer under tmux).
bash scripts/dist.sh --test
