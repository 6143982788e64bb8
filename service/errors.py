"""Domain errors; the app turns each into one HTTP status with a `{"detail": ...}` body."""

from typing import Any


class ProvgraphError(Exception):
    status_code = 500
    headers: dict[str, str] | None = None

    def __init__(self, detail: Any) -> None:
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.detail = detail


class NotFound(ProvgraphError):
    status_code = 404


class Forbidden(ProvgraphError):
    """The caller is known but may not do this (their role, or another caller's record)."""

    status_code = 403


class Conflict(ProvgraphError):
    status_code = 409


class AlreadyExists(Conflict):
    """A write met a uniqueness constraint: a concurrent twin committed the same id first."""


class InvalidInput(ProvgraphError):
    """Input that is well-formed JSON but breaks a rule; `detail` lists every problem."""

    status_code = 422


class BadRequest(ProvgraphError):
    status_code = 400


class ContentTooLarge(ProvgraphError):
    status_code = 413


class Unavailable(ProvgraphError):
    status_code = 503
    headers = {"Retry-After": "5"}  # a restart of the local Neo4j takes seconds


class QueryTimeout(ProvgraphError):
    status_code = 504


def field_error(loc: tuple[str | int, ...], msg: str, kind: str = "value_error") -> dict[str, Any]:
    """One entry of a 422 detail list, shaped like FastAPI's own validation errors."""
    return {"type": kind, "loc": ["body", *loc], "msg": msg}
