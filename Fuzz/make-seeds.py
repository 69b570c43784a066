#!/usr/bin/env python3
"""Writes the fuzz seed corpora under Fuzz/corpus/ (pop3, http, and mime's hand-made inputs and its
links to Tests/Corpus). Python 3 standard library only; the output is committed, run it again after
changing a seed here. Existing files in the three directories that this script does not write are kept
(libFuzzer may have added some on purpose), so delete a seed here *and* there to drop it.

Each pop3 seed is the input layout POP3DecoderFuzzTarget reads:
    options, plan, n, n read sizes (each byte + 1), payload
and each http seed HTTPInputFuzzTarget's: selector, parameter, text.
"""
import os

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(ROOT, "corpus")

# POP3DecoderFuzzTarget options bits.
STATUS_8, STATUS_32, STATUS_512 = 1, 2, 3
RESPONSE_16, RESPONSE_64, RESPONSE_1024 = 4, 8, 12
SESSION, RECEIVE, FRESH_BUFFERS = 0x10, 0x20, 0x40
# SessionResponsePlan options bits.
IMPLICIT_TLS, STLS, PLAINTEXT = 0, 1, 2
APOP, HANDSHAKE_FAILS = 4, 8
STAT, LIST_UIDL, TOP_RETR, DELE_RSET = 0x10, 0x20, 0x40, 0x80


def crlf(*lines):
    return "".join(line + "\r\n" for line in lines).encode("latin-1")


def pop3(options, plan, reads, payload):
    assert len(reads) < 8 and all(1 <= size <= 256 for size in reads)
    return bytes([options, plan, len(reads)] + [size - 1 for size in reads]) + payload


RETR_BODY = crlf(
    "+OK 212 octets",
    "Return-Path: <alice@example.org>",
    "Subject: dots",
    "",
    "..leading dot",
    ".x",
    "..",
    "...",
    "a . in the middle.",
    ".",
)
CAPA = crlf(
    "+OK Capability list follows",
    "CAPA",
    "TOP",
    "UIDL",
    "RESP-CODES",
    "PIPELINING",
    "AUTH-RESP-CODE",
    "STLS",
    "USER",
    "SASL PLAIN LOGIN",
    "LOGIN-DELAY 900",
    "EXPIRE 60 USER",
    "IMPLEMENTATION Dovecot",
    ".",
)
LIST = crlf("+OK 2 messages (320 octets)", "1 120", "2 200", ".")
UIDL = crlf("+OK", "1 whqtswO00WBw418f9t5JxYwZ", "2 QhdPYR:00WBw1Ph7x7", ".")
TRANSACTION = (
    crlf("+OK 2 320")
    + LIST
    + UIDL
    + crlf("+OK top of message follows", "Subject: hi", "", ".")
    + RETR_BODY
    + crlf("+OK message 1 deleted", "+OK maildrop has 2 messages", "+OK message 2 deleted", "+OK Logging out.")
)

