#!/usr/bin/env bash
# Runs every test. On a fresh machine it installs what the tests need (NuGet packages, the npm
# tools, and with apt curl, jq, libsrtp2-1 and chromium), then runs Azurite and the whole suite together in a
# loopback-only network namespace, and ends with one line: "N passed, N failed[, N skipped]". Exit code non-zero on any failure.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh --filter Srtp   # extra arguments go to `dotnet test`
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

results=$root/.artifacts/test-results

if [ "${1:-}" = "--inside-namespace" ]; then
    shift
    trap stop_azurite EXIT
    start_azurite "$root/.artifacts/azurite.log"
    export AZURE_STORAGE_CONNECTION_STRING=UseDevelopmentStorage=true
    set +e
    dotnet test Serverless.sln --no-build --configuration Release \
        --results-directory "$results" --logger "trx" --logger "console;verbosity=minimal" \
        --blame-hang-timeout 10m --blame-hang-dump-type none "$@"
    code=$?
    set -e
    exit $code
fi

ensure_node_tools
ensure_apt_packages
echo "dotnet: restore and build (Release)"
dotnet build Serverless.sln --configuration Release -nologo -clp:ErrorsOnly

rm -rf "$results"
mkdir -p "$results"
set +e
in_loopback_namespace bash "$root/scripts/test.sh" --inside-namespace "$@"
code=$?
set -e

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    # Count test results only (the run summary carries an outcome attribute too).
    outcomes=$(grep -o '<UnitTestResult [^>]*' "$trx" | grep -o 'outcome="[A-Za-z]*"' || true)
    passed=$((passed + $(grep -c '"Passed"' <<<"$outcomes" || true)))
    failed=$((failed + $(grep -c -E '"(Failed|Error|Timeout|Aborted)"' <<<"$outcomes" || true)))
    skipped=$((skipped + $(grep -c '"NotExecuted"' <<<"$outcomes" || true)))
done
if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "test run ended with exit code $code without a failed test (a test host crashed or hung?)"
fi
line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line="$line, $skipped skipped"
echo "$line"
[ "$code" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
