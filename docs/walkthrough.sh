#!/usr/bin/env bash
# The README Quick start's next steps, as literal curl lines, against `bash scripts/run-local.sh --stay`
# (in another terminal). Each step prints one "STEP ..." line that the local-run E2E test checks.
#   bash docs/walkthrough.sh
# Variables: FUNCTIONS_PORT (7071), CALLBACKS_PORT (7072), FUNCTIONS_KEY (only with run-local.sh --keys),
# TO (+16315553602: the simulator's user, who has call permission and answers after 1 s, saying 660 Hz).
set -euo pipefail

BASE=http://127.0.0.1:${FUNCTIONS_PORT:-7071}/api
CALLBACK=http://127.0.0.1:${CALLBACKS_PORT:-7072}/callbacks
TO=${TO:-+16315553602}
KEY=(); [ -n "${FUNCTIONS_KEY:-}" ] && KEY=(-H "x-functions-key: $FUNCTIONS_KEY")

# Polls GET $1 until jq filter $2 is true (30 s at most); prints the last body.
wait_for() {
    local url=$1 filter=$2 body
    for _ in $(seq 150); do
        body=$(curl -s "${KEY[@]}" "$url")
        if jq -e "$filter" >/dev/null 2>&1 <<<"$body"; then echo "$body"; return 0; fi
        sleep 0.2
    done
    echo "timed out waiting for $filter at $url; last: $body" >&2
    return 1
}

# 1. Dial with an audio plan: a 440 Hz prompt, then record the user. Status events go to the local run's callback
#    receiver ($CALLBACK: the run sets Callbacks__DefaultCallbackUrl to it); a dial may name its own "callbackUrl".
call=$(curl -s -X POST "$BASE/calls" -H 'content-type: application/json' "${KEY[@]}" \
  -d '{"to":"'"$TO"'","audio":{"steps":[{"tone":{"hz":440,"ms":2000}},{"record":{"maxSeconds":10,"format":"ogg"}}]}}')
id=$(jq -r .id <<<"$call")
echo "STEP dial: call $id $(jq -r .state <<<"$call")"

# 2. Watch it ring, then connect once the user answers.
wait_for "$BASE/calls/$id" '.state == "ringing" or .state == "connected"' >/dev/null
echo "STEP ringing: call $id"
wait_for "$BASE/calls/$id" '.state == "connected"' >/dev/null
echo "STEP connected: call $id"

# 3. The business hangs up.
curl -s -X DELETE "${KEY[@]}" "$BASE/calls/$id" >/dev/null
ended=$(wait_for "$BASE/calls/$id" '.state == "ended" or .state == "failed"')
echo "STEP hung up: call $id $(jq -r '.state + " " + (.outcome // "")' <<<"$ended")"

# 4. A scheduled dial, 5 s from now: the DialScheduler timer (every 5 s) places it.
at=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)
dial=$(curl -s -X POST "$BASE/dials" -H 'content-type: application/json' "${KEY[@]}" \
  -d '{"to":"'"$TO"'","notBefore":"'"$at"'"}')
dial_id=$(jq -r .id <<<"$dial")
echo "STEP scheduled: dial $dial_id $(jq -r .state <<<"$dial") for $at"
fired=$(wait_for "$BASE/dials/$dial_id" '(.attempts | length) > 0')
scheduled_call=$(jq -r '.attempts[0].callId' <<<"$fired")
echo "STEP scheduled dial fired: dial $dial_id placed call $scheduled_call"
wait_for "$BASE/calls/$scheduled_call" '.state == "connected"' >/dev/null
curl -s -X DELETE "${KEY[@]}" "$BASE/calls/$scheduled_call" >/dev/null
wait_for "$BASE/calls/$scheduled_call" '.state == "ended" or .state == "failed"' >/dev/null
echo "STEP scheduled call ended: call $scheduled_call"

# 5. List the calls.
list=$(curl -s "${KEY[@]}" "$BASE/calls")
echo "STEP list: $(jq -r '[.calls[].id] | join(" ")' <<<"$list")"

# Callbacks ($CALLBACK): the local run's timeline prints each one it received and whether its signature verified
# ("callback call.ringing ... signature verified").

# ---- Part 2: call results (the digits the user pressed and the recording's read link), with WALKTHROUGH_RESULTS=1.
if [ "${WALKTHROUGH_RESULTS:-0}" = 1 ]; then
    results=$(curl -s "${KEY[@]}" "$BASE/calls/$id")
    echo "STEP results: digits $(jq -r '[.inputs[].digits] | join(",") | if . == "" then "none" else . end' <<<"$results") recording $(jq -r '.recording.url // "none"' <<<"$results")"
fi