POP3_SEEDS = {
    # Single status lines: greetings, errors with response codes, SASL continuations.
    "greeting": pop3(0, 0, [], crlf("+OK Dovecot ready.")),
    "greeting-apop": pop3(0, 0, [], crlf("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>")),
    "greeting-bare-ok": pop3(0, 0, [1], crlf("+OK")),
    "err-sys-temp": pop3(0, 0, [], crlf("-ERR [SYS/TEMP] try again later")),
    "err-in-use": pop3(0, 0, [3], crlf("-ERR [IN-USE] mailbox locked by another session")),
    "err-login-delay": pop3(0, 0, [], crlf("-ERR [LOGIN-DELAY] 300 wait")),
    "err-auth": pop3(0, 0, [5, 1], crlf("-ERR [AUTH] Authentication failed.")),
    "err-sys-perm-lower": pop3(0, 0, [], crlf("-err [sys/perm/disk] account disabled")),
    "err-unknown-code": pop3(0, 0, [], crlf("-ERR [UTF8/x-y] [unterminated")),
    "err-text-locked": pop3(0, 0, [], crlf("-ERR unable to lock maildrop")),
    "continuation": pop3(0, 0, [], crlf("+ dGVzdA==", "+ ")),
    "stat": pop3(0, 0, [], crlf("+OK 2 320")),
    "stat-absurd": pop3(0, 0, [], crlf("+OK 99999999999999999999 -1")),
    # Multi-line responses (plan = which responses are multi-line).
    "capa": pop3(0, 1, [], CAPA),
    "capa-byte-by-byte": pop3(0, 1, [1], CAPA),
    "list": pop3(0, 1, [7, 3], LIST),
    "list-gaps-and-junk": pop3(0, 1, [], crlf("+OK", "1 120", "3 999", "0 1", "x y", "4", ".")),
    "uidl": pop3(RECEIVE, 1, [16], UIDL),
    "uidl-bad-ids": pop3(
        0,
        1,
        [],
        crlf("+OK", "1 " + "a" * 71, "2 tab\tid", "3 ok-id", "3 ok-id", "4", "5 \x7f\x80\xff", "."),
    ),
    "retr-dot-stuffed": pop3(0, 1, [], RETR_BODY),
    "retr-split-terminator": pop3(RECEIVE | FRESH_BUFFERS, 1, [2, 1, 1, 1, 1, 3], RETR_BODY),
    "retr-bare-lf": pop3(0, 1, [5], b"+OK\none\n..two\nthree\r\n..\n\r\n.\n"),
    "retr-nul-and-cr": pop3(0, 1, [4, 9], b"+OK\r\nA\r\r\nB\r.C\r\n\x00.\x00\r\n.\r\n"),
    "retr-no-final-crlf": pop3(0, 1, [], crlf("+OK", "last line without ending")[:-2]),
    "retr-unterminated": pop3(0, 1, [11], crlf("+OK", "Subject: cut", "", "body")),
    "retr-pending-dot": pop3(0, 1, [], b"+OK\r\nab\r\n.\r"),
    "retr-err": pop3(0, 1, [], crlf("-ERR [SYS/TEMP] message 1 was expunged", "+OK 1 120")),
    "top-headers": pop3(0, 1, [64], crlf("+OK", "From: a@b.c", "Subject: top", "", ".")),
    "empty-multiline": pop3(0, 1, [1], b"+OK\r\n.\r\n"),
    "pipelined": pop3(0, 0b0110, [13, 5, 200], crlf("+OK") + LIST + UIDL + crlf("-ERR no such message", "+OK")),
    "consecutive-bodies": pop3(0, 0xFF, [], b"+OK\r\nx\r\n..\r\n.\r\n+OK\r\n.y\r\n.\r\n"),
    # Broken framing and the caps.
    "garbage": pop3(0, 0, [], crlf("HELLO")),
    "okay-not-ok": pop3(0, 0, [], crlf("+OKAY", "-ERROR")),
    "leading-space": pop3(0, 0, [], crlf(" +OK")),
    "status-over-cap": pop3(STATUS_8, 0, [], crlf("+OK 12345")),
    "status-at-cap": pop3(STATUS_8, 0, [1], crlf("+OK 1234")),
    "status-no-lf": pop3(STATUS_32, 0, [], b"+OK " + b"a" * 40),
    "response-over-cap": pop3(RESPONSE_16, 1, [4], crlf("+OK", "123456789", "123456789", ".")),
    "response-at-cap": pop3(RESPONSE_64 | STATUS_512, 1, [], crlf("+OK", "x" * 62, ".")),
    "raw-bytes-status": pop3(RESPONSE_1024, 0, [], b"-ERR \xc3\xa9\x01\xff\r\n"),
    # Whole sessions driving POP3SessionStateMachine.
    "session-plain": pop3(
        SESSION,
        IMPLICIT_TLS | STAT | LIST_UIDL | TOP_RETR | DELE_RSET,
        [],
        crlf("+OK Dovecot ready.", "+OK", "SASL PLAIN", "USER", ".", "+OK Logged in.") + TRANSACTION,
    ),
    "session-stls": pop3(
        SESSION | RECEIVE,
        STLS | STAT,
        [9, 2],
        crlf("+OK ready", "+OK", "STLS", "USER", ".", "+OK Begin TLS negotiation", "+OK", "USER", ".")
        + crlf("+OK send PASS", "+OK Logged in.", "+OK 0 0", "+OK Logging out."),
    ),
    "session-stls-missing": pop3(SESSION, STLS, [], crlf("+OK", "+OK", "USER", ".", "+OK")),
    "session-stls-capa-err": pop3(SESSION, STLS, [], crlf("+OK", "-ERR", "+OK", "+OK", "USER", ".")),
    "session-handshake-fails": pop3(SESSION, STLS | HANDSHAKE_FAILS, [], crlf("+OK", "+OK", "STLS", ".", "+OK")),
    "session-plaintext": pop3(SESSION, PLAINTEXT | LIST_UIDL, [1], crlf("+OK", "-ERR", "+OK", "+OK") + LIST + UIDL),
    "session-apop": pop3(
        SESSION, APOP | IMPLICIT_TLS, [], crlf("+OK POP3 ready <1.2@host>", "+OK", "USER", ".", "+OK maildrop locked")
    ),
    "session-apop-no-timestamp": pop3(SESSION, APOP, [], crlf("+OK POP3 ready", "-ERR")),
    "session-in-use": pop3(SESSION, 0, [], crlf("+OK", "+OK", "USER", ".", "+OK", "-ERR [IN-USE] locked")),
    "session-sasl-challenge": pop3(SESSION, 0, [], crlf("+OK", "+OK", "SASL PLAIN", ".", "+ ", "+OK")),
    "session-expire-user": pop3(
        SESSION,
        STAT,
        [],
        crlf("+OK", "+OK", "USER", "EXPIRE 60 USER", ".", "+OK", "+OK", "+OK", "EXPIRE 30", ".", "+OK 1 2", "+OK"),
    ),
    "session-quit-err": pop3(
        SESSION,
        DELE_RSET,
        [],
        crlf("+OK", "+OK", "USER", ".", "+OK", "+OK", "+OK", "+OK", "+OK", "-ERR some deleted messages not removed"),
    ),
    "session-greeting-err": pop3(SESSION, 0, [], crlf("-ERR [SYS/TEMP] too busy", "+OK")),
    "session-unsolicited": pop3(SESSION, 0, [], crlf("+OK", "+OK", "USER", ".", "+OK", "+OK", "+OK bye", "+OK extra")),
}


