#!/usr/bin/env bash
# Runs `pop3-gateway check` against the test Dovecot (scripts/pop3-test-server.sh start) the way a
# user would, and checks its exit status and what it prints for success and for each kind of failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=/dev/null
source "${POP3GW_TEST_DIR:-.test-server}/env"
gateway="$(swift build --show-bin-path)/pop3-gateway"
host=$POP3GW_TEST_HOST
failures=0

# expect EXIT-STATUS TEXT PASSWORD ARGS...: runs check, wants that status and TEXT in its output.
expect() {
    local want_status=$1 want_text=$2 password=$3
    shift 3
    local output status=0
    output=$(POP3GW_PASSWORD=$password "$gateway" check "$@" 2>&1) || status=$?
    if [[ $status -eq $want_status && $output == *"$want_text"* ]]; then
        echo "ok   check $* -> $status, \"$want_text\""
    else
        echo "FAIL check $* -> $status (wanted $want_status and \"$want_text\"):"
        echo "$output" | head -20
        failures=$((failures + 1))
    fi
}

tls=(--upstream "pop3s://$host:$POP3GW_TEST_TLS_PORT" --user alice)
stls=(--upstream "pop3://$host:$POP3GW_TEST_STLS_PORT" --user alice)
ca=(--ca-file "$POP3GW_TEST_CA_FILE")

expect 0 '"version" : "TLSv1.' alice-secret "${tls[@]}" "${ca[@]}"
expect 0 '"messageCount" :' alice-secret "${tls[@]}" "${ca[@]}"
expect 0 '"version" : "TLSv1.' alice-secret "${stls[@]}" "${ca[@]}"
expect 2 "login failed: the server rejected the user name or password" wrong-password "${tls[@]}" "${ca[@]}"
expect 2 "certificate is not trusted" alice-secret "${tls[@]}"
expect 2 "certificate is not trusted" alice-secret "${tls[@]}" --ca-file "$POP3GW_TEST_OTHER_CA_FILE"
expect 2 "not valid for this host name" alice-secret --upstream "pop3s://localhost:$POP3GW_TEST_TLS_PORT" \
    --user alice "${ca[@]}"
expect 2 "does not offer STLS" alice-secret --upstream "pop3://$host:$POP3GW_TEST_PLAIN_PORT" --user alice
expect 0 '"messageCount" :' alice-secret --upstream "pop3://$host:$POP3GW_TEST_PLAIN_PORT" --user alice \
    --allow-insecure-upstream
expect 2 "cannot connect" alice-secret --upstream "pop3s://$host:1" --user alice "${ca[@]}"

if [[ $failures -gt 0 ]]; then
    echo "$failures check smoke test(s) failed"
    exit 1
fi
echo "check smoke tests: all passed"
