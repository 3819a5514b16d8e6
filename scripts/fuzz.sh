#!/usr/bin/env bash
# Mutation fuzzing of the parsers that read untrusted input (tests/Fuzz): STUN, RTP, RTCP, SDP, Meta webhook
# bodies and audio plans. Not part of the test suite: run it by hand, then record the table in docs/fuzzing.md
# with the date, machine and load average it prints first.
#
#   bash scripts/fuzz.sh                                  # every parser, 10^6 inputs or 300 s each
#   bash scripts/fuzz.sh --targets sdp --iterations 50000 # extra arguments go to the harness
#
# Options: --targets a,b  --iterations N  --max-seconds S (per parser)  --seed N  --out DIR (inputs that threw).
# Exit code 1 when any input raised an exception out of a parser.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

dotnet build tests/Fuzz/Fuzz.csproj --configuration Release -nologo -clp:ErrorsOnly
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exec dotnet tests/Fuzz/bin/Release/net10.0/Fuzz.dll --iterations 1000000 --max-seconds 300 --out "$root/.artifacts/fuzz" "$@"