def http(selector, parameter, text):
    return bytes([selector, parameter]) + text.encode("utf-8", "surrogateescape")


BASIC, ROUTE, PERCENT, RANGE = 0, 1, 2, 3
GET, HEAD, DELETE, POST = 0, 1, 2, 3

HTTP_SEEDS = {
    "basic-alice": http(BASIC, 0, "Basic YWxpY2U6YWxpY2Utc2VjcmV0"),
    "basic-spaces-lower": http(BASIC, 0, "basic    dXNlcjpwYXNz  "),
    "basic-utf8": http(BASIC, 0, "Basic w6k6w6k="),
    "basic-no-colon": http(BASIC, 0, "Basic dXNlcg=="),
    "basic-empty-user": http(BASIC, 0, "Basic OnBhc3M="),
    "basic-nul": http(BASIC, 0, "Basic AGE6Yg=="),
    "basic-crlf": http(BASIC, 0, "Basic YQ06Yg0K"),
    "basic-bad-base64": http(BASIC, 0, "Basic YWxp=2U6"),
    "bearer": http(BASIC, 0, "Bearer abc"),
    "basic-empty": http(BASIC, 0, "Basic "),
    "route-message": http(ROUTE, GET, "/v1/messages/whqtswO00WBw418f9t5JxYwZ"),
    "route-raw-encoded": http(ROUTE, HEAD, "/v1/messages/a%2Fb%25c/raw"),
    "route-delete": http(ROUTE, DELETE, "/v1/messages/QhdPYR%3A00WBw1Ph7x7"),
    "route-post": http(ROUTE, POST, "/v1/messages"),
    "route-bad-escape": http(ROUTE, GET, "/v1/messages/%zz"),
    "route-control-id": http(ROUTE, GET, "/v1/messages/a%0D%0AQUIT"),
    "route-long-id": http(ROUTE, GET, "/v1/messages/" + "x" * 71),
    "route-mailbox": http(ROUTE, GET, "/v1/mailbox"),
    "route-health": http(ROUTE, HEAD, "/healthz"),
    "route-unknown": http(ROUTE, GET, "//v1/messages//raw/"),
    "percent-plain": http(PERCENT, 0, "whqtswO00WBw418f9t5JxYwZ"),
    "percent-reserved": http(PERCENT, 0, "a/b?c#d%e f+g"),
    "percent-truncated": http(PERCENT, 0, "abc%4"),
    "percent-utf8": http(PERCENT, 0, "caf\u00e9 \U0001F600"),
    "range-first": http(RANGE, 3, "bytes=0-99"),
    "range-suffix": http(RANGE, 3, "bytes=-50"),
    "range-open": http(RANGE, 4, "bytes=9500-"),
    "range-reversed": http(RANGE, 3, "bytes=5-2"),
    "range-multiple": http(RANGE, 3, "bytes=0-0,5-6"),
    "range-other-unit": http(RANGE, 3, "items=0-1"),
    "range-spaces": http(RANGE, 2, "bytes=  1-2  "),
    "range-huge": http(RANGE, 6, "bytes=99999999999999999999-"),
    "range-max": http(RANGE, 6, "bytes=9223372036854775806-9223372036854775807"),
    "range-zero-suffix": http(RANGE, 0, "bytes=-0"),
    "range-signs": http(RANGE, 3, "bytes=+1-+2"),
}

