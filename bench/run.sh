#!/usr/bin/env bash
# Header-fetch benchmark: the Swift client pipelined and not, against Python's poplib as the
# baseline, all against the same private Dovecot in the same run. Prints medians and ratios.
#   bench/run.sh [RUNS]      (default 7 runs of each, interleaved)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}

scripts/install-deps.sh --test
swift build -c release --product pop3-headers-bench >/dev/null
bench="$(swift build -c release --show-bin-path)/pop3-headers-bench"

started_server=0
if ! scripts/pop3-test-server.sh status >/dev/null 2>&1; then
    scripts/pop3-test-server.sh start >/dev/null
    started_server=1
fi
[[ $started_server -eq 1 ]] && trap 'scripts/pop3-test-server.sh stop >/dev/null' EXIT
# shellcheck source=/dev/null
source "${POP3GW_TEST_DIR:-.test-server}/env"

results=$(mktemp -d)
upstream="pop3s://$POP3GW_TEST_HOST:$POP3GW_TEST_TLS_PORT"
export POP3GW_PASSWORD=bulk-secret
# One warm-up of each, then interleaved runs so that drift in the machine hits all three alike.
for round in $(seq 0 "$runs"); do
    "$bench" --upstream "$upstream" --user bulk --ca-file "$POP3GW_TEST_CA_FILE" --runs 1 >>"$results/pipelined.$round"
    "$bench" --upstream "$upstream" --user bulk --ca-file "$POP3GW_TEST_CA_FILE" --runs 1 --no-pipelining \
        >>"$results/sequential.$round"
    python3 bench/poplib_headers.py "$POP3GW_TEST_HOST" "$POP3GW_TEST_TLS_PORT" bulk "$POP3GW_TEST_CA_FILE" 1 \
        >>"$results/poplib.$round"
done
rm -f "$results"/*.0

python3 - "$results" <<'PY'
import glob, json, statistics, sys
results = sys.argv[1]
def load(name):
    runs = [json.loads(line) for path in glob.glob(f"{results}/{name}.*") for line in open(path)]
    assert len({(r["messages"], r["headerBytes"]) for r in runs}) == 1, f"{name}: runs disagree"
    return statistics.median(r["seconds"] for r in runs), runs[0]
poplib, shape = load("poplib")
print(f"Fetching {shape['messages']} headers ({shape['headerBytes']} bytes) over TLS from Dovecot, "
      f"median of {len(glob.glob(results + '/poplib.*'))} runs each; baseline: Python poplib")
print(f"{'client':<32} {'seconds':>9} {'vs poplib':>10}")
for name, label in [("poplib", "python poplib (baseline)"), ("sequential", "pop3-gateway, no pipelining"),
                    ("pipelined", "pop3-gateway, pipelined")]:
    seconds, run = load(name)
    assert (run["messages"], run["headerBytes"]) == (shape["messages"], shape["headerBytes"]), name
    print(f"{label:<32} {seconds:>9.4f} {poplib / seconds:>9.2f}x")
PY
rm -rf "$results"
