#!/usr/bin/env python3
"""Checks every answer a schemathesis run recorded for what schemathesis does not check itself.

Usage: api-fuzz-verify.py OPENAPI_YAML EVENTS_NDJSON

schemathesis validates answers against openapi.yaml but without checking `format` (a `date-time`
that is not RFC 3339 passes) and without comparing Content-Length with the body. This reads its
NDJSON report and checks, for every recorded answer: Content-Length equals the body's length (HEAD
aside); a JSON or problem+json body parses, and validates with formats checked against the schema
openapi.yaml gives for its operation and status; every answer carries X-Request-Id. Prints the count
of answers checked and each violation; exits 1 if there is any.
"""

import base64
import json
import re
import sys

import jsonschema
import referencing
import referencing.jsonschema
import yaml

ROOT = "urn:openapi"
# schemathesis's MAX_RECORDED_PAYLOAD_SIZE: the NDJSON report cuts bodies there.
RECORDED_BODY_LIMIT = 1024 * 1024
# Path shapes of openapi.yaml, most specific first, to find an answer's operation from its URL.
PATHS = [
    ("/v1/messages/{id}/attachments/{attachmentId}", re.compile(r"^/v1/messages/[^/]*/attachments/[^/]*$")),
    ("/v1/messages/{id}/raw", re.compile(r"^/v1/messages/[^/]*/raw$")),
    ("/v1/messages/{id}", re.compile(r"^/v1/messages/[^/]*$")),
    ("/v1/messages", re.compile(r"^/v1/messages$")),
    ("/v1/mailbox", re.compile(r"^/v1/mailbox$")),
    ("/healthz", re.compile(r"^/healthz$")),
    ("/readyz", re.compile(r"^/readyz$")),
    ("/metrics", re.compile(r"^/metrics$")),
    ("/openapi.yaml", re.compile(r"^/openapi\.yaml$")),
]


def main(spec_path, events_path):
    spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
    resource = referencing.Resource.from_contents(spec, default_specification=referencing.jsonschema.DRAFT202012)
    registry = referencing.Registry().with_resource(ROOT, resource)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    # jsonschema checks date-time only with rfc3339-validator installed; without it this run would pass blind.
    if checker.conforms("2024-13-45T99:00:00Z", "date-time"):
        print("api-fuzz-verify: jsonschema cannot check date-time here (rfc3339-validator is missing; run it with the python of scripts/python-tools.sh)")
        return 1

    def validator(pointer):
        return jsonschema.Draft202012Validator({"$ref": ROOT + "#" + pointer}, registry=registry, format_checker=checker)

    def json_schema_pointer(template, method, status, media_type):
        """The JSON pointer of the schema for this answer, or None when the spec gives none."""
        responses = spec["paths"][template].get(method.lower(), {}).get("responses", {})
        response = responses.get(str(status))
        if response is None:
            return None
        pointer = f"/paths/{escape(template)}/{method.lower()}/responses/{status}"
        if "$ref" in response:
            pointer = response["$ref"][1:]
            response = resolve(spec, pointer)
        if media_type not in response.get("content", {}):
            return None
        return f"{pointer}/content/{escape(media_type)}/schema"

    answers = 0
    violations = []
    for line in open(events_path, encoding="utf-8"):
        event = json.loads(line)
        for value in event.values():
            recorder = value.get("recorder") if isinstance(value, dict) else None
            for interaction in (recorder or {}).get("interactions", {}).values():
                answers += 1
                violations += check(interaction, validator, json_schema_pointer)
    print(f"api-fuzz-verify: {answers} answers checked (formats, Content-Length, X-Request-Id)")
    for violation in violations[:50]:
        print("  " + violation)
    if violations:
        print(f"api-fuzz-verify: {len(violations)} violation(s)")
        return 1
    return 0


def check(interaction, validator, json_schema_pointer):
    request, response = interaction["request"], interaction.get("response")
    if response is None:
        return []
    method, url, status = request["method"], request["uri"], response["status_code"]
    label = f"{method} {url} -> {status}"
    headers = {name.lower(): values[0] for name, values in response["headers"].items()}
    content = response.get("content") or {}
    body = base64.b64decode(content["$base64"]) if "$base64" in content else content.get("string", "").encode()
    problems = []
    # libmicrohttpd's own 414/431 come before the gateway sees the request (openapi.yaml says so).
    if "x-request-id" not in headers and status not in (414, 431):
        problems.append(f"{label}: no X-Request-Id")
    declared = int(headers["content-length"]) if "content-length" in headers else None
    # The report keeps at most RECORDED_BODY_LIMIT bytes of a body: a longer one cannot be compared.
    truncated = len(body) == RECORDED_BODY_LIMIT and declared is not None and declared > len(body)
    if method != "HEAD" and declared is not None and declared != len(body) and not truncated:
        problems.append(f"{label}: Content-Length {declared}, body {len(body)} bytes")
    media_type = headers.get("content-type", "").split(";")[0].strip()
    if media_type not in ("application/json", "application/problem+json") or method == "HEAD":
        return problems
    try:
        document = json.loads(body)
    except ValueError as error:
        return problems + [f"{label}: {media_type} body is not JSON ({error})"]
    path = re.sub(r"^[a-z]+://[^/]+", "", url).split("?")[0]
    template = next((template for template, pattern in PATHS if pattern.match(path)), None)
    pointer = template and json_schema_pointer(template, method, status, media_type)
    if pointer is None:
        if media_type == "application/problem+json":
            pointer = "/components/schemas/Problem"
        else:
            return problems + [f"{label}: no schema in openapi.yaml for this JSON answer"]
    for error in validator(pointer).iter_errors(document):
        problems.append(f"{label}: {error.json_path}: {error.message[:200]}")
    return problems


def escape(token):
    return token.replace("~", "~0").replace("/", "~1")


def resolve(document, pointer):
    for token in pointer.lstrip("/").split("/"):
        document = document[token.replace("~1", "/").replace("~0", "~")]
    return document


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
