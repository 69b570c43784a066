#!/usr/bin/env bash
# Load and soak test of `pop3-gateway serve` (release build) on loopback, against a private Dovecot
# with many mailboxes (scripts/pop3-test-server.sh with POP3GW_TEST_LOAD_USERS). Two parts:
#
#   1. Soak: wrk at 256 connections for 60 s over the warm messages of many mailboxes (every
#      request a random mailbox and message, each with its own credentials). Passes with 0 errors
#      (no socket error, no status but 200) and a resident-set growth under 10 % from the steady
#      state after a warm-up run; prints throughput, p50 and p99.
#   2. Cold burst: 200 distinct mailboxes ask for their listing at the same moment on a freshly
#      started gateway whose pool is capped at 50 sessions. Passes when every answer is a 200 or the
#      designed 503 (gateway_busy, with Retry-After), no other 5xx or error, and every mailbox
#      that got a 503 is served when it retries after Retry-After.
#
#   bench/load-soak.sh
#
# Knobs (environment): SOAK_DURATION (default 60s), SOAK_CONNECTIONS (256), SOAK_MAILBOXES (100),
# BURST_MAILBOXES (200), BURST_POOL (50), BURST_WAITING (10: a short queue, so that part of the
# burst gets the designed 503 and has to retry). Traffic goes only to 127.0.0.1. Everything started is stopped by
# its pid. POP3GW_GATEWAY_BIN runs that binary instead of building the release one. Exits 0 when
# both parts pass, 1 when one fails or cannot run; the gateway's logs are then kept in
# bench/results/load-soak-failed.
set -euo pipefail
cd "$(dirname "$0")/.."

soak_duration=${SOAK_DURATION:-60s}
soak_connections=${SOAK_CONNECTIONS:-256}
soak_mailboxes=${SOAK_MAILBOXES:-100}
burst_mailboxes=${BURST_MAILBOXES:-200}
burst_pool=${BURST_POOL:-50}
burst_waiting=${BURST_WAITING:-10}
users=$((soak_mailboxes > burst_mailboxes ? soak_mailboxes : burst_mailboxes))
((users <= 999)) || {
    echo "load-soak: at most 999 mailboxes" >&2
    exit 1
}

log() { printf 'load-soak: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

scripts/install-deps.sh --test
if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk \
            >/dev/null; }
fi

if [[ -n ${POP3GW_GATEWAY_BIN:-} ]]; then
    gateway_bin=$POP3GW_GATEWAY_BIN # another build of it, e.g. one with a sanitizer
else
    log "building release pop3-gateway"
    swift build -c release --product pop3-gateway >/dev/null
    gateway_bin=$(swift build -c release --show-bin-path)/pop3-gateway
fi

work=$(mktemp -d /tmp/pop3gw-load-soak.XXXXXX)
chmod 755 "$work" # the Dovecot mail processes run unprivileged and need to reach the maildirs inside
gateway_pid=""
export POP3GW_TEST_DIR=$work/server POP3GW_TEST_LOAD_USERS=$users

