#!/usr/bin/env python3
"""Verify the private Dovecot POP3 test server (scripts/pop3-test-server.sh).

By default this runs the whole life cycle against the state directory
(POP3GW_TEST_DIR or <repo>/.test-server):

  start -> full checks -> start again while running (restart, fresh
  mailboxes) -> quick checks -> stop -> no processes left -> stop again
  (no-op) -> status says "not running"

With --running it only checks an already running server (read-only: it
deletes nothing and does not start or stop anything).

Exit status 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import poplib
import re
import shlex
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
SERVER = SCRIPTS / "pop3-test-server.sh"
STATE_DIR = Path(os.environ.get("POP3GW_TEST_DIR") or REPO / ".test-server").absolute()

PASSWORDS = {
    "alice": "alice-secret",
    "bulk": "bulk-secret",
    "big": "big-secret",
    **{"scratch%d" % i: "scratch-secret" for i in range(1, 10)},
    "utf8user": "pässwörd with space",
    "locked": "locked-secret",
    "hostile": "hostile-secret",
    "swiftclient": "client-secret",
    "pyclient": "client-secret",
}
EXPECTED_COUNTS = {"alice": 21, "bulk": 1000, "big": 3, "scratch1": 5, "utf8user": 1, "locked": 5, "hostile": 0, "swiftclient": 0, "pyclient": 0}

failures: list[str] = []


def ok(msg: str) -> None:
    print("ok   %s" % msg, flush=True)


def fail(msg: str) -> None:
    print("FAIL %s" % msg, flush=True)
    failures.append(msg)


def check(cond: bool, msg: str) -> bool:
    (ok if cond else fail)(msg)
    return cond


def run_server(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, POP3GW_TEST_DIR=str(STATE_DIR))
    t0 = time.monotonic()
    proc = subprocess.run([str(SERVER), *args], env=env, capture_output=True, text=True)
    print("---- pop3-test-server.sh %s: rc=%d, %.2f s" % (" ".join(args), proc.returncode,
                                                         time.monotonic() - t0), flush=True)
    for line in (proc.stdout + proc.stderr).splitlines():
        print("     | " + line)
    return proc


# ---------------------------------------------------------------------------
# env file
# ---------------------------------------------------------------------------

def read_env() -> dict[str, str]:
    path = STATE_DIR / "env"
    naive = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            # The state directory is shell-quoted (its path may hold spaces); every other value is a plain word.
            naive[key] = shlex.split(value)[0] if key == "POP3GW_TEST_DIR" and value else value
    # what bash sees when it sources the file
    out = subprocess.run(["bash", "-c", 'set -a; source "$1"; env -0', "bash", str(path)],
                         capture_output=True, check=True).stdout
    sourced = dict(item.decode().split("=", 1) for item in out.split(b"\0") if item)
    same = all(sourced.get(k) == v for k, v in naive.items())
    check(same, "env file reads the same via bash source and KEY=VALUE split")
    required = ["POP3GW_TEST_DIR", "POP3GW_TEST_HOST", "POP3GW_TEST_STLS_PORT", "POP3GW_TEST_TLS_PORT",
                "POP3GW_TEST_PLAIN_PORT", "POP3GW_TEST_CA_FILE", "POP3GW_TEST_OTHER_CA_FILE",
                "POP3GW_TEST_MAIL_DIR"]
    check(all(k in naive for k in required), "env file has %s" % ", ".join(required))
    check(naive.get("POP3GW_TEST_DIR") == str(STATE_DIR), "env file names the state directory")
    check(not any(" " in v or "'" in v or '"' in v for k, v in naive.items() if k != "POP3GW_TEST_DIR"),
          "env values other than the state directory need no quoting")
    check("pässwörd" not in path.read_text(encoding="utf-8"), "env file does not contain the utf8user password")
    return naive


# ---------------------------------------------------------------------------
# POP3 helpers
# ---------------------------------------------------------------------------

class Env:
    def __init__(self, env: dict[str, str]):
        self.host = env["POP3GW_TEST_HOST"]
        self.stls = int(env["POP3GW_TEST_STLS_PORT"])
        self.tls = int(env["POP3GW_TEST_TLS_PORT"])
        self.plain = int(env["POP3GW_TEST_PLAIN_PORT"])
        self.ca = env["POP3GW_TEST_CA_FILE"]
        self.other_ca = env["POP3GW_TEST_OTHER_CA_FILE"]
        self.mail = Path(env["POP3GW_TEST_MAIL_DIR"])
        self.server_name = env.get("POP3GW_TEST_SERVER_NAME", "pop3.test")

    def ctx(self, cafile: str | None = None) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=cafile or self.ca)

    def connect(self, port: int, timeout: float = 30) -> poplib.POP3:
        """Plain connection, or implicit TLS for the TLS port."""
        if port == self.tls:
            return poplib.POP3_SSL(self.host, port, context=self.ctx(), timeout=timeout)
        return poplib.POP3(self.host, port, timeout=timeout)

    def files(self, user: str) -> list[Path]:
        return sorted((self.mail / user / "Maildir" / "cur").iterdir(), key=lambda p: p.name)


def login(p: poplib.POP3, user: str, password: str | None = None) -> None:
    p.user(user)
    p.pass_(password if password is not None else PASSWORDS[user])


def retr_bytes(p: poplib.POP3, n: int) -> bytes:
    # poplib strips CRLF and undoes dot-stuffing; every line ended with CRLF.
    _, lines, _ = p.retr(n)
    return b"".join(line + b"\r\n" for line in lines)


def capa_has_stls(p: poplib.POP3) -> bool:
    return "STLS" in p.capa()


class RawPOP3:
    """Minimal client to look at the exact bytes on the wire."""

    def __init__(self, host: str, port: int):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.buf = b""
        self.line()

    def line(self) -> bytes:
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def cmd(self, command: bytes) -> bytes:
        self.sock.sendall(command + b"\r\n")
        return self.line()

    def multiline_raw(self) -> bytes:
        while b"\r\n.\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf.split(b"\r\n.\r\n", 1)
        return data + b"\r\n"

    def close(self) -> None:
        try:
            self.cmd(b"QUIT")
        finally:
            self.sock.close()


def dot_stuff(data: bytes) -> bytes:
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in data.split(b"\r\n")[:-1])


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------

def check_certificates(e: Env) -> None:
    tls_dir = Path(e.ca).parent
    text = subprocess.run(["openssl", "x509", "-in", str(tls_dir / "server.pem"), "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    san = re.search(r"Subject Alternative Name:.*?\n\s*(.*)\n", text)
    san_text = san.group(1).strip() if san else ""
    check("IP Address:127.0.0.1" in san_text and "DNS:pop3.test" in san_text and "localhost" not in text,
          "server certificate SAN is '%s' (no localhost)" % san_text)
    dates = subprocess.run(["openssl", "x509", "-in", str(tls_dir / "server.pem"), "-noout",
                            "-startdate", "-enddate"], capture_output=True, text=True, check=True).stdout
    nb = ssl.cert_time_to_seconds(re.search(r"notBefore=(.*)", dates).group(1))
    na = ssl.cert_time_to_seconds(re.search(r"notAfter=(.*)", dates).group(1))
    now = time.time()
    check(1.5 * 86400 < now - nb < 2.5 * 86400 and 29 * 86400 < na - now < 31 * 86400,
          "server certificate valid from ~2 days ago to ~30 days ahead (%s)" % ", ".join(dates.splitlines()))
    verify = subprocess.run(["openssl", "verify", "-CAfile", e.ca, str(tls_dir / "server.pem")],
                            capture_output=True, text=True)
    check(verify.returncode == 0, "openssl verify -CAfile ca.pem server.pem: %s" % verify.stdout.strip())
    verify = subprocess.run(["openssl", "verify", "-CAfile", e.other_ca, str(tls_dir / "server.pem")],
                            capture_output=True, text=True)
    check(verify.returncode != 0, "openssl verify with other-ca.pem fails")


def check_listeners(e: Env) -> None:
    # STLS listener: CAPA offers STLS, STLS with verified hostname 127.0.0.1
    p = poplib.POP3(e.host, e.stls, timeout=10)
    check(capa_has_stls(p), "STLS port %d: CAPA lists STLS" % e.stls)
    p.stls(context=e.ctx())
    check(isinstance(p.sock, ssl.SSLSocket), "STLS port: STLS handshake verified for host 127.0.0.1 (%s)"
          % p.sock.version())
    check(not capa_has_stls(p), "STLS port: CAPA after STLS no longer lists STLS")
    login(p, "alice")
    check(p.stat()[0] == EXPECTED_COUNTS["alice"], "STLS port: alice logged in over TLS, STAT %r" % (p.stat(),))
    p.quit()

    # STLS listener without STLS: TLS is optional, plaintext login allowed
    p = poplib.POP3(e.host, e.stls, timeout=10)
    login(p, "alice")
    ok("STLS port: plaintext USER/PASS without STLS accepted (TLS not required)")
    p.quit()

    # implicit TLS
    p = poplib.POP3_SSL(e.host, e.tls, context=e.ctx(), timeout=10)
    check(p.getwelcome().startswith(b"+OK"), "TLS port %d: implicit TLS handshake verified (%s)"
          % (e.tls, p.sock.version()))
    check(not capa_has_stls(p), "TLS port: CAPA does not list STLS")
    login(p, "alice")
    check(p.stat()[0] == EXPECTED_COUNTS["alice"], "TLS port: alice logged in")
    p.quit()

    # plaintext-only listener
    p = poplib.POP3(e.host, e.plain, timeout=10)
    caps = p.capa()
    check("STLS" not in caps, "plain port %d: CAPA does NOT list STLS (%s)" % (e.plain, " ".join(sorted(caps))))
    try:
        p._shortcmd("STLS")
        fail("plain port: STLS command unexpectedly accepted")
    except poplib.error_proto as exc:
        ok("plain port: STLS command rejected: %s" % exc)
    p.quit()
    p = poplib.POP3(e.host, e.plain, timeout=10)
    login(p, "alice")
    check(p.stat()[0] == EXPECTED_COUNTS["alice"], "plain port: plaintext login works")
    p.quit()

    # server name pop3.test verifies as well
    with socket.create_connection((e.host, e.tls), timeout=10) as raw:
        with e.ctx().wrap_socket(raw, server_hostname=e.server_name) as s:
            check(s.recv(100).startswith(b"+OK"), "TLS port: certificate verifies for name %s" % e.server_name)


def expect_verify_failure(what: str, fn, needle: str) -> None:
    try:
        p = fn()
        p.quit()
        fail("%s: connection unexpectedly verified" % what)
    except ssl.SSLCertVerificationError as exc:
        check(needle in str(exc), "%s fails verification: %s" % (what, exc.verify_message))


def check_verification_failures(e: Env) -> None:
    expect_verify_failure("TLS port with host name 'localhost'",
                          lambda: poplib.POP3_SSL("localhost", e.tls, context=e.ctx(), timeout=10),
                          "Hostname mismatch")

    def stls_localhost():
        p = poplib.POP3("localhost", e.stls, timeout=10)
        p.stls(context=e.ctx())
        return p
    expect_verify_failure("STLS port with host name 'localhost'", stls_localhost, "Hostname mismatch")
    expect_verify_failure("TLS port with other-ca.pem",
                          lambda: poplib.POP3_SSL(e.host, e.tls, context=e.ctx(e.other_ca), timeout=10),
                          "unable to get local issuer certificate")

    def stls_other():
        p = poplib.POP3(e.host, e.stls, timeout=10)
        p.stls(context=e.ctx(e.other_ca))
        return p
    expect_verify_failure("STLS port with other-ca.pem", stls_other, "unable to get local issuer certificate")
    # no CA at all (system trust store) must not trust the test CA either
    expect_verify_failure("TLS port with the system trust store",
                          lambda: poplib.POP3_SSL(e.host, e.tls, context=ssl.create_default_context(), timeout=10),
                          "certificate verify failed")


def check_mailbox(e: Env, user: str, port: int, retr: list[int] | str) -> None:
    files = e.files(user)
    p = e.connect(port, timeout=60)
    login(p, user)
    count, total = p.stat()
    check(count == EXPECTED_COUNTS.get(user, count) and count == len(files),
          "%s: STAT %d messages, %d octets (%d files in cur/)" % (user, count, total, len(files)))
    _, listing, _ = p.list()
    sizes = [int(l.split()[1]) for l in listing]
    check(sizes == [f.stat().st_size for f in files], "%s: LIST sizes equal the file sizes, in order" % user)
    _, uidl, _ = p.uidl()
    uids = [l.split()[1] for l in uidl]
    check(len(set(uids)) == len(uids), "%s: UIDLs unique (e.g. %s)" % (user, uids[0].decode()))
    numbers = range(1, count + 1) if retr == "all" else retr
    t0 = time.monotonic()
    nbytes = 0
    bad = []
    for n in numbers:
        data = retr_bytes(p, n)
        nbytes += len(data)
        if data != files[n - 1].read_bytes():
            bad.append(n)
    check(not bad, "%s: RETR %s byte-identical to the files (%d bytes, %.2f s)%s"
          % (user, "all" if retr == "all" else list(numbers), nbytes, time.monotonic() - t0,
             " mismatches: %s" % bad if bad else ""))
    p.quit()


def check_manifest_order(e: Env) -> None:
    manifest = json.loads((e.mail / "manifest.json").read_text(encoding="utf-8"))
    for user in ("alice", "bulk"):
        entries = manifest["users"][user]["messages"]
        check([x["file"].split("/")[-1] for x in entries] == [f.name for f in e.files(user)],
              "%s: manifest order equals sorted cur/ order" % user)
    # Message-IDs via TOP match the manifest (POP3 order == file-name order)
    p = poplib.POP3(e.host, e.plain, timeout=60)
    login(p, "bulk")
    entries = manifest["users"]["bulk"]["messages"]
    wrong = []
    for n in (1, 2, 3, 250, 500, 999, 1000):
        _, lines, _ = p.top(n, 0)
        mid = [l.split(b":", 1)[1].strip().decode() for l in lines if l.lower().startswith(b"message-id:")]
        if mid != [entries[n - 1]["message_id"]]:
            wrong.append(n)
    check(not wrong, "bulk: TOP n 0 Message-IDs match the manifest order%s" % (" (wrong: %s)" % wrong if wrong else ""))
    p.quit()


def check_dot_stuffing(e: Env) -> None:
    manifest = json.loads((e.mail / "manifest.json").read_text(encoding="utf-8"))
    entry = next(x for x in manifest["users"]["alice"]["messages"] if "dot-stuffing" in x["tags"])
    data = (e.mail / "alice" / "Maildir" / entry["file"]).read_bytes()
    r = RawPOP3(e.host, e.plain)
    r.cmd(b"USER alice")
    r.cmd(b"PASS alice-secret")
    status = r.cmd(b"RETR %d" % entry["number"])
    wire = r.multiline_raw()
    r.close()
    check(status.startswith(b"+OK") and wire == dot_stuff(data),
          "alice #%d: raw RETR wire bytes are exactly the dot-stuffed file (%d lines start with '.')"
          % (entry["number"], sum(1 for l in data.split(b"\r\n") if l.startswith(b"."))))


def check_uidl_stable(e: Env) -> None:
    lists = []
    for port in (e.stls, e.plain, e.stls):
        p = poplib.POP3(e.host, port, timeout=10)
        login(p, "alice")
        lists.append(p.uidl()[1])
        p.quit()
    check(lists[0] == lists[1] == lists[2], "alice: UIDL identical across sessions and both instances")


def check_utf8user(e: Env) -> None:
    # USER/PASS with the UTF-8 bytes (poplib encodes commands as UTF-8)
    p = poplib.POP3(e.host, e.plain, timeout=10)
    login(p, "utf8user")
    check(p.stat()[0] == 1, "utf8user: USER/PASS with UTF-8 password containing spaces")
    p.quit()
    # SASL PLAIN by hand, on both the plain and the STLS-upgraded connection
    token = base64.b64encode(b"\0utf8user\0" + PASSWORDS["utf8user"].encode("utf-8")).decode()
    for label, make in (("plain port", lambda: poplib.POP3(e.host, e.plain, timeout=10)),
                        ("STLS port after STLS", lambda: _stls(e))):
        p = make()
        resp = p._shortcmd("AUTH PLAIN " + token)
        check(resp.startswith(b"+OK") and p.stat()[0] == 1, "utf8user: AUTH PLAIN (%s): %s" % (label, resp.decode()))
        p.quit()
    # AUTH PLAIN with a continuation line, and AUTH LOGIN
    p = poplib.POP3(e.host, e.plain, timeout=10)
    p._putcmd("AUTH PLAIN")
    cont = p._getline()[0]
    resp = p._shortcmd(token)
    check(cont.startswith(b"+") and resp.startswith(b"+OK"), "utf8user: AUTH PLAIN with continuation")
    p.quit()
    p = poplib.POP3(e.host, e.plain, timeout=10)
    p._putcmd("AUTH LOGIN")
    p._getline()
    p._putcmd(base64.b64encode(b"alice").decode())
    p._getline()
    resp = p._shortcmd(base64.b64encode(b"alice-secret").decode())
    check(resp.startswith(b"+OK"), "alice: AUTH LOGIN works")
    p.quit()


def _stls(e: Env) -> poplib.POP3:
    p = poplib.POP3(e.host, e.stls, timeout=10)
    p.stls(context=e.ctx())
    return p


def check_bad_password(e: Env) -> None:
    times = []
    for _ in range(3):
        p = poplib.POP3(e.host, e.plain, timeout=10)
        t0 = time.monotonic()
        try:
            login(p, "alice", "wrong-password")
            fail("wrong password accepted")
        except poplib.error_proto as exc:
            times.append(time.monotonic() - t0)
            err = str(exc)
        p.quit()
    check(max(times) < 1.5, "wrong password rejected quickly, no growing penalty (%s; %s)"
          % (", ".join("%.2fs" % t for t in times), err))


def check_all_users_login(e: Env) -> None:
    bad = []
    for user in PASSWORDS:
        try:
            p = poplib.POP3(e.host, e.plain, timeout=10)
            login(p, user)
            p.stat()
            p.quit()
        except Exception as exc:  # noqa: BLE001
            bad.append("%s: %s" % (user, exc))
    check(not bad, "all %d users can log in %s" % (len(PASSWORDS), bad if bad else ""))


def check_delete(e: Env, user: str = "scratch8") -> None:
    before = len(e.files(user))
    p = poplib.POP3(e.host, e.stls, timeout=10)
    login(p, user)
    p.dele(1)
    p.quit()
    p = poplib.POP3(e.host, e.plain, timeout=10)
    login(p, user)
    count = p.stat()[0]
    p.quit()
    check(before == 5 and count == 4 and len(e.files(user)) == 4,
          "%s: DELE 1 + QUIT removes the message (server %d, files %d)" % (user, count, len(e.files(user))))


def check_session_lock(e: Env) -> None:
    """pop3_lock_session = yes for "locked" only: a second concurrent login is refused with [IN-USE]."""
    first = poplib.POP3(e.host, e.plain, timeout=10)
    login(first, "locked")
    check(first.stat()[0] == EXPECTED_COUNTS["locked"], "locked: first session logged in")
    # Dovecot waits for the session lock (about 10 s, not configurable) before it answers [IN-USE].
    second = poplib.POP3(e.host, e.stls, timeout=30)
    t0 = time.monotonic()
    try:
        login(second, "locked")
        fail("locked: a second concurrent login was accepted (pop3_lock_session not in effect)")
        second.quit()
    except poplib.error_proto as exc:
        check(str(exc).startswith("b'-ERR [IN-USE]"),
              "locked: second concurrent login refused after %.1f s: %s" % (time.monotonic() - t0, exc))
        second.close()
    first.quit()
    third = poplib.POP3(e.host, e.plain, timeout=10)
    login(third, "locked")
    check(third.stat()[0] == EXPECTED_COUNTS["locked"], "locked: login works again after the first session's QUIT")
    third.quit()
    # Every other user keeps pop3_lock_session = no: two concurrent sessions are fine.
    one = poplib.POP3(e.host, e.plain, timeout=10)
    login(one, "scratch1")
    two = poplib.POP3(e.host, e.stls, timeout=10)
    try:
        login(two, "scratch1")
        check(two.stat()[0] == one.stat()[0], "scratch1: two concurrent sessions allowed (lock only for locked)")
        two.quit()
    except poplib.error_proto as exc:
        fail("scratch1: second concurrent login refused: %s" % exc)
    one.quit()


def check_no_flag_renames(e: Env) -> None:
    names = [f.name for f in e.files("alice")]
    check(all(n.endswith(":2,") for n in names), "alice: RETR did not rename files (no :2,S flags)")


def check_logs_clean() -> None:
    bad = []
    for log in (STATE_DIR / "run" / "log").glob("dovecot-*.log"):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.search(r"(Error|Fatal|Panic):", line):
                bad.append(line)
            if "pässwörd" in line or "alice-secret" in line:
                bad.append("password in log: " + line)
    check(not bad, "dovecot logs have no errors and no passwords%s" % ("".join("\n       " + b for b in bad[:10])))


def full_checks(e: Env, destructive: bool) -> None:
    check_certificates(e)
    check_listeners(e)
    check_verification_failures(e)
    check_all_users_login(e)
    check_mailbox(e, "alice", e.stls, "all")
    check_mailbox(e, "bulk", e.plain, [1, 2, 500, 999, 1000])
    check_mailbox(e, "big", e.tls, "all")
    check_mailbox(e, "scratch1", e.plain, "all")
    check_mailbox(e, "utf8user", e.plain, "all")
    check_manifest_order(e)
    check_dot_stuffing(e)
    check_uidl_stable(e)
    check_utf8user(e)
    check_bad_password(e)
    check_session_lock(e)
    check_no_flag_renames(e)
    if destructive:
        check_delete(e)
    check_logs_clean()


# Every instance name seen so far: after `stop` the configuration is gone with the run directory, and the
# processes must still be recognised by the titles they had.
seen_names: set[str] = set()


def instance_names() -> list[str]:
    names = []
    for conf in (STATE_DIR / "run").glob("dovecot*.conf"):
        m = re.search(r"^instance_name = (\S+)", conf.read_text(encoding="utf-8"), re.M)
        if m:
            names.append(m.group(1))
    seen_names.update(names)
    return names


def our_processes(include_zombies: bool = False) -> list[str]:
    """Processes that belong to our instances (by config path or process title)."""
    instance_names()
    names = sorted(seen_names)
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state == "Z" and not include_zombies:
            continue
        if state == "Z" and proc.name in zombie_watch:
            found.append("%s [zombie]" % proc.name)
        elif "dovecot" in cmd and (str(STATE_DIR) in cmd or any(n in cmd for n in names)):
            found.append("%s %s" % (proc.name, cmd))
    return found


def pgrep_dovecot() -> str:
    try:
        return subprocess.run(["pgrep", "-a", "dovecot"], capture_output=True, text=True).stdout.strip()
    except FileNotFoundError:
        return "(pgrep not installed)"


zombie_watch: set[str] = set()


def check_stopped(master_pids: list[str]) -> None:
    procs = []
    for _ in range(40):
        procs = our_processes()
        if not procs:
            break
        time.sleep(0.1)
    check(not procs, "no live processes of ours remain %s" % (procs if procs else ""))
    # The daemonized masters are reaped by pid 1; until then they are zombies.
    zombie_watch.update(master_pids)
    for _ in range(100):
        if not our_processes(include_zombies=True):
            break
        time.sleep(0.1)
    zombies = our_processes(include_zombies=True)
    zombie_watch.clear()
    print("     | zombies not yet reaped by pid 1: %s" % (zombies or "none"))
    print("     | pgrep -a dovecot: %s" % (pgrep_dovecot() or "(nothing)"))


def lifecycle() -> None:
    run_server("stop")
    for round_no in (1, 2):
        print("==== round %d" % round_no)
        proc = run_server("start")
        if not check(proc.returncode == 0, "start (round %d)" % round_no):
            return
        check(run_server("status").returncode == 0, "status reports running")
        e = Env(read_env())
        full_checks(e, destructive=True)
        # start while running: must stop the old instances and regenerate everything
        old_pids = [(STATE_DIR / n).read_text().strip() for n in ("main.pid", "plain.pid")]
        proc = run_server("start")
        check(proc.returncode == 0, "start while running (restart)")
        new_pids = [(STATE_DIR / n).read_text().strip() for n in ("main.pid", "plain.pid")]
        check(old_pids != new_pids and not any(Path("/proc", p).exists() and
                                               "Z" not in (Path("/proc", p) / "stat").read_text().rsplit(")", 1)[1][:3]
                                               for p in old_pids),
              "restart replaced both masters (%s -> %s)" % (old_pids, new_pids))
        e = Env(read_env())
        check(len(e.files("scratch8")) == 5, "restart regenerated the mailboxes (scratch8 has 5 again)")
        check_listeners(e)
        check_mailbox(e, "bulk", e.plain, [1, 1000])
        check(len(instance_names()) == 2 and len(our_processes()) > 2,
              "processes are identifiable by instance name %s (%d processes)"
              % (instance_names(), len(our_processes())))
        run_dir = (STATE_DIR / "run").resolve()
        proc = run_server("stop")
        check(proc.returncode == 0, "stop")
        check(not run_dir.exists() and not (STATE_DIR / "run").is_symlink(),
              "stop removed the private run directory %s" % run_dir)
        check(any((STATE_DIR / "log").glob("dovecot-*.log")), "stop kept the logs in the state directory")
        check_stopped(new_pids)
        proc = run_server("stop")
        check(proc.returncode == 0 and "stopping" not in proc.stderr, "second stop is a no-op")
        check(run_server("status").returncode == 3, "status reports not running (exit 3)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--running", action="store_true",
                        help="only check an already running server (no start/stop, no deletions)")
    args = parser.parse_args()
    print("state directory: %s" % STATE_DIR)
    try:
        if args.running:
            full_checks(Env(read_env()), destructive=False)
        else:
            lifecycle()
    except Exception as exc:  # noqa: BLE001
        fail("unexpected exception: %r" % exc)
        import traceback
        traceback.print_exc()
    if failures:
        print("\n%d check(s) FAILED:" % len(failures))
        for f in failures:
            print("  - " + f)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
