# shellcheck shell=bash
# Sourced by the scripts that drive a real `pop3-gateway serve` in front of the test Dovecot
# (scripts/api-fuzz.sh, scripts/client-test.sh).
#   start_gateway LOG ARG...   starts `<bin>/pop3-gateway serve --listen 127.0.0.1:0 ARG...` with its log
#                              (JSON lines) in LOG; sets gateway_pid and base_url (http://127.0.0.1:PORT)
#   stop_gateway               stops it by pid, if it runs
#   deliver_mail MAILDIR FILE...
#                              puts copies of the message files into the maildir the way a mail agent
#                              does (tmp/, then cur/), owned like cur/, under fresh unique names
# The gateway binary is taken from `swift build --show-bin-path` (debug by default; build it first).

gateway_pid=
base_url=

start_gateway() {
    local log=$1
    shift
    local gateway
    gateway="$(swift build --show-bin-path)/pop3-gateway"
    [[ -x $gateway ]] || {
        echo "$gateway is missing; run swift build first" >&2
        return 1
    }
    "$gateway" serve --listen 127.0.0.1:0 --log-format json "$@" 2>"$log" &
    gateway_pid=$!
    base_url=
    local _
    for _ in $(seq 100); do
        base_url=$(sed -n 's/.*"address":"\(http:\/\/127\.0\.0\.1:[0-9]*\)".*/\1/p' "$log" | head -n 1)
        [[ -n $base_url ]] && return 0
        kill -0 "$gateway_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the gateway did not start:" >&2
    cat "$log" >&2
    return 1
}

stop_gateway() {
    if [[ -n $gateway_pid ]] && kill -0 "$gateway_pid" 2>/dev/null; then
        kill "$gateway_pid" 2>/dev/null || true
        wait "$gateway_pid" 2>/dev/null || true
    fi
    gateway_pid=
}

delivered_mail=0
deliver_mail() {
    local maildir=$1 file name
    shift
    for file in "$@"; do
        delivered_mail=$((delivered_mail + 1))
        name=$(printf '%s.M%dP%d.pop3gw-delivery' "$(date +%s)" "$delivered_mail" "$$")
        cp "$file" "$maildir/tmp/$name"
        chown --reference="$maildir/cur" "$maildir/tmp/$name" 2>/dev/null || true
        mv "$maildir/tmp/$name" "$maildir/cur/$name:2,"
    done
}
