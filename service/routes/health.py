"""Health: Provena's `GET /` shape and a fuller `GET /health`."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.auth import TokensDep, known_caller
from service.deps import StoreDep
from service.errors import Unavailable

router = APIRouter(tags=["health"])


@router.get("/")
async def root() -> dict[str, str]:
    """Provena-style health check: answers while the API process is up. The message also
    points people to the lineage explorer."""
    return {"message": "Health check successful. Lineage explorer: /ui/"}


@router.get("/health", responses={503: {"description": "Neo4j is unreachable"}})
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
