#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from openapi.yaml (valid and invalid ones) and sends
# them to a running `pop3-gateway serve` in front of the private test Dovecot, with every check on.
# Any answer the spec does not describe (status, header, content type, body schema), any 5xx, any
# invalid request that is accepted or valid one that is refused fails the run.
#
# Usage: scripts/api-fuzz.sh [EXAMPLES]   (EXAMPLES: most cases per operation and phase, default 60)
#
# Builds nothing: it takes the gateway from `swift build --show-bin-path` (debug by default; build
# first). Reuses the test Dovecot if <repo>/.test-server/env describes a running one (scripts/test.sh
# starts it), else starts one and stops it again. The gateway is started on a free loopback port and
# stopped by pid on exit. Mail of the scratch user may be deleted (DELETE is fuzzed too).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${1:-60}
SEED=${POP3GW_FUZZ_SEED:-20261203}
MIN_CASES=500
USER_NAME=scratch8
PASSWORD=scratch-secret
STATE_DIR=${POP3GW_TEST_DIR:-.test-server}
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pop3gw-api-fuzz.XXXXXX")

gateway_pid=
started_server=no
keep_work_dir=no
cleanup() {
    if [[ -n $gateway_pid ]] && kill -0 "$gateway_pid" 2>/dev/null; then
        kill "$gateway_pid" 2>/dev/null || true
        wait "$gateway_pid" 2>/dev/null || true
    fi
    if [[ $started_server == yes ]]; then
        scripts/pop3-test-server.sh stop || true
    fi
    if [[ $keep_work_dir == yes ]]; then
        echo "api-fuzz: the gateway's log and schemathesis's events are in $WORK_DIR" >&2
    else
        rm -rf "$WORK_DIR"
    fi
}
trap cleanup EXIT

if ! python3 -m schemathesis.cli --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    echo "== installing schemathesis $SCHEMATHESIS_VERSION"
    python3 -m pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

gateway="$(swift build --show-bin-path)/pop3-gateway"
[[ -x $gateway ]] || {
    echo "api-fuzz: $gateway is missing; run swift build first" >&2
    exit 1
}

if ! scripts/pop3-test-server.sh status >/dev/null 2>&1; then
    scripts/pop3-test-server.sh start
    started_server=yes
fi
# shellcheck source=/dev/null
source "$STATE_DIR/env"

echo "== pop3-gateway serve in front of the test Dovecot"
# schemathesis's ignored_auth check sends the same wrong credentials (SCHEMATHESIS-INVALID-VALUE) again
# and again and wants 401 each time; the failed-login slowdown answers the fourth 429 (documented, and
# tested in LoginThrottleTests and GatewayOperationsTests). So the slowdown starts only after a million
# failures here: the 401 path is what this run checks.
"$gateway" serve \
    --upstream "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT" \
    --ca-file "$POP3GW_TEST_CA_FILE" \
    --listen 127.0.0.1:0 \
    --log-format json \
    --log-level info \
    --login-failures-free 1000000 \
    2>"$WORK_DIR/gateway.log" &
gateway_pid=$!
base_url=
for _ in $(seq 100); do
    base_url=$(sed -n 's/.*"address":"\(http:\/\/127\.0\.0\.1:[0-9]*\)".*/\1/p' "$WORK_DIR/gateway.log" | head -n 1)
    [[ -n $base_url ]] && break
    kill -0 "$gateway_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $base_url ]]; then
    echo "api-fuzz: the gateway did not start:" >&2
    cat "$WORK_DIR/gateway.log" >&2
    exit 1
fi
echo "gateway at $base_url (user $USER_NAME)"

echo "== schemathesis $SCHEMATHESIS_VERSION: all checks, seed $SEED, up to $EXAMPLES examples per operation"
status=0
# No --max-time: a time budget would make fuzzing repeat until it is spent, so the case count (and
# what is found) would depend on the machine's speed. The seed and a fixed example count keep the run
# the same from one time to the next.
python3 -m schemathesis.cli --config-file scripts/api-fuzz.toml run openapi.yaml \
    --url "$base_url" \
    --checks all \
    --auth "$USER_NAME:$PASSWORD" \
    --seed "$SEED" \
    --max-examples "$EXAMPLES" \
    --workers 2 \
    --request-timeout 30 \
    --generation-database none \
    --suppress-health-check too_slow \
    --no-color \
    --report ndjson \
    --report-ndjson-path "$WORK_DIR/events.ndjson" \
    || status=$?

cases=$(python3 - "$WORK_DIR/events.ndjson" <<'EOF'
import json, sys
cases = set()
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    for value in event.values():
        recorder = value.get("recorder") if isinstance(value, dict) else None
        if recorder:
            cases.update(recorder.get("cases", {}).keys())
print(len(cases))
EOF
)
echo "api-fuzz: $cases test cases generated (at least $MIN_CASES wanted)"
if ((status != 0)); then
    echo "api-fuzz: schemathesis failed (exit $status)" >&2
    keep_work_dir=yes
    exit "$status"
fi
if ((cases < MIN_CASES)); then
    echo "api-fuzz: only $cases cases; raise EXAMPLES" >&2
    exit 1
fi
echo "api-fuzz: passed"
