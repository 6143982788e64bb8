"""Prometheus metrics of one API process, served at `GET /metrics`.

Requests are labelled by route *template* (`/code_run/{seq}/`), never by the path asked
for, so an id in a path cannot make a label of its own; a path no route knows is counted
as `<unmatched>`. The collectors live in prometheus-client's default registry, once per
process, like the process and GC metrics the library adds there.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "<unmatched>"
# Routes whose answers are exported documents: their body bytes are counted.
EXPORT_ROUTES = frozenset({"/prov", "/api/ro-crate/code-run/{seq}/"})

REQUESTS = Counter(
    "provgraph_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "provgraph_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method, route template and "
    "status code.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
RECORDS_WRITTEN = Counter(
    "provgraph_records_written_total",
    "Records written (not replays of ones already written), by dialect: model_run "
    "(Provena), code_run (FAIR-DP), prov_document (PROV-JSON/PROV-N import), "
    "openlineage_event.",
    ["dialect"],
)
EXPORT_BYTES = Counter(
    "provgraph_export_bytes_total",
    "Bytes of exported documents sent (PROV exports, RO-Crates), by route template.",
    ["route"],
)
NEO4J_AVAILABLE = Gauge(
    "provgraph_neo4j_available",
    "1 while Neo4j answers the availability pings, 0 while requests get 503.",
)
NEO4J_QUERY = Histogram(
    "provgraph_neo4j_transaction_seconds",
    "Time of one unit of work in Neo4j (a read or write transaction, retries included), "
    "by mode and outcome.",
    ["mode", "outcome"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)


def records_written(dialect: str, count: int = 1) -> None:
    if count:
        RECORDS_WRITTEN.labels(dialect).inc(count)


def route_template(app: ASGIApp, scope: Scope) -> str:
    """The template of the route that served (or would serve) the request."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    for candidate in getattr(getattr(app, "router", None), "routes", []):
        match, _ = candidate.matches(scope)
        if match is Match.FULL:
            return str(getattr(candidate, "path", UNMATCHED))
    return UNMATCHED


class RequestMetrics:
    """Counts and times every HTTP request, outermost, so 413s and 422s are counted too."""

    def __init__(self, app: ASGIApp, root: ASGIApp | None = None) -> None:
        self.app = app
        self.root = root  # the FastAPI app, to find the route of requests refused early

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception before any answer is one
        body_bytes = 0

        async def counting_send(message: Message) -> None:
            nonlocal status, body_bytes
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body_bytes += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            route = route_template(self.root or self.app, scope)
            labels = (scope["method"], route, str(status))
            REQUESTS.labels(*labels).inc()
            LATENCY.labels(*labels).observe(time.perf_counter() - started)
            if route in EXPORT_ROUTES and scope["method"] == "GET" and status < 300:
                EXPORT_BYTES.labels(route).inc(body_bytes)


router = APIRouter(tags=["health"])


PROMETHEUS_TEXT = {"content": {"text/plain": {"schema": {"type": "string"}}}}


@router.get("/metrics", response_class=Response, responses={200: PROMETHEUS_TEXT})
async def metrics(request: Request) -> Response:
    """Prometheus metrics of this API process (text format 0.0.4): requests and latency per
    route template and status, records written per dialect, Neo4j availability and
    transaction time, export bytes. Holds no data of the graph, so it needs no token."""
    store = getattr(request.app.state, "store", None)
    NEO4J_AVAILABLE.set(1 if store is not None and store.available else 0)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
