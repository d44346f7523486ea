#!/bin/sh
# Evaluations per second of a 20-statement web-identity trust policy (release build).
# Usage: bench/policy_bench.sh [ITERATIONS]
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product rolehop >/dev/null
.build/release/rolehop policy bench --iterations "${1:-3000000}"
