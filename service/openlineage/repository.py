"""OpenLineage events written through the one writer, and the Marquez-shaped reads.

Transaction functions for `Store.write`/`Store.read`, retried as a whole on a transient
error, so they have no effects outside the transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from neo4j import AsyncManagedTransaction

from prov_export.values import encode_attributes
from service.openlineage.mapping import (
    Mapped,
    event_graph,
    settle,
    unversioned_inputs,
    with_state,
)
from service.openlineage.models import Event, RunEvent
from service.records.repository import (
    GraphRows,
    RecordToWrite,
    merged_attributes,
    write_new_records,
)
from service.store import fetch


@dataclass
class EventToWrite:
    event: Event
    mapped: Mapped
    record: RecordToWrite


async def write_events(tx: AsyncManagedTransaction, items: list[EventToWrite]) -> list[bool]:
    """Events in one transaction: their graphs (inputs taken at the version current at the
    run's time), the names the Marquez reads use, and the runs' settled times and state.
    A fixed number of statements whatever the number of events (one read before the
    writes, the record writer's, one to tag the nodes and settle the runs). Answers, per
    event, whether it was written (False: the same event was recorded before, or earlier
    in this list)."""
    requests = [
        {
            "key": i,
            "run": item.mapped.run,
            "time": item.event.eventTime.timestamp(),
            "datasets": datasets,
        }
        for i, item in enumerate(items)
        if isinstance(item.event, RunEvent) and (datasets := unversioned_inputs(item.event))
    ]
    known = (
        await fetch(
            tx,
            "openlineage/before_write",
            ids=[item.record.id for item in items],
            runs=sorted({item.mapped.run for item in items if item.mapped.run}),
            requests=requests,
        )
    )[0]
    recorded = set(known["recorded"])
    current: dict[int, dict[str, str]] = {}
    for row in known["versions"]:
        if row["version"]:
            current.setdefault(row["key"], {})[row["dataset"]] = row["version"]
    written: list[bool] = []
    records = []
    fresh: list[EventToWrite] = []
    for i, item in enumerate(items):
        new = item.record.id not in recorded
        recorded.add(item.record.id)
        written.append(new)
        if new:
            mapped = event_graph(item.event, current[i]) if i in current else item.mapped
            records.append(replace(item.record, graph=mapped.graph))
            fresh.append(item)
    if records:
        rows = GraphRows.of(records)
        await write_new_records(tx, records, rows)
        # vars(), not asdict(): a tag holds only strings, and asdict deep-copies each one.
        tags = list({tag.id: vars(tag) for item in fresh for tag in item.mapped.tags}.values())
        runs = settled_runs(known["runs"], fresh, rows)
        await fetch(tx, "openlineage/tag_and_settle", tags=tags, now=time.time(), runs=runs)
    return written


def settled_runs(
    before: list[dict[str, Any]], fresh: list[EventToWrite], rows: GraphRows
) -> list[dict[str, Any]]:
    """Each run of the fresh events settled: times and state from all its events (those
    recorded before, `before`'s `events`, and the fresh ones), its attributes as the write
    leaves them (the attributes it had, `before`'s `attrs`, merged with the written row's
    by the record writer's own `merged_attributes`) with the one settled state."""
    events: dict[str, list[tuple[str, float]]] = {}
    for item in fresh:
        if item.mapped.run:
            extra = item.record.extra
            events.setdefault(item.mapped.run, []).append(
                (extra["ol_event_type"], extra["ol_event_time"])
            )
    attrs: dict[str, str | None] = {}
    for stored in before:
        if stored["id"] in events:
            events[stored["id"]] += [(kind, at) for kind, at in stored["events"] if kind]
            attrs[stored["id"]] = stored["attrs"]
    written = {row["id"]: row["attrs"] for row in rows.nodes if row["id"] in events}
    settled_rows = []
    for run, run_events in sorted(events.items()):
        settled = settle(run_events)
        attributes = merged_attributes(attrs.get(run), written[run])
        settled_rows.append(
            {
                "id": run,
                "start_time": settled.start_time,
                "end_time": settled.end_time,
                "state": settled.state,
                "attrs": encode_attributes(with_state(attributes, settled.state)),
            }
        )
    return settled_rows


# ------------------------------------------------------------------ Marquez-shaped reads


async def namespaces(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
    return await fetch(tx, "openlineage/namespaces")


async def page_in_namespace(
    tx: AsyncManagedTransaction, type_: str, namespace: str, offset: int, limit: int
) -> tuple[int, list[str]]:
    rows = await fetch(
        tx,
        "openlineage/ids_in_namespace",
        type=type_,
        namespace=namespace,
        offset=offset,
        limit=limit,
    )
    return int(rows[0]["total"]), list(rows[0]["ids"])


async def find_named(
    tx: AsyncManagedTransaction, type_: str, pairs: list[dict[str, str]]
) -> list[dict[str, Any]]:
    return await fetch(tx, "openlineage/find_named", type=type_, pairs=pairs)


async def datasets(tx: AsyncManagedTransaction, ids: list[str]) -> list[dict[str, Any]]:
    return await fetch(tx, "openlineage/datasets", ids=ids)


async def jobs(tx: AsyncManagedTransaction, ids: list[str]) -> list[dict[str, Any]]:
    return await fetch(tx, "openlineage/jobs", ids=ids)


async def job_runs(
    tx: AsyncManagedTransaction, job: str, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    rows = await fetch(tx, "openlineage/job_runs", job=job, offset=offset, limit=limit)
    if not rows:
        return 0, []
    total, ids = int(rows[0]["total"]), list(rows[0]["ids"])
    return total, await fetch(tx, "openlineage/runs", ids=ids)


async def runs(tx: AsyncManagedTransaction, ids: list[str]) -> list[dict[str, Any]]:
    return await fetch(tx, "openlineage/runs", ids=ids)


async def lineage_hop(
    tx: AsyncManagedTransaction, jobs: list[str], datasets: list[str]
) -> list[dict[str, Any]]:
    """One hop of the job-dataset graph: `(dataset, job, direction)` rows, `direction`
    `in` when the job's runs read the dataset (or a version of it), `out` when they wrote it."""
    return await fetch(tx, "openlineage/lineage_hop", jobs=jobs, datasets=datasets)
