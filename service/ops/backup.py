"""`provgraph dump DIR` and `provgraph restore DIR`: the whole database as JSON Lines files.

A dump holds everything the service's answers are made of, not only the PROV graph: every
record with its body, version history (who, when, reasons), idempotency key and FAIR-DP
sequence number; the sequence counters; every PROV node and relation with all their
properties (OpenLineage run state included); and which record asserts which node. Restoring
it into an empty Neo4j gives the same answers, byte for byte, from every read route.

Files (one JSON object a line, a page per file, written while they are read, so memory
stays bounded whatever the graph's size), named in the order a restore writes them:

    counters-NNNNNN.jsonl   {"labels": [...], "properties": {...}}
    records-NNNNNN.jsonl    {"labels": [...], "properties": {...}}
    nodes-NNNNNN.jsonl      {"labels": [...], "properties": {...}}
    relations-NNNNNN.jsonl  {"type", "source", "target", "properties"}  (node ids)
    asserts-NNNNNN.jsonl    {"record", "node", "properties"}
    manifest.json           format, counts, and every file with its lines and sha256

The manifest is written last: a dump cut short has none, and a restore refuses it. Reads
are keyset-paged on the unique ids in read transactions; the dump counts everything before
and after and fails when the graph changed meanwhile (dump while nothing writes).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from rich.console import Console

import cypher
from service.ops.progress import progress_bar
from service.settings import Settings
from service.store import Rows

FORMAT = "provgraph-dump"
VERSION = 1
MANIFEST = "manifest.json"
PAGE_ROWS = 10_000
RECORD_PAGE_ROWS = 1_000  # record bodies can be large (a PROV document of up to 32 MB)
FETCH_ROWS = 500
BATCH_BYTES = 16 * 1024 * 1024  # a restore transaction's rows, at most, as JSON text
NODE_KINDS = ("counters", "records", "nodes")
RELATIONSHIP_KINDS = ("relations", "asserts")
PLAIN = (str, int, float, bool)


class BackupError(Exception):
    """A dump or restore that cannot go on; the message says why and what to do."""


# ------------------------------------------------------------------------------ shared


def driver(settings: Settings) -> Driver:
    assert settings.neo4j_uri
    auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
    return GraphDatabase.driver(
        settings.neo4j_uri, auth=auth, notifications_min_severity="OFF", connection_timeout=10
    )


@dataclass
class Census:
    all_nodes: int
    nodes: int
    records: int
    counters: int
    all_relationships: int
    asserts: int

    @property
    def relations(self) -> int:
        return self.all_relationships - self.asserts

    def counts(self) -> dict[str, int]:
        return {
            "counters": self.counters,
            "records": self.records,
            "nodes": self.nodes,
            "relations": self.relations,
            "asserts": self.asserts,
        }

    @property
    def rows(self) -> int:
        return self.all_nodes + self.all_relationships


def census(session: Session) -> Census:
    def read(tx: ManagedTransaction) -> Census:
        row = tx.run(cypher.load("backup/census")).single()
        assert row is not None
        return Census(**row.data())

    found: Census = session.execute_read(read)
    return found


def line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def checked(properties: dict[str, Any], where: str) -> dict[str, Any]:
    """The properties, when each is a value JSON gives back as the same Neo4j type."""
    for name, value in properties.items():
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, PLAIN) for item in items):
            kind = type(next(i for i in items if not isinstance(i, PLAIN))).__name__
            raise BackupError(
                f"{where}: property {name!r} holds a {kind} value, which provgraph never "
                "writes and a dump cannot keep exactly"
            )
    return properties


# ------------------------------------------------------------------------------ dump


@dataclass
class DumpFile:
    name: str
    kind: str
    lines: int
    sha256: str

    def entry(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "lines": self.lines, "sha256": self.sha256}


@dataclass
class Page:
    """What one page's read wrote: its file, and the keys it held (the next page starts
    after the last; relations and asserts are read for these)."""

    file: DumpFile
    keys: list[str] = field(default_factory=list)


class Dump:
    def __init__(self, folder: Path, advance: Callable[[int], None]) -> None:
        self.folder = folder
        self.advance = advance
        self.files: dict[str, list[DumpFile]] = {
            kind: [] for kind in (*NODE_KINDS, *RELATIONSHIP_KINDS)
        }

    def _write(
        self,
        tx: ManagedTransaction,
        kind: str,
        statement: str,
        params: dict[str, Any],
        to_line: Callable[[dict[str, Any]], dict[str, Any]],
        key: str | None,
    ) -> Page:
        """Stream one statement's rows into the kind's next file. A transaction function:
        a retry starts the file again."""
        name = f"{kind}-{len(self.files[kind]) + 1:06d}.jsonl"
        digest = hashlib.sha256()
        page = Page(DumpFile(name, kind, 0, ""))
        with open(self.folder / name, "w", encoding="utf-8") as sink:
            for record in tx.run(cypher.load(statement), **params):
                row = record.data()
                text = line(to_line(row))
                sink.write(text)
                digest.update(text.encode())
                page.file.lines += 1
                if key:
                    page.keys.append(row[key])
        page.file.sha256 = digest.hexdigest()
        return page

    def _keep(self, page: Page) -> None:
        if page.file.lines:
            self.files[page.file.kind].append(page.file)
            self.advance(page.file.lines)
        else:
            (self.folder / page.file.name).unlink()

    def nodes(
        self,
        session: Session,
        kind: str,
        statement: str,
        page_rows: int,
        then: tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]] | None = None,
    ) -> None:
        """Every node of one kind, a page at a time; `then` (kind, statement, to_line) also
        dumps the relationships leaving each page's nodes."""

        def as_node(row: dict[str, Any]) -> dict[str, Any]:
            where = f"{kind[:-1]} {row['key']!r}"
            return {
                "labels": sorted(row["labels"]),
                "properties": checked(row["properties"], where),
            }

        after = ""
        while True:
            params = {"after": after, "limit": page_rows}
            page: Page = session.execute_read(self._write, kind, statement, params, as_node, "key")
            self._keep(page)
            if not page.keys:
                return
            if then:
                rel_kind, rel_statement, to_line = then
                related: Page = session.execute_read(
                    self._write, rel_kind, rel_statement, {"ids": page.keys}, to_line, None
                )
                self._keep(related)
            after = page.keys[-1]

    def manifest(self, found: Census, server: str) -> dict[str, Any]:
        ordered = [f for kind in (*NODE_KINDS, *RELATIONSHIP_KINDS) for f in self.files[kind]]
        return {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "neo4j": server,
            "counts": found.counts(),
            "files": [f.entry() for f in ordered],
        }

    def counts(self) -> dict[str, int]:
        return {kind: sum(f.lines for f in files) for kind, files in self.files.items()}


