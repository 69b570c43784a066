#!/usr/bin/env bash
# The gateway's main job, from a fresh clone: `pop3-gateway serve`.
#   scripts/run.sh                                  a local demo Dovecot with demo mail, and the gateway in front
#   scripts/run.sh --upstream pop3s://host[:port]   your server; any `serve` flags may follow (see --help)
# Stop with Ctrl-C (or SIGTERM): the gateway and the demo Dovecot are stopped by pid.
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
    exec "$gateway" serve "$@"
fi

listen=${POP3GW_LISTEN:-127.0.0.1:8080}
export POP3GW_TEST_DIR=${POP3GW_TEST_DIR:-$PWD/.demo-server}
gateway_pid=
stop() {
    [[ -n $gateway_pid ]] && kill -TERM "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null
    scripts/pop3-test-server.sh stop >&2
}
trap stop EXIT
trap 'exit 0' INT TERM
scripts/pop3-test-server.sh start >&2
# shellcheck source=/dev/null
source "$POP3GW_TEST_DIR/env"

"$gateway" serve --upstream "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT" --ca-file "$POP3GW_TEST_CA_FILE" \
    --listen "$listen" &
gateway_pid=$!
for _ in $(seq 50); do
    curl -fs "http://$listen/healthz" >/dev/null 2>&1 && break
    kill -0 "$gateway_pid" 2>/dev/null || { echo "the gateway did not start" >&2; exit 1; }
    sleep 0.1
done

cat <<TEXT

pop3-gateway is serving http://$listen in front of a demo Dovecot (user alice, password alice-secret).
Try, in another terminal:

  curl -u alice:alice-secret http://$listen/v1/mailbox
  curl -u alice:alice-secret 'http://$listen/v1/messages?limit=5'
  id=\$(curl -s -u alice:alice-secret 'http://$listen/v1/messages?limit=1' | python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"][0]["id"])')
  curl -u alice:alice-secret http://$listen/v1/messages/\$id
  curl -u alice:alice-secret "http://$listen/v1/messages/\$id?textType=plain&maxBytes=200"
  curl -u alice:alice-secret http://$listen/v1/messages/\$id/raw
  curl -D - -o photos.zip -u alice:alice-secret http://$listen/v1/messages/\$id/attachments/2
  curl -i -u alice:wrong http://$listen/v1/mailbox
  curl http://$listen/openapi.yaml
  curl http://$listen/metrics

Ctrl-C stops the gateway and the demo Dovecot.
TEXT
wait "$gateway_pid"
