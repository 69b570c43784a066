#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from openapi.yaml (valid and invalid ones) and sends
# them to a running `pop3-gateway serve` in front of the private test Dovecot, with every check on.
# Any answer the spec does not describe (status, header, content type, body schema), any 5xx, any
# invalid request that is accepted or valid one that is refused fails the run; so does, afterwards,
# any recorded answer that scripts/api-fuzz-verify.py finds wrong (formats, Content-Length).
#
# Usage: scripts/api-fuzz.sh [EXAMPLES]   (EXAMPLES: most cases per operation and phase, default 50)
#
# Builds nothing: it takes the gateway from `swift build --show-bin-path` (debug by default; build
# first). Reuses the test Dovecot if <repo>/.test-server/env describes a running one (scripts/test.sh
# starts it), else starts one and stops it again. The gateway is started on a free loopback port and
# stopped by pid on exit. Mail of the scratch user may be deleted (DELETE is fuzzed too).
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES=${1:-50}
SEED=${POP3GW_FUZZ_SEED:-20261203}
MIN_CASES=500
USER_NAME=scratch8
PASSWORD=scratch-secret
# Allowed by the gateway, so that every answer carries `Vary: Origin` as openapi.yaml says. schemathesis
# is not told this origin: its random ones get the 403 preflight. A 204 preflight would be flagged by
# use_after_free when it follows a DELETE of the message in its path (a preflight carries no credentials,
# so the gateway cannot know the message is gone); GatewayOperationsTests covers the 204 preflight.
CORS_ORIGIN=https://app.example.test
STATE_DIR=${POP3GW_TEST_DIR:-.test-server}
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pop3gw-api-fuzz.XXXXXX")

# shellcheck source=scripts/lib/gateway.sh
source scripts/lib/gateway.sh
started_server=no
keep_work_dir=${POP3GW_FUZZ_KEEP:-no}
cleanup() {
    stop_gateway
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

# schemathesis, and for scripts/api-fuzz-verify.py JSON Schema with the date-time format checker: pinned
# in scripts/python-tools.txt.
python=$(scripts/python-tools.sh)

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
start_gateway "$WORK_DIR/gateway.log" \
    --upstream "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT" \
    --ca-file "$POP3GW_TEST_CA_FILE" \
    --log-level info \
    --login-failures-free 1000000 \
    --cors-origin "$CORS_ORIGIN"
echo "gateway at $base_url (user $USER_NAME)"

# The scratch user's 5 plain messages say little about the message document: it gets a copy of alice's
# demo mailbox too (attachments, HTML, a forwarded message, broken MIME), delivered like a mail agent
# would (tmp/, then cur/, owned as Dovecot's files). Its real ids and attachment ids are handed to
# schemathesis as dictionaries, drawn for some of the generated cases; the rest stay random.
deliver_mail "$POP3GW_TEST_MAIL_DIR/$USER_NAME/Maildir" "$POP3GW_TEST_MAIL_DIR"/alice/Maildir/cur/*
python3 - "$base_url" "$USER_NAME" "$PASSWORD" "$WORK_DIR" <<'PYTHON'
import base64, json, sys, urllib.request
base, user, password, out = sys.argv[1:]
auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": auth})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)
ids = [m["id"] for m in get("/v1/messages?limit=500")["messages"]]
parts = sorted({a["id"] for i in ids for a in get("/v1/messages/" + i)["attachments"]})
def write(name, values):
    with open(f"{out}/{name}.dict", "w") as f:
        for value in values:
            f.write('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"\n')
write("ids", ids)
write("attachment-ids", parts)
print(f"{len(ids)} messages, attachment ids {' '.join(parts)}")
PYTHON

# Every check stays on. A Range header that is well-formed but lies past the end of the message or
# attachment is valid by the schema, yet no server can satisfy it: 416, as openapi.yaml documents for
# those two operations (like the 404 of a well-formed id that names no message, which the check
# already expects). 416 joins the statuses positive_data_acceptance accepts there, nowhere else.
cat >"$WORK_DIR/schemathesis.toml" <<TOML
[dictionaries.ids]
from-file = "ids.dict"

[dictionaries.attachment-ids]
from-file = "attachment-ids.dict"

[parameters]
"path.id" = { dictionary = "ids", probability = 0.3 }
"path.attachmentId" = { dictionary = "attachment-ids", probability = 0.5 }

[[operations]]
include-name = "GET /v1/messages/{id}/raw"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "416", "429", "5xx"]

[[operations]]
include-name = "GET /v1/messages/{id}/attachments/{attachmentId}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "416", "429", "5xx"]
TOML

echo "== schemathesis $("$python" -m schemathesis.cli --version | sed -n "s/.*version //p"): all checks, seed $SEED, up to $EXAMPLES examples per operation"
status=0
# No --max-time: a time budget would make fuzzing repeat until it is spent, so the case count (and
# what is found) would depend on the machine's speed. The seed and a fixed example count keep the run
# the same from one time to the next.
# Run in the scratch directory: schemathesis keeps its crash cache (for `st replay`) in .schemathesis/.
# too_slow is Hypothesis's health check of its own data generation, which a busy 2-core CI machine can
# trip; it says nothing about the API.
repo_dir=$PWD
(cd "$WORK_DIR" && "$python" -m schemathesis.cli --config-file schemathesis.toml run "$repo_dir/openapi.yaml" \
    --url "$base_url" \
    --checks all \
    --auth "$USER_NAME:$PASSWORD" \
    --seed "$SEED" \
    --max-examples "$EXAMPLES" \
    --workers 1 \
    --request-timeout 30 \
    --generation-database none \
    --suppress-health-check too_slow \
    --no-color \
    --report ndjson \
    --report-ndjson-path "$WORK_DIR/events.ndjson") \
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
# What schemathesis does not check: formats (date-time), Content-Length against the body, X-Request-Id.
if ! "$python" scripts/api-fuzz-verify.py openapi.yaml "$WORK_DIR/events.ndjson"; then
    keep_work_dir=yes
    exit 1
fi
echo "api-fuzz: passed"
