#!/usr/bin/env bash
# Renders the real binary's explorer screens under tmux to PNGs in screenshots/:
#   capture-pane -e -p (text + SGR) -> scripts/ansi2png.py (Pillow, DejaVu fonts) -> PNG.
# Needs: swift build (or ROLEHOP_BINARY), tmux, .venv with pillow (.venv/bin/pip install pillow).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
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

shot chain-overview reference "Hop 1: AssumeRoleWithWebIdentity" j
shot token reference "Signature" 3
shot trust-failing trust-sub-mismatch "Decision: implicit deny" 4
shot http-waterfall reference "Request" j 6
shot findings trust-sub-mismatch "FAIL sts.access-denied" 7
EXTRA="--replay-delay 60" shot running-hop reference "running the next hop" n
shot root-cause-private-cluster private-cluster "Hop 1 failed: the STS endpoint does not answer"
