#!/bin/sh
# Builds the static release binary (nice: the machine is shared) and runs the benchmark driver, which prints a
# table and writes bench/RESULTS.md. Usage: scripts/bench.sh [bench.py options, e.g. --reps 5]
set -eu
cd "$(dirname "$0")/.."
nice swift build -c release --static-swift-stdlib --product rolehop
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
exec "$PY" bench/bench.py --bin .build/release/rolehop "$@"
