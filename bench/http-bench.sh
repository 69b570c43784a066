#!/usr/bin/env bash
# HTTP benchmark of `pop3-gateway serve`: three comparisons, each against a named baseline, all
# measured in the same run on loopback against the private Dovecot (scripts/pop3-test-server.sh).
#
#   1. Warm GET /v1/messages/{id}: wrk throughput and p99 against nginx serving the very same JSON
#      bytes as a static file (keep-alive, as many nginx workers as the gateway has HTTP threads).
#   2. Cold listing of the 1000-message mailbox (GET /v1/messages?limit=500, then the next page by
#      cursor; a freshly started gateway each run) against the pipelined POP3 client floor
#      (pop3-headers-bench: UIDL + LIST + TOP n 0 for all 1000) and Python's poplib doing the same.
#   3. A 20 MiB raw download (GET /v1/messages/{id}/raw, fresh gateway each run) against curl's own
#      POP3 client fetching the same message, plus the gateway's peak RSS growth during it.
#
#   bench/http-bench.sh
#
# Knobs (environment): WRK_DURATION (default 5s), WRK_ROUNDS (3), WRK_CONNECTIONS (32), WRK_THREADS (2),
# LIST_RUNS (default 9), RAW_RUNS (default 5). Runs are interleaved after one discarded warm-up
# round, and medians compared. Prints the report and writes it to bench/results/http-bench.txt.
# Exits 0 when everything ran (whatever the figures), non-zero when something failed to run.
set -euo pipefail
cd "$(dirname "$0")/.."

wrk_duration=${WRK_DURATION:-5s}
wrk_rounds=${WRK_ROUNDS:-3}
wrk_connections=${WRK_CONNECTIONS:-32}
wrk_threads=${WRK_THREADS:-2}
list_runs=${LIST_RUNS:-9}
raw_runs=${RAW_RUNS:-5}
http_threads=2                 # the gateway's default --http-threads; nginx gets as many workers
raw_user=scratch8
raw_password=scratch-secret
raw_target_bytes=$((20 * 1024 * 1024))
raw_file_prefix=1800000000.M1P1.pop3gw-bench

