"""Every JSON request body is checked before any route sees it.

Python's JSON reader takes `NaN`, `Infinity`, `1e400` (infinite) and lone surrogates
(`"\\ud800"`); no route can store those, and FastAPI's own 422 answer crashes echoing them
back. So a JSON body holding one is answered here with a 422 naming where it is, for every
route (PROV-JSON imports included), and validation errors echo what was sent printably.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import InvalidInput, error_response, field_error
from service.validation import BodyProblem, strict_json

WITH_BODY = {"POST", "PUT", "PATCH"}
# Where the check leaves the value it parsed, so a route that reads the body as JSON itself
# (the OpenLineage one, which also takes gzip) need not parse it a second time.
PARSED = "provgraph.json_body"


def parsed_body(scope: Scope) -> tuple[Any] | None:
    """`(value,)` of a JSON body the check has parsed and passed; None when it has not."""
    found: tuple[Any] | None = scope.get(PARSED)
    return found


def is_json(scope: Scope) -> bool:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


class JsonBodyCheck:
    """Reads a JSON body, refuses it with 422 when it holds what JSON should not, else hands
    it on unchanged. Sits inside the body size limit, so it never buffers more than that."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WITH_BODY or not is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app gets the rest as it is
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            scope[PARSED] = (strict_json(body),)
        except BodyProblem as problem:
            error = InvalidInput([field_error(problem.loc, problem.msg, "json_invalid")])
            await error_response(error)(scope, receive, send)
            return
        except (ValueError, RecursionError):
            pass  # not JSON at all: the route answers that as it always does

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
