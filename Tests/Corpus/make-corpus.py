#!/usr/bin/env python3
"""Generate the MIME test corpus: NN-name.eml files with NN-name.json expectations.

Every message is written byte by byte here (CRLF line endings, like POP3
delivers), so each case has exactly the transfer encoding, charset and
structure it is about; Python's email generator is never used.  The expected
JSON comes from CONSTRUCTION: the text that was encoded, the file names that
were written, the sizes and SHA-256 of the bytes before encoding.  Nothing is
found by parsing the output.

The output is deterministic (no clock, no Python `random`: pseudo-random bytes
come from SHAKE-256 of a fixed label), so running the script again reproduces
the committed files byte for byte.

Usage
-----
  make-corpus.py                 (re)write the corpus next to this script
  make-corpus.py --out DIR       write it into DIR instead
  make-corpus.py --check         regenerate in memory and compare with the
                                 files next to this script (or --out DIR);
                                 exit 1 when a file differs, is missing, or a
                                 stale NN-*.eml/.json is left over
  make-corpus.py --large DIR     write only large-20mb.eml + large-20mb.json
                                 (a 20 MiB base64 attachment) into DIR
  make-corpus.py --list          print the case names and descriptions

Expected JSON (sorted keys, 2-space indent, UTF-8).  Keys present are checked
field by field, an omitted key is not checked:
  description, subject, from, to, cc, date, messageId, text, html, attachments
See README.md for the semantics.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import struct
import sys
import zlib
from pathlib import Path
from typing import Callable

CRLF = b"\r\n"

# --------------------------------------------------------------------------
# Deterministic bytes
# --------------------------------------------------------------------------


def pseudo_random(label: str, count: int) -> bytes:
    """`count` bytes that depend only on `label` (SHAKE-256 as a fixed-seed generator)."""
    return hashlib.shake_256(b"pop3-gateway MIME corpus: " + label.encode("ascii")).digest(count)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------
# Small real files (valid enough for a viewer), built without any compressor
# --------------------------------------------------------------------------

# The classic transparent 1x1 GIF.
GIF_1X1 = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def png(width: int, height: int, label: str) -> bytes:
    """An RGB PNG with pseudo-random pixels; the zlib stream uses stored blocks, so no zlib version matters."""
    pixels = pseudo_random("png " + label, width * height * 3)
    raw = b"".join(b"\x00" + pixels[y * width * 3 : (y + 1) * width * 3] for y in range(height))
    stream = b"\x78\x01"
    for start in range(0, len(raw), 65535):
        block = raw[start : start + 65535]
        final = 1 if start + 65535 >= len(raw) else 0
        stream += bytes([final]) + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    stream += struct.pack(">I", zlib.adler32(raw))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", stream) + chunk(b"IEND", b"")


def jpeg_like(label: str, size: int) -> bytes:
    """JPEG markers around pseudo-random bytes: only the type and the bytes matter here."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + pseudo_random(
        "jpeg " + label, size
    ) + b"\xff\xd9"


def pdf_like(title: str) -> bytes:
    """A tiny one-page PDF (LF line endings, as PDF writers do)."""
    text = title.encode("latin-1")
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >> endobj\n"
        b"4 0 obj << /Length " + str(len(text) + 24).encode() + b" >> stream\n"
        b"BT /F1 12 Tf 10 50 Td (" + text + b") Tj ET\nendstream endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


# --------------------------------------------------------------------------
# Transfer encodings (hand-written, so each case gets exactly what it needs)
# --------------------------------------------------------------------------


def crlf(text: str) -> str:
    """LF text to the CRLF form it has on the wire."""
    assert "\r" not in text
    return text.replace("\n", "\r\n")


def b64(data: bytes, width: int = 76) -> bytes:
    """Base64 in lines of `width` characters, each ended by CRLF."""
    encoded = base64.b64encode(data)
    return b"".join(encoded[i : i + width] + CRLF for i in range(0, len(encoded), width))


def qp(data: bytes) -> bytes:
    """Quoted-printable (RFC 2045 6.7) of CRLF-separated bytes: soft breaks at 76, =XX for '=',
    8-bit and control bytes, and for a space or tab at the end of a line. A final CRLF in the data
    is a final hard line break; without one the encoding simply stops (no newline is added)."""
    lines = data.split(CRLF)
    out = []
    for index, line in enumerate(lines):
        if index == len(lines) - 1 and line == b"":
            break
        tokens = []
        for position, byte in enumerate(line):
            if byte in (0x20, 0x09):
                tokens.append(bytes([byte]) if position < len(line) - 1 else b"=%02X" % byte)
            elif 33 <= byte <= 126 and byte != 0x3D:
                tokens.append(bytes([byte]))
            else:
                tokens.append(b"=%02X" % byte)
        physical = b""
        for token in tokens:
            if len(physical) + len(token) > 75:
                out.append(physical + b"=" + CRLF)
                physical = b""
            physical += token
        ends_with_break = index < len(lines) - 1
        out.append(physical + (CRLF if ends_with_break else b""))
    return b"".join(out)


def uuencode(data: bytes, name: str, mode: str = "644") -> bytes:
    """Traditional uuencode, 45 bytes a line, backquote for zero (no trailing blanks to lose)."""
    out = [b"begin " + mode.encode() + b" " + name.encode("ascii") + CRLF]
    for start in range(0, len(data), 45):
        out.append(binascii.b2a_uu(data[start : start + 45], backtick=True).rstrip(b"\n") + CRLF)
    out.append(b"`" + CRLF + b"end" + CRLF)
    return b"".join(out)


# --------------------------------------------------------------------------
# RFC 2047 encoded words and addresses
# --------------------------------------------------------------------------

Q_LITERAL = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


def q_bytes(data: bytes) -> str:
    return "".join(
        "_" if byte == 0x20 else chr(byte) if byte in Q_LITERAL else "=%02X" % byte for byte in data
    )


def percent(text: str | bytes, charset: str = "utf-8") -> str:
    """RFC 2231 percent-encoding: attribute-chars stay, everything else is %XX."""
    data = text if isinstance(text, bytes) else text.encode(charset)
    safe = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
    return "".join(chr(byte) if byte in safe else "%%%02X" % byte for byte in data)


def ew_q(text: str | bytes, charset: str = "UTF-8", letter: str = "Q") -> str:
    data = text if isinstance(text, bytes) else text.encode(PY_CODEC.get(charset.lower(), charset))
    return "=?%s?%s?%s?=" % (charset, letter, q_bytes(data))


def ew_b(text: str | bytes, charset: str = "UTF-8", letter: str = "B") -> str:
    data = text if isinstance(text, bytes) else text.encode(PY_CODEC.get(charset.lower(), charset))
    return "=?%s?%s?%s?=" % (charset, letter, base64.b64encode(data).decode("ascii"))


def ew_b_sequence(text: str, charset: str, max_chars_per_word: int) -> list[str]:
    """B words for `text`, split on character boundaries. Every word but the last must hold a
    multiple of 3 bytes: GMime 3.2.13 drops everything after a *padded* B word (jstedfast/gmime#133)."""
    words, current = [], ""
    for char in text:
        candidate = current + char
        if len(candidate) > max_chars_per_word and len(current.encode(PY_CODEC.get(charset.lower(), charset))) % 3 == 0:
            words.append(current)
            current = char
        else:
            current = candidate
    words.append(current)
    for word in words[:-1]:
        assert len(word.encode(PY_CODEC.get(charset.lower(), charset))) % 3 == 0, word
    return [ew_b(word, charset) for word in words]


# Charset label in the message -> Python codec.
PY_CODEC = {
    "utf-8": "utf-8",
    "us-ascii": "ascii",
    "iso-8859-1": "latin-1",
    "iso-8859-15": "iso8859_15",
    "windows-1252": "cp1252",
    "koi8-r": "koi8_r",
    "shift_jis": "shift_jis",
    "iso-2022-jp": "iso2022_jp",
    "gb2312": "gb2312",
    "gbk": "gbk",
    "big5": "big5",
}

SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')


def mailbox(name: str | None, address: str, raw_name: str | bytes | None = None) -> tuple[bytes, dict]:
    """(header text, expected {name, address}). `raw_name` is what goes on the wire for `name`
    (encoded words, raw 8-bit bytes); by default the name is written plain, quoted when it has specials."""
    expected = {"name": name, "address": address}
    if name is None:
        return address.encode("ascii"), expected
    if raw_name is None:
        raw_name = '"%s"' % name if SPECIALS.search(name) else name
    wire = raw_name if isinstance(raw_name, bytes) else raw_name.encode("ascii")
    return wire + b" <" + address.encode("ascii") + b">", expected


def address_list(*boxes: tuple[bytes, dict]) -> tuple[bytes, list]:
    """A comma-separated list, folded after each comma when it gets long."""
    wire = b""
    line_length = 4
    for index, (text, _) in enumerate(boxes):
        if index:
            if line_length + len(text) > 70:
                wire += b"," + CRLF + b" "
                line_length = 1
            else:
                wire += b", "
                line_length += 2
        wire += text
        line_length += len(text)
    return wire, [expected for _, expected in boxes]


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def date(y: int, mo: int, d: int, h: int, mi: int, s: int, offset_minutes: int, zone: str | None = None,
         comment: str = "") -> tuple[bytes, str]:
    """(RFC 5322 Date value, expected ISO 8601 in the message's own offset)."""
    weekday = WEEKDAYS[dt.date(y, mo, d).weekday()]
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    numeric = "%s%02d%02d" % (sign, hours, minutes)
    wire = "%s, %d %s %04d %02d:%02d:%02d %s%s" % (weekday, d, MONTHS[mo - 1], y, h, mi, s, zone or numeric, comment)
    iso = "%04d-%02d-%02dT%02d:%02d:%02d%s%02d:%02d" % (y, mo, d, h, mi, s, sign, hours, minutes)
    return wire.encode("ascii"), iso


