"""The operator commands of `provgraph`: `import`, `export`, `lineage`, `dump` and `restore`.

`import`, `export` and `lineage` talk to a running service (`--api`, `--token`, or
PROVGRAPH_API / PROVGRAPH_TOKEN), or with `--direct` to Neo4j through the app run inside the
command (service/ops/direct.py); either way every write takes the API's one write path,
with its validation and idempotency. `dump` and `restore` read and write Neo4j directly
(service/ops/backup.py), found with the settings of `serve`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from neo4j.exceptions import DriverError, Neo4jError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.tree import Tree

from service.ops import backup
from service.ops.api import ApiError, client, detail_text, get_json
from service.ops.direct import in_process_api, neo4j_settings
from service.ops.importer import import_paths
from service.ops.tree import Branch, lineage_tree, tree_lines
from service.settings import Settings

COMMANDS = ("import", "export", "lineage", "dump", "restore")
FORMATS = ("json", "provn", "xml", "ttl", "jsonld")


def neo4j_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data-dir", type=Path, help="local Neo4j data folder, as for serve")
    command.add_argument("--bolt-port", type=int, help="local Neo4j Bolt port, as for serve")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def api_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--api",
            default=os.environ.get("PROVGRAPH_API"),
            help="the service's URL (default PROVGRAPH_API, else http://PROVGRAPH_HOST:PORT)",
        )
        command.add_argument(
            "--token", default=os.environ.get("PROVGRAPH_TOKEN"), help="bearer token"
        )
        command.add_argument(
            "--direct",
            action="store_true",
            help="no running service: talk to Neo4j directly (NEO4J_URI..., else the local "
            "Neo4j, as serve does) through the API's own code run in this process",
        )
        command.add_argument(
            "--as",
            dest="caller",
            default="anonymous",
            help="with --direct: the caller records are written as (created_by, whose "
            "idempotency keys); default anonymous, who every caller is on a service "
            "without tokens",
        )
        neo4j_options(command)

    importing = commands.add_parser(
        "import",
        help="import PROV-JSON, PROV-N, Provena, FAIR-DP and OpenLineage files through the API",
    )
    importing.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    importing.add_argument("--jobs", type=int, default=4, help="requests at a time (4)")
    importing.add_argument(
        "--json", action="store_true", help="a JSON report per file instead of the table"
    )
    api_options(importing)

    exporting = commands.add_parser("export", help="a PROV document of the graph into a file")
    exporting.add_argument(
        "--scope", choices=("all", "record", "upstream", "downstream", "both"), default="all"
    )
    exporting.add_argument("--id", help="record id (scope=record) or node id")
    exporting.add_argument("--depth", type=int)
    exporting.add_argument("--format", choices=FORMATS, default="json")
    exporting.add_argument("-o", "--output", required=True, type=Path, help="file ('-': stdout)")
    api_options(exporting)

    lineage = commands.add_parser("lineage", help="an id's lineage as a tree")
    lineage.add_argument("id")
    lineage.add_argument("--direction", choices=("upstream", "downstream", "both"))
    lineage.add_argument("--depth", type=int)
    api_options(lineage)

    dumping = commands.add_parser(
        "dump",
        help="every record with its history and metadata, and the whole graph, into a folder "
        "of JSON Lines files (Neo4j directly)",
    )
    dumping.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    dumping.add_argument(
        "--page-rows", type=int, default=backup.PAGE_ROWS, help="rows a file (10000)"
    )
    neo4j_options(dumping)

    restoring = commands.add_parser("restore", help="a dump into an empty Neo4j (Neo4j directly)")
    restoring.add_argument("folder", type=Path, metavar="DIR", help="a folder `dump` wrote")
    restoring.add_argument(
        "--force",
        action="store_true",
        help="restore into a database that is not empty: everything in it is deleted first",
    )
    restoring.add_argument(
        "--page-rows", type=int, default=backup.PAGE_ROWS, help="rows a transaction (10000)"
    )
    neo4j_options(restoring)


@contextmanager
def connected(settings: Settings, args: argparse.Namespace) -> Iterator[httpx.Client]:
    """A client of the running service, or with `--direct` of the app run in this process."""
    if args.direct:
        with (
            neo4j_settings(settings, args.data_dir, args.bolt_port) as direct,
            in_process_api(direct, args.caller) as http,
        ):
            yield http
        return
    api = args.api or f"http://{settings.host}:{settings.port}"
    with client(api, args.token) as http:
        yield http


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.command in ("dump", "restore"):
        return backup_command(settings, args)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per record sent
    try:
        with connected(settings, args) as http:
            if args.command == "import":
                report = import_paths(http, args.paths, jobs=args.jobs, as_json=args.json)
                return 1 if report.failed else 0
            if args.command == "export":
                return export(http, args)
            return lineage(http, args)
    except ApiError as error:
        print(f"provgraph {args.command}: {error}", file=sys.stderr)
        return 2


def export(http: httpx.Client, args: argparse.Namespace) -> int:
    """Stream the document into the file as it arrives: memory stays flat however large."""
    params: dict[str, str | int] = {"scope": args.scope, "format": args.format}
    if args.id:
        params["id"] = args.id
    if args.depth is not None:
        params["depth"] = args.depth
    errors = Console(stderr=True)
    progress = Progress(
        TextColumn("exporting"),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=errors,
        disable=not errors.is_terminal,
    )
    to_stdout = str(args.output) == "-"
    partial = args.output.with_name(args.output.name + ".partial")
    started = time.monotonic()
    try:
        with http.stream("GET", "/prov", params=params) as response:
            if response.status_code != 200:
                response.read()
                raise ApiError(detail_text(response))
            written = 0
            with progress:
                task = progress.add_task("export", total=None)
                sink = sys.stdout.buffer if to_stdout else open(partial, "wb")
                try:
                    for chunk in response.iter_bytes():
                        sink.write(chunk)
                        written += len(chunk)
                        progress.update(task, completed=written)
                finally:
                    if not to_stdout:
                        sink.close()
    except httpx.TransportError as error:
        partial.unlink(missing_ok=True)
        raise ApiError(f"the export broke off: {error}") from error
    except ApiError:
        partial.unlink(missing_ok=True)
        raise
    if not to_stdout:
        partial.replace(args.output)  # a broken-off export never looks like a whole one
        print(
            f"exported {written:,} bytes ({args.format}, scope {args.scope}) to {args.output} "
            f"in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
    return 0


def lineage(http: httpx.Client, args: argparse.Namespace) -> int:
    params: dict[str, str | int] = {"id": args.id}
    if args.direction:
        params["direction"] = args.direction
    if args.depth is not None:
        params["depth"] = args.depth
    answer = get_json(http, "/lineage", params)
    root = lineage_tree(answer)
    console = Console(highlight=False)
    if console.is_terminal:
        console.print(_rich(root))
    else:
        print("\n".join(tree_lines(root)))
    footer = f"{len(answer['nodes'])} nodes, {len(answer['edges'])} edges, {answer['direction']}"
    if answer.get("truncated"):
        footer += " (truncated: raise --depth's limit or narrow it)"
    print(footer, file=sys.stderr)
    return 0


def _rich(branch: Branch, tree: Tree | None = None) -> Tree:
    tree = tree or Tree(escape(branch.text), guide_style="dim")
    for child in branch.children:
        text = f"[dim]{escape(child.via)}:[/dim] {escape(child.text)}"
        sub = tree.add(text + (" [dim](seen above)[/dim]" if child.seen else ""))
        _rich(child, sub)
    return tree


def backup_command(settings: Settings, args: argparse.Namespace) -> int:
    errors = Console(stderr=True, highlight=False)
    started = time.monotonic()
    if args.page_rows < 1:
        print(f"provgraph {args.command}: --page-rows must be at least 1", file=sys.stderr)
        return 2
    try:
        with neo4j_settings(settings, args.data_dir, args.bolt_port) as direct:
            if args.command == "dump":
                manifest = backup.dump(direct, args.folder, args.page_rows, errors)
                counts, files = manifest["counts"], len(manifest["files"])
                verb = "dumped"
            else:
                counts = backup.restore(direct, args.folder, args.force, args.page_rows, errors)
                files = len(backup.read_manifest(args.folder)["files"])
                verb = "restored"
    except backup.BackupError as error:
        print(f"provgraph {args.command}: {error}", file=sys.stderr)
        return 2
    except (DriverError, Neo4jError, OSError) as error:
        where = settings.neo4j_uri or "the local Neo4j"
        print(f"provgraph {args.command}: Neo4j at {where}: {error}", file=sys.stderr)
        return 2
    what = ", ".join(f"{counts[kind]:,} {kind}" for kind in counts)
    where = "into" if args.command == "dump" else "from"
    print(
        f"{verb} {what} ({files} files) {where} {args.folder} "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 0
