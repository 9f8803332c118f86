#!/usr/bin/env bash
# Installs Debian's Chromium for the SupportDesk browser tests (Playwright drives it; no browser
# is downloaded). Quiet when all goes well: apt's output is kept in a log and shown only if the
# install fails. Prints the executable's path on its last line.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  # A fresh machine's package lists may not know chromium yet: read them first rather than fail once.
  if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    $sudo apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  fi
  if ! $sudo apt-get install -y -qq chromium >>"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
fi

# Debian's launcher script (/usr/bin/chromium) trips over its own memory check under some shells
# and prints a shell error; the version comes from the browser binary itself.
if [ -x /usr/lib/chromium/chromium ]; then
  /usr/lib/chromium/chromium --version >&2
else
  chromium --version >&2
fi
command -v chromium