# Hand-made MIME inputs the generated Tests/Corpus does not have.
MIME_SEEDS = {
    "empty": b"",
    "blank-lines": b"\r\n\r\n",
    "headers-only-no-blank-line": crlf("Subject: cut", "From: A <a@b.c>")[:-2],
    "nul-in-headers": b"Sub\x00ject: x\r\nFrom: a\x00@b.c\r\nTo: \x00\r\n\r\nbody\x00\r\n",
    "unclosed-nested-multipart": crlf(
        "Content-Type: multipart/mixed; boundary=a",
        "",
        "--a",
        "Content-Type: multipart/alternative; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "text",
        "--a",
        "Content-Type: multipart/related; boundary=c; start=\"<x@y>\"",
        "",
        "--c",
        "Content-ID: <x@y>",
        "Content-Type: text/html",
        "",
        "<p>",
    ),
    "multipart-without-boundary": crlf("Content-Type: multipart/mixed", "", "--", "--x", "text", "--x--"),
    "base64-garbage": crlf(
        "Content-Type: multipart/mixed; boundary=z",
        "",
        "--z",
        "Content-Type: application/octet-stream; name=a.bin",
        "Content-Transfer-Encoding: base64",
        "",
        "!!!!====AAA=A===\x80\x81",
        "--z",
        "Content-Type: text/plain; charset=x-unknown",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "=E9=\r=ZZ=",
        "--z--",
    ),
    "uuencode-unterminated": crlf(
        "Content-Type: multipart/mixed; boundary=u",
        "",
        "--u",
        "Content-Type: application/octet-stream",
        "Content-Transfer-Encoding: x-uuencode",
        "",
        "begin 644 a.txt",
        "M86)C",
        "--u--",
    ),
    "encoded-rfc822": crlf(
        "Content-Type: multipart/mixed; boundary=m",
        "",
        "--m",
        "Content-Type: message/rfc822",
        "Content-Transfer-Encoding: base64",
        "",
        "U3ViamVjdDogaW5uZXINCkZyb206IGlAai5rDQoNCmJvZHkNCg==",
        "--m",
        "Content-Type: message/rfc822",
        "",
        "Subject: plain inner",
        "Content-Type: multipart/mixed; boundary=n",
        "",
        "--n",
        "",
        "x",
        "--m--",
    ),
    "rfc2231-broken": crlf(
        "Content-Type: multipart/mixed; boundary=r",
        "",
        "--r",
        "Content-Type: application/pdf; name*0=\"a\"; name*2=\"c\"",
        "Content-Disposition: attachment; filename*=utf-8''%E9%; filename*1*=x",
        "",
        "data",
        "--r",
        "Content-Type: text/plain; charset=\"utf-7\"",
        "",
        "+AOk-",
        "--r--",
    ),
    "addresses-and-dates": crlf(
        "From: \"=?UTF-8?B?w6k=?=\" <a@b.c>, g: d@e.f, (c) <x@xn--bcher-kva.example>;",
        "To: undisclosed-recipients:;",
        "Cc: a@b@c, <>, @, \"\" <@>",
        "Reply-To: group: a@b, inner: c@d;;",
        "Date: Thu, 31 Dec 9999 23:59:60 -2359",
        "Message-ID: <<>>",
        "In-Reply-To: no brackets",
        "References: <a@b> <c@d",
        "Content-Type: text/plain; charset=shift_jis",
        "",
        "\x82\xa0\x82",
    ),
}

