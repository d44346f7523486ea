#!/usr/bin/env bash
# Installs what rolehop needs to build and test, when missing: Debian packages (C libraries, tmux, python venv)
# and a virtual environment (.venv) with pinned moto for the loopback STS/IAM peer. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libcurl4-openssl-dev libssl-dev libncurses-dev zlib1g-dev pkg-config tmux python3-venv make openssl patchelf)
MOTO_PIN='moto[server]==5.2.1'
BOTO_PINS=(boto3==1.43.11 botocore==1.43.11)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import moto.server, flask_cors, boto3' 2>/dev/null; then
  echo "deps: creating .venv with $MOTO_PIN"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "$MOTO_PIN" "${BOTO_PINS[@]}"
fi
