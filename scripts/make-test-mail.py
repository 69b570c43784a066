#!/usr/bin/env python3
"""Generate deterministic Maildir mailboxes for the pop3-gateway test server.

Every message is written with CRLF line endings only (no bare CR, no bare LF,
no NUL), so a POP3 server serving the file from a maildir sends it back
byte for byte (apart from dot-stuffing, which clients undo).  Tests can
therefore compare RETR output with the file on disk.

Messages are stored directly in ``Maildir/cur`` under names such as

    1700000003.M3P4242.pop3test,S=1234,W=1234:2,

The leading time stamp grows with the message number, so both a plain
lexicographic sort of ``cur/`` and Dovecot's maildir ordering (time stamp,
then microseconds, then name) give the intended message order.  ``S=`` and
``W=`` are the exact file size; because the files are CRLF-only, the
physical and the "virtual" (CRLF) size are the same, which is what POP3
LIST reports.  Each message also has a distinct Date: header that increases
with its position.

The output is fully deterministic: fixed seeds, fixed dates, no clock.

Usage
-----
  make-test-mail.py --root DIR
        every test user: DIR/<user>/Maildir/{cur,new,tmp}, plus
        DIR/manifest.json listing each user's messages in POP3 order
        (number, file, size, message_id, subject, tags)
  make-test-mail.py --demo DIR
        only the "alice" demo mailbox (21 varied MIME messages), as a maildir
        at DIR itself (DIR/cur, DIR/new, DIR/tmp), e.g. for a demo Dovecot with
        mail_location = maildir:DIR
  make-test-mail.py --user NAME --maildir DIR
        one test user's mailbox as a maildir at DIR
        (e.g. --user alice --maildir /srv/demo/alice/Maildir)
  make-test-mail.py --list
        print the users with message counts and total sizes

Users: alice (demo), bulk (1000 messages), big (3, one ~5 MB), scratch1..9
(5 each), utf8user (1), locked (5, the scratch messages), hostile, swiftclient and
pyclient (none).  The target
maildir's cur/ and new/ must be empty or absent; nothing is ever overwritten.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import quopri
import random
import struct
import sys
import zlib
from typing import Callable, Iterable

# --------------------------------------------------------------------------
# Low-level helpers
# --------------------------------------------------------------------------

TIME_BASE = 1700000000  # maildir file-name time stamp of message 1 is TIME_BASE + 1
PID_TAG = 4242  # fixed "P" part of the maildir unique name
HOST_TAG = "pop3test"


def crlf(data: bytes) -> bytes:
    """Convert a LF-only message to CRLF; refuse CR, NUL or a missing final LF."""
    if b"\r" in data:
        raise ValueError("message source must use bare LF internally (found CR)")
    if b"\x00" in data:
        raise ValueError("message contains NUL")
    if not data.endswith(b"\n"):
        data += b"\n"
    if b"\n\n" not in data:
        raise ValueError("message has no header/body separator")
    return data.replace(b"\n", b"\r\n")


def b64_lines(data: bytes) -> bytes:
    """base64 with 76-character lines, LF terminated (converted later)."""
    return base64.encodebytes(data)


def qp_body(text_bytes: bytes) -> bytes:
    """quoted-printable encoding of a LF-line-ended byte string."""
    out = quopri.encodestring(text_bytes, quotetabs=False)
    if not out.endswith(b"\n"):
        out += b"\n"
    return out


_Q_SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")


def _q_payload(data: bytes) -> str:
    parts = []
    for byte in data:
        if byte == 0x20:
            parts.append("_")
        elif byte in _Q_SAFE:
            parts.append(chr(byte))
        else:
            parts.append("=%02X" % byte)
    return "".join(parts)


def encoded_words(text: str, charset: str, mode: str = "B") -> list[str]:
    """RFC 2047 encoded words (each <= 75 chars), never splitting a character.

    Each chunk is encoded separately, so stateful charsets such as
    ISO-2022-JP produce self-contained words (escape back to ASCII at the end).
    """
    def enc(chunk: str) -> str:
        raw = chunk.encode(charset)
        if mode == "B":
            payload = base64.b64encode(raw).decode("ascii")
        else:
            payload = _q_payload(raw)
        return "=?%s?%s?%s?=" % (charset, mode, payload)

    words: list[str] = []
    current = ""
    for ch in text:
        candidate = current + ch
        if current and len(enc(candidate)) > 75:
            words.append(enc(current))
            current = ch
        else:
            current = candidate
    if current:
        words.append(enc(current))
    return words


def ew(text: str, charset: str = "UTF-8", mode: str = "B") -> str:
    """Encoded words folded onto continuation lines."""
    return "\n ".join(encoded_words(text, charset, mode))


def rfc2231_value(text: str, charset: str = "UTF-8", lang: str = "") -> str:
    raw = text.encode(charset)
    safe = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
    pct = "".join(chr(b) if b in safe else "%%%02X" % b for b in raw)
    return "%s'%s'%s" % (charset, lang, pct)


def fmt_date(when: dt.datetime) -> str:
    """RFC 5322 date, e.g. 'Mon, 15 Jan 2024 09:00:00 +0100' (locale independent)."""
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    offset = when.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return "%s, %02d %s %04d %02d:%02d:%02d %s%02d%02d" % (
        days[when.weekday()], when.day, months[when.month - 1], when.year,
        when.hour, when.minute, when.second, sign, minutes // 60, minutes % 60)


def tz(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(minutes=int(hours * 60)))


def headers(pairs: Iterable[tuple[str, str]]) -> bytes:
    """Header block (without the blank separator line); values may fold with '\\n '."""
    lines = []
    for name, value in pairs:
        line = "%s: %s" % (name, value)
        for piece in line.split("\n")[1:]:
            if not piece[:1] in (" ", "\t"):
                raise ValueError("bad folding in header %s" % name)
        lines.append(line)
    return ("\n".join(lines) + "\n").encode("ascii")


def part(head: Iterable[tuple[str, str]], body: bytes) -> bytes:
    if not body.endswith(b"\n"):
        body += b"\n"
    return headers(head) + b"\n" + body


def multipart(boundary: str, parts: list[bytes], preamble: bytes = b"",
              epilogue: bytes = b"", close: bool = True) -> bytes:
    out = preamble
    bnd = boundary.encode("ascii")
    for p in parts:
        out += b"--" + bnd + b"\n" + p
    if close:
        out += b"--" + bnd + b"--\n" + epilogue
    return out


def make_png(width: int, height: int, rng: random.Random) -> bytes:
    """A real (tiny) RGB PNG, stored uncompressed so the bytes are deterministic."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes(((x * 16) & 0xFF, (y * 16) & 0xFF, rng.randrange(256)))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


