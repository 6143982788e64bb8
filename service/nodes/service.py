"""Node search and details: the text-to-Lucene rule and the shaping of rows."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from graph_model import utc
from service.errors import NotFound
from service.lineage.readable import plain_attributes
from service.nodes import repository
from service.nodes.models import AssertingRecord, NodeDetails, NodeHit, NodeSearchResponse
from service.store import Store

# Letters and digits only: what is left can never be Lucene syntax, so a search text is
# data, never a query. Lucene's standard tokeniser splits ids such as `10378.1/input-1` at
# the same places, so each word becomes one prefix term and all must match.
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
# Lucene refuses a prefix term of 1,000 characters or more; a cut word is still its prefix.
MAX_WORD = 64
# A word shorter than this is left out of the match (it still ranks the phrase) unless it
# is the last, still being typed: a prefix of one or two characters (`1*` in
# `10378.1/ds-42`) expands to a large share of the index's terms, which made a search for an
# exact id on 1M nodes 18x a lookup. Not a whole-word term instead: the index's tokeniser
# keeps `10378.1` as one word, so `1` alone would not match it.
SHORT_WORD = 3
# Hits read from the index before the kind filter: more when a kind may discard most.
SCAN_PER_HIT_WITH_KIND = 20
MAX_SCAN = 5000


def lucene_terms(text: str) -> str:
    """Every word as a prefix (short ones only when last), and the words side by side in
    that order ranked higher: `input-1` -> `(input* AND 1*) OR "input 1"^4`, `10378.1/out`
    -> `(10378* AND out*) OR "10378 1 out"^4`; '' when the text has no word."""
    words = [word[:MAX_WORD] for word in WORD.findall(text.lower())[:MAX_WORDS]]
    if not words:
        return ""
    *leading, last = words
    terms = [f"{word}*" for word in leading if len(word) >= SHORT_WORD] + [f"{last}*"]
    return f'({" AND ".join(terms)}) OR "{" ".join(words)}"^4'


async def search(store: Store, text: str, kind: str | None, limit: int) -> NodeSearchResponse:
    scan = limit if kind is None else min(limit * SCAN_PER_HIT_WITH_KIND, MAX_SCAN)
    rows = await store.read(repository.search, text, lucene_terms(text), kind, limit, scan)
    return NodeSearchResponse(
        q=text,
        kind=kind,
        limit=limit,
        nodes=[
            NodeHit(
                id=row["id"],
                prov_classes=sorted(row["classes"]),
                kind=row["kind"],
                label=row["label"],
                score=row["score"],
            )
            for row in rows
        ],
    )


def asserting_record(row: dict[str, Any]) -> AssertingRecord:
    return AssertingRecord(
        id=row["id"],
        kind=row["kind"],
        created_by=row.get("created_by"),
        created_at=utc(row["created_at"]) if row.get("created_at") is not None else None,
        updated_by=row.get("updated_by"),
        updated_at=utc(row["updated_at"]) if row.get("updated_at") is not None else None,
        version=row.get("version"),
        url="/records/" + quote(row["id"], safe="/"),
    )


async def detail(store: Store, node_id: str) -> NodeDetails:
    row = await store.read(repository.detail, node_id)
    if row is None:
        raise NotFound(f"No node has the id {node_id!r}.")
    return NodeDetails(
        id=row["id"],
        prov_classes=sorted(row["classes"]),
        kind=row["kind"],
        label=row["label"],
        start_time=utc(row["start_time"]) if row["start_time"] is not None else None,
        end_time=utc(row["end_time"]) if row["end_time"] is not None else None,
        attributes=plain_attributes(row["attrs"]),
        records=[asserting_record(record) for record in row["records"]],
    )
