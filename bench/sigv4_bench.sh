#!/bin/sh
# SigV4 signing throughput: rolehop (release build) against botocore on the same STS AssumeRole request, one run.
# Usage: bench/sigv4_bench.sh [ROLEHOP_ITERATIONS] [BOTOCORE_ITERATIONS]
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product rolehop >/dev/null
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
.build/release/rolehop sigv4 --bench "${1:-2000000}"
"$PY" bench/sigv4_bench.py "${2:-50000}"
