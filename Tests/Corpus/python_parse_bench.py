#!/usr/bin/env python3
"""Python baseline for the MIME parsing throughput benchmark.

    python_parse_bench.py [--rounds N] FILE...

Reads every FILE into memory first (file I/O is not timed), then N times over
(default 3): parses each message with BytesParser(policy=email.policy.default),
gets get_body(("plain",)) and get_body(("html",)) and their get_content(), and
iterates iter_attachments() calling get_content() on each (decoded bytes; a
message/rfc822 attachment gives its Message object). Exceptions from
get_content() (e.g. an unknown charset) are counted, not fatal.

Prints one JSON object:
  {"bytes": total bytes parsed (sum of file sizes x rounds), "seconds": elapsed wall time,
   "megabytesPerSecond": bytes / 1e6 / seconds, "messages": files x rounds, "rounds": N,
   "contentErrors": count}
MB is 10^6 bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from email import policy
from email.parser import BytesParser


def parse_one(parser: BytesParser, data: bytes) -> int:
    """Parse and touch everything the gateway would; returns the number of get_content errors."""
    errors = 0
    message = parser.parsebytes(data)
    for preference in (("plain",), ("html",)):
        try:
            body = message.get_body(preference)
            if body is not None:
                body.get_content()
        except Exception:  # noqa: BLE001 - counted, the benchmark goes on
            errors += 1
    try:
        for part in message.iter_attachments():
            try:
                part.get_content()
            except Exception:  # noqa: BLE001
                errors += 1
    except Exception:  # noqa: BLE001
        errors += 1
    return errors


def main() -> int:
    arguments = argparse.ArgumentParser(description="Python email parsing throughput baseline")
    arguments.add_argument("--rounds", type=int, default=3, help="passes over all files (default 3)")
    arguments.add_argument("files", nargs="+", metavar="FILE")
    options = arguments.parse_args()
    if options.rounds < 1:
        arguments.error("--rounds must be at least 1")

    messages = []
    for path in options.files:
        with open(path, "rb") as handle:
            messages.append(handle.read())
    parser = BytesParser(policy=policy.default)

    total = 0
    errors = 0
    start = time.perf_counter()
    for _ in range(options.rounds):
        for data in messages:
            errors += parse_one(parser, data)
            total += len(data)
    seconds = time.perf_counter() - start

    print(json.dumps({
        "bytes": total,
        "seconds": round(seconds, 6),
        "megabytesPerSecond": round(total / 1e6 / seconds, 3) if seconds > 0 else None,
        "messages": len(messages) * options.rounds,
        "rounds": options.rounds,
        "contentErrors": errors,
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
