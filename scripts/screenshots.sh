#!/usr/bin/env bash
# Renders the real binary's explorer screens under tmux to PNGs in screenshots/:
#   capture-pane -e -p (text + SGR) -> scripts/ansi2png.py (Pillow, DejaVu fonts) -> PNG.
# Live shots run the reference scenario and broken ones against their loopback peers (scripts/scenario.py), the
# running-hop shot replays a saved snapshot slowly so the spinner can be caught.
# Needs: swift build (or ROLEHOP_BINARY), tmux, .venv with moto (scripts/deps.sh) and pillow (installed here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/deps.sh"
"$root/.venv/bin/python" -c 'import PIL' 2>/dev/null || "$root/.venv/bin/pip" install -q pillow==11.0.0
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || { apt-get update -qq && apt-get install -y -qq fonts-dejavu-core >/dev/null; }
bin=${ROLEHOP_BINARY:-$root/.build/debug/rolehop}
py=${ROLEHOP_PYTHON:-$root/.venv/bin/python}
fixtures=$root/Tests/Data/tui/fixtures
out=$root/screenshots
cols=100 rows=30
sock=rolehop-shots-$$-$RANDOM
mkdir -p "$out"
tmp=$(mktemp -d)
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# Waits (up to 10 s) until the pane shows $1.
wait_for() {
    local deadline=$((SECONDS + 10))
    until tmux -L "$sock" capture-pane -p | grep -qF -- "$1"; do
        if ((SECONDS >= deadline)); then
            echo "screenshots: timed out waiting for: $1" >&2
            tmux -L "$sock" capture-pane -p >&2
            return 1
        fi
        sleep 0.05
    done
}

# shot NAME FIXTURE WAIT_TEXT KEYS...: open FIXTURE, press KEYS, wait for WAIT_TEXT, capture.
shot() {
    local name=$1 fixture=$2 text=$3
    shift 3
    tmux -L "$sock" -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "env LANG=C.UTF-8 TERM=xterm-256color $bin tui --color always ${EXTRA:-} --snapshot $fixtures/$fixture.json"
    wait_for "rolehop"
    for k in "$@"; do tmux -L "$sock" send-keys "$k"; done
    wait_for "$text"
    tmux -L "$sock" capture-pane -e -p -N >"$tmp/$name.ans"
    tmux -L "$sock" kill-server
    "$py" "$root/scripts/ansi2png.py" "$tmp/$name.ans" "$out/$name.png" "$cols" "$rows"
    echo "screenshots/$name.png"
}

# live_shot NAME SCENARIO WAIT_TEXT KEYS...: the explorer live on SCENARIO against its peer; presses `a` (run
# all), waits for the chain to settle, then KEYS, waits for WAIT_TEXT, captures.
live_shot() {
    local name=$1 scenario=$2 text=$3
    shift 3
    mkfifo "$tmp/peer.in"
    "$py" "$root/scripts/scenario.py" serve "$scenario" <"$tmp/peer.in" >"$tmp/peer.out" &
    local peer=$!
    exec 8>"$tmp/peer.in"
    until grep -q '^READY' "$tmp/peer.out" 2>/dev/null; do sleep 0.1; done
    local endpoint
    endpoint=$(sed -n 's/^READY .*"endpoint": "\([^"]*\)".*/\1/p' "$tmp/peer.out")
    "$py" "$root/scripts/scenario.py" prepare "$scenario" --out "$tmp/pod" --endpoint "$endpoint" >"$tmp/layout.json"
    local envs args
    envs=$("$py" -c 'import json,shlex,sys; print(" ".join(shlex.quote(f"{k}={v}") for k,v in json.load(open(sys.argv[1]))["env"].items()))' "$tmp/layout.json")
    args=$("$py" -c 'import json,shlex,sys; print(" ".join(shlex.quote(a) for a in json.load(open(sys.argv[1]))["args"]))' "$tmp/layout.json")
    tmux -L "$sock" -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=xterm-256color $envs $bin tui --color always --timeout 3 --connect-timeout 1 $args"
    wait_for "rolehop"
    tmux -L "$sock" send-keys a
    wait_for "final identity"
    sleep 1.5
    for k in "$@"; do tmux -L "$sock" send-keys "$k"; done
    wait_for "$text"
    tmux -L "$sock" capture-pane -e -p -N >"$tmp/$name.ans"
    tmux -L "$sock" kill-server
    exec 8>&-
    wait "$peer" 2>/dev/null || true
    rm -rf "$tmp/peer.in" "$tmp/peer.out" "$tmp/pod"
    "$py" "$root/scripts/ansi2png.py" "$tmp/$name.ans" "$out/$name.png" "$cols" "$rows"
    echo "screenshots/$name.png"
}

live_shot chain-overview reference-chained "Final identity: GetCallerIdentity" G
live_shot token reference-chained "Kubernetes" g 3
live_shot trust-failing sub-namespace-typo "Trust policy of account-b-role" 4
live_shot http-waterfall reference-chained "Attempt 1" g j 6
live_shot findings sub-namespace-typo "why" 7
live_shot root-cause-private-cluster private-cluster-unreachable "Findings" 1
EXTRA="--replay-delay 60" shot running-hop reference "running the next hop" n
