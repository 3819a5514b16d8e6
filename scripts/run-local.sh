#!/usr/bin/env bash
# Runs the product locally on this machine, loopback only.
#
# What runs today: Azurite (Table/Queue/Blob storage in memory on 127.0.0.1) and the MediaNode host
# (health endpoint on http://127.0.0.1:8080/healthz). The Functions test host, the WhatsApp Cloud API
# simulator and the scripted demo call join this command as they land (see README "Status").
# Ctrl+C stops everything this script started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
mkdir -p .artifacts

ensure_node_tools
echo "dotnet: restore and build"
dotnet build Serverless.sln --configuration Release -nologo -clp:ErrorsOnly

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    stop_azurite
}
trap cleanup EXIT INT TERM

start_azurite .artifacts/azurite-local.log
ASPNETCORE_URLS=http://127.0.0.1:8080 dotnet src/MediaNode/bin/Release/net10.0/Serverless.MediaNode.dll &
pids+=($!)

for _ in $(seq 100); do
    curl -fsS http://127.0.0.1:8080/healthz >/dev/null 2>&1 && break
    sleep 0.2
done
echo
echo "Azurite:   UseDevelopmentStorage=true (127.0.0.1:10000-10002)"
echo "MediaNode: $(curl -fsS http://127.0.0.1:8080/healthz)"
echo "Press Ctrl+C to stop."
wait
