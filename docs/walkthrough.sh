#!/usr/bin/env bash
# The README Quick start's next steps, as literal curl lines, against `bash scripts/run-local.sh --stay`
# (in another terminal). Each step prints one "STEP ..." line; the E2E test ReadmeWalkthroughTests runs this very
# file (the command README.md shows) against the real local run and checks every line, so the docs cannot drift.
#   bash docs/walkthrough.sh
# Variables: FUNCTIONS_PORT (7071), FUNCTIONS_KEY (only with run-local.sh --keys), TO (+16315553602: the
# simulator's user, who has call permission, answers after 1 s, presses 1 and says 660 Hz).
# Uses curl and jq. Exits non-zero at the first step that does not happen.
set -euo pipefail

BASE=http://127.0.0.1:${FUNCTIONS_PORT:-7071}/api
TO=${TO:-+16315553602}
KEY=(); [ -n "${FUNCTIONS_KEY:-}" ] && KEY=(-H "x-functions-key: $FUNCTIONS_KEY")

# Polls GET $1 until jq filter $2 is true (60 s at most); prints the last body.
wait_for() {
    local url=$1 filter=$2 body=
    for _ in $(seq 300); do
        body=$(curl -s "${KEY[@]}" "$url")
        if jq -e "$filter" >/dev/null 2>&1 <<<"$body"; then echo "$body"; return 0; fi
        sleep 0.2
    done
    echo "timed out waiting for $filter at $url; last: $body" >&2
    return 1
}

# 1. Dial with an audio plan: a 440 Hz tone, one digit (the user presses 1), record the user for 3 s, hang up.
#    Status events go to the local run's callback receiver (the run sets Callbacks__DefaultCallbackUrl to it, and
#    its timeline prints each one with its signature check); a dial may name its own "callbackUrl".
call=$(curl -s -X POST "$BASE/calls" -H 'content-type: application/json' "${KEY[@]}" -d '{"to":"'"$TO"'","audio":{"steps":[
  {"tone":{"hz":440,"ms":1000}},
  {"name":"choice","collect":{"max":1,"timeoutMs":5000}},
  {"name":"message","record":{"maxSeconds":3,"format":"ogg"}},
  {"hangup":{}}]}}')
id=$(jq -er .id <<<"$call")
echo "STEP dial: call $id $(jq -r .state <<<"$call")"

# 2. Watch it ring, then connect once the user answers.
wait_for "$BASE/calls/$id" '.state == "ringing" or .state == "connected" or .state == "ended"' >/dev/null
echo "STEP ringing: call $id"
wait_for "$BASE/calls/$id" '.connectedAt != null' >/dev/null
echo "STEP connected: call $id (the phone answered)"

# 3. The plan runs (tone, digit, recording) and hangs up; then the call shows what the user did.
ended=$(wait_for "$BASE/calls/$id" '(.state == "ended" or .state == "failed") and .recording != null')
echo "STEP ended: call $id $(jq -r '.state + " " + (.outcome // "") + " " + (.endReason // "")' <<<"$ended")"
echo "STEP inputs: call $id $(jq -r '[.inputs[] | (.name // "-") + "=" + .digits] | join(" ")' <<<"$ended")"

# 4. The recording's url is a read-only link that opens as is: download it.
url=$(jq -er .recording.url <<<"$ended")
curl -sf -o "${TMPDIR:-/tmp}/walkthrough-$id.ogg" "$url"
echo "STEP recording: call $id $(wc -c <"${TMPDIR:-/tmp}/walkthrough-$id.ogg") bytes $(head -c 4 "${TMPDIR:-/tmp}/walkthrough-$id.ogg") $(jq -r '.recording.contentType + " " + (.recording.durationSeconds | tostring) + " s"' <<<"$ended")"

# 5. A scheduled dial, 5 s from now: the DialScheduler timer (every 5 s) places it.
at=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)
dial=$(curl -s -X POST "$BASE/dials" -H 'content-type: application/json' "${KEY[@]}" \
  -d '{"to":"'"$TO"'","notBefore":"'"$at"'"}')
dial_id=$(jq -er .id <<<"$dial")
echo "STEP scheduled: dial $dial_id $(jq -r .state <<<"$dial") for $at"
fired=$(wait_for "$BASE/dials/$dial_id" '(.attempts | length) > 0')
scheduled_call=$(jq -r '.attempts[0].callId' <<<"$fired")
echo "STEP scheduled dial fired: dial $dial_id placed call $scheduled_call"

# 6. No plan: the line stays open until someone hangs up. The business hangs up.
wait_for "$BASE/calls/$scheduled_call" '.state == "connected"' >/dev/null
curl -s -X DELETE "${KEY[@]}" "$BASE/calls/$scheduled_call" >/dev/null
hung=$(wait_for "$BASE/calls/$scheduled_call" '.state == "ended" or .state == "failed"')
echo "STEP hung up: call $scheduled_call $(jq -r '.state + " " + (.outcome // "") + " " + (.endReason // "")' <<<"$hung")"

# 7. List the calls (one page; its continuationToken, when not null, reads the next).
list=$(curl -s "${KEY[@]}" "$BASE/calls")
echo "STEP list: $(jq -r '[.calls[].id] | join(" ")' <<<"$list")"

# Callbacks: the run's timeline prints each one it received, e.g.
#   callback call.ended  call <id> state ended (signature verified, event <id>-ended)