def make_pdf(rng: random.Random, stream_len: int) -> bytes:
    """Something that looks like a PDF: header, objects, a binary stream, trailer."""
    stream = rng.randbytes(stream_len)
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
            b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n"
            + b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % stream_len
            + stream + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


class Message:
    def __init__(self, data: bytes, tag: str, subject: str, message_id: str):
        self.data = crlf(data)
        self.tag = tag
        self.subject = subject
        self.message_id = message_id


# --------------------------------------------------------------------------
# alice: the demo mailbox
# --------------------------------------------------------------------------

ALICE = "Alice Liddell <alice@example.test>"


def alice_messages() -> list[Message]:
    rng = random.Random(20240115)
    start = dt.datetime(2024, 1, 15, 9, 0, 0, tzinfo=dt.timezone.utc)
    msgs: list[Message] = []

    def add(tag: str, subject_text: str, head: list[tuple[str, str]], body: bytes,
            zone: float = 0.0, mime: bool = True, raw_subject: bytes | None = None) -> None:
        n = len(msgs) + 1
        when = (start + dt.timedelta(hours=7 * n, minutes=n * 3)).astimezone(tz(zone))
        mid = "<alice-%02d.%s@mail.example.com>" % (n, tag.split()[0])
        base = [("Date", fmt_date(when)), ("Message-ID", mid)]
        if mime:
            base.append(("MIME-Version", "1.0"))
        hdr = headers(base + head)
        if raw_subject is not None:
            hdr = hdr + b"Subject: " + raw_subject + b"\n"
        msgs.append(Message(hdr + b"\n" + body, tag, subject_text, mid))

    # 1. plain US-ASCII
    add("plain-ascii", "Welcome to the POP3 gateway demo", [
        ("From", "Bob Example <bob@example.com>"),
        ("To", ALICE),
        ("Cc", "Carol Jones <carol@example.org>, dave@example.net"),
        ("Subject", "Welcome to the POP3 gateway demo"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ], b"Hi Alice,\n\nthis is a plain US-ASCII message. Nothing fancy here:\n"
       b"just a few lines of text, wrapped at a sensible width, and a\n"
       b"signature below.\n\nCheers,\nBob\n\n-- \nBob Example\nExample Corp.\n", zone=1)

    # 2. UTF-8, Q-encoded subject, B-encoded From, quoted-printable body
    subj = "Grüße aus München – Café ☕"
    body = ("Liebe Alice,\n\nviele Grüße aus München! Das Café am Marienplatz hat\n"
            "wieder geöffnet – wir sollten uns dort treffen. Ein Euro-Zeichen: €.\n"
            "Eine sehr lange Zeile, damit quoted-printable einen weichen Zeilenumbruch "
            "einfügen muss: äöüß ÄÖÜ éèê àâ çñ ✓ ✗ → ← ★ ♥ 日本語 中文 한국어.\n\n"
            "Bis bald,\nJürgen\n").encode("utf-8")
    add("utf8-qp encoded-words", subj, [
        ("From", "%s <juergen.mueller@example.de>" % ew("Jürgen Müller", "UTF-8", "B")),
        ("To", ALICE),
        ("Subject", ew(subj, "UTF-8", "Q")),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qp_body(body), zone=1)

    # 3. UTF-8 B-encoded long subject (several encoded words), base64 text body
    subj = "Ελληνικά και русский текст: многоязычное сообщение с длинной темой"
    body = ("Γειά σου Alice!\n\nЭто сообщение закодировано в base64.\n"
            "Κείμενο στα ελληνικά και στα ρωσικά, с эмодзи 🎉 и символами ∑ ∞ ≠.\n").encode("utf-8")
    add("base64-text utf8-b-subject", subj, [
        ("From", "%s <zoe@example.org>" % ew("Zoë Ђорђевић", "UTF-8", "B")),
        ("To", ALICE),
        ("Subject", ew(subj, "UTF-8", "B")),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64_lines(body), zone=3)

    # 4. ISO-8859-1 quoted-printable
    subj = "Français : réunion à l'été, ça marche ?"
    body = ("Bonjour Alice,\n\nla réunion de l'été aura lieu à Genève, près du lac.\n"
            "Prévoir : crème brûlée, pâté, façade, naïve et forêt.\n"
            "Symboles Latin-1 : « guillemets », ½, ¼, ¾, ©, ®, °, ±, µ, ¶, ß, ÿ.\n\n"
            "Amicalement,\nFrançois\n").encode("iso-8859-1")
    add("iso-8859-1-qp", subj, [
        ("From", "%s <francois@example.fr>" % ew("François Lévesque", "ISO-8859-1", "Q")),
        ("To", ALICE),
        ("Subject", ew(subj, "ISO-8859-1", "Q")),
        ("Content-Type", "text/plain; charset=ISO-8859-1"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qp_body(body), zone=2)

    # 5. multipart/alternative text + html
    b = "=_alice05_alt_3f9c2e"
    text = b"Quarterly numbers\n\n* Revenue: up 12%\n* Costs: down 3%\n\nSee the HTML version for a table.\n"
    html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Quarterly numbers</title></head>\n"
            "<body>\n<h1>Quarterly numbers</h1>\n<table border=\"1\">\n"
            "<tr><th>Item</th><th>Change</th></tr>\n<tr><td>Revenue</td><td>+12&nbsp;%</td></tr>\n"
            "<tr><td>Costs</td><td>&minus;3&nbsp;%</td></tr>\n</table>\n"
            "<p style=\"color:#666\">Sent with <b>love</b> – and an en dash.</p>\n</body></html>\n").encode("utf-8")
    add("multipart-alternative", "Quarterly numbers", [
        ("From", "Reports <reports@example.com>"),
        ("To", ALICE),
        ("Subject", "Quarterly numbers"),
        ("Content-Type", "multipart/alternative; boundary=\"%s\"" % b),
    ], multipart(b, [
        part([("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")], text),
        part([("Content-Type", "text/html; charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")],
             qp_body(html)),
    ], preamble=b"This is a multi-part message in MIME format.\n\n"), zone=-5)

    # 6. multipart/mixed with a PDF-like attachment and RFC 2231 file names
    b = "----=_Part_6_1407129733.1705300000000"
    pdf = make_pdf(rng, 9000)
    pdf_name = "Rechnung März 2024 – Nr. 42.pdf"
    txt_name = "日本語のメモ.txt"
    txt_ja = rfc2231_value(txt_name, "UTF-8", "ja")
    add("multipart-mixed pdf-attachment rfc2231-filename", "Invoice March 2024 (PDF attached)", [
        ("From", "Billing <billing@example.com>"),
        ("To", ALICE),
        ("Subject", "Invoice March 2024 (PDF attached)"),
        ("Content-Type", "multipart/mixed;\n\tboundary=\"%s\"" % b),
    ], multipart(b, [
        part([("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "7bit")],
             b"Dear Alice,\n\nplease find your invoice attached.\n\nRegards,\nBilling\n"),
        part([("Content-Type", "application/pdf;\n name*=%s" % rfc2231_value(pdf_name)),
              ("Content-Transfer-Encoding", "base64"),
              ("Content-Disposition", "attachment;\n filename*=%s;\n size=%d" % (rfc2231_value(pdf_name), len(pdf)))],
             b64_lines(pdf)),
        part([("Content-Type", "text/plain; charset=utf-8"),
              ("Content-Transfer-Encoding", "base64"),
              ("Content-Disposition", "attachment;\n filename*0*=%s;\n filename*1*=%s"
               % (txt_ja[:30], txt_ja[30:]))],
             b64_lines("メモ: 請求書を確認してください。\n".encode("utf-8"))),
    ]), zone=1)

    # 7. multipart/alternative > (text/plain, multipart/related > (html, inline png))
    outer = "=_alice07_alt_88d1"
    inner = "=_alice07_rel_5b2a"
    png = make_png(16, 16, rng)
    cid = "logo.png@01DA4C1B.7E3F2A10"
    html = ("<html><body><p>Our new logo:</p>\n<p><img src=\"cid:%s\" alt=\"logo\" width=\"16\" height=\"16\"></p>\n"
            "<p>Looks good?</p></body></html>\n" % cid).encode("ascii")
    add("multipart-related inline-image content-id", "New logo (inline image)", [
        ("From", "Design Team <design@example.com>"),
        ("To", ALICE),
        ("Subject", "New logo (inline image)"),
        ("Content-Type", "multipart/alternative; boundary=\"%s\"" % outer),
    ], multipart(outer, [
        part([("Content-Type", "text/plain; charset=us-ascii")], b"Our new logo is attached inline. Looks good?\n"),
        part([("Content-Type", "multipart/related; type=\"text/html\"; boundary=\"%s\"" % inner)],
             multipart(inner, [
                 part([("Content-Type", "text/html; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")], html),
                 part([("Content-Type", "image/png; name=\"logo.png\""),
                       ("Content-Transfer-Encoding", "base64"),
                       ("Content-ID", "<%s>" % cid),
                       ("Content-Disposition", "inline; filename=\"logo.png\"")], b64_lines(png)),
             ])),
    ]), zone=0)

    # 8. message/rfc822 attachment (forwarded message)
    b = "=_alice08_mixed_c0ffee"
    fwd = crlf(headers([
        ("Date", "Fri, 12 Jan 2024 16:20:00 +0000"),
        ("From", "Eve Original <eve@example.net>"),
        ("To", "Bob Example <bob@example.com>"),
        ("Subject", "Original message"),
        ("Message-ID", "<original-1@example.net>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
    ]) + b"\nThis is the original message that Bob forwards to Alice.\nIt has two lines.\n")
    fwd = fwd.replace(b"\r\n", b"\n")  # the outer crlf() converts again
    add("message-rfc822 forward", "Fwd: Original message", [
        ("From", "Bob Example <bob@example.com>"),
        ("To", ALICE),
        ("Subject", "Fwd: Original message"),
        ("Content-Type", "multipart/mixed; boundary=\"%s\"" % b),
    ], multipart(b, [
        part([("Content-Type", "text/plain; charset=us-ascii")], b"Alice, see the forwarded message below.\n"),
        part([("Content-Type", "message/rfc822"),
              ("Content-Disposition", "attachment; filename=\"Original message.eml\"")], fwd),
    ]), zone=0)

    # 9. text/calendar invitation
    b = "=_alice09_alt_ca1e"
    ics = ("BEGIN:VCALENDAR\nPRODID:-//Example Corp//Calendar 1.0//EN\nVERSION:2.0\nMETHOD:REQUEST\n"
           "BEGIN:VEVENT\nUID:20240120T100000Z-4242@example.com\nDTSTAMP:20240116T120000Z\n"
           "DTSTART:20240120T100000Z\nDTEND:20240120T110000Z\nSUMMARY:Tea party planning\n"
           "LOCATION:Mad Hatter's garden\n"
           "ORGANIZER;CN=Bob Example:mailto:bob@example.com\n"
           "ATTENDEE;CN=Alice Liddell;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:alice@example.test\n"
           "DESCRIPTION:Let's plan the tea party. Bring cakes\\, please.\nSEQUENCE:0\nSTATUS:CONFIRMED\n"
           "END:VEVENT\nEND:VCALENDAR\n").encode("utf-8")
    add("text-calendar invitation", "Invitation: Tea party planning @ Sat 20 Jan 2024 10:00", [
        ("From", "Bob Example <bob@example.com>"),
        ("To", ALICE),
        ("Subject", "Invitation: Tea party planning @ Sat 20 Jan 2024 10:00"),
        ("Content-Type", "multipart/alternative; boundary=\"%s\"" % b),
    ], multipart(b, [
        part([("Content-Type", "text/plain; charset=utf-8")],
             b"You have been invited to: Tea party planning\nWhen: Sat 20 Jan 2024 10:00-11:00 UTC\n"),
        part([("Content-Type", "text/calendar; charset=utf-8; method=REQUEST"),
              ("Content-Transfer-Encoding", "7bit")], ics),
    ]), zone=0)

    # 10. dot-stuffing
    add("dot-stuffing", "Lines starting with dots", [
        ("From", "Dot Tester <dots@example.com>"),
        ("To", ALICE),
        ("Subject", "Lines starting with dots"),
        ("Content-Type", "text/plain; charset=us-ascii"),
    ], b"The next lines start with dots.\n.single dot at the start\n..two dots at the start\n"
       b"...three dots\n.\nThe line above is exactly one dot; the next one is exactly two.\n..\n"
       b". dot space\n\n.\n", zone=0)

    # 11. a line longer than 1000 octets
    long_line = " ".join("word%04d" % i for i in range(170))  # 1529 chars
    add("long-line", "A line longer than 1000 octets", [
        ("From", "Long Liner <long@example.com>"),
        ("To", ALICE),
        ("Subject", "A line longer than 1000 octets"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ], ("Short line.\n%s\nAnother short line after %d characters.\n" % (long_line, len(long_line))).encode("ascii"),
        zone=0)

    # 12. 8bit UTF-8 body (and a raw UTF-8 Subject, RFC 6532 style)
    subj = "Raw UTF-8 subject: naïve façade ✓"
    body = ("8bit UTF-8 body without any transfer encoding.\n"
            "Deutsch: Größe, Straße, Übermaß.\nРусский: съешь же ещё этих мягких французских булок.\n"
            "日本語: いろはにほへと ちりぬるを。\nEmoji: 😀 🚀 👩‍💻\n").encode("utf-8")
    add("8bit-utf8 raw-utf8-header", subj, [
        ("From", "Unicode Fan <unicode@example.com>"),
        ("To", ALICE),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body, zone=9, raw_subject=subj.encode("utf-8"))

    # 13. 8bit ISO-8859-1 body with a line of every high byte (0x80..0xFF)
    body = ("8bit ISO-8859-1 body: Åsa ønsker én café crème.\nAll high bytes follow:\n").encode("iso-8859-1")
    body += bytes(range(0x80, 0x100)) + b"\nEnd.\n"
    add("8bit-latin1 high-bytes", "8bit ISO-8859-1 with all high bytes", [
        ("From", "Latin One <latin1@example.com>"),
        ("To", ALICE),
        ("Subject", "8bit ISO-8859-1 with all high bytes"),
        ("Content-Type", "text/plain; charset=ISO-8859-1"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body, zone=1)

    # 14. Windows-1252
    subj = "Windows-1252 “smart quotes” – €100"
    body = ("Windows-1252 body: “double” ‘single’ quotes, an en dash – and em dash —,\n"
            "the euro sign € 100, a trade mark™, an ellipsis… and a bullet •.\n").encode("cp1252")
    add("windows-1252", subj, [
        ("From", "Win User <win@example.com>"),
        ("To", ALICE),
        ("Subject", ew(subj, "windows-1252", "Q")),
        ("Content-Type", "text/plain; charset=windows-1252"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body, zone=-8)

    # 15. KOI8-R
    subj = "Привет из Москвы"
    body = ("Здравствуй, Алиса!\n\nЭто письмо в кодировке KOI8-R.\n"
            "Съешь же ещё этих мягких французских булок, да выпей чаю.\n\nС уважением,\nИван\n").encode("koi8-r")
    add("koi8-r", subj, [
        ("From", "%s <ivan@example.ru>" % ew("Иван Петров", "KOI8-R", "B")),
        ("To", ALICE),
        ("Subject", ew(subj, "KOI8-R", "B")),
        ("Content-Type", "text/plain; charset=KOI8-R"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body, zone=3)

    # 16. Shift_JIS
    subj = "東京からのお知らせ"
    body = ("アリスさん\n\nこのメールはShift_JISで書かれています。\n"
            "表示できますか？ 「ソ」や「表」は二バイト目が0x5Cの文字です。\n\nよろしくお願いします。\n田中\n").encode("shift_jis")
    add("shift_jis", subj, [
        ("From", "%s <tanaka@example.jp>" % ew("田中 太郎", "Shift_JIS", "B")),
        ("To", ALICE),
        ("Subject", ew(subj, "Shift_JIS", "B")),
        ("Content-Type", "text/plain; charset=Shift_JIS"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body, zone=9)

    # 17. ISO-2022-JP (7bit with escape sequences)
    subj = "会議の件について（ISO-2022-JP）"
    body = ("アリス様\n\n来週の会議の件でご連絡します。\n"
            "日時：一月二十五日 午後三時\n場所：第二会議室\n\n以上、よろしくお願いいたします。\n鈴木\n").encode("iso-2022-jp")
    add("iso-2022-jp", subj, [
        ("From", "%s <suzuki@example.jp>" % ew("鈴木 花子", "ISO-2022-JP", "B")),
        ("To", ALICE),
        ("Subject", ew(subj, "ISO-2022-JP", "B")),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body, zone=9)

    # 18. no MIME-Version (and no Content-Type at all)
    add("no-mime-version", "Old-style message without MIME", [
        ("From", "old-timer@example.edu (Old Timer)"),
        ("To", "alice@example.test"),
        ("Subject", "Old-style message without MIME"),
        ("X-Mailer", "elm 2.4 PL25"),
    ], b"This message has no MIME-Version header and no Content-Type.\n"
       b"It should be treated as text/plain; charset=us-ascii.\n", zone=-6, mime=False)

    # 19. multipart without a closing boundary
    b = "=_alice19_unterminated"
    add("multipart-no-closing-boundary", "Truncated multipart (no closing boundary)", [
        ("From", "Broken Mailer <broken@example.com>"),
        ("To", ALICE),
        ("Subject", "Truncated multipart (no closing boundary)"),
        ("Content-Type", "multipart/mixed; boundary=\"%s\"" % b),
    ], multipart(b, [
        part([("Content-Type", "text/plain; charset=us-ascii")], b"First part.\n"),
        part([("Content-Type", "text/plain; charset=us-ascii")],
             b"Second part; the closing boundary is missing after this line.\n"),
    ], close=False), zone=0)

    # 20. HTML only, Received trace, long folded subject, threading, group address
    subj = ("Re: [tea-party] A rather long subject line that has to be folded over several "
            "header lines because it is longer than seventy-eight characters")
    html = b"<html><body><p>HTML-only reply.</p><blockquote>Quoted text</blockquote></body></html>\n"
    add("html-only folded-headers threading", subj, [
        ("Return-Path", "<list-bounces@lists.example.org>"),
        ("Received", "from mx.example.org (mx.example.org [192.0.2.25])\n\tby mail.example.test (Postfix) with ESMTPS id 4TGx2Z0abcz\n"
                     "\tfor <alice@example.test>; Sun, 21 Jan 2024 06:00:04 +0000 (UTC)"),
        ("Received", "from [198.51.100.7] (unknown [198.51.100.7])\n\tby mx.example.org (Postfix) with ESMTPSA id 12345\n"
                     "\tfor <tea-party@lists.example.org>; Sun, 21 Jan 2024 06:00:02 +0000 (UTC)"),
        ("From", "\"Hatter, The Mad\" <hatter@example.org>"),
        ("Reply-To", "tea-party@lists.example.org"),
        ("To", "undisclosed-recipients:;"),
        ("Subject", "Re: [tea-party] A rather long subject line that has to be folded over several\n"
                    " header lines because it is longer than seventy-eight characters"),
        ("In-Reply-To", "<alice-09.text-calendar@mail.example.com>"),
        ("References", "<alice-05.multipart-alternative@mail.example.com>\n <alice-09.text-calendar@mail.example.com>"),
        ("List-Id", "Tea Party <tea-party.lists.example.org>"),
        ("Content-Type", "text/html; charset=us-ascii"),
    ], html, zone=0)

    # 21. ~3 MB message with a base64 attachment
    b = "=_alice21_big_0b5e55ed"
    blob = rng.randbytes(2_300_000)
    add("large-3mb attachment", "Holiday photos (3 MB)", [
        ("From", "Bob Example <bob@example.com>"),
        ("To", ALICE),
        ("Subject", "Holiday photos (3 MB)"),
        ("Content-Type", "multipart/mixed; boundary=\"%s\"" % b),
    ], multipart(b, [
        part([("Content-Type", "text/plain; charset=us-ascii")], b"Here are the holiday photos (one big archive).\n"),
        part([("Content-Type", "application/zip; name=\"photos.zip\""),
              ("Content-Transfer-Encoding", "base64"),
              ("Content-Disposition", "attachment; filename=\"photos.zip\"")], b64_lines(blob)),
    ]), zone=1)

    return msgs


# --------------------------------------------------------------------------
# bulk: 1000 small messages
# --------------------------------------------------------------------------

FIRST = ["Anna", "Ben", "Chen", "Dana", "Emil", "Fatima", "Gustav", "Hana", "Igor", "Jana",
         "Kofi", "Lena", "Mateo", "Nora", "Olaf", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
         "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Jürgen", "Åsa", "Søren", "Noémie"]
LAST = ["Smith", "Meyer", "Kowalski", "Nakamura", "Okafor", "Rossi", "García", "Novák",
        "Larsen", "Dubois", "Schmidt", "Silva", "Ivanova", "Haddad", "O'Brien", "Müller"]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.de", "corp.example.fr"]
TOPICS = ["build", "deploy", "invoice", "meeting", "lunch", "release", "review", "backup",
          "report", "ticket", "budget", "roadmap", "outage", "survey", "newsletter", "travel"]
VERBS = ["update on", "question about", "notes from", "reminder:", "re:", "fwd:", "draft of",
         "feedback on", "status of", "agenda for"]
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
         "exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure "
         "in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
         "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est "
         "laborum").split()


def _paragraphs(rng: random.Random, lines: int) -> str:
    out = []
    for _ in range(lines):
        if rng.random() < 0.12:
            out.append("")
            continue
        n = rng.randint(4, 12)
        out.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
    return "\n".join(out) + "\n"


def bulk_messages(count: int = 1000) -> list[Message]:
    rng = random.Random(1000)
    when = dt.datetime(2023, 3, 1, 8, 0, 0, tzinfo=dt.timezone.utc)
    zones = [0, 1, 2, -5, -8, 5.5, 9, -3]
    msgs = []
    for n in range(1, count + 1):
        when = when + dt.timedelta(minutes=rng.randint(5, 90), seconds=rng.randint(0, 59))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = "%s %s" % (first, last)
        addr = "%s.%s@%s" % (first.lower().encode("ascii", "ignore").decode() or "user",
                             last.lower().replace("'", "").encode("ascii", "ignore").decode() or "x",
                             rng.choice(DOMAINS))
        subject = "%s %s #%d" % (rng.choice(VERBS).capitalize(), rng.choice(TOPICS), n)
        mid = "<bulk-%04d.%08x@bulk.example.com>" % (n, rng.getrandbits(32))
        if name.isascii():
            from_value = ("\"%s\" <%s>" % (name, addr)) if "'" in name else "%s <%s>" % (name, addr)
        else:
            from_value = "%s <%s>" % (ew(name, "UTF-8", rng.choice("BQ")), addr)
        head = [
            ("Date", fmt_date(when.astimezone(tz(rng.choice(zones))))),
            ("From", from_value),
            ("To", "Bulk Receiver <bulk@example.test>"),
        ]
        if rng.random() < 0.3:
            head.append(("Cc", ", ".join("%s@%s" % (rng.choice(TOPICS), rng.choice(DOMAINS))
                                         for _ in range(rng.randint(1, 3)))))
        kind = rng.random()
        if kind < 0.15:
            head.append(("Subject", ew(subject + " – ünïcödé", "UTF-8", rng.choice("BQ"))))
        else:
            head.append(("Subject", subject))
        head.append(("Message-ID", mid))
        if rng.random() < 0.25 and n > 1:
            head.append(("In-Reply-To", "<bulk-%04d@bulk.example.com>" % rng.randint(1, n - 1)))
        if rng.random() < 0.2:
            head.append(("List-Id", "%s <%s.lists.example.org>" % (rng.choice(TOPICS).title(), rng.choice(TOPICS))))
        if rng.random() < 0.2:
            head.append(("X-Priority", str(rng.randint(1, 5))))
        if rng.random() < 0.3:
            head.append(("X-Mailer", rng.choice(["Thunderbird 115.6", "Mutt/2.2.9", "Apple Mail (2.3731)",
                                                 "Microsoft Outlook 16.0", "bulk-generator/1.0"])))
        head.append(("MIME-Version", "1.0"))
        text = _paragraphs(rng, rng.choice([2, 4, 8, 15, 30, 50]))
        if kind < 0.15:
            body_text = ("Grüße, " + first + "!\n\n" + text).encode("utf-8")
            head += [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")]
            body = qp_body(body_text)
        elif kind < 0.30:
            bnd = "=_bulk%04d_%06x" % (n, rng.getrandbits(24))
            head.append(("Content-Type", "multipart/alternative; boundary=\"%s\"" % bnd))
            html = "<html><body><p>" + text.replace("\n\n", "</p><p>").replace("\n", "<br>\n") + "</p></body></html>\n"
            body = multipart(bnd, [
                part([("Content-Type", "text/plain; charset=us-ascii")], text.encode("ascii")),
                part([("Content-Type", "text/html; charset=us-ascii")], html.encode("ascii")),
            ])
        else:
            head += [("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")]
            body = text.encode("ascii")
        msgs.append(Message(headers(head) + b"\n" + body, "bulk", subject, mid))
    return msgs


# --------------------------------------------------------------------------
# big, scratch, utf8user
# --------------------------------------------------------------------------

def _simple(n: int, user: str, subject: str, body: str, when: dt.datetime, tag: str) -> Message:
    mid = "<%s-%02d@example.com>" % (user, n)
    head = headers([
        ("Date", fmt_date(when)),
        ("From", "Test Sender <sender@example.com>"),
        ("To", "%s@example.test" % user),
        ("Subject", subject),
        ("Message-ID", mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
    ])
    return Message(head + b"\n" + body.encode("ascii"), tag, subject, mid)


def big_messages() -> list[Message]:
    rng = random.Random(5)
    t0 = dt.datetime(2024, 2, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    first = _simple(1, "big", "Small message before the big one", "Small message 1.\n", t0, "small")
    b = "=_big02_5mb"
    blob = rng.randbytes(3_800_000)  # ~5.1 MB once base64 encoded with CRLF
    mid = "<big-02@example.com>"
    head = headers([
        ("Date", fmt_date(t0 + dt.timedelta(hours=1))),
        ("From", "Test Sender <sender@example.com>"),
        ("To", "big@example.test"),
        ("Subject", "Large attachment (~5 MB)"),
        ("Message-ID", mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "multipart/mixed; boundary=\"%s\"" % b),
    ])
    body = multipart(b, [
        part([("Content-Type", "text/plain; charset=us-ascii")], b"A 5 MB attachment follows.\n"),
        part([("Content-Type", "application/octet-stream; name=\"blob.bin\""),
              ("Content-Transfer-Encoding", "base64"),
              ("Content-Disposition", "attachment; filename=\"blob.bin\"")], b64_lines(blob)),
    ])
    big = Message(head + b"\n" + body, "large-5mb", "Large attachment (~5 MB)", mid)
    last = _simple(3, "big", "Small message after the big one", "Small message 3.\n",
                   t0 + dt.timedelta(hours=2), "small")
    return [first, big, last]


def scratch_messages() -> list[Message]:
    t0 = dt.datetime(2024, 3, 1, 8, 0, 0, tzinfo=dt.timezone.utc)
    msgs = []
    for n in range(1, 6):
        body = "Scratch message %d of 5.\nTests may delete this message.\n" % n
        body += "Filler line %d.\n" % n * n
        # The To: address is the same for every scratch user, so all scratch
        # mailboxes hold byte-identical messages.
        msgs.append(_simple(n, "scratch", "Scratch message %d" % n, body,
                            t0 + dt.timedelta(minutes=10 * n), "scratch"))
    return msgs


def utf8user_messages() -> list[Message]:
    subj = "Hallo Wörld – UTF-8 user"
    mid = "<utf8user-01@example.com>"
    head = headers([
        ("Date", fmt_date(dt.datetime(2024, 4, 1, 10, 0, 0, tzinfo=tz(2)))),
        ("From", "%s <sender@example.com>" % ew("Sénder Ünicode", "UTF-8", "Q")),
        ("To", "utf8user@example.test"),
        ("Subject", ew(subj, "UTF-8", "B")),
        ("Message-ID", mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ])
    body = "The password of this user contains non-ASCII characters and a space.\nÄÖÜ äöü ß ✓\n"
    return [Message(head + b"\n" + body.encode("utf-8"), "utf8", subj, mid)]


USERS: dict[str, Callable[[], list[Message]]] = {
    "alice": alice_messages,
    "bulk": bulk_messages,
    "big": big_messages,
    **{"scratch%d" % i: scratch_messages for i in range(1, 10)},
    "utf8user": utf8user_messages,
    # Same 5 messages as the scratch users; the test server locks this
    # user's maildrop for the whole POP3 session.
    "locked": scratch_messages,
    # Empty: the hostile-mail tests deliver the messages they need and remove them again.
    "hostile": lambda: [],
    # Empty: scripts/client-test.sh delivers the mail its generated clients read and delete.
    "swiftclient": lambda: [],
    "pyclient": lambda: [],
}


# --------------------------------------------------------------------------
# Maildir writing
# --------------------------------------------------------------------------

def maildir_name(n: int, size: int) -> str:
    return "%d.M%dP%d.%s,S=%d,W=%d:2," % (TIME_BASE + n, n, PID_TAG, HOST_TAG, size, size)


def write_maildir(maildir: str, msgs: list[Message]) -> list[dict]:
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    for sub in ("cur", "new"):
        if os.listdir(os.path.join(maildir, sub)):
            raise SystemExit("error: %s/%s is not empty" % (maildir, sub))
    entries = []
    for n, msg in enumerate(msgs, start=1):
        name = maildir_name(n, len(msg.data))
        path = os.path.join(maildir, "cur", name)
        with open(path, "wb") as fh:
            fh.write(msg.data)
        stamp = TIME_BASE + n
        os.utime(path, (stamp, stamp))
        entries.append({
            "number": n,
            "file": "cur/" + name,
            "size": len(msg.data),
            "message_id": msg.message_id,
            "subject": msg.subject,
            "tags": msg.tag.split(),
        })
    return entries


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\nUsage\n-----\n")[0],
        epilog="usage details:\n" + __doc__.split("\nUsage\n-----\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--root", metavar="DIR",
                      help="write every test user to DIR/<user>/Maildir and DIR/manifest.json")
    mode.add_argument("--demo", metavar="DIR", help="write the alice demo mailbox as a maildir at DIR")
    mode.add_argument("--user", metavar="NAME", help="write one user's mailbox (needs --maildir)")
    mode.add_argument("--list", action="store_true", help="list users and message counts")
    parser.add_argument("--maildir", metavar="DIR", help="target maildir for --user")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)

    if args.list:
        for user, gen in USERS.items():
            msgs = gen()
            print("%-10s %5d messages %10d bytes" % (user, len(msgs), sum(len(m.data) for m in msgs)))
        return 0
    if args.user is not None:
        if args.user not in USERS:
            parser.error("unknown user %r (known: %s)" % (args.user, ", ".join(USERS)))
        if not args.maildir:
            parser.error("--user needs --maildir DIR")
        entries = write_maildir(args.maildir, USERS[args.user]())
        if not args.quiet:
            print("%s: %d messages in %s" % (args.user, len(entries), args.maildir))
        return 0
    if args.maildir:
        parser.error("--maildir is only valid with --user")
    if args.demo is not None:
        entries = write_maildir(args.demo, alice_messages())
        if not args.quiet:
            print("demo (alice): %d messages in %s" % (len(entries), args.demo))
        return 0

    manifest: dict = {"format": 1, "users": {}}
    for user, gen in USERS.items():
        entries = write_maildir(os.path.join(args.root, user, "Maildir"), gen())
        manifest["users"][user] = {"maildir": "%s/Maildir" % user, "messages": entries}
    with open(os.path.join(args.root, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    if not args.quiet:
        for user, info in manifest["users"].items():
            print("%-10s %5d messages" % (user, len(info["messages"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
