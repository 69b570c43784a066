"""Drives the client openapi-python-client made from openapi.yaml against a running gateway, the way an
application would: the mailbox, every listing page, every message document (and a cut one), every
message's source, every attachment (whole and a byte range), error answers decoded as problems, a delete,
the operations routes and every CORS preflight. Each JSON answer must decode into the generated models,
every value of its field's declared type, and give back, through to_dict(), exactly the JSON the gateway
sent. scripts/client-test.sh runs it, with the generated package on PYTHONPATH.

Environment: POP3GW_CLIENT_BASE_URL, POP3GW_CLIENT_USER, POP3GW_CLIENT_PASSWORD (a mailbox the test may
delete from), POP3GW_CLIENT_ORIGIN (an origin the gateway allows), POP3GW_CLIENT_OPENAPI (the document the
gateway serves), POP3GW_CLIENT_CALLED (a file to write the operation ids called to).
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import sys
import types
import typing
from types import ModuleType
from typing import Any

import attrs
import yaml
from openapi_python_client.strings import snake_case
from pop3_gateway_client import AuthenticatedClient, Client, models
from pop3_gateway_client.api.cors import (
    preflight_attachment,
    preflight_health,
    preflight_mailbox,
    preflight_message,
    preflight_messages,
    preflight_metrics,
    preflight_open_api_document,
    preflight_raw_message,
    preflight_readiness,
)
from pop3_gateway_client.api.mailbox import get_mailbox
from pop3_gateway_client.api.messages import (
    delete_message,
    get_attachment,
    get_message,
    get_raw_message,
    list_messages,
)
from pop3_gateway_client.api.operations import get_health, get_metrics, get_open_api_document, get_readiness
from pop3_gateway_client.models import (
    BodyText,
    GetMessageTextType,
    Health,
    HealthStatus,
    Mailbox,
    Message,
    MessagePage,
    MessageSummary,
    Problem,
)
from pop3_gateway_client.types import File, Response


class Walk:
    def __init__(self, environment: dict[str, str]) -> None:
        self.base_url = environment["POP3GW_CLIENT_BASE_URL"]
        self.user = environment["POP3GW_CLIENT_USER"]
        self.password = environment["POP3GW_CLIENT_PASSWORD"]
        self.origin = environment["POP3GW_CLIENT_ORIGIN"]
        self.client = self.authenticated(self.user, self.password)
        self.called: set[str] = set()
        self.checks = 0
        self.failures = 0

    def authenticated(self, user: str, password: str) -> AuthenticatedClient:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return AuthenticatedClient(base_url=self.base_url, token=token, prefix="Basic", timeout=60)

    def call(
        self, operation: ModuleType, client: Client | AuthenticatedClient | None = None, **arguments: Any
    ) -> Response:
        self.called.add(operation.__name__.rsplit(".", 1)[1])
        return operation.sync_detailed(client=client or self.client, **arguments)

    def expect(self, condition: bool, what: str) -> None:
        self.checks += 1
        if not condition:
            self.failures += 1
            print(f"FAIL {what}", flush=True)

    def typed(self, answer: Response, model: type, what: str) -> Any:
        """The answer's parsed value: an instance of `model`, every object in it a generated model, every
        date a datetime, and to_dict() the JSON the gateway sent."""
        parsed = answer.parsed
        if not isinstance(parsed, model):
            self.expect(False, f"{what}: {answer.status_code} parsed as {type(parsed).__name__}, not {model.__name__}")
            return parsed
        mistyped = list(mistyped_values(parsed, "$"))
        self.expect(not mistyped, f"{what}: not decoded as declared: {mistyped[:3]}")
        differences = list(json_differences(parsed.to_dict(), json.loads(answer.content), "$"))
        self.expect(not differences, f"{what}: the typed value is not the JSON sent: {differences[:3]}")
        return parsed

    def problem(self, answer: Response, status: int, code: str, what: str) -> None:
        problem = self.typed(answer, Problem, what)
        if isinstance(problem, Problem):
            self.expect(
                answer.status_code == status and problem.status == status and problem.code == code,
                f"{what}: {answer.status_code} {problem.status} {problem.code}",
            )

    def run(self, document: bytes) -> None:
        mailbox = self.typed(self.call(get_mailbox), Mailbox, "mailbox")
        print(f"mailbox: {mailbox.count} messages", flush=True)
        summaries = self.listing(mailbox.count)
        attachments = sum(self.message(summary) for summary in summaries)
        print(f"messages: {len(summaries)} documents, sources and cut documents; {attachments} attachments")
        if len(summaries) < 2:
            self.expect(False, f"the mailbox needs two messages at least, has {len(summaries)}")
            return
        self.ranges(summaries[0])
        self.errors(summaries[0])
        self.delete(summaries[-1], len(summaries))
        self.operations(document)
        self.preflights(summaries[0])

    def listing(self, count: int) -> list[MessageSummary]:
        summaries: list[MessageSummary] = []
        cursor = None
        pages = 0
        while True:
            arguments = {"limit": 7} if cursor is None else {"limit": 7, "cursor": cursor}
            pages += 1
            page = self.typed(self.call(list_messages, **arguments), MessagePage, f"listing page {pages}")
            self.expect(page.total == count, f"listing page {pages}: total {page.total}, the mailbox has {count}")
            summaries += page.messages
            cursor = page.next_cursor
            if cursor is None or pages > count:
                break
        self.expect(len(summaries) == count, f"the listing has {len(summaries)} messages, the mailbox {count}")
        self.expect(len({s.id for s in summaries}) == len(summaries), "an id is listed twice")
        print(f"listing: {pages} pages", flush=True)
        return summaries

    def message(self, summary: MessageSummary) -> int:
        id = summary.id
        answer = self.call(get_message, id=id)
        message = self.typed(answer, Message, f"message {id}")
        if not isinstance(message, Message):
            return 0
        fields = ["id", "size", "date", "subject", "from_", "to", "cc", "message_id"]
        self.expect(
            all(getattr(message, f) == getattr(summary, f) for f in fields),
            f"message {id} does not repeat its listing entry",
        )
        etag = answer.headers.get("ETag")
        self.expect(etag is not None, f"message {id} has no ETag")
        if etag is not None:
            again = self.call(get_message, id=id, if_none_match=etag)
            self.expect(again.status_code == 304, f"message {id} with If-None-Match: {again.status_code}")
        cut = self.typed(
            self.call(get_message, id=id, text_type=GetMessageTextType.PLAIN, max_bytes=16),
            Message,
            f"message {id} (plain, 16 bytes)",
        )
        self.expect(
            cut.html is None and is_cut(cut.text, message.text, 16), f"message {id} (plain, 16 bytes): {cut.text}"
        )

        source = self.call(get_raw_message, id=id)
        self.expect(
            isinstance(source.parsed, File) and len(source.parsed.payload.read()) == summary.size,
            f"source of {id}: {source.status_code}, {len(source.content)} bytes, listed as {summary.size}",
        )

        for attachment in message.attachments:
            what = f"attachment {attachment.id} of {id}"
            whole = self.call(get_attachment, id=id, attachment_id=attachment.id)
            content = whole.parsed.payload.read() if isinstance(whole.parsed, File) else None
            self.expect(
                content is not None and len(content) == attachment.size,
                f"{what}: {whole.status_code}, {len(whole.content)} bytes, listed as {attachment.size}",
            )
            self.expect(whole.headers.get("Content-Type") == attachment.content_type, f"{what}: Content-Type")
            disposition = whole.headers.get("Content-Disposition", "")
            self.expect(disposition.startswith(attachment.disposition.value + ";"), f"{what}: {disposition}")
            if content is None or len(content) < 2:
                continue
            part = self.call(get_attachment, id=id, attachment_id=attachment.id, range_="bytes=1-1")
            self.expect(
                part.status_code == 206
                and isinstance(part.parsed, File)
                and part.parsed.payload.read() == content[1:2]
                and part.headers.get("Content-Range") == f"bytes 1-1/{len(content)}",
                f"{what}, bytes=1-1: {part.status_code} {part.headers.get('Content-Range')}",
            )
        return len(message.attachments)

    def ranges(self, summary: MessageSummary) -> None:
        part = self.call(get_raw_message, id=summary.id, range_="bytes=0-9")
        self.expect(
            part.status_code == 206
            and isinstance(part.parsed, File)
            and len(part.parsed.payload.read()) == 10
            and part.headers.get("Content-Range") == f"bytes 0-9/{summary.size}",
            f"source bytes=0-9: {part.status_code} {part.headers.get('Content-Range')}",
        )
        past = self.call(get_raw_message, id=summary.id, range_=f"bytes={summary.size + 10}-")
        self.problem(past, 416, "range_not_satisfiable", "source past its end")
        self.expect(past.headers.get("Content-Range") == f"bytes */{summary.size}", "416 Content-Range")

    def errors(self, summary: MessageSummary) -> None:
        self.problem(self.call(get_message, id="no-such-message"), 404, "not_found", "an unknown id")
        self.problem(
            self.call(get_attachment, id=summary.id, attachment_id="99"),
            404,
            "attachment_not_found",
            "an unknown attachment",
        )
        self.problem(self.call(list_messages, cursor="not-a-cursor"), 400, "bad_request", "a malformed cursor")
        wrong = self.call(get_mailbox, client=self.authenticated(self.user, "not-" + self.password))
        self.problem(wrong, 401, "authentication_failed", "a wrong password")
        self.expect(wrong.headers.get("WWW-Authenticate", "").startswith("Basic"), "401 without WWW-Authenticate")
        anonymous = Client(base_url=self.base_url, timeout=60)
        self.problem(self.call(list_messages, client=anonymous), 401, "authentication_required", "no credentials")

    def delete(self, summary: MessageSummary, count: int) -> None:
        deleted = self.call(delete_message, id=summary.id)
        self.expect(deleted.status_code == 204, f"delete {summary.id}: {deleted.status_code}")
        self.problem(self.call(get_message, id=summary.id), 404, "not_found", "a deleted message")
        page = self.typed(self.call(list_messages, limit=500, refresh=True), MessagePage, "the listing after a delete")
        self.expect(
            page.total == count - 1 and all(s.id != summary.id for s in page.messages),
            f"after a delete the listing has {page.total} messages, wanted {count - 1} without {summary.id}",
        )

    def operations(self, document: bytes) -> None:
        health = self.typed(self.call(get_health), Health, "health")
        self.expect(health.status == HealthStatus.OK, f"health: {health.status}")
        readiness = self.typed(self.call(get_readiness), Health, "readiness")
        self.expect(readiness.status == HealthStatus.READY, f"readiness: {readiness.status}")
        metrics = self.call(get_metrics)
        self.expect(
            isinstance(metrics.parsed, str) and "\nhttp_requests_total{" in metrics.parsed,
            "metrics without http_requests_total",
        )
        served = self.call(get_open_api_document)
        self.expect(
            isinstance(served.parsed, str) and served.parsed.encode() == document,
            "the served document is not openapi.yaml",
        )

    def preflights(self, summary: MessageSummary) -> None:
        id = summary.id
        answers = [
            self.call(preflight_mailbox, origin=self.origin),
            self.call(preflight_messages, origin=self.origin),
            self.call(preflight_message, id=id, origin=self.origin),
            self.call(preflight_raw_message, id=id, origin=self.origin),
            self.call(preflight_attachment, id=id, attachment_id="1", origin=self.origin),
            self.call(preflight_health, origin=self.origin),
            self.call(preflight_readiness, origin=self.origin),
            self.call(preflight_metrics, origin=self.origin),
            self.call(preflight_open_api_document, origin=self.origin),
        ]
        self.expect(
            all(a.status_code == 204 and a.headers.get("Access-Control-Allow-Origin") == self.origin for a in answers),
            f"preflights: {[(a.status_code, a.headers.get('Access-Control-Allow-Origin')) for a in answers]}",
        )
        foreign = self.call(preflight_mailbox, origin="https://elsewhere.example")
        self.problem(foreign, 403, "cors_origin_not_allowed", "a foreign origin's preflight")


def is_cut(cut: BodyText | None, whole: BodyText | None, max_bytes: int) -> bool:
    """A body cut to max_bytes: a prefix of the whole, no longer, with has_more when bytes were left out."""
    if cut is None or whole is None:
        return cut is None and whole is None
    part, all_ = cut.content.encode(), whole.content.encode()
    return len(part) <= max_bytes and all_.startswith(part) and cut.has_more == (len(all_) > len(part))


def mistyped_values(value: Any, path: str):
    """Where a generated model holds a value that is not of its field's declared type: a plain dict where a
    model belongs, a date that stayed a string, a number where a bool belongs. (The generated from_dict
    keeps what it cannot parse, and to_dict gives it back unchanged.)"""
    if attrs.has(type(value)):
        names = {**vars(models), **vars(sys.modules[type(value).__module__])}
        hints = typing.get_type_hints(type(value), globalns=names)
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if field.name in hints and not conforms(item, hints[field.name]):
                yield f"{path}.{field.name}: {item!r} is no {hints[field.name]}"
            yield from mistyped_values(item, f"{path}.{field.name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from mistyped_values(item, f"{path}[{index}]")


def conforms(value: Any, hint: Any) -> bool:
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin is typing.Literal:
        return value in arguments
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, argument) for argument in arguments)
    if origin is list:
        return isinstance(value, list) and all(conforms(item, arguments[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is type(None):
        return value is None
    if hint in (bool, int, str):
        return type(value) is hint
    return isinstance(hint, type) and isinstance(value, hint)


def json_differences(mine: Any, sent: Any, path: str):
    """Where to_dict() and the JSON sent disagree; two date-times naming the same instant agree."""
    if isinstance(mine, dict) and isinstance(sent, dict):
        for key in sorted(set(mine) | set(sent)):
            if key not in mine or key not in sent:
                yield f"{path}.{key}: only in {'the typed value' if key in mine else 'the JSON'}"
            else:
                yield from json_differences(mine[key], sent[key], f"{path}.{key}")
    elif isinstance(mine, list) and isinstance(sent, list) and len(mine) == len(sent):
        for index, (a, b) in enumerate(zip(mine, sent)):
            yield from json_differences(a, b, f"{path}[{index}]")
    elif isinstance(mine, str) and isinstance(sent, str) and mine != sent:
        if instant(mine) is None or instant(mine) != instant(sent):
            yield f"{path}: {mine!r} != {sent!r}"
    elif type(mine) is not type(sent) or mine != sent:
        yield f"{path}: {mine!r} != {sent!r}"


def instant(text: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def main() -> int:
    environment = dict(os.environ)
    walk = Walk(environment)
    with open(environment["POP3GW_CLIENT_OPENAPI"], "rb") as file:
        document_bytes = file.read()
    document = yaml.safe_load(document_bytes)
    try:
        walk.run(document_bytes)
    except Exception as error:  # noqa: BLE001 - any failure of the client is the test's failure
        walk.expect(False, f"stopped: {type(error).__name__}: {error}")
    # The operation ids, from the modules called (openapi-python-client names each after its operationId).
    ids = {
        snake_case(operation["operationId"]): operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    with open(environment["POP3GW_CLIENT_CALLED"], "w", encoding="utf-8") as file:
        file.writelines(ids.get(name, name) + "\n" for name in sorted(walk.called))
    print(f"python client: {walk.checks} checks, {walk.failures} failed")
    return 0 if walk.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
