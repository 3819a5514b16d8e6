#!/bin/bash
# Runs the MediaNode tests against a private Azurite in its own network namespace (only 127.0.0.1 exists):
#   unshare -n tests/MediaNode.Tests/run-with-azurite.sh [dotnet test args, e.g. --filter Category=Azurite]
# Build first (dotnet build tests/MediaNode.Tests); this only runs the tests.
set -u
ip link set lo up
AZURITE=${AZURITE:-/work/main/node_modules/.bin/azurite}
(cd /tmp && exec "$AZURITE" --inMemoryPersistence --skipApiVersionCheck --loose --silent \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1) &
AZ=$!
trap 'kill $AZ 2>/dev/null' EXIT
for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/10000) 2>/dev/null && break; sleep 0.1; done
cd "$(dirname "$0")/../.." && dotnet test tests/MediaNode.Tests --no-build "$@"
