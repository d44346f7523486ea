#!/usr/bin/env bash
# The main job: the explorer on a scenario (default: the reference scenario of DESIGN.md, chained AssumeRole)
# against its peer on loopback (moto seeded with the scenario, or the scripted server with AWS's exact answers).
#   bash scripts/demo.sh                      # reference-chained, live
#   SCENARIO=sub-namespace-typo bash scripts/demo.sh
#   bash scripts/demo.sh check                # any rolehop subcommand instead of the explorer
# Installs what is missing, builds, starts the peer, and cleans up on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO="${SCENARIO:-reference-chained}"
[ -f "scenarios/$SCENARIO/scenario.json" ] || { echo "demo: no scenario $SCENARIO (see: python3 scripts/scenario.py list)" >&2; exit 2; }
bash scripts/deps.sh
swift build -c release --product rolehop >/dev/null
BIN="$PWD/.build/release/rolehop"
work=$(mktemp -d /tmp/rolehop-demo.XXXXXX)
mkfifo "$work/peer.in"
.venv/bin/python scripts/scenario.py serve "$SCENARIO" <"$work/peer.in" >"$work/peer.out" &
peer_pid=$!
# The peer runs until its stdin closes: hold the fifo's write end in fd 9 for the demo's lifetime.
exec 9>"$work/peer.in"
cleanup() { exec 9>&- || true; wait "$peer_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 600); do grep -q '^READY' "$work/peer.out" 2>/dev/null && break; sleep 0.1; done
endpoint=$(sed -n 's/^READY .*"endpoint": "\([^"]*\)".*/\1/p' "$work/peer.out")
[ -n "$endpoint" ] || { echo "demo: the scenario's peer did not start" >&2; exit 1; }
layout=$(.venv/bin/python scripts/scenario.py prepare "$SCENARIO" --out "$work/pod" --endpoint "$endpoint")
# The container's environment and rolehop's arguments (--root, --policy-dir, --jwks) from the layout.
mapfile -t envs < <(printf '%s' "$layout" | .venv/bin/python -c 'import json,sys; [print(f"{k}={v}") for k,v in json.load(sys.stdin)["env"].items()]')
mapfile -t args < <(printf '%s' "$layout" | .venv/bin/python -c 'import json,sys; [print(a) for a in json.load(sys.stdin)["args"]]')
echo "scenario $SCENARIO, peer at $endpoint"
cmd=("$@")
[ ${#cmd[@]} -gt 0 ] || cmd=(tui)
env -i PATH="$PATH" TERM="${TERM:-xterm}" LANG="${LANG:-C.UTF-8}" ${NO_COLOR:+NO_COLOR=1} "${envs[@]}" "$BIN" "${cmd[@]}" "${args[@]}"
