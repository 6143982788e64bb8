"""Health: Provena's `GET /` shape and a fuller `GET /health`."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from service.auth import TokensDep, known_caller
from service.deps import StoreDep
from service.errors import Unavailable

router = APIRouter(tags=["health"])


class Message(BaseModel):
    message: str


class Neo4jState(BaseModel):
    reachable: bool
    uri: str | None
    version: str
    edition: str


class Health(BaseModel):
    """What `/health` answers; callers without a valid token get `status` alone."""

    status: Literal["ok", "unavailable", "restarting"]
    neo4j: Neo4jState | None = None
    schema_applied: bool | None = None
    auth: Literal["open", "tokens"] | None = None
    detail: str | None = None


@router.get("/")
async def root() -> Message:
    """Provena-style health check: answers while the API process is up. The message also
    points people to the lineage explorer."""
    return Message(message="Health check successful. Lineage explorer: /ui/")


@router.get(
    "/health",
    responses={
        200: {"model": Health},
        503: {"model": Health, "description": "Neo4j is unreachable"},
    },
)
async def health(store: StoreDep, tokens: TokensDep, request: Request) -> JSONResponse:
    """`{"status": "ok"}`, or `503` while Neo4j is unreachable (within about two seconds of
    it stopping) with `"unavailable"`, or `"restarting"` while `provgraph serve` restarts
    the Neo4j it launched. Callers with a valid token (everyone in open mode) also get
    Neo4j's address, version and reachability, whether provgraph's schema is applied, and
    whether callers need tokens (`"auth": "tokens"`) or not (`"open"`)."""
    supervisor = getattr(request.app.state, "supervisor", None)
    down = "restarting" if supervisor and supervisor.restarting else "unavailable"
    body: dict[str, Any] = {"status": "ok" if store.available else down}
    if tokens.open or known_caller(request, tokens):
        body |= {
            "neo4j": {
                "reachable": store.available,
                "uri": store.settings.neo4j_uri,
                "version": store.server.version,
                "edition": store.server.edition,
            },
            "schema_applied": store.schema_applied,
            "auth": tokens.mode,
        }
        if not store.available:
            body["detail"] = f"Neo4j is unreachable: {store.last_error}"
    if store.available:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers=Unavailable.headers)