def relation_line(row: dict[str, Any]) -> dict[str, Any]:
    where = f"relation {row['source']!r} -[{row['type']}]-> {row['target']!r}"
    return {
        "type": row["type"],
        "source": row["source"],
        "target": row["target"],
        "properties": checked(row["properties"], where),
    }


def assert_line(row: dict[str, Any]) -> dict[str, Any]:
    where = f"record {row['record']!r} asserting {row['node']!r}"
    return {
        "record": row["record"],
        "node": row["node"],
        "properties": checked(row["properties"], where),
    }


def prepare_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file; dump into a new or empty folder")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(
            f"{folder} is not empty; dump into a new or empty folder (a dump never overwrites one)"
        )
    folder.mkdir(parents=True, exist_ok=True)


def dump(
    settings: Settings, folder: Path, page_rows: int = PAGE_ROWS, console: Console | None = None
) -> dict[str, Any]:
    """Write the whole database into `folder` (new or empty); the manifest written."""
    console = console or Console(stderr=True)
    prepare_folder(folder)
    started = time.monotonic()
    with (
        driver(settings) as neo4j,
        # Rows come from the server FETCH_ROWS at a time, however large the page.
        neo4j.session(database=settings.neo4j_database, fetch_size=FETCH_ROWS) as session,
    ):
        before = census(session)
        known = before.nodes + before.records + before.counters
        if known != before.all_nodes:
            raise BackupError(
                f"the database holds {before.all_nodes:,} nodes, of which {known:,} are "
                "provgraph's (labels Node, Record, Counter): not a provgraph database, or one "
                "that something else also writes to; nothing was dumped"
            )
        progress = progress_bar(console, "dumping", "rows")
        with progress:
            task = progress.add_task("dump", total=before.rows, rate="-")

            def advance(rows: int) -> None:
                done = progress.tasks[0].completed + rows
                elapsed = time.monotonic() - started
                progress.update(task, completed=done, rate=f"{done / elapsed:,.0f}")

            writer = Dump(folder, advance)
            writer.nodes(session, "counters", "backup/counter_page", page_rows)
            writer.nodes(
                session,
                "records",
                "backup/record_page",
                min(page_rows, RECORD_PAGE_ROWS),
                then=("asserts", "backup/record_asserts", assert_line),
            )
            writer.nodes(
                session,
                "nodes",
                "backup/node_page",
                page_rows,
                then=("relations", "backup/node_relations", relation_line),
            )
        after = census(session)
        server = neo4j.get_server_info().agent
    written = writer.counts()
    if after != before or written != before.counts():
        raise BackupError(
            "the graph changed while it was dumped (counted before "
            f"{before.counts()}, after {after.counts()}, written {written}); the dump in "
            f"{folder} is incomplete and has no manifest. Dump again while nothing writes."
        )
    manifest = writer.manifest(before, server)
    # Last, and by rename: a folder with a manifest holds a whole dump.
    partial = folder / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    partial.replace(folder / MANIFEST)
    return manifest


# ------------------------------------------------------------------------------ restore


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} holds no {MANIFEST}: not a provgraph dump, or a dump that did not finish"
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} is not a provgraph dump of format version {VERSION} "
            f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})"
        )
    return manifest


