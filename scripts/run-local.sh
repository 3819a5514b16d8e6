#!/usr/bin/env bash
# The product on this machine in one command, loopback only:
#   bash scripts/run-local.sh            # demo call with a timeline, then exit
#   bash scripts/run-local.sh --stay     # ... and keep everything running until Ctrl+C
# Installs the npm tools (Azurite) and builds, starts Azurite, then the local run (tests/LocalRun), which starts
# the WhatsApp Cloud API simulator with WebRTC phones, the Functions (test host), and the MediaNode as its own
# process (UDP 127.0.0.1:$MEDIANODE_UDP_PORT, HTTP 127.0.0.1:$MEDIANODE_HTTP_PORT, Storage Queues on Azurite),
# places a demo call and prints its timeline and where the recording is.
# With META_ACCESS_TOKEN, META_PHONE_NUMBER_ID, META_APP_SECRET, META_VERIFY_TOKEN, PUBLIC_URL and
# MEDIANODE_PUBLIC_ADDRESS set (optional DEMO_TO), the same command talks to Meta instead (README "Quick start").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
mkdir -p .artifacts

ensure_node_tools
echo "dotnet: restore and build (Release)"
dotnet build tests/LocalRun/LocalRun.csproj --configuration Release -nologo -clp:ErrorsOnly

trap stop_azurite EXIT INT TERM
start_azurite .artifacts/azurite-local.log

out=tests/LocalRun/bin/Release/net10.0
node_args=()
if [ -z "${META_ACCESS_TOKEN:-}" ]; then
    node_args=(--media-node-dll "$out/Serverless.MediaNode.dll")
fi
dotnet "$out/Serverless.Testing.LocalRun.dll" "${node_args[@]}" \
    --udp-port "${MEDIANODE_UDP_PORT:-3478}" --http-port "${MEDIANODE_HTTP_PORT:-8080}" \
    --functions-port "${FUNCTIONS_PORT:-7071}" "$@"
