#!/usr/bin/env bash
# The README's test command: builds the whole solution in Release and runs every test project.
# It installs and starts whatever the tests need (today: nothing beyond the .NET SDK; the
# cluster tests will add Azurite here), so a fresh clone needs no manual set-up.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Orleans.Sae.sln -c Release -nologo -v quiet
dotnet test Orleans.Sae.sln -c Release --no-build -nologo "$@"
