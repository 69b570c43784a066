#!/usr/bin/env python3
"""Python baseline for the MIME parsing throughput benchmark.

    python_parse_bench.py [--rounds N] FILE...

Does per message what the gateway does for a message and the download of each of its attachments
(`mime-bench --mode message`: MIMEParser.parseMessage, then MIMEParser.attachment for every attachment),
with Python's email package (BytesParser, policy=email.policy.default):

- every header field decoded (`items()`), and from those the summary fields: subject, from/to/cc/reply-to
  addresses, date (as ISO 8601), message-id, in-reply-to, references;
- the plain and html bodies (`get_body`) as text (`get_content()`);
- the attachment list as the gateway makes it: every leaf part at any depth that is not one of the two
  bodies, a message/rfc822 part being one leaf (with its subject and from) and not descended into; for each,
  file name, media type, Content-ID, disposition, and its decoded bytes (`get_payload(decode=True)`, the
  transfer-decoded bytes that the gateway streams; for message/rfc822 the embedded message's bytes,
  `as_bytes()`), whose length is the size.

Reads every FILE into memory first and makes one untimed pass over all of them (imports, codec lookups:
a long-running server pays those once), then times N passes (default 3). Exceptions (e.g. an unknown
charset in get_content) are counted, not fatal.

Prints one JSON object:
  {"bytes": total bytes parsed (sum of file sizes x rounds), "seconds": elapsed wall time,
   "megabytesPerSecond": bytes / 1e6 / seconds, "messages": files x rounds, "rounds": N,
   "attachments": attachments decoded, "attachmentBytes": their decoded bytes, "contentErrors": count}
MB is 10^6 bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

ADDRESS_FIELDS = ("from", "to", "cc", "reply-to")


def summary(message: EmailMessage) -> dict:
    """Every header decoded, and the summary fields taken from them (MessageSummary plus the header list)."""
    items = message.items()
    headers = [(name, str(value)) for name, value in items]
    fields = {}
    for name, value in items:
        fields.setdefault(name.lower(), value)
    result: dict = {"headers": headers}
    for name in ADDRESS_FIELDS:
        value = fields.get(name)
        addresses = getattr(value, "addresses", ()) if value is not None else ()
        result[name] = [(address.display_name, address.addr_spec) for address in addresses]
    date = fields.get("date")
    moment = getattr(date, "datetime", None) if date is not None else None
    result["date"] = moment.isoformat() if moment is not None else None
    for name in ("subject", "message-id", "in-reply-to", "references"):
        value = fields.get(name)
        result[name] = str(value) if value is not None else None
    return result


def leaves(part: EmailMessage):
    """Leaf parts in document order; a message/rfc822 part is a leaf."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.iter_parts():
            yield from leaves(child)
    else:
        yield part


def parse_one(parser: BytesParser, data: bytes) -> tuple[int, int, int]:
    """Parse and produce everything the gateway would; returns (attachments, attachment bytes, errors)."""
    errors = 0
    message = parser.parsebytes(data)
    try:
        summary(message)
    except Exception:  # noqa: BLE001 - counted, the benchmark goes on
        errors += 1
    bodies = []
    for preference in (("plain",), ("html",)):
        try:
            body = message.get_body(preference)
            if body is not None:
                bodies.append(body)
                body.get_content()
        except Exception:  # noqa: BLE001
            errors += 1
    count = 0
    size = 0
    for part in leaves(message):
        if any(part is body for body in bodies):
            continue
        try:
            part.get_filename()
            part.get_content_type()
            part.get("content-id")
            part.get_content_disposition()
            if part.get_content_type() == "message/rfc822":
                embedded = part.get_payload(0)
                summary(embedded)
                content = embedded.as_bytes()
            else:
                content = part.get_payload(decode=True) or b""
            count += 1
            size += len(content)
        except Exception:  # noqa: BLE001
            errors += 1
    return count, size, errors


def main() -> int:
    arguments = argparse.ArgumentParser(description="Python email parsing throughput baseline")
    arguments.add_argument("--rounds", type=int, default=3, help="timed passes over all files (default 3)")
    arguments.add_argument("files", nargs="+", metavar="FILE")
    options = arguments.parse_args()
    if options.rounds < 1:
        arguments.error("--rounds must be at least 1")

    messages = []
    for path in options.files:
        with open(path, "rb") as handle:
            messages.append(handle.read())
    parser = BytesParser(policy=policy.default)
    for data in messages:
        parse_one(parser, data)

    total = 0
    attachments = 0
    attachment_bytes = 0
    errors = 0
    start = time.perf_counter()
    for _ in range(options.rounds):
        for data in messages:
            count, size, failed = parse_one(parser, data)
            attachments += count
            attachment_bytes += size
            errors += failed
            total += len(data)
    seconds = time.perf_counter() - start

    print(json.dumps({
        "bytes": total,
        "seconds": round(seconds, 6),
        "megabytesPerSecond": round(total / 1e6 / seconds, 3) if seconds > 0 else None,
        "messages": len(messages) * options.rounds,
        "rounds": options.rounds,
        "attachments": attachments,
        "attachmentBytes": attachment_bytes,
        "contentErrors": errors,
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
