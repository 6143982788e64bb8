"""Every error the service answers with, and the one place each becomes an HTTP answer.

Routes, services, repositories and the auth dependencies raise these classes; nothing else
in the service builds an error status. Each class is one status; the answer is always JSON
`{"detail": ...}`, where `detail` is a sentence or, for 422, a list of `field_error`s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


class ProvgraphError(Exception):
    status_code = 500
    headers: dict[str, str] | None = None

    def __init__(self, detail: Any) -> None:
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.detail = detail


class BadRequest(ProvgraphError):
    status_code = 400


class Unauthorized(ProvgraphError):
    """No caller could be made out of the request; the answer says how to authenticate."""

    status_code = 401

    def __init__(self, detail: str, error: str | None = None) -> None:
        super().__init__(detail)
        challenge = 'Bearer realm="provgraph"' + (f', error="{error}"' if error else "")
        self.headers = {"WWW-Authenticate": challenge}


class Forbidden(ProvgraphError):
    """The caller is known but may not do this (their role, or another caller's record)."""

    status_code = 403


class NotFound(ProvgraphError):
    status_code = 404


class NotAcceptable(ProvgraphError):
    """No answer format matches the request's `Accept`."""

    status_code = 406


class Conflict(ProvgraphError):
    status_code = 409


class AlreadyExists(Conflict):
    """A write met a uniqueness constraint: a concurrent twin committed the same id first."""


class ContentTooLarge(ProvgraphError):
    status_code = 413


class UnsupportedMediaType(ProvgraphError):
    """A body whose Content-Type this route does not read."""

    status_code = 415


class InvalidInput(ProvgraphError):
    """Input that is well-formed JSON but breaks a rule; `detail` lists every problem."""

    status_code = 422


class Unavailable(ProvgraphError):
    status_code = 503
    headers = {"Retry-After": "5"}  # a restart of the local Neo4j takes seconds


class QueryTimeout(ProvgraphError):
    status_code = 504


Location = Literal["body", "query"]


def field_error(
    loc: tuple[str | int, ...],
    msg: str,
    kind: str = "value_error",
    where: Location = "body",
) -> dict[str, Any]:
    """One entry of a 422 detail list, shaped like FastAPI's own validation errors: `loc`
    is the place inside the request body, or the query parameter (`where="query"`)."""
    return {"type": kind, "loc": [where, *loc], "msg": msg}


class BodyTooLarge(HTTPException):
    """413 while a body is read. An HTTPException because FastAPI's body parsing passes those
    on as they are (any other error while reading a body becomes a 400), so a chunked body
    gets its 413 too; the app's BodyLimit answers it where it is raised outside a route."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            ContentTooLarge.status_code,
            f"Request body is larger than the limit of {max_bytes} bytes.",
            headers={"Connection": "close"},
        )


# ---------------------------------------------------------------- the mapping


def printable_text(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def printable(value: Any) -> Any:
    """A value that any JSON answer can carry: lone surrogates escaped, non-finite floats
    as text. For echoing what a caller sent back in an error."""
    if isinstance(value, str):
        return printable_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {printable(key): printable(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [printable(inner) for inner in value]
    return value


def error_response(error: ProvgraphError | HTTPException) -> JSONResponse:
    """The answer to an error, also for middleware that answers before any route runs."""
    return _answer(error.status_code, error.detail, error.headers)


def _answer(status_code: int, detail: Any, headers: Mapping[str, str] | None) -> JSONResponse:
    # Printable: a detail may echo what was sent (a lone surrogate, a NaN).
    body = {"detail": printable(jsonable_encoder(detail))}
    return JSONResponse(body, status_code=status_code, headers=headers)


async def domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProvgraphError)
    return error_response(error)


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422, with what was sent echoed printably (escaped surrogates, `nan` as text)."""
    assert isinstance(error, RequestValidationError)
    return _answer(InvalidInput.status_code, error.errors(), None)


def install(app: FastAPI) -> None:
    """Map every error to its answer: domain errors and FastAPI's own validation errors.
    (Starlette's default answers its HTTPExceptions, BodyTooLarge's among them, the same
    `{"detail": ...}` way.)"""
    app.add_exception_handler(ProvgraphError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
