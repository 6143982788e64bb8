"""The operator commands of `provgraph`: `import`, `export` and `lineage`.

They talk to a running service (`--api`, `--token`, or PROVGRAPH_API / PROVGRAPH_TOKEN), so
every write takes the API's one write path, with its validation and idempotency.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import httpx
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

from service.ops.api import ApiError, client, detail_text, get_json
from service.ops.importer import import_paths
from service.ops.tree import Branch, lineage_tree, tree_lines
from service.settings import Settings

COMMANDS = ("import", "export", "lineage")
FORMATS = ("json", "provn", "xml", "ttl", "jsonld")


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


def run(settings: Settings, args: argparse.Namespace) -> int:
    api = args.api or f"http://{settings.host}:{settings.port}"
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per record sent
    try:
        with client(api, args.token) as http:
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