# --------------------------------------------------------------------------
# Message and part assembly
# --------------------------------------------------------------------------


def header_block(headers: list[tuple[str, str | bytes]]) -> bytes:
    out = b""
    for name, value in headers:
        wire = value if isinstance(value, bytes) else value.encode("ascii")
        out += name.encode("ascii") + b": " + wire + CRLF
    return out


def entity(headers: list[tuple[str, str | bytes]], content: bytes) -> bytes:
    """A MIME entity: header fields, the empty line, the content exactly as given."""
    return header_block(headers) + CRLF + content


def multipart(boundary: str, parts: list[bytes], preamble: bytes = b"", epilogue: bytes = b"",
              closed: bool = True) -> bytes:
    """Multipart content. The CRLF before each delimiter belongs to the delimiter (RFC 2046 5.1.1),
    so each part's content is exactly the bytes given to `entity`."""
    b = boundary.encode("ascii")
    out = preamble
    for part in parts:
        out += b"--" + b + CRLF + part + CRLF
    if closed:
        out += b"--" + b + b"--" + CRLF + epilogue
    else:
        # No close delimiter: the last part runs to the end of the message, without the CRLF just added.
        out = out[: -len(CRLF)]
    return out


class Case:
    """One corpus message under construction: its bytes and its expected JSON."""

    def __init__(self, name: str, description: str):
        self.name = name
        self.expected: dict = {"description": description}
        self.headers: list[tuple[str, str | bytes]] = []
        self.binary_ok = False  # True when the bytes may hold bare CR/LF or NUL (binary CTE)

    # Envelope fields -----------------------------------------------------
    def subject(self, wire: str | bytes | None, decoded: str | None, check: bool = True) -> Case:
        if wire is not None:
            self.headers.append(("Subject", wire))
        if check:
            self.expected["subject"] = decoded
        return self

    def addresses(self, field: str, *boxes: tuple[bytes, dict]) -> Case:
        key = {"From": "from", "To": "to", "Cc": "cc"}[field]
        if boxes:
            wire, expected = address_list(*boxes)
            self.headers.append((field, wire))
            self.expected[key] = expected
        else:
            self.expected[key] = []
        return self

    def date(self, value: tuple[bytes, str] | None) -> Case:
        if value is not None:
            self.headers.append(("Date", value[0]))
        self.expected["date"] = value[1] if value else None
        return self

    def message_id(self, mid: str | None) -> Case:
        if mid is not None:
            self.headers.append(("Message-ID", "<%s>" % mid))
        self.expected["messageId"] = mid
        return self

    def header(self, name: str, value: str | bytes) -> Case:
        self.headers.append((name, value))
        return self

    def envelope(self, number: int, subject: str, sender=("Alice Example", "alice@example.test"),
                 when: tuple[bytes, str] | None = None) -> Case:
        """The usual envelope: plain ASCII subject, From, To, Date, Message-ID, MIME-Version."""
        self.subject(subject, subject)
        self.addresses("From", mailbox(*sender))
        self.addresses("To", mailbox("Bob Builder", "bob@example.test"))
        self.expected["cc"] = []
        self.date(when or date(2024, 2, 1, 13, 0, number % 60, 60))
        self.message_id("corpus-%02d@example.test" % number)
        self.header("MIME-Version", "1.0")
        return self

    # Body expectations ---------------------------------------------------
    def bodies(self, text: str | None, html: str | None) -> Case:
        self.expected["text"] = text
        self.expected["html"] = html
        return self

    def attachments(self, *items: dict) -> Case:
        self.expected["attachments"] = list(items)
        return self

    def build(self, body_headers: list[tuple[str, str | bytes]], content: bytes) -> tuple[str, bytes, dict]:
        data = header_block(self.headers + body_headers) + CRLF + content
        if not self.binary_ok:
            assert b"\x00" not in data, self.name
            assert data.count(b"\n") == data.count(CRLF) and data.count(b"\r") == data.count(CRLF), self.name
        assert data.endswith(CRLF), self.name
        return self.name, data, self.expected


def attachment(part_id: str, content_type: str, data: bytes, filename: str | None = None,
               content_id: str | None = None, disposition: str = "attachment", message: dict | None = None) -> dict:
    """Expected attachment entry, from the bytes before transfer encoding."""
    entry = {
        "id": part_id,
        "filename": filename,
        "contentType": content_type,
        "size": len(data),
        "sha256": sha256(data),
        "contentId": content_id,
        "disposition": disposition,
    }
    if message is not None:
        entry["message"] = message
    return entry


TEXT_PLAIN_UTF8_8BIT = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "8bit")]
TEXT_PLAIN_ASCII = [("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")]


def text_part(text: str, charset: str = "us-ascii", cte: str = "7bit",
              extra: list[tuple[str, str | bytes]] | None = None, subtype: str = "plain") -> bytes:
    """A text part entity whose decoded content is crlf(text) in `charset`."""
    data = crlf(text).encode(PY_CODEC[charset.lower()])
    encoded = {"7bit": data, "8bit": data, "binary": data, "quoted-printable": qp(data),
               "base64": b64(data)}[cte]
    headers = [("Content-Type", "text/%s; charset=%s" % (subtype, charset)), ("Content-Transfer-Encoding", cte)]
    return entity(headers + (extra or []), encoded)


def file_part(content_type: str, data: bytes, filename: str | None, disposition: str | None = "attachment",
              content_id: str | None = None, name_param: bool = True) -> bytes:
    """A base64 attachment entity with plain (ASCII) file name parameters."""
    ctype = content_type + ('; name="%s"' % filename if filename and name_param else "")
    headers: list[tuple[str, str | bytes]] = [("Content-Type", ctype), ("Content-Transfer-Encoding", "base64")]
    if content_id:
        headers.append(("Content-ID", "<%s>" % content_id))
    if disposition:
        headers.append(("Content-Disposition", disposition + ('; filename="%s"' % filename if filename else "")))
    return entity(headers, b64(data))


# --------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------

CASES: list[Callable[[], tuple[str, bytes, dict]]] = []


def case(function: Callable[[], tuple[str, bytes, dict]]) -> Callable[[], tuple[str, bytes, dict]]:
    CASES.append(function)
    return function


@case
def c01():
    c = Case("01-7bit-plain", "single-part text/plain, 7bit us-ascii; plain envelope with a quoted display name in Cc")
    c.subject("Weekly status report", "Weekly status report")
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"), mailbox(None, "carol@example.test"))
    c.addresses("Cc", mailbox("Doe, Jane", "jane.doe@example.test"))
    c.date(date(2024, 2, 1, 13, 0, 0, 60))
    c.message_id("corpus-01@example.test")
    c.header("MIME-Version", "1.0")
    text = (
        "Hi Bob,\n\nthe gateway now answers listings from the cache.\n"
        "Open items:\n  - RFC 2231 file names\n  - the 20 MB attachment test\n\n-- \nAlice\n"
    )
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c02():
    c = Case("02-8bit-utf8", "single-part text/plain, 8bit raw UTF-8 body (Latin, Greek, Cyrillic, CJK, emoji)")
    c.envelope(2, "8bit UTF-8 body", when=date(2024, 2, 2, 8, 30, 0, -300))
    text = (
        "Grüße aus Köln!\nLe café coûte 3,50 €.\nΚαλημέρα κόσμε\nЗдравствуй, мир\n"
        "日本語のテキスト\n😀 a character beyond the BMP\n"
    )
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_UTF8_8BIT, crlf(text).encode("utf-8"))


@case
def c03():
    c = Case("03-binary-text-long-line", "single-part text/plain with Content-Transfer-Encoding: binary and a 2,400-byte line")
    c.envelope(3, "binary transfer encoding, long line", when=date(2024, 2, 3, 23, 59, 59, 330))
    long_line = "".join("%04d:ä " % i for i in range(300))  # 8 bytes each: 2,400 bytes of UTF-8
    text = "A line longer than 998 octets follows.\n" + long_line + "\nEnd.\n"
    c.bodies(text, None).attachments()
    body = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "binary")]
    return c.build(body, crlf(text).encode("utf-8"))


@case
def c04():
    c = Case(
        "04-qp-utf8",
        "single-part quoted-printable UTF-8: soft line breaks, =3D, =20/=09 for trailing blanks, "
        "and a final soft break so the text has no final newline",
    )
    c.envelope(4, "quoted-printable body", when=date(2024, 2, 4, 10, 15, 0, 0))
    text = (
        "Einstein wrote E=mc² and x = y + 1 == z.\n"
        "This paragraph is deliberately long so that the encoder has to insert soft line breaks "
        "in the middle of it; the decoder must join the pieces again without any trace — "
        "café, naïve, Zürich, Ελλάδα and 東京 included.\n"
        "trailing spaces   \n"
        "trailing tab\t\n"
        "=3D is not decoded twice: =3D\n"
        "no newline at the end"
    )
    body = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")]
    encoded = qp(crlf(text).encode("utf-8")) + b"=" + CRLF  # soft break: the content ends without newline
    assert b"=3D3D" in encoded and b"=20\r\n" in encoded and b"=09\r\n" in encoded
    c.bodies(text, None).attachments()
    return c.build(body, encoded)


