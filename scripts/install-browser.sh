#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser/) when
# /usr/bin/chromium is missing; README's test command and .ci/run start with it.
# Needs apt-get: as root it runs it directly, otherwise through sudo. Where it
# cannot, it says so and goes on (the browser tests then skip), except under
# CI=true, where every test must run.
set -euo pipefail

cannot() {
  echo "install-browser.sh: $1; the browser tests will skip" >&2
  if [[ "${CI:-}" == "true" ]]; then exit 1; fi
  exit 0
}

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  cannot "/usr/bin/chromium is missing and there is no apt-get to install it"
fi
SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    cannot "installing Chromium needs root, and there is no sudo"
  fi
  SUDO=sudo
fi

echo "install-browser.sh: installing Chromium for the browser tests" >&2
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
test -x /usr/bin/chromium
