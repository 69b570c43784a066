#!/usr/bin/env bash
# The gateway's main job, from a fresh clone. For now (until the HTTP API lands) that is
# `pop3-gateway check`:
#   scripts/run.sh                                   a local demo Dovecot with demo mail, checked
#   scripts/run.sh --upstream pop3s://host --user U  your server (password: POP3GW_PASSWORD or a prompt)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -eq 0 ]]; then
    scripts/install-deps.sh --test
else
    scripts/install-deps.sh
fi
swift build -c release --product pop3-gateway >&2
gateway="$(swift build -c release --show-bin-path)/pop3-gateway"

if [[ $# -gt 0 ]]; then
    exec "$gateway" check "$@"
fi

export POP3GW_TEST_DIR=${POP3GW_TEST_DIR:-$PWD/.demo-server}
trap 'scripts/pop3-test-server.sh stop >&2' EXIT
scripts/pop3-test-server.sh start >&2
# shellcheck source=/dev/null
source "$POP3GW_TEST_DIR/env"
echo "demo POP3 server: pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT, user alice, password alice-secret" >&2
POP3GW_PASSWORD=alice-secret "$gateway" check --upstream "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT" \
    --ca-file "$POP3GW_TEST_CA_FILE" --user alice