cleanup() {
    local status=$?
    set +e
    if [[ -n $gateway_pid ]]; then
        kill -TERM "$gateway_pid" 2>/dev/null
        wait "$gateway_pid" 2>/dev/null
    fi
    scripts/pop3-test-server.sh stop >/dev/null 2>&1
    if ((status != 0)); then
        mkdir -p bench/results/load-soak-failed
        for f in "$work"/gateway-*.log; do
            [[ -s $f ]] || continue
            log "----- last lines of $f (whole log kept in bench/results/load-soak-failed) -----"
            tail -n 20 "$f" >&2
            cp "$f" bench/results/load-soak-failed/
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting a private Dovecot with $users load mailboxes"
scripts/pop3-test-server.sh start >/dev/null
# shellcheck source=/dev/null
source "$POP3GW_TEST_DIR/env"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

starts=0
# start_gateway ARGS...: a fresh gateway on a new port; sets gateway_pid and gateway_url.
start_gateway() {
    local port i
    port=$(free_port)
    starts=$((starts + 1))
    "$gateway_bin" serve --upstream "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT" \
        --ca-file "$POP3GW_TEST_CA_FILE" --listen "127.0.0.1:$port" --log-level warning \
        --max-connections-per-ip 1024 "$@" >"$work/gateway-$starts.log" 2>&1 &
    gateway_pid=$!
    gateway_url=http://127.0.0.1:$port
    for ((i = 0; i < 200; i++)); do
        kill -0 "$gateway_pid" 2>/dev/null || die "the gateway exited at start"
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$gateway_url/healthz" || true) == 200 ]] && return 0
        sleep 0.05
    done
    die "the gateway did not answer /healthz within 10 s"
}

# stop_gateway: SIGTERM, and the exit status into `stopped` (0 for a clean stop).
stop_gateway() {
    kill -TERM "$gateway_pid" 2>/dev/null || true
    stopped=0
    wait "$gateway_pid" || stopped=$?
    gateway_pid=""
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$gateway_pid/status"; }

# ---------------------------------------------------------------------------------------------
# 1. Soak
# ---------------------------------------------------------------------------------------------
log "1/2: warming $soak_mailboxes mailboxes"
start_gateway
python3 - "$gateway_url" "$soak_mailboxes" "$work/soak.lua" <<'PY'
import base64, http.client, json, sys, urllib.parse
url, mailboxes, script = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
targets = []
connection = http.client.HTTPConnection(host, port, timeout=30)
def get(path, auth):
    connection.request("GET", path, headers={"Authorization": "Basic " + auth})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit("GET %s answered %d: %s" % (path, response.status, body[:300]))
    return body
for number in range(1, mailboxes + 1):
    auth = base64.b64encode(b"load%03d:load-secret" % number).decode()
    for message in json.loads(get("/v1/messages?limit=500", auth))["messages"]:
        path = "/v1/messages/" + urllib.parse.quote(message["id"], safe="")
        get(path, auth)  # the first read downloads and caches it; wrk reads it warm
        targets.append((path, auth))
with open(script, "w") as lua:
    lua.write("local targets = {\n")
    for path, auth in targets:
        lua.write('  {"%s", "Basic %s"},\n' % (path, auth))
    lua.write("}\n")
    lua.write("""
request = function()
  local target = targets[math.random(#targets)]
  return wrk.format("GET", target[1], {["Authorization"] = target[2]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d seconds=%.3f p50_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
""")
print("load-soak: warmed %d messages" % len(targets), file=sys.stderr)
PY

wrk_run() { # wrk_run DURATION OUTPUT
    wrk -t2 -c"$soak_connections" -d"$1" --timeout 10s -s "$work/soak.lua" "$gateway_url" >"$2" 2>&1 ||
        die "wrk failed: $(cat "$2")"
}
log "1/2: warm-up run (10 s, $soak_connections connections)"
wrk_run 10s "$work/wrk-warmup.txt"
rss_start=$(rss_kib)
log "1/2: soak run ($soak_duration, $soak_connections connections), RSS at start ${rss_start} KiB"
wrk_run "$soak_duration" "$work/wrk-soak.txt" &
wrk_pid=$!
rss_peak=$rss_start
while kill -0 "$wrk_pid" 2>/dev/null; do
    rss=$(rss_kib)
    ((rss > rss_peak)) && rss_peak=$rss
    sleep 1
done
wait "$wrk_pid" || die "the soak run failed"
rss_end=$(rss_kib)
soak_line=$(grep '^WRK ' "$work/wrk-soak.txt") || die "no summary from wrk: $(cat "$work/wrk-soak.txt")"
curl -s "$gateway_url/metrics" >"$work/metrics-soak.txt"
stop_gateway
soak_exit=$stopped

# ---------------------------------------------------------------------------------------------
# 2. Cold burst
# ---------------------------------------------------------------------------------------------
log "2/2: $burst_mailboxes mailboxes at once on a cold gateway (pool $burst_pool, queue $burst_waiting)"
start_gateway --max-sessions "$burst_pool" --max-waiting "$burst_waiting"
burst_report=$(python3 - "$gateway_url" "$burst_mailboxes" <<'PY'
import base64, collections, http.client, json, sys, threading, time, urllib.parse
url, mailboxes = sys.argv[1], int(sys.argv[2])
host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
start = threading.Barrier(mailboxes)
first, retries, failures = {}, collections.Counter(), []
lock = threading.Lock()

def ask(number):
    auth = base64.b64encode(b"load%03d:load-secret" % number).decode()
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.request("GET", "/v1/messages?limit=5", headers={"Authorization": "Basic " + auth})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Retry-After"), response.getheader("Content-Type"), body

def mailbox(number):
    start.wait()
    began = time.monotonic()
    try:
        status, retry_after, content_type, body = ask(number)
    except Exception as error:  # noqa: BLE001 (any failure is a finding)
        with lock:
            failures.append("load%03d: %r" % (number, error))
        return
    with lock:
        first[number] = (status, time.monotonic() - began)
    attempts = 0
    while status == 503 and attempts < 30:
        if content_type != "application/problem+json" or json.loads(body).get("code") != "gateway_busy" \
                or not (retry_after or "").isdigit():
            with lock:
                failures.append("load%03d: a 503 that is not gateway_busy with Retry-After: %r" % (number, body[:200]))
            return
        time.sleep(min(int(retry_after), 2) + 0.05 * (number % 10))
        attempts += 1
        status, retry_after, content_type, body = ask(number)
    with lock:
        retries[attempts] += 1
        if status != 200:
            failures.append("load%03d: answered %d after %d retries: %r" % (number, status, attempts, body[:200]))
        elif len(json.loads(body)["messages"]) != 5:
            failures.append("load%03d: listing is not the mailbox's 5 messages" % number)

threads = [threading.Thread(target=mailbox, args=(n,)) for n in range(1, mailboxes + 1)]
began = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - began
statuses = collections.Counter(status for status, _ in first.values())
served_first = sorted(seconds for status, seconds in first.values() if status == 200)
p50 = served_first[len(served_first) // 2] if served_first else 0
print("BURST mailboxes=%d seconds=%.2f first=%s retries=%s p50_first_200_ms=%.0f failures=%d" % (
    mailboxes, elapsed, dict(sorted(statuses.items())), dict(sorted(retries.items())), p50 * 1000, len(failures)))
for failure in failures[:20]:
    print("FAIL " + failure)
PY
) || die "the burst client failed"
curl -s "$gateway_url/metrics" >"$work/metrics-burst.txt"
stop_gateway
burst_exit=$stopped

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
python3 - "$soak_line" "$rss_start" "$rss_peak" "$rss_end" "$burst_report" "$soak_connections" "$soak_mailboxes" \
    "$soak_exit" "$burst_exit" "$work/metrics-soak.txt" "$work/metrics-burst.txt" <<'PY'
import re, sys
soak, rss_start, rss_peak, rss_end, burst, connections, mailboxes, soak_exit, burst_exit, soak_metrics, \
    burst_metrics = sys.argv[1:]
rss_start, rss_peak, rss_end = int(rss_start), int(rss_peak), int(rss_end)
w = dict(re.findall(r"(\w+)=([\d.]+)", soak))
errors = sum(int(w[k]) for k in ("connect", "read", "write", "status", "timeout"))
growth = (rss_peak - rss_start) / rss_start * 100
def five_hundreds(path):
    total = 0
    for line in open(path):
        match = re.match(r'(?:pop3gw_)?http_requests_total\{.*status="(5\d\d)".*\} (\d+)', line)
        if match:
            total += int(match.group(2)) if match.group(1) != "503" else 0
    return total
soak_ok = errors == 0 and growth < 10 and soak_exit == "0"
b = burst.splitlines()[0]
burst_ok = "failures=0" in b.split() and five_hundreds(burst_metrics) == 0 and burst_exit == "0"
print("== bench/load-soak.sh")
print("1. soak: wrk -t2 -c%s over %s warm mailboxes, %s s" % (connections, mailboxes, w["seconds"]))
print("   requests %s (%.0f/s), p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (
    w["requests"], float(w["requests"]) / float(w["seconds"]), int(w["p50_us"]) / 1000, int(w["p99_us"]) / 1000,
    int(w["max_us"]) / 1000))
print("   errors %d (connect %s, read %s, write %s, non-200 %s, timeout %s)" % (
    errors, w["connect"], w["read"], w["write"], w["status"], w["timeout"]))
print("   RSS %d KiB at start, %d KiB peak, %d KiB at end: growth %.1f %% (limit 10 %%)" % (
    rss_start, rss_peak, rss_end, growth))
print("   exit status on SIGTERM afterwards: %s (0 wanted)" % soak_exit)
print("   %s" % ("PASS" if soak_ok else "FAIL"))
print("2. cold burst: " + b.replace("BURST ", ""))
for line in burst.splitlines()[1:]:
    print("   " + line)
print("   5xx other than 503 in /metrics: %d; exit status on SIGTERM afterwards: %s (0 wanted)" % (
    five_hundreds(burst_metrics), burst_exit))
print("   %s" % ("PASS" if burst_ok else "FAIL"))
sys.exit(0 if soak_ok and burst_ok else 1)
PY
