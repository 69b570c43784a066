#!/usr/bin/env bash
# The contract test of openapi.yaml with the client generators callers reach for first:
#   - swift-openapi-generator (built from clients/swift/generator, the version its Package.swift names)
#     writes a Swift client into clients/swift/Generated/; the program of clients/swift drives it;
#   - openapi-python-client (pinned in scripts/python-tools.txt, in .venv-tools/) writes a Python client
#     with clients/python/openapi-python-client.yaml; clients/python/contract_test.py drives it.
# Either generator printing a warning fails the run. Each client then runs against a real
# `pop3-gateway serve` in front of the test Dovecot, on a mailbox of its own filled with alice's demo
# mail and the MIME corpus (Tests/Corpus): the mailbox, every listing page, every message document, every
# source and attachment, error answers as problems, a delete, the operations routes and every preflight,
# each JSON answer's typed value equal to the JSON sent. Every operationId of openapi.yaml must have been
# called by each client.
#
# Usage: scripts/client-test.sh   (build the gateway first: it is taken from `swift build --show-bin-path`)
# Reuses the test Dovecot if <repo>/.test-server/env describes a running one, else starts one and stops
# it again. Generated code goes to clients/swift/Generated/ (not committed) and a scratch directory.
set -euo pipefail
cd "$(dirname "$0")/.."

ORIGIN=https://app.example.test
PASSWORD=client-secret
STATE_DIR=${POP3GW_TEST_DIR:-.test-server}
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pop3gw-client-test.XXXXXX")

# shellcheck source=scripts/lib/gateway.sh
source scripts/lib/gateway.sh
started_server=no
cleanup() {
    stop_gateway
    if [[ $started_server == yes ]]; then
        scripts/pop3-test-server.sh stop || true
    fi
    rm -rf "$WORK_DIR"
}
trap cleanup EXIT

python=$(scripts/python-tools.sh)
tools=$(dirname "$python")

# generated NAME LOG: fails when the generator's output in LOG has a warning.
generated() {
    if grep -i -E -q 'warn|unsupported|not supported|skipping|cannot|unable' "$2"; then
        echo "client-test: $1 warned:" >&2
        cat "$2" >&2
        exit 1
    fi
    echo "$1: no warnings"
}

echo "== swift-openapi-generator"
swift build --package-path clients/swift/generator --product swift-openapi-generator -q
rm -rf clients/swift/Generated
mkdir clients/swift/Generated
"$(swift build --package-path clients/swift/generator --show-bin-path)/swift-openapi-generator" generate openapi.yaml \
    --config clients/swift/openapi-generator-config.yaml \
    --output-directory clients/swift/Generated >"$WORK_DIR/swift-generator.log" 2>&1 || {
    cat "$WORK_DIR/swift-generator.log" >&2
    exit 1
}
generated swift-openapi-generator "$WORK_DIR/swift-generator.log"
swift build --package-path clients/swift --product client-contract-test -q

echo "== openapi-python-client $("$tools/openapi-python-client" --version | sed 's/.* //')"
# ruff, which formats the generated code, is in the same environment.
PATH=$tools:$PATH "$tools/openapi-python-client" generate --path openapi.yaml \
    --config clients/python/openapi-python-client.yaml \
    --output-path "$WORK_DIR/python-client" --fail-on-warning >"$WORK_DIR/python-generator.log" 2>&1 || {
    cat "$WORK_DIR/python-generator.log" >&2
    exit 1
}
generated openapi-python-client "$WORK_DIR/python-generator.log"

if ! scripts/pop3-test-server.sh status >/dev/null 2>&1; then
    scripts/pop3-test-server.sh start
    started_server=yes
fi
# shellcheck source=/dev/null
source "$STATE_DIR/env"

# Each client's mailbox: emptied, then alice's demo mail and the corpus, delivered like a mail agent would.
for user in swiftclient pyclient; do
    maildir=$POP3GW_TEST_MAIL_DIR/$user/Maildir
    rm -f "$maildir"/cur/* "$maildir"/new/*
    deliver_mail "$maildir" "$POP3GW_TEST_MAIL_DIR"/alice/Maildir/cur/* Tests/Corpus/*.eml
done

echo "== pop3-gateway serve in front of the test Dovecot"
start_gateway "$WORK_DIR/gateway.log" \
    --upstream "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT" \
    --ca-file "$POP3GW_TEST_CA_FILE" \
    --cors-origin "$ORIGIN"
echo "gateway at $base_url"

# operations: the operationIds of openapi.yaml, one per line, sorted.
"$python" -c 'import sys, yaml
document = yaml.safe_load(open("openapi.yaml"))
ids = [operation["operationId"] for item in document["paths"].values() for operation in item.values()
       if isinstance(operation, dict) and "operationId" in operation]
print("\n".join(sorted(ids)))' >"$WORK_DIR/operations"

# covered NAME FILE: every operation was called.
covered() {
    local missing
    missing=$(sort -u "$2" | comm -23 "$WORK_DIR/operations" -)
    if [[ -n $missing ]]; then
        echo "client-test: the $1 client never called:" $missing >&2
        exit 1
    fi
    echo "$1 client: all $(wc -l <"$WORK_DIR/operations") operations called"
}

export POP3GW_CLIENT_BASE_URL=$base_url POP3GW_CLIENT_PASSWORD=$PASSWORD POP3GW_CLIENT_ORIGIN=$ORIGIN
export POP3GW_CLIENT_OPENAPI=$PWD/openapi.yaml

echo "== the Swift client against the gateway"
POP3GW_CLIENT_USER=swiftclient POP3GW_CLIENT_CALLED=$WORK_DIR/swift-called \
    "$(swift build --package-path clients/swift --show-bin-path)/client-contract-test"
covered Swift "$WORK_DIR/swift-called"

echo "== the Python client against the gateway"
POP3GW_CLIENT_USER=pyclient POP3GW_CLIENT_CALLED=$WORK_DIR/python-called \
    PYTHONPATH=$WORK_DIR/python-client "$python" clients/python/contract_test.py
covered Python "$WORK_DIR/python-called"

echo "client-test: passed in $SECONDS s"
