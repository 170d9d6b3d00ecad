#!/bin/sh
# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
# Installed with apt-get when it is missing and this user may; otherwise the browser tests
# skip, each with the reason, and the rest of the suite runs.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here: install Chromium yourself to run the browser tests (they skip without it)." >&2
  exit 0
fi
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "Installing Chromium needs root: run 'apt-get install chromium' as root (the browser tests skip without it)." >&2
  exit 0
fi
echo "Installing Debian's chromium for the browser tests (once) ..." >&2
($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null) \
  || echo "Chromium could not be installed; the browser tests will be skipped." >&2
exit 0