log() { printf 'http-bench: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------------------------
scripts/install-deps.sh --test
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
    if apt-cache show nginx-light >/dev/null 2>&1; then missing+=(nginx-light); else missing+=(nginx); fi
fi
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
    log "installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/dev/null; then
        "${sudo[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            >/dev/null
    fi
fi
nginx_bin=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
command -v python3 >/dev/null 2>&1 || die "python3 is missing"

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------
log "building release (pop3-gateway, pop3-headers-bench)"
swift build -c release --product pop3-gateway >/dev/null
swift build -c release --product pop3-headers-bench >/dev/null
bin_dir=$(swift build -c release --show-bin-path)
gateway_bin=$bin_dir/pop3-gateway
floor_bin=$bin_dir/pop3-headers-bench

# ---------------------------------------------------------------------------------------------
# State and cleanup: everything we start is stopped by its pid.
# ---------------------------------------------------------------------------------------------
work=$(mktemp -d /tmp/pop3gw-http-bench.XXXXXX)
chmod 755 "$work" # nginx workers run as an unprivileged user and read the static file below
results=$work/results
mkdir -p "$results"
started_server=0
gateway_pid=""
nginx_pid=""
raw_file=""

stop_pid() { # stop_pid PID NAME: SIGTERM, wait up to 10 s, then SIGKILL
    local pid=$1 name=$2 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) did not stop on SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    set +e
    [[ -n $gateway_pid ]] && stop_pid "$gateway_pid" pop3-gateway
    [[ -n $nginx_pid ]] && stop_pid "$nginx_pid" nginx
    [[ -n $raw_file ]] && rm -f "$raw_file"
    if ((started_server)); then
        scripts/pop3-test-server.sh stop >/dev/null 2>&1
    fi
    if ((status != 0)); then
        for f in "$work"/gateway-*.log "$work"/nginx/error.log; do
            [[ -s $f ]] || continue
            log "----- last lines of $f -----"
            tail -n 20 "$f" >&2
        done
    fi
    if ((status != 0)) && [[ -n ${server_id:-} && $(server_identity) != "$server_id" ]]; then
        log "note: the test server in $POP3GW_TEST_DIR was restarted by something else during the run"
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http PID URL: until URL answers at all (any HTTP status), or the process died / 10 s passed.
wait_http() {
    local pid=$1 url=$2 i
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || die "process $pid serving $url exited"
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" || true) != 000 ]] && return 0
        sleep 0.05
    done
    die "$url did not answer within 10 s"
}

gateway_starts=0
# start_gateway: a fresh gateway (empty cache, no upstream session) on a new port; sets
# gateway_pid and gateway_url.
start_gateway() {
    local port
    port=$(free_port)
    gateway_starts=$((gateway_starts + 1))
    # --log-level warning: no access line per request, as nginx runs here with access_log off.
    "$gateway_bin" serve --upstream "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT" \
        --ca-file "$POP3GW_TEST_CA_FILE" --listen "127.0.0.1:$port" --http-threads "$http_threads" \
        --log-level warning >"$work/gateway-$gateway_starts.log" 2>&1 &
    gateway_pid=$!
    gateway_url=http://127.0.0.1:$port
    wait_http "$gateway_pid" "$gateway_url/healthz"
}

stop_gateway() {
    stop_pid "$gateway_pid" pop3-gateway
    gateway_pid=""
}

basic() { printf '%s:%s' "$1" "$2" | base64 -w0; }

# http_get OUTPUT URL [CURL-ARGS...]: GET with curl, body to OUTPUT; prints curl's time_total.
# Fails, showing the status and the start of the body, unless the answer is 200.
http_get() {
    local output=$1 url=$2 result code seconds
    shift 2
    result=$(curl -sS -o "$output" -w '%{http_code} %{time_total}' "$@" "$url") || die "GET $url: curl failed"
    read -r code seconds <<<"$result"
    if [[ $code != 200 ]]; then
        die "GET $url answered $code: $(head -c 400 "$output" 2>/dev/null || true)"
    fi
    printf '%s\n' "$seconds"
}

# ---------------------------------------------------------------------------------------------
# Private Dovecot
# ---------------------------------------------------------------------------------------------
if ! scripts/pop3-test-server.sh status >/dev/null 2>&1; then
    log "starting the private Dovecot"
    scripts/pop3-test-server.sh start >/dev/null
    started_server=1
fi
# shellcheck source=/dev/null
source "${POP3GW_TEST_DIR:-.test-server}/env"
upstream="pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT"
# `pop3-test-server.sh start` run by anything else meanwhile wipes and regenerates the server
# (new CA, new maildirs); that is detected and reported instead of a confusing failure.
server_identity() { cat "$POP3GW_TEST_DIR/main.pid" "$POP3GW_TEST_CA_FILE" 2>/dev/null | cksum; }
server_id=$(server_identity)
check_server() {
    [[ $(server_identity) == "$server_id" ]] ||
        die "the test server in $POP3GW_TEST_DIR was restarted by something else during the run; rerun," \
            "or use a private one: POP3GW_TEST_DIR=/tmp/pop3gw-bench-server bench/http-bench.sh"
}
# Other work on the machine skews every figure here; the report shows how busy it was.
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# 1. Warm GET /v1/messages/{id}: gateway against nginx serving the same bytes
# ---------------------------------------------------------------------------------------------
log "1/3: warm GET /v1/messages/{id}, $wrk_rounds interleaved rounds of wrk -t$wrk_threads -c$wrk_connections -d$wrk_duration"
start_gateway
alice_auth=$(basic alice alice-secret)
http_get "$work/alice-list.json" "$gateway_url/v1/messages?limit=100" -H "Authorization: Basic $alice_auth" >/dev/null
# The oldest message of alice's demo mailbox (the listing is newest first).
message_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["messages"][-1]["id"])' \
    "$work/alice-list.json")
message_path=/v1/messages/$message_id
# The warm-up fetch; its body is what nginx serves.
mkdir -p "$work/nginx/root" "$work/nginx/logs" "$work/nginx/tmp"
http_get "$work/nginx/root/message.json" "$gateway_url$message_path" -H "Authorization: Basic $alice_auth" \
    -D "$work/gateway-headers.txt" >/dev/null
chmod 644 "$work/nginx/root/message.json"
chmod -R a+rX "$work/nginx/root"

nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes $http_threads;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/nginx/root;
        location / {
            default_type application/json;
            # Headers like the gateway's: no Last-Modified and Accept-Ranges, an ETag, Cache-Control.
            add_header Cache-Control private;
            add_header Last-Modified "";
            max_ranges 0;
            try_files /message.json =404;
        }
    }
}
EOF
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx/error.log" -g 'daemon off;' \
    >"$work/nginx/stdout.log" 2>&1 &
