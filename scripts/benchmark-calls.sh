#!/usr/bin/env bash
# Whole-call load drivers, run the way the tests run: Azurite in memory and everything in a
# loopback-only network namespace. Numbers go into docs/performance.md with the machine and date.
#   bash scripts/benchmark-calls.sh                 # both drivers with their default sizes
#   bash scripts/benchmark-calls.sh peer-load 100 200 20
#   bash scripts/benchmark-calls.sh inbound-latency 1000
#   bash scripts/benchmark-calls.sh slow-bodies 300  # memory while 300 clients hold 4 MiB-declared bodies
#   bash scripts/benchmark-calls.sh stream-load 100 20 both   # streamed calls (issue 16), managed and native Opus interleaved
#   bash scripts/benchmark-calls.sh stream-load 100 20 both twilio wrtc   # the same, each round followed by 50 pairs
#                                                   # (100 legs) of @roamhq/wrtc for 20 s (tests/Benchmarks/wrtc/probe.mjs)
#   bash scripts/benchmark-calls.sh wrtc-probe 50 20   # the @roamhq/wrtc probe alone: 50 pairs for 20 s
#   bash scripts/benchmark-calls.sh analytics-year 300 20  # a year of rollups, then the year query cold/warm
#   bash scripts/benchmark-calls.sh node-load 200,400,600,800,1000 30  # calls through the MediaNode process (issue 17):
#       Storage Queues, signed events, prompt + Ogg recording, phones in their own process, then the UDP echo floor
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

if [ "${1:-}" = "--inside-namespace" ]; then
    shift
    if [ "${1:-}" = "wrtc-probe" ]; then
        shift
        exec node tests/Benchmarks/wrtc/probe.mjs "$@" # needs no Azurite
    fi
    trap stop_azurite EXIT
    start_azurite "$root/.artifacts/azurite-bench.log"
    bench=tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll
    if [ $# -eq 0 ]; then
        dotnet "$bench" peer-load
        dotnet "$bench" inbound-latency
    else
        dotnet "$bench" "$@"
    fi
    exit 0
fi

ensure_node_tools
dotnet build tests/Benchmarks --configuration Release -nologo -clp:ErrorsOnly
mkdir -p .artifacts
in_loopback_namespace bash "$root/scripts/benchmark-calls.sh" --inside-namespace "$@"
