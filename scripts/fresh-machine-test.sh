#!/usr/bin/env bash
# The README's two commands on a fresh machine: in a clean Debian 12 container with only the Swift 6.3
# toolchain (swift:6.3-bookworm), clone this repository (its committed HEAD) into a private directory
# whose path holds a space (/root/pop3 gateway: /root is mode 700), run the test command there, then
# the run command, and check that every curl line it prints answers as it should. Builds nothing on the
# host; takes 15 to 25 minutes on 2 cores. Not part of CI.
#   scripts/fresh-machine-test.sh
# The engine and where its base image comes from: see scripts/lib/container.sh and docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
image=docker.io/library/swift:6.3-bookworm
# shellcheck source=scripts/lib/container.sh
source scripts/lib/container.sh

ensure_images "$image"
head=$(git rev-parse --short HEAD)
[[ -z $(git status --porcelain --untracked-files=no) ]] ||
    echo "note: uncommitted changes are not tested; the container clones HEAD ($head)" >&2

container=
cleanup() { [[ -n $container ]] && engine rm -f "$container" >/dev/null 2>&1; return 0; }
trap cleanup EXIT

echo "== a clean $image, the repository at $head mounted read-only"
container=$(engine run -d "${container_run_flags[@]}" -v "$repo:/origin:ro" "$image" sleep infinity)
exec_flags=()
inside() { engine exec -i "${exec_flags[@]}" "$container" bash -euo pipefail -c "$1"; }
inside 'test "$(id -u)" = 0 && ! command -v dovecot && ! dpkg -s python3-venv >/dev/null 2>&1' >/dev/null ||
    { echo "FAIL: the image is not a clean Swift image" >&2; exit 1; }
# Behind a TLS-inspecting proxy the container must trust the proxy's CA as the host does, and pip, which
# brings its own CA list, must be told to use the system's.
if [[ -n ${POP3GW_CONTAINER_CA_FILE:-} ]]; then
    engine cp "$POP3GW_CONTAINER_CA_FILE" "$container:/usr/local/share/ca-certificates/pop3gw-extra-ca.crt"
    inside 'update-ca-certificates >/dev/null 2>&1'
    exec_flags=(-e PIP_CERT=/etc/ssl/certs/ca-certificates.crt)
fi

# The clone is owned by root under /root (mode 700); the test Dovecot's mail user (nobody) cannot enter it.
inside 'chmod 700 /root && git -c safe.directory="*" clone -q /origin "/root/pop3 gateway"'

echo "== the test command: scripts/test.sh"
started=$SECONDS
inside 'cd "/root/pop3 gateway" && scripts/test.sh' >"${TMPDIR:-/tmp}/fresh-machine-test.log" 2>&1 || {
    tail -n 60 "${TMPDIR:-/tmp}/fresh-machine-test.log" >&2
    echo "FAIL: scripts/test.sh (whole log: ${TMPDIR:-/tmp}/fresh-machine-test.log)" >&2
    exit 1
}
grep -E "^(Test run with|api-fuzz:|== )" "${TMPDIR:-/tmp}/fresh-machine-test.log" | tail -n 20
echo "scripts/test.sh passed in $((SECONDS - started)) s"

echo "== the run command: scripts/run.sh"
started=$SECONDS
inside 'cd "/root/pop3 gateway" && { scripts/run.sh >/tmp/run.out 2>/tmp/run.err & echo $! >/tmp/run.pid; }'
for _ in $(seq 1 600); do
    inside 'grep -q "^Ctrl-C stops" /tmp/run.out' 2>/dev/null && break
    inside 'kill -0 "$(cat /tmp/run.pid)"' 2>/dev/null || {
        inside 'tail -n 40 /tmp/run.err' >&2
        echo "FAIL: scripts/run.sh exited before serving" >&2
        exit 1
    }
    sleep 1
done
echo "serving after $((SECONDS - started)) s (release build included)"

# Every command line it printed, run as printed; a curl wrapper notes each answer's status in a file.
# All must answer 200, except the one with the wrong password (401).
inside 'sed -n "s/^  \(curl \|id=\)/\1/p" /tmp/run.out' >"${TMPDIR:-/tmp}/fresh-machine-curl.txt"
lines=$(wc -l <"${TMPDIR:-/tmp}/fresh-machine-curl.txt")
((lines >= 8)) || { echo "FAIL: only $lines command lines printed" >&2; exit 1; }
inside 'cd /tmp && rm -f statuses && curl() { command curl -s --write-out "%{stderr}%{http_code}\n" "$@" 2>>statuses; }
    source /dev/stdin >/dev/null' <"${TMPDIR:-/tmp}/fresh-machine-curl.txt" || true
statuses=$(inside 'cat /tmp/statuses')
failed=0
for ((n = 1; n <= lines; n++)); do
    line=$(sed -n "${n}p" "${TMPDIR:-/tmp}/fresh-machine-curl.txt")
    status=$(sed -n "${n}p" <<<"$statuses")
    want=200
    [[ $line == *alice:wrong* ]] && want=401
    printf '%s  %s\n' "$status" "$line"
    [[ $status == "$want" ]] || { echo "  FAIL: wanted $want" >&2; failed=1; }
done

# SIGTERM, as Ctrl-C's SIGINT would be ignored by a command started in the background of a script.
echo "== SIGTERM stops the gateway and the demo Dovecot"
# Dovecot's masters run daemonised; the container's first process reaps nothing, so they stay as zombies,
# which do not count.
inside 'kill -TERM "$(cat /tmp/run.pid)"; for _ in $(seq 1 100); do kill -0 "$(cat /tmp/run.pid)" 2>/dev/null || break; sleep 0.1; done
    left=$(for p in /proc/[0-9]*; do comm=$(cat "$p/comm" 2>/dev/null) || continue
        state=$(sed "s/.*) //" "$p/stat" 2>/dev/null | cut -c1)
        case $comm in dovecot | pop3-gateway | run.sh) [ "$state" = Z ] || echo "${p#/proc/} $comm" ;; esac; done)
    [ -z "$left" ] || { echo "still running: $left" >&2; exit 1; }' ||
    { echo "FAIL: something is still running after SIGTERM" >&2; failed=1; }
((failed == 0)) || exit 1
echo "fresh-machine test passed"
