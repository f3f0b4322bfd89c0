#!/usr/bin/env bash
# Builds the orleans-sae container image (deploy/Dockerfile) from the repository root with docker.
#   deploy/build.sh [TAG] [extra docker build arguments…]    TAG defaults to latest
# Environment:
#   IMAGE         image name (default orleans-sae; e.g. myregistry.azurecr.io/orleans-sae)
#   NUGET_CONFIG  a NuGet.Config to restore with, passed as a build secret (never stored in a layer);
#                 without it the build uses the SDK image's default package feed
#   SDK_IMAGE     the .NET SDK image (default mcr.microsoft.com/dotnet/sdk:10.0; it must carry a 10.0.4xx
#                 SDK because global.json pins 10.0.401 with rollForward latestPatch)
#   PUSH=1        push IMAGE:TAG after building
set -euo pipefail
cd "$(dirname "$0")/.."

tag="${1:-latest}"
[ $# -gt 0 ] && shift
image="${IMAGE:-orleans-sae}"

args=(build --file deploy/Dockerfile --tag "$image:$tag")
if [ -n "${NUGET_CONFIG:-}" ]; then
  args+=(--secret "id=nugetconfig,src=$NUGET_CONFIG")
fi
if [ -n "${SDK_IMAGE:-}" ]; then
  args+=(--build-arg "SDK_IMAGE=$SDK_IMAGE")
fi

# BuildKit is needed for the Dockerfile's cache and secret mounts (the default builder since Docker 23).
DOCKER_BUILDKIT=1 docker "${args[@]}" "$@" .
echo "built $image:$tag"

if [ "${PUSH:-0}" = 1 ]; then
  docker push "$image:$tag"
fi
