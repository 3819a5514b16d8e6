# Shared helpers for scripts/test.sh and scripts/run-local.sh (sourced, not run).

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# npm tools (Azurite, the WebRTC test phones), installed from the committed lock file.
# Skipped when node_modules already matches package-lock.json.
ensure_node_tools() {
    local stamp=node_modules/.installed-lock.json
    if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
        echo "npm tools: up to date"
        return
    fi
    echo "npm tools: installing from package-lock.json (Azurite, WebRTC test phones; about 40 s on a fresh clone)"
    with_heartbeat "npm tools" npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
}

# apt packages the tests need, installed when missing: curl and jq (docs/walkthrough.sh, the README's next
# steps), libsrtp2-1 (the reference SRTP that the interop tests and benchmarks run side by side with ours) and
# chromium (the real browser the interop tests drive through playwright-core; about 300 MB, once).
ensure_apt_packages() {
    local missing=() pkg
    for pkg in curl jq libsrtp2-1 libopus0 chromium; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "apt: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Starts Azurite (Blob 10000, Queue 10001, Table 10002) in memory on 127.0.0.1; sets AZURITE_PID.
start_azurite() {
    local log=${1:-/dev/null}
    node_modules/.bin/azurite --inMemoryPersistence --skipApiVersionCheck --loose --silent \
        --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >"$log" 2>&1 &
    AZURITE_PID=$!
    local port
    for port in 10000 10001 10002; do
        local tries=0
        until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
            tries=$((tries + 1))
            if [ "$tries" -gt 300 ] || ! kill -0 "$AZURITE_PID" 2>/dev/null; then
                echo "Azurite did not start listening on 127.0.0.1:$port" >&2
                return 1
            fi
            sleep 0.1
        done
    done
    echo "Azurite: listening on 127.0.0.1:10000-10002 (pid $AZURITE_PID)"
}

stop_azurite() {
    [ -n "${AZURITE_PID:-}" ] || return 0
    kill "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$AZURITE_PID" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$AZURITE_PID" 2>/dev/null || true
}

# Runs a command in a new network namespace where only loopback is up, so nothing in it can
# reach another address (libwebrtc and our own peer gather every interface otherwise).
in_loopback_namespace() {
    local flags=-n
    [ "$(id -u)" -eq 0 ] || flags=-rn
    unshare $flags sh -c 'ip link set lo up && exec "$@"' sh "$@"
}

# Runs a command and, while it runs, prints "<label>: still working (Ns)" every 10 s, so a long silent step
# (npm ci, a first build) never looks hung. Keeps the command's own output and exit code.
with_heartbeat() {
    local label=$1
    shift
    "$@" &
    local pid=$! started=$SECONDS code=0
    while kill -0 "$pid" 2>/dev/null; do
        local waited=0
        while [ "$waited" -lt 100 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; waited=$((waited + 1)); done
        kill -0 "$pid" 2>/dev/null && echo "$label: still working ($((SECONDS - started)) s)"
    done
    wait "$pid" || code=$?
    return "$code"
}

# Exits with one line naming the port and the variable that moves it when 127.0.0.1:PORT cannot be bound.
#   require_free_port tcp|udp PORT VARIABLE [HINT]
require_free_port() {
    local proto=$1 port=$2 variable=$3 hint=${4:-}
    if ! node -e '
        const [proto, port] = process.argv.slice(1);
        const done = ok => process.exit(ok ? 0 : 1);
        if (proto === "udp") {
            const s = require("dgram").createSocket("udp4");
            s.once("error", () => done(false));
            s.bind(Number(port), "127.0.0.1", () => s.close(() => done(true)));
        } else {
            const s = require("net").createServer();
            s.once("error", () => done(false));
            s.listen(Number(port), "127.0.0.1", () => s.close(() => done(true)));
        }' "$proto" "$port" 2>/dev/null; then
        if [ -n "$variable" ]; then
            echo "port $port ($proto, 127.0.0.1) is in use: set $variable to a free port${hint:+ ($hint)}" >&2
        else
            echo "port $port ($proto, 127.0.0.1) is in use: ${hint:-stop what holds it}" >&2
        fi
        exit 1
    fi
}
