"""Health: Provena's `GET /` shape and a fuller `GET /health`."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.auth import TokensDep
from service.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/")
async def root() -> dict[str, str]:
    """Provena-style health check: answers while the API process is up. The message also
    points people to the lineage explorer."""
    return {"message": "Health check successful. Lineage explorer: /ui/"}


@router.get("/health", responses={503: {"description": "Neo4j is unreachable"}})
async def health(store: StoreDep, tokens: TokensDep) -> JSONResponse:
    """Neo4j reachability, its version, whether provgraph's schema is applied, and whether
    callers need tokens (`"auth": "tokens"`) or the service is open (`"auth": "open"`).

    Answers `503` while Neo4j is unreachable (within about two seconds of it stopping).
    """
    body: dict[str, Any] = {
        "status": "ok" if store.available else "unavailable",
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
    return JSONResponse(body, status_code=200 if store.available else 503)
