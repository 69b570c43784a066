#!/usr/bin/env bash
# Private Dovecot POP3 test server for pop3-gateway.
#
# Usage: scripts/pop3-test-server.sh start|stop|restart|status
#
# Runs one or two Dovecot instances on 127.0.0.1 only, with their own
# configuration, certificates and maildirs.  The state directory
#
#   ${POP3GW_TEST_DIR:-<repo>/.test-server}
#
# holds the env file, the pid files and the logs of the last run; everything
# Dovecot's processes read and write (configuration, certificates, passwords,
# maildirs, sockets) lives in a private run directory /tmp/pop3gw-XXXXXX,
# linked as <state dir>/run, made reachable for the unprivileged login and
# mail users and removed by `stop`.  So the clone may be anywhere: under a
# directory other users cannot enter (/root), or on a path with spaces.
#
# The system Dovecot configuration (/etc/dovecot) and service are never used
# or touched.  `start` stops a running test server, wipes the state directory,
# regenerates everything (fresh mailboxes on every start) and starts:
#
#   instance "main"  (ssl = yes)
#     POP3GW_TEST_STLS_PORT   plain POP3 that offers STLS (TLS optional)
#     POP3GW_TEST_TLS_PORT    implicit TLS (pop3s)
#   instance "plain" (ssl = no)
#     POP3GW_TEST_PLAIN_PORT  plain POP3 that does NOT offer STLS
#
# Both instances serve the same users and maildirs.  Ports are the first free
# set of three consecutive ports at POP3GW_TEST_PORT_BASE (default 11110),
# 11120, 11130, ...  Everything a test needs is written to <dir>/env as
# KEY=value lines that a shell can source; only POP3GW_TEST_DIR (the state
# directory) may be shell-quoted, every other value is a plain word:
#
#   POP3GW_TEST_DIR, POP3GW_TEST_HOST, POP3GW_TEST_SERVER_NAME,
#   POP3GW_TEST_STLS_PORT, POP3GW_TEST_TLS_PORT, POP3GW_TEST_PLAIN_PORT,
#   POP3GW_TEST_CA_FILE, POP3GW_TEST_OTHER_CA_FILE, POP3GW_TEST_MAIL_DIR
#
# The server certificate is issued by a generated CA (POP3GW_TEST_CA_FILE) for
# IP:127.0.0.1 and DNS:pop3.test only, so verifying the name "localhost"
# fails.  POP3GW_TEST_OTHER_CA_FILE is an unrelated CA that does not trust it.
#
# Users (password after the slash; all plaintext {PLAIN} in <dir>/passwd):
#   alice / alice-secret                demo mailbox, 21 varied MIME messages
#   bulk / bulk-secret                  1000 small messages (benchmarks)
#   big / big-secret                    small, ~5 MB, small
#   scratch1 .. scratch9 / scratch-secret   5 identical small messages each;
#                                       a test that deletes delivers its own
#                                       message first
#   utf8user / pässwörd with space      (UTF-8, contains spaces) 1 message
#   locked / locked-secret              5 small messages like the scratch users;
#                                       Dovecot holds its maildrop lock for the
#                                       whole session (pop3_lock_session = yes
#                                       for this user only), so a second
#                                       concurrent login gets -ERR [IN-USE]
#   hostile / hostile-secret            empty; the hostile-mail tests deliver
#                                       their messages and remove them again
#   swiftclient, pyclient / client-secret  empty; scripts/client-test.sh
#                                       delivers the mail its generated
#                                       clients read and delete
#   load001 .. loadN / load-secret      only when POP3GW_TEST_LOAD_USERS=N (1..999)
#                                       is set: copies of scratch1's mailbox,
#                                       for load tests (bench/load-soak.sh)
#
# User U's messages are the files in $POP3GW_TEST_MAIL_DIR/U/Maildir/cur,
# in POP3 order when sorted by name; $POP3GW_TEST_MAIL_DIR/manifest.json lists
# them (number, file, size, Message-ID, subject, tags).
#
# Environment knobs:
#   POP3GW_TEST_DIR        state directory (see above)
#   POP3GW_TEST_PORT_BASE  first port to try (default 11110)
#   POP3GW_TEST_KEY_TYPE   ec (P-256, default, fast) or rsa (2048 bit)
#
# `status` exits 0 when both instances run, 3 otherwise.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SCRIPT_DIR")
STATE_DIR=${POP3GW_TEST_DIR:-$REPO_DIR/.test-server}
case $STATE_DIR in
    /*) ;;
    *) STATE_DIR=$PWD/$STATE_DIR ;;
esac
STATE_DIR=${STATE_DIR%/}
PORT_BASE=${POP3GW_TEST_PORT_BASE:-11110}
KEY_TYPE=${POP3GW_TEST_KEY_TYPE:-ec}
HOST=127.0.0.1
SERVER_NAME=pop3.test
INSTANCES=(main plain)
MARKER=.pop3gw-test-server
START_TIMEOUT=20
# Distinguishes the process titles (dovecot-<instance_name>/...) of test
# servers with different state directories.
INSTANCE_TAG=pop3gw-test-$(printf '%08x' "$(printf '%s' "$STATE_DIR" | cksum | cut -d' ' -f1)")
# The private run directory (see make_run_dir): what Dovecot reads and writes.
RUN_LINK=$STATE_DIR/run
RUN_PREFIX=/tmp/pop3gw-
RUN_ROOT=$RUN_LINK

# The passwords.  Keep in sync with the header comment above.
USERS=(alice bulk big scratch1 scratch2 scratch3 scratch4 scratch5 scratch6 scratch7 scratch8 scratch9 utf8user locked hostile swiftclient pyclient)
LOAD_USERS=${POP3GW_TEST_LOAD_USERS:-0}
[[ $LOAD_USERS =~ ^[0-9]{1,3}$ ]] || {
    printf 'pop3-test-server: error: POP3GW_TEST_LOAD_USERS must be 0..999, not %s\n' "$LOAD_USERS" >&2
    exit 1
}
for ((i = 1; i <= 10#$LOAD_USERS; i++)); do USERS+=("$(printf 'load%03d' "$i")"); done
password_of() {
    case $1 in
        alice) printf '%s' 'alice-secret' ;;
        bulk) printf '%s' 'bulk-secret' ;;
        big) printf '%s' 'big-secret' ;;
        scratch*) printf '%s' 'scratch-secret' ;;
        utf8user) printf '%s' 'pässwörd with space' ;;
        locked) printf '%s' 'locked-secret' ;;
        hostile) printf '%s' 'hostile-secret' ;;
        swiftclient | pyclient) printf '%s' 'client-secret' ;;
        load[0-9][0-9][0-9]) printf '%s' 'load-secret' ;;
        *) return 1 ;;
    esac
}

log() { printf 'pop3-test-server: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

find_dovecot() {
    local candidate
    for candidate in "$(command -v dovecot 2>/dev/null || true)" /usr/sbin/dovecot /usr/local/sbin/dovecot; do
        if [[ -n $candidate && -x $candidate ]]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

pop3d_installed() {
    if command -v dpkg-query >/dev/null 2>&1; then
        [[ $(dpkg-query -W -f='${Status}' dovecot-pop3d 2>/dev/null || true) == "install ok installed" ]]
    else
        find_dovecot >/dev/null
    fi
}

ensure_dependencies() {
    local missing=()
    pop3d_installed || missing+=(dovecot-pop3d)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    ((${#missing[@]} == 0)) && return 0
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "missing: ${missing[*]} (install them, e.g. apt-get install ${missing[*]})"
    fi
    log "installing ${missing[*]} ..."
    # Installing dovecot may try to start the system service (policy-rc.d may
    # deny that); this script never uses or touches the system instance.
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
    fi
}

# Prints the pid recorded for an instance if that process is alive and is the
# Dovecot master started with our configuration file.
running_pid() {
    local name=$1 pidfile pid conf args
    conf=$(real_run_root)/$(conf_name "$name")
    for pidfile in "$STATE_DIR/$name.pid" "$RUN_LINK/base/$name/master.pid"; do
        [[ -r $pidfile ]] || continue
        pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
        [[ $pid =~ ^[0-9]+$ ]] || continue
        pid_alive "$pid" || continue
        if [[ -r /proc/$pid/cmdline ]]; then
            args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
        else
            args=$(ps -p "$pid" -o args= 2>/dev/null || true)
        fi
        if [[ $args == *dovecot* && $args == *"$conf"* ]]; then
            printf '%s\n' "$pid"
            return 0
        fi
    done
    return 1
}

conf_name() {
    if [[ $1 == main ]]; then printf 'dovecot.conf'; else printf 'dovecot-%s.conf' "$1"; fi
}

# True if the process exists and is not a zombie (a daemonized master is
# reaped by pid 1, which may take a while in containers).
pid_alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    if [[ -r /proc/$1/stat ]]; then
        state=$(sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
        [[ ${state:0:1} != Z ]]
    fi
}

# Stops all instances in parallel: TERM, wait up to 10 s, then KILL the
# process group (the master is a session leader, its children share it).
stop_all() {
    local name pid i any
    local -a pids=()
    [[ -d $STATE_DIR ]] || return 0
    for name in "${INSTANCES[@]}"; do
        if pid=$(running_pid "$name"); then
            log "stopping $name (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    for ((i = 0; i < 200 && ${#pids[@]} > 0; i++)); do
        any=0
        for pid in "${pids[@]}"; do
            pid_alive "$pid" && any=1
        done
        ((any)) || break
        sleep 0.05
    done
    for pid in "${pids[@]}"; do
        if pid_alive "$pid"; then
            log "pid $pid did not exit after TERM, sending KILL"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    for name in "${INSTANCES[@]}"; do
        rm -f "$STATE_DIR/$name.pid"
    done
}

# The private run directory, /tmp/pop3gw-XXXXXX, linked as <state dir>/run.
# It exists because the state directory is a poor home for Dovecot's files:
# its parents may be closed to the unprivileged login and mail users (a clone
# in /root), its path may hold spaces (which Dovecot's settings cannot take),
# and Unix socket paths are limited to about 107 bytes (the longest is
# <base_dir>/token-login/tokenlogin).  Mode 0711: other users may pass
# through to the maildirs and sockets Dovecot hands them, and list nothing.
make_run_dir() {
    RUN_ROOT=$(mktemp -d "${RUN_PREFIX}XXXXXX")
    chmod 0711 "$RUN_ROOT"
    ln -s "$RUN_ROOT" "$RUN_LINK"
    mkdir -p "$RUN_ROOT/log" "$RUN_ROOT/mail"
}

# Where <state dir>/run points, or the link itself when there is none.
real_run_root() {
    if [[ -L $RUN_LINK ]]; then readlink "$RUN_LINK"; else printf '%s\n' "$RUN_LINK"; fi
}

# Keeps the logs of the run in the state directory and removes the private
# run directory (only one this script made) and its link.
remove_run_dir() {
    local target
    [[ -L $RUN_LINK ]] || return 0
    target=$(readlink "$RUN_LINK")
    if [[ $target == "$RUN_PREFIX"* && -d $target ]]; then
        if [[ -d $target/log ]]; then
            rm -rf "$STATE_DIR/log"
            cp -R "$target/log" "$STATE_DIR/log"
        fi
        rm -rf "$target"
    fi
    rm -f "$RUN_LINK"
}

# Safe wipe: only a directory we created (marker file) or an empty one.
wipe_state_dir() {
    if [[ -e $STATE_DIR && ! -d $STATE_DIR ]]; then
        die "$STATE_DIR exists and is not a directory"
    fi
    if [[ -d $STATE_DIR ]]; then
        if [[ ! -e $STATE_DIR/$MARKER ]] && [[ -n $(ls -A "$STATE_DIR") ]]; then
            die "$STATE_DIR is not empty and was not created by this script; refusing to wipe it"
        fi
        remove_run_dir
        rm -rf "$STATE_DIR"
    fi
    mkdir -p "$STATE_DIR"
    : >"$STATE_DIR/$MARKER"
}

# First free set of three consecutive ports on 127.0.0.1: base, base+10, ...
pick_ports() {
    python3 - "$PORT_BASE" <<'PY'
import socket, sys
base = int(sys.argv[1])
for attempt in range(200):
    ports = [base + attempt * 10 + i for i in range(3)]
    if ports[-1] > 65535:
        break
    socks, ok = [], True
    for port in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Dovecot does
        socks.append(s)
        try:
            s.bind(("127.0.0.1", port))
            s.listen(1)
        except OSError:
            ok = False
            break
    for s in socks:
        s.close()
    if ok:
        print(*ports)
        sys.exit(0)
sys.exit("no free port set found from %d" % base)
PY
}

# ---------------------------------------------------------------------------
# certificates
# ---------------------------------------------------------------------------

new_key() {
    if [[ $KEY_TYPE == rsa ]]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
    fi
    chmod 600 "$1"
}

make_certificates() {
    local tls=$RUN_ROOT/tls start end
    mkdir -p "$tls/newcerts"
    : >"$tls/index.txt"
    printf '1000\n' >"$tls/serial"
    start=$(date -u -d '2 days ago' +%Y%m%d%H%M%SZ)
    end=$(date -u -d '30 days' +%Y%m%d%H%M%SZ)
    cat >"$tls/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca

[ test_ca ]
database = $tls/index.txt
new_certs_dir = $tls/newcerts
serial = $tls/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[ policy_any ]
organizationName = optional
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_server ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:$HOST, DNS:$SERVER_NAME
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF
    (
        cd "$tls"
        # trusted test CA
        new_key ca.key
        openssl req -new -config ca.cnf -key ca.key -subj "/O=pop3-gateway tests/CN=pop3-gateway Test CA" -out ca.csr
        openssl ca -batch -notext -config ca.cnf -selfsign -keyfile ca.key -in ca.csr -out ca.pem \
            -extensions v3_ca -startdate "$start" -enddate "$end"
        # server certificate: IP:127.0.0.1 and DNS:pop3.test, deliberately not "localhost"
        new_key server.key
        openssl req -new -config ca.cnf -key server.key -subj "/O=pop3-gateway tests/CN=$SERVER_NAME" -out server.csr
        openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in server.csr -out server.pem \
            -extensions v3_server -startdate "$start" -enddate "$end"
        # an unrelated CA that must NOT validate the server certificate
        new_key other-ca.key
        openssl req -new -config ca.cnf -key other-ca.key \
            -subj "/O=Somebody Else/CN=pop3-gateway Untrusted Other CA" -out other-ca.csr
        openssl ca -batch -notext -config ca.cnf -selfsign -keyfile other-ca.key -in other-ca.csr \
            -out other-ca.pem -extensions v3_ca -startdate "$start" -enddate "$end"
        rm -f ./*.csr
    ) >"$RUN_ROOT/log/openssl.log" 2>&1 || {
        cat "$RUN_ROOT/log/openssl.log" >&2
        die "certificate generation failed"
    }
}

# ---------------------------------------------------------------------------
# Dovecot configuration
# ---------------------------------------------------------------------------

# Per-user settings are passwd-file extra fields (the 8th column): a
# userdb_<setting> field overrides that setting for the user's mail process.
extra_fields_of() {
    case $1 in
        # Keep the maildrop locked for the whole POP3 session, as many
        # providers do: a second concurrent login gets -ERR [IN-USE].
        locked) printf '%s' 'userdb_pop3_lock_session=yes' ;;
        *) ;;
    esac
}

write_passwd() {
    local user extra file=$RUN_ROOT/passwd
    (
        umask 077
        : >"$file"
        for user in "${USERS[@]}"; do
            extra=$(extra_fields_of "$user")
            if [[ -n $extra ]]; then
                # user:password:uid:gid:gecos:home:shell:extra_fields
                printf '%s:{PLAIN}%s::::::%s\n' "$user" "$(password_of "$user")" "$extra" >>"$file"
            else
                printf '%s:{PLAIN}%s\n' "$user" "$(password_of "$user")" >>"$file"
            fi
        done
    )
}

# Login processes refuse to run as root.  As root use Dovecot's unprivileged
# login user (dovenull, from dovecot-core) or nobody; otherwise ourselves.
login_user() {
    local candidate
    if [[ $(id -u) -ne 0 ]]; then
        id -un
        return 0
    fi
    for candidate in dovenull nobody; do
        if id -u "$candidate" >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    die "running as root, but neither user dovenull nor nobody exists for the login processes"
}

# Dovecot never gives mail access to root (pop3: "Mail access not allowed for
# root"), so as root the mail processes run as POP3GW_TEST_MAIL_USER
# (default nobody) and the maildirs are chowned to it.  Sets MAIL_UID/MAIL_GID.
MAIL_UID=
MAIL_GID=
choose_mail_user() {
    local mail_user
    if [[ $(id -u) -ne 0 ]]; then
        MAIL_UID=$(id -u)
        MAIL_GID=$(id -g)
        return 0
    fi
    mail_user=${POP3GW_TEST_MAIL_USER:-nobody}
    MAIL_UID=$(id -u "$mail_user" 2>/dev/null) || die "mail user $mail_user does not exist (set POP3GW_TEST_MAIL_USER)"
    MAIL_GID=$(id -g "$mail_user")
    [[ $MAIL_UID -ne 0 ]] || die "POP3GW_TEST_MAIL_USER must not be root (Dovecot refuses mail access as root)"
}

# As root: hand the maildirs to the mail user and make sure it can reach them
# (a state directory below e.g. /root is not traversable for nobody).
prepare_mail_access() {
    [[ $(id -u) -eq 0 ]] || return 0
    chown -R "$MAIL_UID:$MAIL_GID" "$RUN_ROOT/mail"
    if command -v setpriv >/dev/null 2>&1; then
        if ! setpriv --reuid="$MAIL_UID" --regid="$MAIL_GID" --clear-groups \
            test -w "$RUN_ROOT/mail/alice/Maildir/cur" 2>/dev/null; then
            die "uid $MAIL_UID cannot write $RUN_ROOT/mail (a parent directory is not accessible);" \
                "use a state directory such as POP3GW_TEST_DIR=/tmp/pop3gw-test"
        fi
    fi
}

# write_config NAME SSL(yes|no) POP3_PORT POP3S_PORT(0 = none)
write_config() {
    local name=$1 ssl=$2 pop3_port=$3 pop3s_port=$4
    local conf user group login_user
    conf=$RUN_ROOT/$(conf_name "$name")
    user=$(id -un)
    group=$(id -gn)
    login_user=$(login_user)
    mkdir -p "$RUN_ROOT/base/$name" "$RUN_ROOT/state/$name"
    cat >"$conf" <<EOF
# Generated by scripts/pop3-test-server.sh; regenerated on every start.
# Private test instance "$name": nothing here refers to /etc/dovecot.
instance_name = $INSTANCE_TAG-$name
base_dir = $RUN_ROOT/base/$name
state_dir = $RUN_ROOT/state/$name
protocols = pop3
listen = $HOST
shutdown_clients = yes

log_path = $RUN_ROOT/log/dovecot-$name.log
info_log_path = $RUN_ROOT/log/dovecot-$name.log
debug_log_path = $RUN_ROOT/log/dovecot-$name.log
log_timestamp = "%Y-%m-%d %H:%M:%S "

# Run the internal processes as the invoking user (root included).  The
# pop3-login processes refuse root, and Dovecot never gives root mail access,
# so as root those use unprivileged users (see pop3-test-server.sh).
default_internal_user = $user
default_internal_group = $group
default_login_user = $login_user
first_valid_uid = 0
first_valid_gid = 0
mail_uid = $MAIL_UID
mail_gid = $MAIL_GID

mail_location = maildir:$RUN_ROOT/mail/%u/Maildir
mail_fsync = never
mail_max_userip_connections = 1000

pop3_uidl_format = %08Xu%08Xv
pop3_lock_session = no
# Do not rename files to ...:2,S on RETR, so tests can find them by name.
pop3_no_flag_updates = yes

disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_verbose_passwords = no
auth_debug = no
auth_debug_passwords = no
auth_failure_delay = 0

ssl = $ssl
EOF
    if [[ $ssl == yes ]]; then
        cat >>"$conf" <<EOF
ssl_cert = <$RUN_ROOT/tls/server.pem
ssl_key = <$RUN_ROOT/tls/server.key
ssl_min_protocol = TLSv1.2
EOF
    fi
    cat >>"$conf" <<EOF

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $RUN_ROOT/passwd
}
userdb {
  driver = static
  args = home=$RUN_ROOT/mail/%u allow_all_users=yes
}

service pop3-login {
  chroot =
  # one long-lived login process serves many connections (fast logins)
  service_count = 0
  process_min_avail = 1
  inet_listener pop3 {
    address = $HOST
    port = $pop3_port
  }
  inet_listener pop3s {
    address = $HOST
    port = $pop3s_port
    ssl = yes
  }
}
service pop3 {
  process_limit = 256
}
service anvil {
  chroot =
  # No anvil auth penalty: repeated failed logins from 127.0.0.1 must not
  # slow tests down (the documented way to disable it).
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
}

# ---------------------------------------------------------------------------
# start / stop / status
# ---------------------------------------------------------------------------

print_logs() {
    local f
    for f in "$RUN_ROOT"/log/dovecot-*.log; do
        [[ -r $f ]] || continue
        printf -- '----- %s -----\n' "$f" >&2
        cat "$f" >&2
    done
}

# wait_ready PLAIN_PORT... -- TLS_PORT...: plain ports must greet with +OK,
# TLS ports must complete a verified handshake and greet with +OK.  Gives up
# early when a Dovecot log shows a Fatal error.
wait_ready() {
    python3 - "$START_TIMEOUT" "$RUN_ROOT/tls/ca.pem" "$RUN_ROOT/log" "$@" <<'PY'
import glob, os, socket, ssl, sys, time
timeout, cafile, logdir, args = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
def fatal():
    for path in glob.glob(os.path.join(logdir, "dovecot-*.log")):
        with open(path, errors="replace") as fh:
            for line in fh:
                if " Fatal: " in line:
                    return line.strip()
    return None
sep = args.index("--")
plain, tls = args[:sep], args[sep + 1:]
ctx = ssl.create_default_context(cafile=cafile)
deadline = time.monotonic() + timeout
def greet(port, use_tls):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=2) as raw:
        sock = ctx.wrap_socket(raw, server_hostname="127.0.0.1") if use_tls else raw
        line = sock.recv(512)
        if not line.startswith(b"+OK"):
            raise OSError("unexpected greeting %r" % line)
        sock.sendall(b"QUIT\r\n")
        sock.recv(512)
pending = [(p, False) for p in plain] + [(p, True) for p in tls]
last = None
while pending and time.monotonic() < deadline:
    error = fatal()
    if error:
        sys.exit("dovecot failed: %s" % error)
    port, use_tls = pending[0]
    try:
        greet(port, use_tls)
        pending.pop(0)
    except (OSError, ssl.SSLError) as exc:
        last = exc
        time.sleep(0.05)
if pending:
    sys.exit("port %s not ready after %.0f s: %s" % (pending[0][0], timeout, last))
PY
}

start_instance() {
    local name=$1 dovecot=$2 conf pid
    conf=$RUN_ROOT/$(conf_name "$name")
    if ! "$dovecot" -c "$conf" >"$RUN_ROOT/log/start-$name.log" 2>&1; then
        cat "$RUN_ROOT/log/start-$name.log" >&2
        print_logs
        die "dovecot ($name) failed to start"
    fi
    pid=""
    for _ in $(seq 1 100); do
        if [[ -s $RUN_ROOT/base/$name/master.pid ]]; then
            pid=$(head -n 1 "$RUN_ROOT/base/$name/master.pid")
            break
        fi
        sleep 0.05
    done
    [[ $pid =~ ^[0-9]+$ ]] || {
        print_logs
        die "dovecot ($name) wrote no pid file"
    }
    printf '%s\n' "$pid" >"$STATE_DIR/$name.pid"
}

cmd_start() {
    local dovecot stls_port tls_port plain_port user
    ensure_dependencies
    dovecot=$(find_dovecot) || die "dovecot binary not found"
    stop_all
    wipe_state_dir
    make_run_dir

    read -r stls_port tls_port plain_port < <(pick_ports) || die "no free ports from $PORT_BASE"
    [[ -n ${plain_port:-} ]] || die "no free ports from $PORT_BASE"

    make_certificates
    write_passwd
    python3 "$SCRIPT_DIR/make-test-mail.py" --quiet --root "$RUN_ROOT/mail"
    for user in "${USERS[@]}"; do
        if [[ $user == load[0-9][0-9][0-9] ]]; then cp -a "$RUN_ROOT/mail/scratch1" "$RUN_ROOT/mail/$user"; fi
    done
    choose_mail_user
    prepare_mail_access
    write_config main yes "$stls_port" "$tls_port"
    write_config plain no "$plain_port" 0

    start_instance main "$dovecot"
    start_instance plain "$dovecot"
    if ! wait_ready "$stls_port" "$plain_port" -- "$tls_port"; then
        print_logs
        stop_all
        die "dovecot did not become ready (limit ${START_TIMEOUT}s); logs above"
    fi

    cat >"$STATE_DIR/env" <<EOF
POP3GW_TEST_DIR=$(printf '%q' "$STATE_DIR")
POP3GW_TEST_HOST=$HOST
POP3GW_TEST_SERVER_NAME=$SERVER_NAME
POP3GW_TEST_STLS_PORT=$stls_port
POP3GW_TEST_TLS_PORT=$tls_port
POP3GW_TEST_PLAIN_PORT=$plain_port
POP3GW_TEST_CA_FILE=$RUN_ROOT/tls/ca.pem
POP3GW_TEST_OTHER_CA_FILE=$RUN_ROOT/tls/other-ca.pem
POP3GW_TEST_MAIL_DIR=$RUN_ROOT/mail
EOF
    log "running: STLS $HOST:$stls_port, TLS $HOST:$tls_port, plain (no STLS) $HOST:$plain_port"
    log "env file: $STATE_DIR/env"
}

cmd_stop() {
    stop_all
    remove_run_dir
}

cmd_status() {
    local name pid all=0
    for name in "${INSTANCES[@]}"; do
        if pid=$(running_pid "$name"); then
            printf '%s: running (pid %s)\n' "$name" "$pid"
        else
            printf '%s: not running\n' "$name"
            all=3
        fi
    done
    if [[ $all -eq 0 && -r $STATE_DIR/env ]]; then
        printf -- '--- %s\n' "$STATE_DIR/env"
        cat "$STATE_DIR/env"
    fi
    return "$all"
}

main() {
    case ${1:-} in
        start) cmd_start ;;
        stop) cmd_stop ;;
        restart) cmd_start ;;
        status) cmd_status ;;
        -h | --help | help)
            sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            ;;
        *)
            printf 'usage: %s start|stop|restart|status\n' "$0" >&2
            exit 2
            ;;
    esac
}

main "$@"