def verify(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there, whole: line count and sha256 as dumped, and
    the lines of each kind add up to the counts the dump made."""
    listed = {kind: 0 for kind in (*NODE_KINDS, *RELATIONSHIP_KINDS)}
    for entry in manifest["files"]:
        listed[entry["kind"]] = listed.get(entry["kind"], 0) + entry["lines"]
    if listed != manifest.get("counts"):
        raise BackupError(
            f"{MANIFEST} counts {manifest['counts']} but lists files of {listed}; "
            "nothing was restored"
        )
    for entry in manifest["files"]:
        path = folder / entry["name"]
        if (
            entry["kind"] not in (*NODE_KINDS, *RELATIONSHIP_KINDS)
            or Path(entry["name"]).name != entry["name"]
        ):
            raise BackupError(
                f"{MANIFEST} lists {entry['name']!r} of kind {entry['kind']!r}, which no "
                "dump writes"
            )
        digest, lines = hashlib.sha256(), 0
        try:
            with open(path, "rb") as source:
                for text in source:
                    digest.update(text)
                    lines += 1
        except OSError as error:
            raise BackupError(f"{path} cannot be read: {error.strerror or error}") from error
        if lines != entry["lines"] or digest.hexdigest() != entry["sha256"]:
            raise BackupError(
                f"{path} is not the file that was dumped ({lines} lines, sha256 "
                f"{digest.hexdigest()[:12]}…; the manifest says {entry['lines']} lines, "
                f"{entry['sha256'][:12]}…); nothing was restored"
            )


def batches(path: Path, rows: int) -> Iterator[list[dict[str, Any]]]:
    """The file's rows, at most `rows` or BATCH_BYTES of them at a time."""
    batch: list[dict[str, Any]] = []
    size = 0
    with open(path, encoding="utf-8") as source:
        for text in source:
            batch.append(json.loads(text))
            size += len(text)
            if len(batch) >= rows or size >= BATCH_BYTES:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


RESTORE_STATEMENTS = {
    "counters": "backup/restore_nodes",
    "records": "backup/restore_nodes",
    "nodes": "backup/restore_nodes",
    "relations": "backup/restore_relations",
    "asserts": "backup/restore_asserts",
}


def _create(tx: ManagedTransaction, statement: str, rows: list[dict[str, Any]]) -> int:
    row = tx.run(cypher.load(statement), rows=Rows(rows)).single()
    return int(row["created"]) if row else 0


def empty_database(session: Session) -> None:
    session.run(cypher.load("backup/empty_database")).consume()


def apply_schema(session: Session) -> None:
    """The constraints and indexes the service applies at start, so the restore's writes
    are index-backed and refused when they would break a unique constraint."""
    for name in cypher.names("schema"):
        session.run(cypher.load(name)).consume()
    session.run(cypher.load("admin/await_indexes")).consume()


def node_count(session: Session) -> int:
    row = session.run(cypher.load("admin/count_nodes")).single()
    return int(row["nodes"]) if row else 0


def restore(
    settings: Settings,
    folder: Path,
    force: bool = False,
    page_rows: int = PAGE_ROWS,
    console: Console | None = None,
) -> dict[str, int]:
    """Write a dump into an empty database (with `force`, one emptied first); the counts."""
    console = console or Console(stderr=True)
    manifest = read_manifest(folder)
    verify(folder, manifest)
    started = time.monotonic()
    with driver(settings) as neo4j, neo4j.session(database=settings.neo4j_database) as session:
        present = node_count(session)
        if present and not force:
            raise BackupError(
                f"the database at {settings.neo4j_uri} is not empty ({present:,} nodes); a "
                "restore writes into an empty database only. Restore into a new one, or pass "
                "--force to delete everything in this one first."
            )
        if present:
            empty_database(session)
        apply_schema(session)
        total = sum(entry["lines"] for entry in manifest["files"])
        progress = progress_bar(console, "restoring", "rows")
        restored = {kind: 0 for kind in (*NODE_KINDS, *RELATIONSHIP_KINDS)}
        with progress:
            task = progress.add_task("restore", total=total, rate="-")
            for entry in manifest["files"]:
                statement = RESTORE_STATEMENTS[entry["kind"]]
                for batch in batches(folder / entry["name"], page_rows):
                    created = session.execute_write(_create, statement, batch)
                    if created != len(batch):
                        raise BackupError(
                            f"{entry['name']}: {len(batch) - created} of {len(batch)} "
                            "relationships name a node the dump does not hold; the restore "
                            "stopped part way (restore again with --force)"
                        )
                    restored[entry["kind"]] += created
                    done = sum(restored.values())
                    progress.update(
                        task, completed=done, rate=f"{done / (time.monotonic() - started):,.0f}"
                    )
        session.run(cypher.load("admin/await_indexes")).consume()
        after = census(session)
    if after.counts() != manifest["counts"]:
        raise BackupError(
            f"the restored database counts {after.counts()}, the dump {manifest['counts']}: "
            "something else wrote to it during the restore"
        )
    return restored
