#!/bin/sh
# The end-to-end dashboard tests drive Debian's chromium headless; install it once (idempotent).
set -e
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium
