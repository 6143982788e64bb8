"""The command line's client of provgraph's API (a running service, or the app run inside
the command with `--direct`): one record to its dialect's route, and the reads the export
and lineage commands make. Nothing here writes to Neo4j: every write goes through the
API's one write path."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from service.ops.sources import FAIRDP, OPENLINEAGE, PROV_JSON, PROV_N, PROVENA, Record

WRITTEN, UNCHANGED, FAILED = "written", "unchanged", "failed"
RETRIES = 5  # a 503 (Neo4j briefly away) or a dropped connection is tried again


@dataclass(frozen=True)
class Outcome:
    result: str  # written | unchanged | failed
    detail: str = ""
    id: str | None = None


class ApiError(Exception):
    """The service could not be asked, or refused outright (a bad token, say)."""


def client(
    api: str,
    token: str | None,
    timeout: float = 600.0,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        base_url=api.rstrip("/"),
        headers=headers,
        timeout=timeout,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        transport=transport,
    )


def detail_text(response: httpx.Response) -> str:
    """The API's `{"detail": ...}` as one line: each field problem as `loc: msg`."""
    try:
        detail = response.json().get("detail", response.text)
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}: {response.text[:500]}"
    if isinstance(detail, list):
        parts = []
        for problem in detail:
            if isinstance(problem, dict):
                loc = ".".join(str(p) for p in problem.get("loc", []) if p != "body")
                parts.append(f"{loc}: {problem.get('msg', '')}" if loc else problem.get("msg", ""))
            else:
                parts.append(str(problem))
        detail = "; ".join(parts)
    return f"HTTP {response.status_code}: {detail}"


def _request(http: httpx.Client, record: Record) -> httpx.Response:
    key = {"Idempotency-Key": record.key}
    if record.dialect == PROVENA:
        return http.post("/model_run/register", json=record.body, headers=key)
    if record.dialect == FAIRDP:
        return http.post("/api/code_run/", json=record.body)
    if record.dialect == OPENLINEAGE:
        return http.post("/api/v1/lineage", json=record.body)
    if record.dialect == PROV_JSON:
        content = json.dumps(record.body).encode()
        headers = key | {"Content-Type": "application/json"}
        return http.post("/prov", content=content, headers=headers)
    assert record.dialect == PROV_N
    headers = key | {"Content-Type": "text/provenance-notation"}
    return http.post("/prov", content=record.body.encode(), headers=headers)


def send(http: httpx.Client, record: Record) -> Outcome:
    """Send one record; what became of it. Raises ApiError when no record could be sent
    (the service is unreachable, or refuses the token)."""
    for attempt in range(RETRIES):
        try:
            response = _request(http, record)
        except httpx.TransportError as error:
            if attempt == RETRIES - 1:
                raise ApiError(f"cannot reach {http.base_url}: {error}") from error
            time.sleep(0.5 * 2**attempt)
            continue
        if response.status_code in (503, 429) and attempt < RETRIES - 1:
            time.sleep(float(response.headers.get("Retry-After") or 0.5 * 2**attempt))
            continue
        break
    if response.status_code in (401, 403):
        raise ApiError(detail_text(response))
    if response.status_code >= 300:
        return Outcome(FAILED, detail_text(response))
    answer = response.json()
    if record.dialect == PROVENA:
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        return Outcome(UNCHANGED if replayed else WRITTEN, id=answer["record_info"]["id"])
    if record.dialect == OPENLINEAGE:
        return Outcome(WRITTEN if answer.get("written") else UNCHANGED, id=answer.get("event"))
    written = response.status_code == 201
    run_id = answer.get("uuid") if record.dialect == FAIRDP else answer.get("id")
    return Outcome(WRITTEN if written else UNCHANGED, id=run_id)


def get_json(http: httpx.Client, path: str, params: dict[str, Any]) -> Any:
    try:
        response = http.get(path, params=params)
    except httpx.TransportError as error:
        raise ApiError(f"cannot reach {http.base_url}: {error}") from error
    if response.status_code != 200:
        raise ApiError(detail_text(response))
    return response.json()