# Long headers and deep nesting, within the target's 128 KiB input limit: the shapes that drive GMime into
# deep recursion (nested groups, also made of colons inside encoded words), long lines and numbers. The two
# address fields hold 4,000 colons, about 820 KiB of GMime's stack: without the guard a worker's 1 MiB
# stack still holds them, and a mutation that copies a part of them overflows it.
def nested_multipart(depth):
    head = "".join("Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i) for i in range(depth))
    tail = "".join("--b%d--\r\n" % i for i in reversed(range(depth)))
    return ("Subject: deep\r\n" + head + "Content-Type: text/plain\r\n\r\nx\r\n" + tail).encode()


MIME_SEEDS.update({
    "to-nested-groups-4000": crlf("Subject: groups", "To: " + "g:" * 4000 + "a@b.example" + ";" * 4000, "", "x"),
    "to-encoded-words-with-colons-2000": crlf(
        "Subject: words",
        "To: " + "=?utf-8?Q?t=3E10:08:28=3C/p?= " * 2000 + "<a@b.example>",
        "",
        "x",
    ),
    "cc-folded-encoded-words": crlf(
        "Cc: " + "\r\n ".join("=?iso-8859-1?q?M=FCller:?= =?UTF-8?B?w6k6?=" for _ in range(200)) + " <c@d.example>",
        "",
        "x",
    ),
    "subject-one-line-100k": crlf("Subject: " + "x" * 100_000, "From: a@b.example", "", "x"),
    "from-nested-comments-20000": crlf("From: " + "(" * 20_000 + "c" + ")" * 20_000 + " <a@b.example>", "", "x"),
    "content-type-5000-parameters": crlf(
        "Content-Type: text/plain; charset=utf-8" + "".join(";\r\n p%d=v" % i for i in range(5000)), "", "x"
    ),
    "nested-multipart-1000": nested_multipart(1000),
    "nested-rfc822-1000": (
        "Subject: outer\r\n" + "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n" * 1000
        + "Content-Type: text/plain\r\n\r\nx\r\n"
    ).encode(),
    "attachments-200": crlf(
        "Content-Type: multipart/mixed; boundary=a",
        "",
        *[line for i in range(200) for line in (
            "--a", "Content-Type: application/octet-stream; name=\"f%d.bin\"" % i,
            "Content-Transfer-Encoding: base64", "", "AAE=")],
        "--a--",
    ),
})

MIME_LINKS = [
    "01-7bit-plain", "04-qp-utf8", "05-base64-text", "06-base64-binary-attachment",
    "07-binary-attachment-all-bytes", "08-uuencode-attachment", "09-uuencode-text-body", "13-koi8-r",
    "15-iso-2022-jp", "19-rfc2047-adjacent-words", "22-rfc2047-unterminated", "23-rfc2047-bad-base64",
    "24-rfc2047-bad-q-escape-bad-date", "25-display-names", "26-rfc2231-continuations", "28-rfc2047-filenames",
    "29-content-type-name-only", "33-unclosed-multipart", "34-nested-100", "35-rfc822-attachment",
    "36-rfc822-inline-forward", "38-related-around-alternative", "39-related-start-param", "45-empty-body",
    "46-unknown-charset", "53-multipart-signed", "54-deep-part-ids", "55-preamble-epilogue",
]


def write(directory, name, data):
    path = os.path.join(CORPUS, directory, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path) and not os.path.islink(path):
        with open(path, "rb") as existing:
            if existing.read() == data:
                return
    with open(path, "wb") as out:
        out.write(data)


def main():
    for name, data in POP3_SEEDS.items():
        write("pop3", name, data)
    for name, data in HTTP_SEEDS.items():
        write("http", name, data)
    for name, data in MIME_SEEDS.items():
        write("mime", name + ".eml", data)
    for name in MIME_LINKS:
        link = os.path.join(CORPUS, "mime", name + ".eml")
        target = os.path.join("..", "..", "..", "Tests", "Corpus", name + ".eml")
        assert os.path.exists(os.path.join(os.path.dirname(link), target)), name
        if not os.path.islink(link):
            os.symlink(target, link)
    count = sum(len(files) for _, _, files in os.walk(CORPUS))
    print(f"{count} seeds under {os.path.relpath(CORPUS)}")


if __name__ == "__main__":
    main()