@case
def c05():
    c = Case("05-base64-text", "single-part text/plain, base64 of UTF-8 text with CRLF line breaks")
    c.envelope(5, "base64 text body", when=date(2024, 2, 5, 9, 0, 0, 120))
    text = "This body is base64 encoded.\nÜmlauts ä ö ü, the euro €, and a snowman ☃.\n" * 3
    body = [("Content-Type", 'text/plain; charset="utf-8"'), ("Content-Transfer-Encoding", "base64")]
    c.bodies(text, None).attachments()
    return c.build(body, b64(crlf(text).encode("utf-8")))


@case
def c06():
    c = Case("06-base64-binary-attachment", "multipart/mixed: 7bit text + 3,000 pseudo-random bytes as a base64 attachment")
    c.envelope(6, "Random data attached", when=date(2024, 2, 6, 12, 0, 0, 60))
    text = "The data is attached.\n"
    data = pseudo_random("06 random.bin", 3000)
    content = multipart("=_06_boundary", [text_part(text), file_part("application/octet-stream", data, "random.bin")])
    c.bodies(text, None).attachments(attachment("2", "application/octet-stream", data, "random.bin"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_06_boundary"')], content)


@case
def c07():
    c = Case(
        "07-binary-attachment-all-bytes",
        "multipart/mixed with a Content-Transfer-Encoding: binary attachment holding every byte value "
        "0-255 twice (bare CR, bare LF, NUL); the only corpus file that is not pure CRLF text",
    )
    c.binary_ok = True
    c.envelope(7, "Every byte value, binary", when=date(2024, 2, 7, 7, 7, 7, -420))
    text = "Attached: all 256 byte values, twice, unencoded.\n"
    data = bytes(range(256)) * 2
    assert b"\r\n--" not in data and not data.endswith((b"\r", b"\n"))
    part = entity(
        [
            ("Content-Type", 'application/octet-stream; name="all-bytes.bin"'),
            ("Content-Transfer-Encoding", "binary"),
            ("Content-Disposition", 'attachment; filename="all-bytes.bin"'),
        ],
        data,
    )
    content = multipart("=_07_boundary", [text_part(text), part])
    c.bodies(text, None).attachments(attachment("2", "application/octet-stream", data, "all-bytes.bin"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_07_boundary"')], content)


@case
def c08():
    c = Case("08-uuencode-attachment", "multipart/mixed with an x-uuencode attachment (500 pseudo-random bytes)")
    c.envelope(8, "uuencoded attachment", when=date(2024, 2, 8, 18, 45, 0, 60))
    text = "The tool is attached, uuencoded like in the old days.\n"
    data = pseudo_random("08 tool.bin", 500)
    part = entity(
        [
            ("Content-Type", 'application/octet-stream; name="tool.bin"'),
            ("Content-Transfer-Encoding", "x-uuencode"),
            ("Content-Disposition", 'attachment; filename="tool.bin"'),
        ],
        uuencode(data, "tool.bin"),
    )
    content = multipart("=_08_boundary", [text_part(text), part])
    c.bodies(text, None).attachments(attachment("2", "application/octet-stream", data, "tool.bin"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_08_boundary"')], content)


@case
def c09():
    c = Case("09-uuencode-text-body", "single-part text/plain whose body is x-uuencode encoded UTF-8 text")
    c.envelope(9, "uuencoded text body", when=date(2024, 2, 9, 6, 0, 0, 60))
    text = "This text was uuencoded.\nÄ line with ümlauts and a euro sign €.\nThird line.\n"
    body = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "x-uuencode")]
    c.bodies(text, None).attachments()
    return c.build(body, uuencode(crlf(text).encode("utf-8"), "message.txt"))


def charset_case(number: int, slug: str, charset: str, cte: str, subject: str, subject_letter: str,
                 text: str, note: str, sender=("Alice Example", "alice@example.test"),
                 sender_wire: str | None = None) -> tuple[str, bytes, dict]:
    c = Case("%02d-%s" % (number, slug), "single-part text/plain in %s, %s; %s" % (charset, cte, note))
    wire = ew_b(subject, charset) if subject_letter == "B" else ew_q(subject, charset)
    c.subject(wire, subject)
    c.addresses("From", mailbox(sender[0], sender[1], sender_wire))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 3, number % 28 + 1, 11, 0, 0, 60))
    c.message_id("corpus-%02d@example.test" % number)
    c.header("MIME-Version", "1.0")
    data = crlf(text).encode(PY_CODEC[charset.lower()])
    encoded = {"8bit": data, "7bit": data, "quoted-printable": qp(data), "base64": b64(data)}[cte]
    c.bodies(text, None).attachments()
    return c.build([("Content-Type", "text/plain; charset=%s" % charset), ("Content-Transfer-Encoding", cte)], encoded)


@case
def c10():
    text = "Grüße aus München!\nÇa va ? Très bien, merci.\nPreis: 25 £, 3 ½ Stück, © 2024\nÑandú, smørrebrød, Ærø\n"
    return charset_case(10, "iso-8859-1-qp", "ISO-8859-1", "quoted-printable", "Grüße aus München", "Q", text,
                        "Q-encoded Latin-1 subject and display name",
                        sender=("Jürgen Weiß", "juergen@example.test"), sender_wire=ew_q("Jürgen Weiß", "ISO-8859-1"))


@case
def c11():
    text = "Prix : 15 € (quinze euros)\nŒuvre, œuf, Šárka, Žižek, Ÿ\n"
    return charset_case(11, "iso-8859-15-euro", "iso-8859-15", "8bit", "Facture 15 €", "Q", text,
                        "euro sign is 0xA4; lower-case charset label")


@case
def c12():
    text = "“Smart quotes” — and ‘single’ ones…\nTotal: €1.234,56 – paid\n"
    data = crlf(text).encode("cp1252")
    assert b"\x93" in data and b"\x94" in data and b"\x80" in data
    return charset_case(12, "windows-1252-smart-quotes", "windows-1252", "8bit", "“Quoted” €100", "Q", text,
                        "smart quotes 0x93/0x94, euro 0x80, dashes and ellipsis in 0x80-0x9F")


@case
def c13():
    text = "Привет, мир!\nЭто письмо в кодировке KOI8-R.\nЁлка и ёжик.\n"
    return charset_case(13, "koi8-r", "KOI8-R", "8bit", "Привет из Москвы", "B", text,
                        "B-encoded KOI8-R subject and display name",
                        sender=("Иван Петров", "ivan@example.test"), sender_wire=ew_b("Иван Петров", "KOI8-R"))


@case
def c14():
    text = "こんにちは、世界。\n日本語のメールです。カタカナ・ひらがな・漢字。\nテスト：一二三、「引用」\n"
    return charset_case(14, "shift-jis", "Shift_JIS", "8bit", "日本語の件名", "B", text,
                        "B-encoded Shift_JIS subject (text avoids 0x5C/0x7E, which iconv maps to yen/overline)")


@case
def c15():
    text = "お世話になっております。\n添付の資料をご確認ください。\n山田\n"
    return charset_case(15, "iso-2022-jp", "ISO-2022-JP", "7bit", "会議のお知らせ", "B", text,
                        "escape sequences, no 8-bit bytes; B-encoded ISO-2022-JP subject and display name",
                        sender=("山田太郎", "yamada@example.test"), sender_wire=ew_b("山田太郎", "ISO-2022-JP"))


@case
def c16():
    text = "你好，世界！\n这是一封简体中文邮件。\n"
    return charset_case(16, "gb2312", "GB2312", "base64", "中文主题", "B", text, "B-encoded GB2312 subject")


@case
def c17():
    text = "朱镕基和陶喆。\n繁體字「們」也可以用GBK編碼。\n"
    for char in "镕喆們":
        try:
            char.encode("gb2312")
            raise AssertionError("%s is in GB2312" % char)
        except UnicodeEncodeError:
            pass
    return charset_case(17, "gbk", "GBK", "8bit", "朱镕基的邮件", "B", text,
                        "characters outside GB2312 (镕 喆 們) in body and subject")


@case
def c18():
    text = "你好，世界！\n這是一封繁體中文郵件。\n"
    return charset_case(18, "big5", "Big5", "quoted-printable", "繁體中文主旨", "B", text,
                        "B-encoded Big5 subject")


@case
def c19():
    c = Case(
        "19-rfc2047-adjacent-words",
        "Subject of Q (UTF-8), Q (ISO-8859-1) and B words separated by blanks and a fold: the blanks between "
        "encoded words are dropped, the blank before plain text stays; display name of two Q words",
    )
    subject_wire = (
        ew_q("Café", "UTF-8") + " " + ew_q(" crème", "ISO-8859-1") + "\r\n\t" + ew_b(" brûlée", "UTF-8") + " tonight?"
    )
    c.subject(subject_wire, "Café crème brûlée tonight?")
    c.addresses("From", mailbox("René Descartes", "rene@example.test", ew_q("René", "UTF-8") + " " + ew_q(" Descartes")))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 4, 1, 19, 30, 0, 120))
    c.message_id("corpus-19@example.test")
    c.header("MIME-Version", "1.0")
    text = "Dessert at eight.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c20():
    c = Case(
        "20-rfc2047-split-multibyte",
        "a UTF-8 character split across two B words in Subject (first word unpadded, 9 bytes) and "
        "across two Q words in a display name; decoders must rejoin the bytes",
    )
    raw = "Prix 5 € chacun".encode("utf-8")
    cut = len("Prix 5 ".encode("utf-8")) + 2  # inside the 3-byte euro sign
    assert cut % 3 == 0  # an unpadded first word (see ew_b_sequence)
    c.subject(ew_b(raw[:cut]) + " " + ew_b(raw[cut:]), "Prix 5 € chacun")
    name = "Tokyo 東京".encode("utf-8")
    name_cut = len(b"Tokyo ") + 2
    c.addresses("From", mailbox("Tokyo 東京", "tokyo@example.test", ew_q(name[:name_cut]) + " " + ew_q(name[name_cut:])))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 4, 2, 9, 0, 0, 540))
    c.message_id("corpus-20@example.test")
    c.header("MIME-Version", "1.0")
    text = "Split characters in the header only.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c21():
    c = Case(
        "21-rfc2047-lowercase",
        "encoded words with lower-case charset and encoding letters (=?utf-8?q?, =?iso-8859-1?b?) in Subject, "
        "From and To; a long subject as a folded sequence of unpadded-but-last B words",
    )
    long_subject = "Überweisung für Äpfel, Öl und Süßigkeiten – bitte prüfen"
    words = ew_b_sequence(long_subject, "utf-8", 20)
    words = [w.replace("?B?", "?b?") for w in words]
    c.subject(ew_q("lower-case:", "utf-8", "q") + "\r\n " + "\r\n ".join(words), "lower-case:" + long_subject)
    c.addresses("From", mailbox("Zoë Zürcher", "zoe@example.test", ew_q("Zoë Zürcher", "utf-8", "q")))
    c.addresses("To", mailbox("Sébastien", "seb@example.test", ew_b("Sébastien", "iso-8859-1", "b")))
    c.expected["cc"] = []
    c.date(date(2024, 4, 3, 14, 0, 0, 60))
    c.message_id("corpus-21@example.test")
    c.header("MIME-Version", "1.0")
    text = "Lower-case encoded words are valid.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c22():
    c = Case(
        "22-rfc2047-unterminated",
        "Subject with a valid Q word and then an encoded word missing its ?= terminator, which stays literal",
    )
    c.subject("Report " + ew_q("café") + " and =?UTF-8?Q?broken", "Report café and =?UTF-8?Q?broken")
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 4, 4, 8, 0, 0, 60))
    c.message_id("corpus-22@example.test")
    c.header("MIME-Version", "1.0")
    text = "The subject has a broken encoded word.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c23():
    c = Case(
        "23-rfc2047-bad-base64",
        "Subject with a B word whose payload is not base64 (=?UTF-8?B?!!!not*base64?=): subject left "
        "unchecked (what a decoder keeps is undefined); everything else must still parse",
    )
    c.subject("=?UTF-8?B?!!!not*base64?= after", None, check=False)
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 4, 5, 8, 0, 0, 60))
    c.message_id("corpus-23@example.test")
    c.header("MIME-Version", "1.0")
    text = "The subject has an undecodable B word.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c24():
    c = Case(
        "24-rfc2047-bad-q-escape-bad-date",
        "Subject Q word with an invalid escape (=ZZ), kept literally by GMime 3.2.13; an unparseable Date gives null",
    )
    c.subject("=?UTF-8?Q?100=ZZ_sure?=", "100=ZZ sure")
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.header("Date", "sometime last week")
    c.expected["date"] = None
    c.message_id("corpus-24@example.test")
    c.header("MIME-Version", "1.0")
    text = "Bad escape in the subject, nonsense in the Date.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c25():
    c = Case(
        "25-display-names",
        "To/Cc lists: B and Q encoded names, a quoted name with a comma, a bare address, "
        "a group (flattened to its members) and an empty group",
    )
    c.subject("Address list test", "Address list test")
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses(
        "To",
        mailbox("Ærøskøbing Ferry", "ferry@example.test", ew_b("Ærøskøbing Ferry")),
        mailbox("Smith, John", "john.smith@example.test"),
        mailbox(None, "plain@example.test"),
        mailbox("François", "francois@example.test", ew_q("François", "ISO-8859-1")),
    )
    group_members = [mailbox("Dev One", "dev1@example.test"), mailbox(None, "dev2@example.test")]
    cc_wire = b"Developers: " + b", ".join(m[0] for m in group_members) + b";, Nobody:;"
    c.header("Cc", cc_wire)
    c.expected["cc"] = [m[1] for m in group_members]
    c.date(date(2024, 4, 6, 10, 0, 0, -240))
    c.message_id("corpus-25@example.test")
    c.header("MIME-Version", "1.0")
    text = "Many recipients.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c26():
    c = Case(
        "26-rfc2231-continuations",
        "RFC 2231 filename*0*/filename*1*/filename*2 continuations with UTF-8'fr' and percent-encoding "
        "(mixed with an unencoded last segment); the disposition filename wins over Content-Type name",
    )
    c.envelope(26, "RFC 2231 file name", when=date(2024, 5, 1, 9, 30, 0, 120))
    text = "Le rapport est en pièce jointe.\n"
    data = pdf_like("Rapport ete")
    segments = ["été ", "€ rapport", ".pdf"]
    filename = "".join(segments)
    disposition = "attachment;\r\n filename*0*=UTF-8'fr'%s;\r\n filename*1*=%s;\r\n filename*2=\"%s\"" % (
        percent(segments[0]), percent(segments[1]), segments[2])
    assert "filename*0*=UTF-8'fr'%C3%A9t%C3%A9%20;" in disposition
    part = entity(
        [
            ("Content-Type", 'application/pdf; name="ete-rapport.pdf"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", disposition),
        ],
        b64(data),
    )
    content = multipart("=_26_boundary", [text_part(text, "utf-8", "8bit"), part])
    c.bodies(text, None).attachments(attachment("2", "application/pdf", data, filename))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_26_boundary"')], content)


@case
def c27():
    c = Case(
        "27-rfc2231-latin1-and-plain-continuations",
        "RFC 2231 filename*=iso-8859-1''… (no continuation) and plain filename*0=/filename*1= continuations",
    )
    c.envelope(27, "More RFC 2231 file names", when=date(2024, 5, 2, 9, 30, 0, 120))
    text = "Two attachments.\n"
    data1 = crlf("Naïve résumé, in ISO-8859-1.\n").encode("latin-1")
    data2 = pseudo_random("27 split name", 700)
    part1 = entity(
        [
            ("Content-Type", "text/plain; charset=iso-8859-1"),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", "attachment; filename*=iso-8859-1''" + percent("naïve résumé.txt", "latin-1")),
        ],
        b64(data1),
    )
    part2 = entity(
        [
            ("Content-Type", "application/octet-stream"),
            ("Content-Transfer-Encoding", "base64"),
            (
                "Content-Disposition",
                'attachment;\r\n filename*0="a-rather-long-file-name-that-a-mailer-";\r\n filename*1="split-in-two.bin"',
            ),
        ],
        b64(data2),
    )
    content = multipart("=_27_boundary", [text_part(text), part1, part2])
    c.bodies(text, None).attachments(
        attachment("2", "text/plain", data1, "naïve résumé.txt"),
        attachment("3", "application/octet-stream", data2, "a-rather-long-file-name-that-a-mailer-split-in-two.bin"),
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_27_boundary"')], content)


@case
def c28():
    c = Case(
        "28-rfc2047-filenames",
        "RFC 2047 encoded words as whole quoted filename= (UTF-8 B) and name= (ISO-8859-1 Q) parameter values, "
        "as Outlook and Thunderbird write them",
    )
    c.envelope(28, "Encoded-word file names", when=date(2024, 5, 3, 9, 30, 0, 540))
    text = "資料を添付します。\n"
    data1 = pdf_like("Shiryou")
    data2 = jpeg_like("28 bild", 900)
    name1 = "日本語の資料.pdf"
    name2 = "Bild für dich.jpg"
    part1 = entity(
        [
            ("Content-Type", 'application/pdf; name="%s"' % ew_b(name1)),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="%s"' % ew_b(name1)),
        ],
        b64(data1),
    )
    part2 = entity(
        [
            ("Content-Type", 'image/jpeg; name="%s"' % ew_q(name2, "ISO-8859-1")),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", "attachment"),
        ],
        b64(data2),
    )
    content = multipart("=_28_boundary", [text_part(text, "utf-8", "8bit"), part1, part2])
    c.bodies(text, None).attachments(
        attachment("2", "application/pdf", data1, name1), attachment("3", "image/jpeg", data2, name2)
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_28_boundary"')], content)


@case
def c29():
    c = Case(
        "29-content-type-name-only",
        "attachment named only by Content-Type name= (no Content-Disposition: disposition inline), and one "
        "with Content-Disposition: attachment but no name at all (filename null)",
    )
    c.envelope(29, "Invoice", when=date(2024, 5, 4, 16, 20, 0, 60))
    text = "Your invoice.\n"
    data1 = pdf_like("Invoice 2024-001")
    data2 = pseudo_random("29 nameless", 64)
    part1 = file_part("application/pdf", data1, "invoice-2024-001.pdf", disposition=None)
    part2 = file_part("application/octet-stream", data2, None, disposition="attachment")
    content = multipart("=_29_boundary", [text_part(text), part1, part2])
    c.bodies(text, None).attachments(
        attachment("2", "application/pdf", data1, "invoice-2024-001.pdf", disposition="inline"),
        attachment("3", "application/octet-stream", data2, None),
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_29_boundary"')], content)


@case
def c30():
    c = Case(
        "30-raw-utf8-headers",
        "raw 8-bit UTF-8 (no encoded words) in Subject, in an unquoted From display name and a quoted To name",
    )
    subject = "Grüße – Übersicht für März ✓"
    c.subject(subject.encode("utf-8"), subject)
    c.addresses("From", mailbox("Zoë Ågren", "zoe@example.test", "Zoë Ågren".encode("utf-8")))
    c.addresses("To", mailbox("Müller, Jürgen", "jm@example.test", '"Müller, Jürgen"'.encode("utf-8")))
    c.expected["cc"] = []
    c.date(date(2024, 5, 5, 12, 0, 0, 60))
    c.message_id("corpus-30@example.test")
    c.header("MIME-Version", "1.0")
    text = "Unencoded UTF-8 headers, as some mailers send them.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_UTF8_8BIT, crlf(text).encode("utf-8"))


@case
def c31():
    c = Case(
        "31-no-mime-version",
        "RFC 822 style: no MIME-Version, no Content-Type, no Date, no Message-ID; bare From address",
    )
    c.subject("Old-fashioned mail", "Old-fashioned mail")
    c.addresses("From", mailbox(None, "old@example.test"))
    c.addresses("To", mailbox(None, "bob@example.test"))
    c.expected["cc"] = []
    c.date(None).message_id(None)
    text = "No MIME headers at all.\nStill text/plain.\n"
    c.bodies(text, None).attachments()
    return c.build([], crlf(text).encode("ascii"))


@case
def c32():
    c = Case("32-no-mime-version-multipart", "multipart/mixed with an attachment but no MIME-Version header")
    c.subject("Multipart without MIME-Version", "Multipart without MIME-Version")
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 5, 7, 12, 0, 0, 60))
    c.message_id("corpus-32@example.test")
    text = "The Content-Type is there, MIME-Version is not.\n"
    data = pseudo_random("32 data", 256)
    content = multipart("=_32_boundary", [text_part(text), file_part("application/octet-stream", data, "data.bin")])
    c.bodies(text, None).attachments(attachment("2", "application/octet-stream", data, "data.bin"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_32_boundary"')], content)


@case
def c33():
    c = Case(
        "33-unclosed-multipart",
        "multipart/mixed without the closing --boundary--: the last part (a base64 PDF) runs to the end "
        "of the message and is still an attachment",
    )
    c.envelope(33, "Truncated multipart", when=date(2024, 5, 8, 12, 0, 0, 60))
    text = "The closing boundary is missing.\n"
    data = pdf_like("Unclosed")
    content = multipart(
        "=_33_boundary",
        [text_part(text), file_part("application/pdf", data, "unclosed.pdf")],
        closed=False,
    )
    assert content.endswith(CRLF) and b"=_33_boundary--" not in content
    c.bodies(text, None).attachments(attachment("2", "application/pdf", data, "unclosed.pdf"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_33_boundary"')], content)


NEST_DEPTH = 100


@case
def c34():
    c = Case(
        "34-nested-100",
        "multipart/mixed nested %d deep (the top-level one included); at the bottom a text/plain and "
        "a small attachment whose id is 99 times '1.' then '2'" % NEST_DEPTH,
    )
    c.envelope(34, "Deeply nested", when=date(2024, 5, 9, 12, 0, 0, 60))
    text = "The innermost text, %d multiparts down.\n" % NEST_DEPTH
    data = b"deep attachment\r\n"
    inner = multipart(
        "=_34_level_%03d" % NEST_DEPTH,
        [text_part(text), entity([("Content-Type", 'text/x-note; name="deep.txt"'),
                                  ("Content-Disposition", 'attachment; filename="deep.txt"')], data)],
    )
    for level in range(NEST_DEPTH - 1, 0, -1):
        boundary = "=_34_level_%03d" % level
        inner = multipart(
            boundary,
            [entity([("Content-Type", 'multipart/mixed; boundary="=_34_level_%03d"' % (level + 1))], inner)],
        )
    deep_id = ".".join(["1"] * (NEST_DEPTH - 1) + ["2"])
    c.bodies(text, None).attachments(attachment(deep_id, "text/x-note", data, "deep.txt"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_34_level_001"')], inner)


def embedded_original() -> tuple[bytes, dict]:
    """A complete multipart message to attach as message/rfc822, and its expected summary."""
    inner = Case("embedded", "")
    inner.subject(ew_q("Original réunion"), "Original réunion")
    inner.addresses("From", mailbox("Renée Martin", "renee@example.test", ew_q("Renée Martin")))
    inner.addresses("To", mailbox("Alice Example", "alice@example.test"))
    inner.date(date(2024, 1, 15, 9, 0, 0, 60))
    inner.message_id("embedded-35@example.test")
    inner.header("MIME-Version", "1.0")
    text = "Ordre du jour en pièce jointe.\n"
    pdf = pdf_like("Ordre du jour")
    content = multipart(
        "=_35_inner", [text_part(text, "utf-8", "quoted-printable"), file_part("application/pdf", pdf, "agenda.pdf")]
    )
    _, data, _ = inner.build([("Content-Type", 'multipart/mixed; boundary="=_35_inner"')], content)
    summary = {"subject": "Original réunion", "from": [{"name": "Renée Martin", "address": "renee@example.test"}]}
    return data, summary


@case
def c35():
    c = Case(
        "35-rfc822-attachment",
        "message/rfc822 attachment (a multipart message with its own PDF): one attachment, not descended into, "
        "size = bytes of the embedded message",
    )
    c.envelope(35, "Fwd: Original reunion", when=date(2024, 5, 10, 12, 0, 0, 60))
    text = "See the attached message.\n"
    embedded, summary = embedded_original()
    part = entity(
        [
            ("Content-Type", 'message/rfc822; name="original.eml"'),
            ("Content-Transfer-Encoding", "7bit"),
            ("Content-Disposition", 'attachment; filename="original.eml"'),
        ],
        embedded,
    )
    content = multipart("=_35_boundary", [text_part(text), part])
    c.bodies(text, None).attachments(
        attachment("2", "message/rfc822", embedded, "original.eml", message=summary)
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_35_boundary"')], content)


@case
def c36():
    c = Case(
        "36-rfc822-inline-forward",
        "forwarded message as message/rfc822 with Content-Disposition: inline: an attachment with disposition "
        "inline and no file name; its body text is not the outer text",
    )
    c.envelope(36, "Fwd: Lunch", when=date(2024, 5, 11, 12, 0, 0, 60))
    text = "FYI, forwarded below.\n"
    inner = Case("embedded", "")
    inner.subject("Lunch", "Lunch")
    inner.addresses("From", mailbox("Carol Cook", "carol@example.test"))
    inner.addresses("To", mailbox("Alice Example", "alice@example.test"))
    inner.date(date(2024, 5, 10, 11, 0, 0, 60))
    inner.message_id("embedded-36@example.test")
    _, embedded, _ = inner.build([], crlf("Lunch at noon?\n").encode("ascii"))
    part = entity([("Content-Type", "message/rfc822"), ("Content-Disposition", "inline")], embedded)
    content = multipart("=_36_boundary", [text_part(text), part])
    summary = {"subject": "Lunch", "from": [{"name": "Carol Cook", "address": "carol@example.test"}]}
    c.bodies(text, None).attachments(
        attachment("2", "message/rfc822", embedded, None, disposition="inline", message=summary)
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_36_boundary"')], content)


@case
def c37():
    c = Case(
        "37-related-cid-in-alternative",
        "multipart/alternative { text/plain, multipart/related { text/html with cid: images, image/png "
        "(Content-ID, inline, file name), image/gif (Content-ID only) } }",
    )
    c.envelope(37, "Newsletter with inline images", when=date(2024, 6, 1, 8, 0, 0, 120))
    text = "Our newsletter. Your mail program shows the plain version.\n"
    html = (
        "<!DOCTYPE html>\n<html><body>\n<h1>Newsletter</h1>\n"
        '<p><img src="cid:logo@corpus.test" alt="logo"> <img src="cid:dot@corpus.test" alt=""></p>\n'
        "<p>Grüße!</p>\n</body></html>\n"
    )
    logo = png(4, 3, "37 logo")
    related = multipart(
        "=_37_related",
        [
            text_part(html, "utf-8", "quoted-printable", subtype="html"),
            file_part("image/png", logo, "logo.png", disposition="inline", content_id="logo@corpus.test"),
            file_part("image/gif", GIF_1X1, None, disposition=None, content_id="dot@corpus.test"),
        ],
    )
    alternative = multipart(
        "=_37_alternative",
        [text_part(text), entity([("Content-Type", 'multipart/related; type="text/html"; boundary="=_37_related"')], related)],
    )
    c.bodies(text, html).attachments(
        attachment("2.2", "image/png", logo, "logo.png", "logo@corpus.test", "inline"),
        attachment("2.3", "image/gif", GIF_1X1, None, "dot@corpus.test", "inline"),
    )
    return c.build([("Content-Type", 'multipart/alternative; boundary="=_37_alternative"')], alternative)


@case
def c38():
    c = Case(
        "38-related-around-alternative",
        "multipart/related { multipart/alternative { text/plain, text/html }, image/jpeg by Content-ID }, "
        "both bodies quoted-printable",
    )
    c.envelope(38, "Photo of the day", when=date(2024, 6, 2, 8, 0, 0, 120))
    text = "Photo of the day: a sunrise over the Alps = wonderful.\n"
    html = '<html><body><p>Photo of the day:</p><img src="cid:photo.123@corpus.test" width="640"></body></html>\n'
    photo = jpeg_like("38 photo", 2000)
    alternative = multipart(
        "=_38_alternative",
        [text_part(text, "utf-8", "quoted-printable"), text_part(html, "utf-8", "quoted-printable", subtype="html")],
    )
    related = multipart(
        "=_38_related",
        [
            entity([("Content-Type", 'multipart/alternative; boundary="=_38_alternative"')], alternative),
            file_part("image/jpeg", photo, "sunrise.jpg", disposition="inline", content_id="photo.123@corpus.test"),
        ],
    )
    c.bodies(text, html).attachments(
        attachment("2", "image/jpeg", photo, "sunrise.jpg", "photo.123@corpus.test", "inline")
    )
    return c.build([("Content-Type", 'multipart/related; boundary="=_38_related"; type="multipart/alternative"')], related)


@case
def c39():
    c = Case(
        "39-related-start-param",
        "multipart/related whose root is named by start= and is NOT the first part: html is the second part, "
        "the image before it is the attachment",
    )
    c.envelope(39, "Related with start parameter", when=date(2024, 6, 3, 8, 0, 0, 120))
    html = '<html><body><img src="cid:first.png@corpus.test"><p>Root is second.</p></body></html>\n'
    image = png(2, 2, "39 first")
    related = multipart(
        "=_39_related",
        [
            file_part("image/png", image, "first.png", disposition="inline", content_id="first.png@corpus.test"),
            text_part(html, "us-ascii", "7bit", subtype="html", extra=[("Content-ID", "<root.html@corpus.test>")]),
        ],
    )
    c.bodies(None, html).attachments(
        attachment("1", "image/png", image, "first.png", "first.png@corpus.test", "inline")
    )
    return c.build(
        [("Content-Type", 'multipart/related; boundary="=_39_related"; type="text/html";\r\n start="<root.html@corpus.test>"')],
        related,
    )


ICS = (
    "BEGIN:VCALENDAR\nPRODID:-//pop3-gateway//corpus//EN\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\n"
    "UID:corpus-event-1@example.test\nDTSTAMP:20240601T080000Z\nDTSTART:20240610T090000Z\n"
    "DTEND:20240610T100000Z\nSUMMARY:Planning – Q3\nORGANIZER;CN=Alice Example:mailto:alice@example.test\n"
    "ATTENDEE;CN=Bob Builder;RSVP=TRUE:mailto:bob@example.test\nEND:VEVENT\nEND:VCALENDAR\n"
)


@case
def c40():
    c = Case(
        "40-calendar-alternative",
        "Outlook-style invitation: multipart/alternative { text/plain, text/html, text/calendar; method=REQUEST "
        "(8bit, CRLF) }: the calendar part is an inline attachment",
    )
    c.envelope(40, "Invitation: Planning Q3", when=date(2024, 6, 4, 8, 0, 0, 120))
    text = "You are invited: Planning – Q3, 10 June 2024, 09:00 UTC.\n"
    html = "<html><body><p>You are invited: <b>Planning – Q3</b>, 10 June 2024, 09:00 UTC.</p></body></html>\n"
    ics = crlf(ICS).encode("utf-8")
    calendar = entity(
        [("Content-Type", "text/calendar; charset=utf-8; method=REQUEST"), ("Content-Transfer-Encoding", "8bit")], ics
    )
    alternative = multipart(
        "=_40_alternative",
        [text_part(text, "utf-8", "8bit"), text_part(html, "utf-8", "8bit", subtype="html"), calendar],
    )
    c.bodies(text, html).attachments(attachment("3", "text/calendar", ics, None, disposition="inline"))
    return c.build([("Content-Type", 'multipart/alternative; boundary="=_40_alternative"')], alternative)


@case
def c41():
    c = Case("41-calendar-attachment", "multipart/mixed { text/plain, text/calendar attachment invite.ics in base64 }")
    c.envelope(41, "Invitation attached", when=date(2024, 6, 5, 8, 0, 0, 120))
    text = "The invitation is attached.\n"
    ics = crlf(ICS).encode("utf-8")
    part = entity(
        [
            ("Content-Type", 'text/calendar; charset=utf-8; method=REQUEST; name="invite.ics"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="invite.ics"'),
        ],
        b64(ics),
    )
    content = multipart("=_41_boundary", [text_part(text), part])
    c.bodies(text, None).attachments(attachment("2", "text/calendar", ics, "invite.ics"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_41_boundary"')], content)


@case
def c42():
    c = Case("42-alternative-html-only", "multipart/alternative holding only a text/html part: text null")
    c.envelope(42, "HTML only alternative", when=date(2024, 6, 6, 8, 0, 0, 120))
    html = "<html><body><p>Only HTML here, no plain text.</p></body></html>\n"
    content = multipart("=_42_alternative", [text_part(html, "utf-8", "7bit", subtype="html")])
    c.bodies(None, html).attachments()
    return c.build([("Content-Type", 'multipart/alternative; boundary="=_42_alternative"')], content)


@case
def c43():
    c = Case("43-only-attachments", "multipart/mixed with two attachments and no text at all; no Subject header")
    c.subject(None, None)
    c.addresses("From", mailbox("Scanner", "scanner@example.test"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 6, 7, 8, 0, 0, 120))
    c.message_id("corpus-43@example.test")
    c.header("MIME-Version", "1.0")
    pdf = pdf_like("Scan 1")
    image = png(3, 3, "43 scan")
    content = multipart(
        "=_43_boundary",
        [file_part("application/pdf", pdf, "scan-1.pdf"), file_part("image/png", image, "scan-1.png")],
    )
    c.bodies(None, None).attachments(
        attachment("1", "application/pdf", pdf, "scan-1.pdf"), attachment("2", "image/png", image, "scan-1.png")
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_43_boundary"')], content)


@case
def c44():
    c = Case(
        "44-single-part-attachment",
        "non-multipart message that is itself an attachment (application/pdf, disposition attachment): part id 1",
    )
    c.envelope(44, "Scan", when=date(2024, 6, 8, 8, 0, 0, 120))
    pdf = pdf_like("Single part")
    c.bodies(None, None).attachments(attachment("1", "application/pdf", pdf, "single.pdf"))
    return c.build(
        [
            ("Content-Type", 'application/pdf; name="single.pdf"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="single.pdf"'),
        ],
        b64(pdf),
    )


@case
def c45():
    c = Case("45-empty-body", "single-part text/plain with an empty body (nothing after the blank line): text is empty")
    c.envelope(45, "Empty", when=date(2024, 6, 9, 8, 0, 0, 120))
    c.bodies("", None).attachments()
    name, data, expected = c.build(TEXT_PLAIN_ASCII, b"")
    assert data.endswith(CRLF + CRLF)
    return name, data, expected


@case
def c46():
    c = Case("46-unknown-charset", "text/plain; charset=x-unknown with pure ASCII content: the text is still expected")
    c.envelope(46, "Unknown charset", when=date(2024, 6, 10, 8, 0, 0, 120))
    text = "Plain ASCII text in a charset nobody knows.\n"
    c.bodies(text, None).attachments()
    return c.build([("Content-Type", "text/plain; charset=x-unknown"), ("Content-Transfer-Encoding", "7bit")],
                   crlf(text).encode("ascii"))


@case
def c47():
    c = Case(
        "47-alternative-prefer-last",
        "multipart/alternative { text/plain, text/plain, text/html }: the LAST text/plain is the text, "
        "the first one becomes an inline attachment (Python's get_body picks the first)",
    )
    c.envelope(47, "Two plain alternatives", when=date(2024, 6, 11, 8, 0, 0, 120))
    first = "First, least preferred plain version.\n"
    second = "Second, preferred plain version.\n"
    html = "<p>HTML version.</p>\n"
    content = multipart(
        "=_47_alternative", [text_part(first), text_part(second), text_part(html, subtype="html")]
    )
    c.bodies(second, html).attachments(
        attachment("1", "text/plain", crlf(first).encode("ascii"), None, disposition="inline")
    )
    return c.build([("Content-Type", 'multipart/alternative; boundary="=_47_alternative"')], content)


@case
def c48():
    c = Case(
        "48-attachment-disposition-skips-text",
        "multipart/mixed { text/plain attachment notes.txt, text/plain inline, text/html attachment page.html }: "
        "parts with Content-Disposition: attachment are never bodies",
    )
    c.envelope(48, "Notes attached", when=date(2024, 6, 12, 8, 0, 0, 120))
    notes = crlf("These notes are an attachment, not the body.\n").encode("utf-8")
    text = "The body is the second part.\n"
    page = crlf("<html><body>An attached page.</body></html>\n").encode("utf-8")
    part1 = entity(
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="notes.txt"'),
        ],
        b64(notes),
    )
    part3 = entity(
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="page.html"'),
        ],
        b64(page),
    )
    content = multipart("=_48_boundary", [part1, text_part(text), part3])
    c.bodies(text, None).attachments(
        attachment("1", "text/plain", notes, "notes.txt"), attachment("3", "text/html", page, "page.html")
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_48_boundary"')], content)


@case
def c49():
    c = Case(
        "49-mixed-interleaved-text",
        "Apple Mail style multipart/mixed { text/plain, image/jpeg inline, text/plain }: the first text is the "
        "body, the second text/plain is an inline attachment (7bit, size counts its CRLF)",
    )
    c.envelope(49, "Photo in the middle", when=date(2024, 6, 13, 8, 0, 0, 120))
    text = "Here is the photo:\n"
    rest = "And the rest of the text.\n"
    photo = jpeg_like("49 photo", 1200)
    content = multipart(
        "=_49_boundary",
        [text_part(text), file_part("image/jpeg", photo, "IMG_0001.jpg", disposition="inline"), text_part(rest)],
    )
    c.bodies(text, None).attachments(
        attachment("2", "image/jpeg", photo, "IMG_0001.jpg", disposition="inline"),
        attachment("3", "text/plain", crlf(rest).encode("ascii"), None, disposition="inline"),
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_49_boundary"')], content)


@case
def c50():
    c = Case("50-html-only-single-part", "non-multipart text/html message (8bit UTF-8): html set, text null")
    c.envelope(50, "HTML only", when=date(2024, 6, 14, 8, 0, 0, 120))
    html = "<!DOCTYPE html>\n<html><body><p>Nur HTML – keine Textversion.</p></body></html>\n"
    c.bodies(None, html).attachments()
    return c.build([("Content-Type", "text/html; charset=utf-8"), ("Content-Transfer-Encoding", "8bit")],
                   crlf(html).encode("utf-8"))


@case
def c51():
    c = Case(
        "51-qp-html",
        "multipart/alternative { text/plain 7bit, text/html quoted-printable with =3D in every attribute and "
        "long soft-broken lines }",
    )
    c.envelope(51, "QP HTML", when=date(2024, 6, 15, 8, 0, 0, 120))
    text = "Plain version.\n"
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
        '<body style="font-family: Arial, sans-serif; color: #333333;"><table width="100%" cellpadding="0" '
        'cellspacing="0"><tr><td align="center">Café – ausführlich</td></tr></table></body></html>\n'
    )
    content = multipart(
        "=_51_alternative", [text_part(text), text_part(html, "utf-8", "quoted-printable", subtype="html")]
    )
    c.bodies(text, html).attachments()
    return c.build([("Content-Type", 'multipart/alternative; boundary="=_51_alternative"')], content)


@case
def c52():
    c = Case(
        "52-uppercase-header-names-and-values",
        "header names, MIME type, parameter names, charset label and encoding name in upper case",
    )
    c.headers.append(("SUBJECT", ew_q("Élan", "UTF-8")))
    c.expected["subject"] = "Élan"
    wire, expected = address_list(mailbox("Alice Example", "alice@example.test"))
    c.headers.append(("FROM", wire))
    c.expected["from"] = expected
    wire, expected = address_list(mailbox(None, "bob@example.test"))
    c.headers.append(("TO", wire))
    c.expected["to"] = expected
    c.expected["cc"] = []
    d = date(2024, 6, 16, 8, 0, 0, 120)
    c.headers.append(("DATE", d[0]))
    c.expected["date"] = d[1]
    c.headers.append(("MESSAGE-ID", "<corpus-52@example.test>"))
    c.expected["messageId"] = "corpus-52@example.test"
    c.headers.append(("MIME-VERSION", "1.0"))
    text = "Großbuchstaben überall.\n"
    c.bodies(text, None).attachments()
    return c.build(
        [("CONTENT-TYPE", 'TEXT/PLAIN; CHARSET="ISO-8859-1"'), ("CONTENT-TRANSFER-ENCODING", "QUOTED-PRINTABLE")],
        qp(crlf(text).encode("latin-1")),
    )


@case
def c53():
    c = Case(
        "53-multipart-signed",
        "PGP/MIME multipart/signed { text/plain, application/pgp-signature signature.asc (7bit, CRLF) }",
    )
    c.envelope(53, "Signed message", when=date(2024, 6, 17, 8, 0, 0, 120))
    text = "This message is signed.\n"
    signature = crlf(
        "-----BEGIN PGP SIGNATURE-----\n\n"
        + base64.b64encode(pseudo_random("53 signature", 96)).decode() + "\n=AbCd\n-----END PGP SIGNATURE-----\n"
    ).encode("ascii")
    sig_part = entity(
        [
            ("Content-Type", 'application/pgp-signature; name="signature.asc"'),
            ("Content-Description", "OpenPGP digital signature"),
            ("Content-Disposition", 'attachment; filename="signature.asc"'),
        ],
        signature,
    )
    content = multipart("=_53_signed", [text_part(text), sig_part])
    c.bodies(text, None).attachments(attachment("2", "application/pgp-signature", signature, "signature.asc"))
    return c.build(
        [("Content-Type", 'multipart/signed; micalg=pgp-sha256;\r\n protocol="application/pgp-signature";'
                          ' boundary="=_53_signed"')],
        content,
    )


@case
def c54():
    c = Case(
        "54-deep-part-ids",
        "mixed { alternative { plain, related { html, png } }, mixed { zip, csv }, pdf }: ids 1.2.2, 2.1, 2.2, 3",
    )
    c.envelope(54, "Part ids", when=date(2024, 6, 18, 8, 0, 0, 120))
    text = "Plain.\n"
    html = '<p>HTML <img src="cid:img.54@corpus.test"></p>\n'
    image = png(2, 1, "54 img")
    archive = b"PK\x05\x06" + b"\x00" * 18  # an empty ZIP archive
    csv = crlf("name;amount\nÄpfel;3\nBirnen;5\n").encode("utf-8")
    pdf = pdf_like("Part ids")
    related = multipart(
        "=_54_related",
        [text_part(html, subtype="html"), file_part("image/png", image, "img.png", "inline", "img.54@corpus.test")],
    )
    alternative = multipart(
        "=_54_alternative",
        [text_part(text), entity([("Content-Type", 'multipart/related; boundary="=_54_related"')], related)],
    )
    inner_mixed = multipart(
        "=_54_inner",
        [file_part("application/zip", archive, "empty.zip"), file_part("text/csv", csv, "fruit.csv")],
    )
    outer = multipart(
        "=_54_outer",
        [
            entity([("Content-Type", 'multipart/alternative; boundary="=_54_alternative"')], alternative),
            entity([("Content-Type", 'multipart/mixed; boundary="=_54_inner"')], inner_mixed),
            file_part("application/pdf", pdf, "ids.pdf"),
        ],
    )
    c.bodies(text, html).attachments(
        attachment("1.2.2", "image/png", image, "img.png", "img.54@corpus.test", "inline"),
        attachment("2.1", "application/zip", archive, "empty.zip"),
        attachment("2.2", "text/csv", csv, "fruit.csv"),
        attachment("3", "application/pdf", pdf, "ids.pdf"),
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_54_outer"')], outer)


@case
def c55():
    c = Case(
        "55-preamble-epilogue",
        "multipart/mixed { text/plain, text/html } with a preamble and an epilogue, neither of which is content",
    )
    c.envelope(55, "Preamble and epilogue", when=date(2024, 6, 19, 8, 0, 0, 120))
    text = "The real text.\n"
    html = "<p>The real HTML.</p>\n"
    content = multipart(
        "=_55_boundary",
        [text_part(text), text_part(html, subtype="html")],
        preamble=b"This is a multi-part message in MIME format." + CRLF + CRLF,
        epilogue=b"This epilogue must be ignored." + CRLF,
    )
    c.bodies(text, html).attachments()
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_55_boundary"')], content)


@case
def c56():
    c = Case(
        "56-empty-text-part",
        "multipart/mixed whose text/plain part has empty content (the delimiter follows the blank line at once)",
    )
    c.envelope(56, "Empty text part", when=date(2024, 6, 20, 8, 0, 0, 120))
    data = pseudo_random("56 data", 100)
    content = multipart(
        "=_56_boundary",
        [entity(TEXT_PLAIN_ASCII, b""), file_part("application/octet-stream", data, "data.bin")],
    )
    c.bodies("", None).attachments(attachment("2", "application/octet-stream", data, "data.bin"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_56_boundary"')], content)


@case
def c57():
    c = Case(
        "57-date-gmt",
        "Date with the obsolete zone name GMT instead of an offset: +00:00",
    )
    c.envelope(57, "GMT date", when=date(2024, 7, 1, 23, 15, 0, 0, zone="GMT"))
    text = "The date uses GMT.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c58():
    c = Case("58-date-negative-offset-and-comment", "Date with a negative offset and a zone comment: -0800 (PST)")
    c.envelope(58, "PST date", when=date(2024, 3, 4, 9, 5, 0, -480, comment=" (PST)"))
    text = "The date has a comment.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c59():
    c = Case(
        "59-rfc2047-padded-b-words",
        "adjacent B words that each end in padding, in Subject and in a display name: every word's text is kept "
        "(GMime 3.2.13 keeps only the first)",
    )
    c.subject("=?UTF-8?B?YQ==?= =?UTF-8?B?Yg==?= =?UTF-8?B?Yw==?=", "abc")
    c.addresses("From", mailbox("Zoë Ann", "zoe@example.test", "=?UTF-8?B?Wm/Dqw==?= =?UTF-8?B?IEFubg==?="))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 8, 1, 9, 0, 0, 60))
    c.message_id("corpus-59@example.test")
    c.header("MIME-Version", "1.0")
    text = "Three padded words.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c60():
    c = Case(
        "60-display-name-8bit-in-encoded-word",
        "a raw 8-bit byte inside an ISO-8859-1 Q word of a display name (and of the Subject): decoded in the "
        "word's charset, not as UTF-8",
    )
    c.subject(b"Gr=?iso-8859-1?Q?\xfc\xdf?=e", "Grüße")
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses("To", mailbox("Heinz Müller", "heinz@example.test", b"Heinz =?iso-8859-1?Q?M\xfcller?="))
    c.expected["cc"] = []
    c.date(date(2024, 8, 2, 9, 0, 0, 60))
    c.message_id("corpus-60@example.test")
    c.header("MIME-Version", "1.0")
    text = "Raw byte in an encoded word.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c61():
    c = Case(
        "61-part-headers-without-blank-line",
        "parts whose header fields run straight into the content without the empty line: the first line that is "
        "not a header field starts the content, as mail clients read it",
    )
    c.envelope(61, "No blank line", when=date(2024, 8, 3, 9, 0, 0, 60))
    text = "Hello without a blank line.\n"
    data = pseudo_random("61 data", 30)
    content = multipart(
        "=_61_boundary",
        [
            b"Content-Type: text/plain; charset=us-ascii" + CRLF + crlf(text).encode("ascii"),
            b'Content-Type: application/octet-stream; name="data.bin"' + CRLF
            + b"Content-Transfer-Encoding: base64" + CRLF + b64(data),
        ],
    )
    c.bodies(text, None).attachments(attachment("2", "application/octet-stream", data, "data.bin", disposition="inline"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_61_boundary"')], content)


def date_case(number: int, slug: str, wire: bytes, iso: str, description: str):
    c = Case("%d-%s" % (number, slug), description)
    c.subject("Date %d" % number, "Date %d" % number)
    c.addresses("From", mailbox("Alice Example", "alice@example.test"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date((wire, iso))
    c.message_id("corpus-%02d@example.test" % number)
    text = "A date that needs care.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c62():
    return date_case(62, "date-lower-case-zone", b"Mon, 1 Jul 2024 10:00:00 cst", "2024-07-01T10:00:00-06:00",
                     "Date with a lower-case zone name (cst): zone names are case-insensitive (RFC 5322 4.3)")


@case
def c63():
    return date_case(63, "date-zone-glued-to-time", b"Mon, 1 Jul 2024 00:01+0000", "2024-07-01T00:01:00+00:00",
                     "Date without seconds whose zone is glued to the time (00:01+0000): the minutes are kept")


@case
def c64():
    return date_case(64, "date-comments-in-time", b"Mon, 1 Jul 2024 09(comment):   55  :  06 +0200",
                     "2024-07-01T09:55:06+02:00",
                     "Date with a comment and spaces inside the time (RFC 5322 allows CFWS around the colons)")


@case
def c65():
    c = Case("65-content-type-without-subtype",
             "Content-Type: text with no subtype: text/plain (RFC 2045 5.2), the message's text, no attachment")
    c.envelope(65, "Text without subtype", when=date(2024, 8, 5, 9, 0, 0, 60))
    text = "Plain text after all.\n"
    c.bodies(text, None).attachments()
    return c.build([("Content-Type", "text"), ("Content-Transfer-Encoding", "7bit")], crlf(text).encode("ascii"))


@case
def c66():
    c = Case("66-from-empty-address",
             "From: MAILER DAEMON <> (an empty address, as bounces have): the entry and its name are kept")
    c.subject("Undeliverable", "Undeliverable")
    c.headers.append(("From", "MAILER DAEMON <>"))
    c.expected["from"] = [{"name": "MAILER DAEMON", "address": ""}]
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 8, 6, 9, 0, 0, 60))
    c.message_id("corpus-66@example.test")
    text = "Your message could not be delivered.\n"
    c.bodies(text, None).attachments()
    return c.build(TEXT_PLAIN_ASCII, crlf(text).encode("ascii"))


@case
def c67():
    c = Case("67-base64-without-padding",
             "a base64 attachment whose last group lacks its padding (AAAAAA): every whole byte is kept (4, not 3)")
    c.envelope(67, "Unpadded base64", when=date(2024, 8, 7, 9, 0, 0, 60))
    text = "See the file.\n"
    data = b"\x00\x00\x00\x00"
    part = entity(
        [("Content-Type", 'application/octet-stream; name="zeros.bin"'), ("Content-Transfer-Encoding", "base64"),
         ("Content-Disposition", 'attachment; filename="zeros.bin"')],
        b"AAAAAA" + CRLF,
    )
    content = multipart("=_67_boundary", [text_part(text), part])
    c.bodies(text, None).attachments(attachment("2", "application/octet-stream", data, "zeros.bin"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_67_boundary"')], content)


@case
def c68():
    c = Case("68-repeated-single-instance-headers",
             "two Subject, two From and two Content-Type fields: the first of each counts, as mail clients read it")
    c.subject("First subject", "First subject")
    c.subject("Second subject", None, check=False)
    c.addresses("From", mailbox("First Sender", "first@example.test"))
    c.headers.append(("From", "Second Sender <second@example.test>"))
    c.addresses("To", mailbox("Bob Builder", "bob@example.test"))
    c.expected["cc"] = []
    c.date(date(2024, 8, 8, 9, 0, 0, 60))
    c.message_id("corpus-68@example.test")
    c.header("MIME-Version", "1.0")
    text = "The plain alternative.\n"
    html = "<p>The HTML alternative.</p>\n"
    content = multipart("=_68_boundary", [text_part(text), text_part(html, subtype="html")])
    c.bodies(text, html).attachments()
    return c.build(
        [("Content-Type", 'multipart/alternative; boundary="=_68_boundary"'), ("Content-Type", "text/plain")], content
    )


@case
def c69():
    c = Case("69-invalid-content-type-keeps-name",
             "attachments whose Content-Type is not type/subtype (application-x-gzip; X-BE2; 12): "
             "application/octet-stream, with the name= parameter as the file name")
    c.envelope(69, "Odd content types", when=date(2024, 8, 9, 9, 0, 0, 60))
    text = "Two files.\n"
    gz = pseudo_random("69 gz", 40)
    be2 = pseudo_random("69 be2", 20)
    content = multipart(
        "=_69_boundary",
        [
            text_part(text),
            entity([("Content-Type", 'application-x-gzip; name="archive.gz"'), ("Content-Transfer-Encoding", "base64")],
                   b64(gz)),
            entity([("Content-Type", 'X-BE2; 12; name="scan.be2"'), ("Content-Transfer-Encoding", "base64")], b64(be2)),
        ],
    )
    c.bodies(text, None).attachments(
        attachment("2", "application/octet-stream", gz, "archive.gz", disposition="inline"),
        attachment("3", "application/octet-stream", be2, "scan.be2", disposition="inline"),
    )
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_69_boundary"')], content)


# --------------------------------------------------------------------------
# The 20 MiB case (on demand only)
# --------------------------------------------------------------------------

LARGE_SIZE = 20 * 1024 * 1024


def large_case() -> tuple[str, bytes, dict]:
    c = Case("large-20mb", "multipart/mixed with a 20 MiB (20,971,520 bytes) base64 attachment of pseudo-random bytes")
    c.envelope(99, "Large attachment", when=date(2024, 7, 31, 12, 0, 0, 60))
    text = "A large attachment follows.\n"
    data = pseudo_random("large-20mb.bin", LARGE_SIZE)
    encoded = base64.encodebytes(data).replace(b"\n", CRLF)
    part = entity(
        [
            ("Content-Type", 'application/octet-stream; name="large-20mb.bin"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="large-20mb.bin"'),
        ],
        encoded,
    )
    content = multipart("=_large_boundary", [text_part(text), part])
    c.bodies(text, None).attachments(attachment("2", "application/octet-stream", data, "large-20mb.bin"))
    return c.build([("Content-Type", 'multipart/mixed; boundary="=_large_boundary"')], content)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def render_json(expected: dict) -> bytes:
    return (json.dumps(expected, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def generate() -> dict[str, bytes]:
    """Every corpus file name -> its bytes."""
    files: dict[str, bytes] = {}
    for make in CASES:
        name, data, expected = make()
        assert name + ".eml" not in files, name
        files[name + ".eml"] = data
        files[name + ".json"] = render_json(expected)
    return files


CORPUS_FILE = re.compile(r"^\d\d-.*\.(eml|json)$")


def check(directory: Path) -> int:
    files = generate()
    problems = []
    for name, data in sorted(files.items()):
        path = directory / name
        if not path.exists():
            problems.append("missing: %s" % name)
        elif path.read_bytes() != data:
            problems.append("differs: %s" % name)
    for path in sorted(directory.iterdir()):
        if CORPUS_FILE.match(path.name) and path.name not in files:
            problems.append("stale (not generated): %s" % path.name)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("corpus check FAILED: %d problem(s); run %s to regenerate" % (len(problems), sys.argv[0]),
              file=sys.stderr)
        return 1
    print("corpus check ok: %d messages, %d files" % (len(files) // 2, len(files)))
    return 0


def write(directory: Path, files: dict[str, bytes]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        path = directory / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="corpus directory (default: the directory of this script)")
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on any difference")
    parser.add_argument("--large", type=Path, metavar="DIR", help="write only large-20mb.eml/.json into DIR")
    parser.add_argument("--list", action="store_true", help="print case names and descriptions")
    args = parser.parse_args()

    if args.large is not None:
        name, data, expected = large_case()
        write(args.large, {name + ".eml": data, name + ".json": render_json(expected)})
        print("wrote %s (%d bytes) and %s.json to %s" % (name + ".eml", len(data), name, args.large))
        return 0
    if args.list:
        for make in CASES:
            name, _, expected = make()
            print("%-44s %s" % (name, expected["description"]))
        return 0
    if args.check:
        return check(args.out)
    files = generate()
    write(args.out, files)
    print("wrote %d messages (%d files) to %s" % (len(files) // 2, len(files), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