nginx_pid=$!
nginx_url=http://127.0.0.1:$nginx_port
wait_http "$nginx_pid" "$nginx_url/"
http_get "$work/nginx-body.json" "$nginx_url$message_path" -H "Authorization: Basic $alice_auth" \
    -D "$work/nginx-headers.txt" >/dev/null
cmp -s "$work/nginx-body.json" "$work/nginx/root/message.json" || die "nginx does not serve the gateway's bytes"
wc -c <"$work/nginx/root/message.json" >"$results/get.body-bytes"
wc -c <"$work/gateway-headers.txt" >"$results/get.gateway-header-bytes"
wc -c <"$work/nginx-headers.txt" >"$results/get.nginx-header-bytes"
"$nginx_bin" -v 2>&1 | sed 's/^nginx version: //' >"$results/get.nginx-version"

wrk_run() { # wrk_run URL OUTPUT: a 1 s warm-up, then the measured run
    wrk -t"$wrk_threads" -c"$wrk_connections" -d1s -H "Authorization: Basic $alice_auth" "$1" >/dev/null
    wrk -t"$wrk_threads" -c"$wrk_connections" -d"$wrk_duration" --latency -H "Authorization: Basic $alice_auth" "$1" \
        >"$2"
}
# Rounds alternate, so that a slow spell of the machine hits both servers alike; medians are compared.
for round in $(seq 1 "$wrk_rounds"); do
    wrk_run "$nginx_url$message_path" "$results/get.nginx.wrk.$round"
    wrk_run "$gateway_url$message_path" "$results/get.gateway.wrk.$round"
done
stop_pid "$nginx_pid" nginx
nginx_pid=""
stop_gateway

# ---------------------------------------------------------------------------------------------
# 2. Cold listing of 1000 messages: gateway against the pipelined client floor and poplib
# ---------------------------------------------------------------------------------------------
log "2/3: cold listing of 1000 messages, $list_runs interleaved runs (+1 warm-up) of each"
bulk_auth=$(basic bulk bulk-secret)
for round in $(seq 0 "$list_runs"); do
    start_gateway
    first=$(http_get "$work/page1.json" "$gateway_url/v1/messages?limit=500" -H "Authorization: Basic $bulk_auth")
    cursor=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["nextCursor"])' "$work/page1.json")
    second=$(http_get "$work/page2.json" "$gateway_url/v1/messages" -G -H "Authorization: Basic $bulk_auth" \
        --data-urlencode limit=500 --data-urlencode "cursor=$cursor")
    stop_gateway
    python3 - "$work/page1.json" "$work/page2.json" "$first" "$second" >>"$results/list.gateway.$round" <<'PY'
import json, sys
page1, page2 = (json.load(open(path)) for path in sys.argv[1:3])
ids = [m["id"] for m in page1["messages"] + page2["messages"]]
assert len(ids) == 1000 and len(set(ids)) == 1000, f"walked {len(ids)} ids, {len(set(ids))} distinct"
assert page1["total"] == 1000 and not page2.get("nextCursor"), "the listing did not end after 1000"
body = sum(len(open(path, "rb").read()) for path in sys.argv[1:3])
print(json.dumps({"seconds": float(sys.argv[3]) + float(sys.argv[4]), "messages": len(ids), "jsonBytes": body}))
PY
    POP3GW_PASSWORD=bulk-secret "$floor_bin" --upstream "$upstream" --user bulk --ca-file "$POP3GW_TEST_CA_FILE" \
        --runs 1 >>"$results/list.floor.$round"
    POP3GW_PASSWORD=bulk-secret python3 bench/poplib_headers.py "$POP3GW_TEST_HOST" "$POP3GW_TEST_TLS_PORT" bulk \
        "$POP3GW_TEST_CA_FILE" 1 >>"$results/list.poplib.$round"
done
rm -f "$results"/list.*.0

