#!/bin/sh
# Runs these tests against an in-memory Azurite on 127.0.0.1 inside a private network namespace
# (no other process can collide with its ports). Extra arguments go to `dotnet test`.
set -e
cd "$(dirname "$0")"
exec unshare -rn sh -c '
  ip link set lo up
  AZURITE=${AZURITE:-/work/main/node_modules/.bin/azurite}
  "$AZURITE" --inMemoryPersistence --skipApiVersionCheck --loose --silent \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  AZ=$!
  trap "kill $AZ" EXIT
  dotnet test --no-build "$@"
' sh "$@"
