#!/usr/bin/env bash
# Installs Debian's Chromium for the SupportDesk browser test (Playwright drives it; no browser
# is downloaded). Prints the executable's path on its last line.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y -q chromium >&2 || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q chromium >&2; }
fi

chromium --version >&2
command -v chromium
