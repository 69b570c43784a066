#!/usr/bin/env python3
"""Print what Python's `email` package finds in each message, one JSON line per file.

    python_email_view.py FILE...

Parsing: email.parser.BytesParser(policy=email.policy.default).parsebytes(the file's bytes).
Per file:

  {"file": FILE,
   "text": msg.get_body(("plain",)).get_content() or null,
   "html": msg.get_body(("html",)).get_content() or null,
   "attachments": [{"id", "filename", "contentType", "size"} for each part of msg.iter_attachments()],
   "errors": {...}}                      (only when something raised)

Line endings of text and html are normalised to "\\n". "size" is the length of the decoded
bytes (get_payload(decode=True)), null when Python has none (multipart and message/rfc822
parts). "id" is the part's MIME part number as the gateway numbers parts: iter_attachments()
yields only children of the top-level multipart, so it is the child's position, from 1. When
get_content() raises (e.g. LookupError for an unknown charset) the field is null and the
exception is reported under "errors". This is the reference view that the gateway's
expected JSON is compared with; the differences are documented in README.md.
"""

from __future__ import annotations

import json
import sys
from email import policy
from email.parser import BytesParser


def normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def view(path: str) -> dict:
    with open(path, "rb") as handle:
        data = handle.read()
    # parsebytes, not parse(handle): parse() wraps the file in a text reader with universal
    # newlines, which turns every CRLF (and bare CR) into LF before the parser sees it.
    message = BytesParser(policy=policy.default).parsebytes(data)
    result: dict = {"file": path}
    errors: dict = {}
    for key, preference in (("text", ("plain",)), ("html", ("html",))):
        try:
            body = message.get_body(preference)
            result[key] = normalise(body.get_content()) if body is not None else None
        except Exception as error:  # noqa: BLE001 - report whatever the library raised
            result[key] = None
            errors[key] = "%s: %s" % (type(error).__name__, error)
    attachments = []
    children = message.get_payload() if message.is_multipart() else []
    try:
        for index, part in enumerate(message.iter_attachments()):
            position = next((number for number, child in enumerate(children, start=1) if child is part), None)
            entry = {
                "id": None if position is None else str(position),
                "filename": None,
                "contentType": part.get_content_type(),
                "size": None,
            }
            try:
                entry["filename"] = part.get_filename()
            except Exception as error:  # noqa: BLE001
                errors["attachments[%d].filename" % index] = "%s: %s" % (type(error).__name__, error)
            try:
                payload = part.get_payload(decode=True)
                entry["size"] = len(payload) if isinstance(payload, bytes) else None
            except Exception as error:  # noqa: BLE001
                errors["attachments[%d].size" % index] = "%s: %s" % (type(error).__name__, error)
            attachments.append(entry)
    except Exception as error:  # noqa: BLE001
        errors["attachments"] = "%s: %s" % (type(error).__name__, error)
    result["attachments"] = attachments
    if errors:
        result["errors"] = errors
    return result


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    for path in argv:
        print(json.dumps(view(path), ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
