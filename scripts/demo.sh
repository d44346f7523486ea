#!/usr/bin/env bash
# The main job: start moto on loopback seeded with the reference scenario and run rolehop against it.
# SCENARIO=name picks a broken scenario once scenarios/ exist. Cleans up on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
swift build -c release --product rolehop >/dev/null
BIN="$PWD/.build/release/rolehop"
fifo=$(mktemp -u /tmp/rolehop-demo.XXXXXX)
mkfifo "$fifo"
# moto runs until its stdin closes: keep the fifo's write end open in fd 9 for the demo's lifetime.
.venv/bin/python Tests/Servers/moto_harness.py <"$fifo" >"$fifo.out" 2>/dev/null &
moto_pid=$!
exec 9>"$fifo"
cleanup() { exec 9>&-; kill "$moto_pid" 2>/dev/null || true; rm -f "$fifo" "$fifo.out"; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 300); do grep -q '^READY' "$fifo.out" 2>/dev/null && break; sleep 0.1; done
endpoint=$(sed -n 's/^READY .*"endpoint": "\([^"]*\)".*/\1/p' "$fifo.out")
[ -n "$endpoint" ] || { echo "demo: moto did not start" >&2; exit 1; }
echo "moto (reference scenario) at $endpoint"
"$BIN" probe --endpoint-url "$endpoint/" "$@"