# ---------------------------------------------------------------------------------------------
# 3. 20 MiB raw download: gateway against curl's POP3 client, and the gateway's RSS growth
# ---------------------------------------------------------------------------------------------
log "3/3: 20 MiB raw download, $raw_runs interleaved runs (+1 warm-up) of each"
maildir=$POP3GW_TEST_MAIL_DIR/$raw_user/Maildir
[[ -d $maildir/cur ]] || die "no maildir $maildir"
rm -f "$maildir"/cur/"$raw_file_prefix"* "$maildir"/tmp/"$raw_file_prefix"*
# A message of base64 lines (CRLF) of just under 20 MiB, written in tmp/ and renamed into cur/ (Maildir
# delivery), named with its size so that Dovecot need not stat it, sorting after the others.
size=$(python3 - "$maildir/tmp/$raw_file_prefix" "$raw_target_bytes" <<'PY'
import base64, random, sys
path, target = sys.argv[1], int(sys.argv[2])
head = (b"Date: Thu, 01 Feb 2024 13:00:00 +0000\r\nFrom: Bench <bench@example.com>\r\n"
        b"To: scratch8@example.test\r\nSubject: 20 MiB benchmark message\r\n"
        b"Message-ID: <http-bench-20mib@example.com>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: application/octet-stream; name=\"blob.bin\"\r\n"
        b"Content-Disposition: attachment; filename=\"blob.bin\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n")
rng = random.Random(20)
chunks, size = [head], len(head)
while size + 78 <= target:
    line = base64.b64encode(rng.randbytes(57)) + b"\r\n"
    chunks.append(line)
    size += len(line)
data = b"".join(chunks)
open(path, "wb").write(data)
print(len(data))
PY
)
raw_file=$maildir/cur/$raw_file_prefix,S=$size,W=$size:2,
chown --reference="$maildir/cur" "$maildir/tmp/$raw_file_prefix"
mv "$maildir/tmp/$raw_file_prefix" "$raw_file"
echo "$size" >"$results/raw.bytes"
# Its POP3 number (for curl) and UIDL (the gateway's id), found by its unique size.
read -r raw_number raw_id < <(python3 - "$POP3GW_TEST_HOST" "$POP3GW_TEST_TLS_PORT" "$POP3GW_TEST_CA_FILE" \
    "$raw_user" "$raw_password" "$size" <<'PY'
import poplib, ssl, sys
host, port, cafile, user, password, size = sys.argv[1:]
session = poplib.POP3_SSL(host, int(port), context=ssl.create_default_context(cafile=cafile))
session.user(user)
session.pass_(password)
numbers = [int(entry.split()[0]) for entry in session.list()[1] if int(entry.split()[1]) == int(size)]
assert len(numbers) == 1, f"found {len(numbers)} messages of {size} bytes"
print(numbers[0], session.uidl(numbers[0]).split()[2].decode())
session.quit()
PY
)
[[ $raw_number =~ ^[0-9]+$ && -n $raw_id ]] || die "could not find the 20 MiB message in $raw_user's mailbox"
raw_auth=$(basic "$raw_user" "$raw_password")
curl_pop3() { # curl_pop3 OUTPUT: prints time_total
    curl -sS --fail --cacert "$POP3GW_TEST_CA_FILE" -u "$raw_user:$raw_password" \
        "pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT/$raw_number" -o "$1" -w '%{time_total}'
}
curl_gateway() { # curl_gateway OUTPUT: prints time_total
    http_get "$1" "$gateway_url/v1/messages/$raw_id/raw" -H "Authorization: Basic $raw_auth"
}
vm() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; } # vm PID VmRSS|VmHWM -> kB
# Both must deliver exactly the file's bytes (checked once, outside the timed runs).
curl_pop3 "$work/raw.curl" >/dev/null || die "curl pop3s download failed"
cmp -s "$work/raw.curl" "$raw_file" || die "curl's POP3 download differs from the message file"
start_gateway
curl_gateway "$work/raw.gateway" >/dev/null || die "gateway /raw download failed"
stop_gateway
cmp -s "$work/raw.gateway" "$raw_file" || die "the gateway's /raw download differs from the message file"
rm -f "$work/raw.curl" "$work/raw.gateway"

for round in $(seq 0 "$raw_runs"); do
    # Fresh gateway each run: nothing cached, a new upstream login, and a VmHWM not yet raised
    # by an earlier download.
    start_gateway
    rss_before=$(vm "$gateway_pid" VmRSS)
    hwm_before=$(vm "$gateway_pid" VmHWM)
    seconds=$(curl_gateway /dev/null) || die "gateway /raw download failed"
    hwm_after=$(vm "$gateway_pid" VmHWM)
    rss_after=$(vm "$gateway_pid" VmRSS)
    stop_gateway
    printf '{"seconds": %s, "rssBeforeKB": %s, "hwmBeforeKB": %s, "hwmAfterKB": %s, "rssAfterKB": %s}\n' \
        "$seconds" "$rss_before" "$hwm_before" "$hwm_after" "$rss_after" >>"$results/raw.gateway.$round"
    seconds=$(curl_pop3 /dev/null) || die "curl pop3s download failed"
    printf '{"seconds": %s}\n' "$seconds" >>"$results/raw.curl.$round"
