#!/usr/bin/env bash
# The README's test command: builds the whole solution in Release and runs every test project.
# It installs and starts whatever the tests need, so a fresh clone needs no manual set-up: today
# Debian's chromium for the report's browser tests (Playwright drives /usr/bin/chromium and must
# never download a browser of its own) and Azurite for the cluster tests (npm, into .tools/azurite).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  # a fresh machine may have empty package lists: refresh them only if the first try fails
  "${sudo[@]}" apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq chromium >/dev/null; }
fi
# Azurite (the Azure Storage emulator) for the cluster tests; the tests start and stop it themselves on free ports.
# 3.35.0 is the last release that runs on node 20.
if [ ! -x .tools/azurite/node_modules/.bin/azurite ]; then
  mkdir -p .tools/azurite
  npm install --prefix .tools/azurite --no-audit --no-fund --silent azurite@3.35.0 >/dev/null
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
dotnet build Orleans.Sae.sln -c Release -nologo -v quiet
dotnet test Orleans.Sae.sln -c Release --no-build -nologo "$@"
