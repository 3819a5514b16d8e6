#!/usr/bin/env bash
# The product on this machine in one command, loopback only (README "Quick start"):
#   bash scripts/run-local.sh            # demo call with a timeline, then exit
#   bash scripts/run-local.sh --stay     # ... and keep everything running until Ctrl+C
#   bash scripts/run-local.sh --transport servicebus   # commands over Service Bus (AMQP test broker)
#   bash scripts/run-local.sh --help     # options and variables; builds and starts nothing
# Installs the npm tools (Azurite) and builds, starts Azurite, then the local run (tests/LocalRun), which starts
# the WhatsApp Cloud API simulator with WebRTC phones, the Functions (test host), a callback receiver, and the
# MediaNode as its own process (UDP 127.0.0.1:$MEDIANODE_UDP_PORT, HTTP 127.0.0.1:$MEDIANODE_HTTP_PORT, commands
# over Storage Queues on Azurite or, with --transport servicebus, over Service Bus's AMQP to the test broker
# tests/ServiceBusBroker on 127.0.0.1:$SERVICEBUS_PORT), places a demo call and prints its timeline, the
# recording's URL and its measured tone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    cat <<'USAGE'
usage: bash scripts/run-local.sh [--stay] [--keys] [--transport storagequeues|servicebus] [--help]

Runs the product on 127.0.0.1 against the WhatsApp Cloud API simulator: Azurite, the Functions
(test host), the MediaNode (own process), a callback receiver; places a demo call and prints its
timeline (call states, media events, callbacks, the recording's URL and its measured tone).

options:
  --stay     keep everything running after the demo call until Ctrl+C (docs/walkthrough.sh dials more)
  --transport storagequeues|servicebus
             how the Functions' commands reach the MediaNode: Storage Queues on Azurite (default), or
             Service Bus, as in Azure: the real client over AMQP to the test broker (tests/ServiceBusBroker)
             on 127.0.0.1:$SERVICEBUS_PORT, its queues as Bicep deploys them
  --keys     enforce function keys as in Azure (default: off, as Core Tools does locally); the banner
             prints the key and a ready-to-paste curl
  --measure-inbound N
             before the demo, time N sequential inbound calls: webhook -> pre_accept, with the hops of
             the first and the median call; the first is the first webhook after start; each call
             starts once the last one's end was reported (MEASURE_INBOUND_BACK_TO_BACK=1: once it is
             ended) (docs/performance.md)
  --help     print this and exit (nothing is built or started)

ports (all on 127.0.0.1; a busy port stops the run before anything starts):
  FUNCTIONS_PORT        Functions HTTP (default 7071)
  MEDIANODE_HTTP_PORT   MediaNode /healthz (default 8080)
  MEDIANODE_UDP_PORT    MediaNode media (default 3478)
  CALLBACKS_PORT        local callback receiver (default 7072)
  SERVICEBUS_PORT       Service Bus test broker, AMQP (default 5672; with --transport servicebus)
  Azurite               10000-10002 (fixed: stop the other Azurite)

settings: any Functions setting can be overridden as an environment variable, .NET style
(Section__Key), e.g. WhatsAppGraph__BaseUrl=http://127.0.0.1:9000/ or Calls__MaxCallDuration=00:05:00;
MediaNode settings as MediaNode__Key (e.g. MediaNode__Transport__PollInterval=00:00:00.500).

Meta mode (instead of the simulator): META_ACCESS_TOKEN, META_PHONE_NUMBER_ID, META_APP_SECRET,
META_VERIFY_TOKEN, PUBLIC_URL, MEDIANODE_PUBLIC_ADDRESS, optional DEMO_TO (docs/meta-setup.md).
USAGE
}

args=()
transport=StorageQueues
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --stay|--keys) args+=("$1") ;;
        --transport)
            [ $# -ge 2 ] || { echo "run-local.sh: --transport needs storagequeues or servicebus" >&2; exit 2; }
            case "${2,,}" in
                storagequeues) transport=StorageQueues ;;
                servicebus) transport=ServiceBus ;;
                *) echo "run-local.sh: --transport must be storagequeues or servicebus, not '$2'" >&2; exit 2 ;;
            esac
            shift ;;
        --measure-inbound)
            [ $# -ge 2 ] || { echo "run-local.sh: --measure-inbound needs a number" >&2; exit 2; }
            args+=("$1" "$2"); shift ;;
        *) echo "run-local.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

root=$(repo_root)
cd "$root"
mkdir -p .artifacts

functions_port=${FUNCTIONS_PORT:-7071}
node_http_port=${MEDIANODE_HTTP_PORT:-8080}
node_udp_port=${MEDIANODE_UDP_PORT:-3478}
callbacks_port=${CALLBACKS_PORT:-7072}
servicebus_port=${SERVICEBUS_PORT:-5672}

# Every port is checked before anything is built or started, so a busy one costs a second, not a minute.
require_free_port tcp "$functions_port" FUNCTIONS_PORT
require_free_port tcp "$node_http_port" MEDIANODE_HTTP_PORT
require_free_port udp "$node_udp_port" MEDIANODE_UDP_PORT
require_free_port tcp "$callbacks_port" CALLBACKS_PORT
if [ "$transport" = ServiceBus ]; then
    require_free_port tcp "$servicebus_port" SERVICEBUS_PORT
fi
for port in 10000 10001 10002; do
    require_free_port tcp "$port" "" "Azurite's port; stop the other Azurite (or whatever holds it)"
done

ensure_node_tools
echo "dotnet: restore and build tests/LocalRun (Release; about a minute on a fresh clone)"
with_heartbeat "dotnet build" dotnet build tests/LocalRun/LocalRun.csproj --configuration Release -nologo -v:minimal

trap stop_azurite EXIT INT TERM
start_azurite .artifacts/azurite-local.log

out=tests/LocalRun/bin/Release/net10.0
node_args=()
# Meta mode (any META_* set) runs its own node in-process with the public address; the simulator run starts one.
if [ -z "${META_ACCESS_TOKEN:-}${META_PHONE_NUMBER_ID:-}${META_APP_SECRET:-}${META_VERIFY_TOKEN:-}" ]; then
    node_args=(--media-node-dll "$out/Serverless.MediaNode.dll")
fi
dotnet "$out/Serverless.Testing.LocalRun.dll" "${node_args[@]}" \
    --udp-port "$node_udp_port" --http-port "$node_http_port" \
    --functions-port "$functions_port" --callbacks-port "$callbacks_port" \
    --transport "$transport" --servicebus-port "$servicebus_port" "${args[@]}"