done
rm -f "$results"/raw.*.0
rm -f "$raw_file"
raw_file=""

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
check_server
revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- Sources Package.swift 2>/dev/null; then
    revision="$revision + uncommitted changes"
fi
mkdir -p bench/results
report=bench/results/http-bench.txt
python3 - "$results" "$wrk_threads" "$wrk_connections" "$wrk_duration" "$wrk_rounds" "$http_threads" \
    "$revision" "$(nproc)" "$load_at_start" <<'PY' | tee "$report"
import glob, json, re, statistics, sys, time
results, wrk_threads, wrk_connections, wrk_duration, wrk_rounds, http_threads, revision, cores, load = sys.argv[1:]
failed = []

def text(name):
    return open(f"{results}/{name}").read().strip()

def runs(name):
    return [json.loads(line) for path in sorted(glob.glob(f"{results}/{name}.*")) for line in open(path)]

def median(name, key="seconds"):
    values = [run[key] for run in runs(name)]
    return statistics.median(values), len(values)

def spread(name, key="seconds"):
    values = [run[key] for run in runs(name)]
    return min(values), max(values)

def verdict(ok):
    return "PASS" if ok else "MISS"

def wrk(name):
    out = text(name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    p99 = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    if bad:
        failed.append(f"{name}: {bad.group(1)} of {requests} answers were not 2xx")
    return rate, p99, requests, errors.group(0) if errors else ""

rows = []
print(f"pop3-gateway HTTP benchmark, {time.strftime('%Y-%m-%d %H:%M')}, commit {revision}, {cores} cores "
      f"(load average {load} before measuring), all on 127.0.0.1 (Dovecot pop3s upstream)")
print()

# 1. Warm GET
body = int(text("get.body-bytes"))
rounds = int(wrk_rounds)
nginx_runs = [wrk(f"get.nginx.wrk.{r}") for r in range(1, rounds + 1)]
gateway_runs = [wrk(f"get.gateway.wrk.{r}") for r in range(1, rounds + 1)]
nginx_rate = statistics.median(run[0] for run in nginx_runs)
gateway_rate = statistics.median(run[0] for run in gateway_runs)
nginx_p99 = statistics.median(run[1] for run in nginx_runs)
gateway_p99 = statistics.median(run[1] for run in gateway_runs)
ratio = gateway_rate / nginx_rate
print(f"1. Warm GET /v1/messages/{{id}} ({body}-byte JSON body, fetched once before), "
      f"wrk -t{wrk_threads} -c{wrk_connections} -d{wrk_duration} keep-alive, {rounds} interleaved rounds, medians")
print(f"   baseline: {text('get.nginx-version')} serving the same bytes as a static file "
      f"({http_threads} workers; gateway: {http_threads} HTTP threads)")
print(f"   {'server':<22} {'req/s':>10} {'p99 ms':>9} {'req/s of each round':>28} {'header bytes':>13}")
for label, runs_, rate, p99, headers in (
    ("nginx (baseline)", nginx_runs, nginx_rate, nginx_p99, text("get.nginx-header-bytes")),
    ("pop3-gateway", gateway_runs, gateway_rate, gateway_p99, text("get.gateway-header-bytes")),
):
    each = " ".join(f"{run[0]:.0f}" for run in runs_)
    print(f"   {label:<22} {rate:>10.0f} {p99:>9.2f} {each:>28} {headers:>13}")
for label, runs_ in (("nginx", nginx_runs), ("gateway", gateway_runs)):
    for index, run in enumerate(runs_, 1):
        if run[3]:
            print(f"   {label}, round {index}: {run[3]}")
print(f"   throughput gateway/nginx {ratio:.2f}x (target >= 0.70): {verdict(ratio >= 0.7)};  "
      f"p99 gateway/nginx {gateway_p99 / nginx_p99:.1f}x (no target); per round: "
      + " ".join(f"{g[0] / n[0]:.2f}x" for n, g in zip(nginx_runs, gateway_runs)))
rows.append(("warm GET /v1/messages/{id} req/s", "nginx static file", f"{ratio:.2f}x", ">= 0.70x",
             verdict(ratio >= 0.7)))
print()

# 2. Cold listing
gateway, n = median("list.gateway")
floor, _ = median("list.floor")
poplib, _ = median("list.poplib")
shape = {(r["messages"], r["headerBytes"]) for r in runs("list.floor") + runs("list.poplib")}
if len(shape) != 1:
    failed.append(f"floor and poplib runs disagree on what they fetched: {sorted(shape)}")
messages, header_bytes = next(iter(shape))
json_bytes = runs("list.gateway")[0]["jsonBytes"]
print(f"2. Cold listing of the {messages}-message mailbox: GET /v1/messages?limit=500 twice (cursor), fresh gateway "
      f"each run (cold cache, new login); median of {n} interleaved runs")
print(f"   baselines: pop3-headers-bench (pipelined UIDL + LIST + TOP n 0, the floor) and Python poplib, "
      f"{header_bytes} header bytes; the gateway answered {json_bytes} JSON bytes")
print(f"   {'client':<34} {'seconds':>9} {'min':>8} {'max':>8}")
for name, label in (("floor", "pop3-headers-bench (floor)"), ("gateway", "pop3-gateway over HTTP"),
                    ("poplib", "python poplib")):
    low, high = spread(f"list.{name}")
    print(f"   {label:<34} {median(f'list.{name}')[0]:>9.4f} {low:>8.4f} {high:>8.4f}")
over_floor, speedup = gateway / floor, poplib / gateway
print(f"   gateway/floor {over_floor:.2f}x (target <= 1.20): {verdict(over_floor <= 1.2)};  "
      f"poplib/gateway {speedup:.2f}x (target >= 5.00): {verdict(speedup >= 5)}")
rows.append(("cold listing, 1000 headers, time", "pop3-headers-bench", f"{over_floor:.2f}x", "<= 1.20x",
             verdict(over_floor <= 1.2)))
rows.append(("cold listing, speed-up", "python poplib", f"{speedup:.2f}x", ">= 5.00x", verdict(speedup >= 5)))
print()

# 3. Raw download
size = int(text("raw.bytes"))
gateway, n = median("raw.gateway")
curl, _ = median("raw.curl")
growth = max(r["hwmAfterKB"] - r["rssBeforeKB"] for r in runs("raw.gateway")) / 1024
before = statistics.median(r["rssBeforeKB"] for r in runs("raw.gateway")) / 1024
after = statistics.median(r["rssAfterKB"] for r in runs("raw.gateway")) / 1024
ratio = gateway / curl
print(f"3. Raw download of a {size}-byte ({size / 1048576:.1f} MiB) message: GET /v1/messages/{{id}}/raw, fresh gateway "
      f"each run (includes its upstream login); median of {n} interleaved runs")
print(f"   baseline: curl's own POP3 client, curl pop3s://.../N (login + RETR)")
print(f"   {'client':<34} {'seconds':>9} {'min':>8} {'max':>8} {'MiB/s':>8}")
for name, label, seconds in (("curl", "curl pop3s (baseline)", curl), ("gateway", "pop3-gateway /raw over HTTP", gateway)):
    low, high = spread(f"raw.{name}")
    print(f"   {label:<34} {seconds:>9.4f} {low:>8.4f} {high:>8.4f} {size / 1048576 / seconds:>8.1f}")
print(f"   gateway/curl {ratio:.2f}x (target <= 1.25): {verdict(ratio <= 1.25)}")
print(f"   gateway RSS: {before:.1f} MiB before the download, {after:.1f} MiB after; peak growth "
      f"(VmHWM after - VmRSS before, worst run) {growth:.1f} MiB (target <= 32): {verdict(growth <= 32)}")
rows.append(("20 MiB raw download, time", "curl pop3s", f"{ratio:.2f}x", "<= 1.25x", verdict(ratio <= 1.25)))
rows.append(("20 MiB raw download, RSS growth", "(absolute)", f"{growth:.1f} MiB", "<= 32 MiB",
             verdict(growth <= 32)))
print()

print(f"{'comparison':<36} {'baseline':<20} {'figure':>9} {'target':>10}  result")
for row in rows:
    print(f"{row[0]:<36} {row[1]:<20} {row[2]:>9} {row[3]:>10}  {row[4]}")
for problem in failed:
    print(f"INVALID: {problem}")
sys.exit(1 if failed else 0)
PY
