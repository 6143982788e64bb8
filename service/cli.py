"""The `provgraph` command: `serve`, `neo4j start|stop|status` for the local Neo4j, and
the operator commands of `service/ops/cli.py` (`import`, `export`, `lineage`)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.auth import TokenConfigError, load_tokens, open_bind_refusal
from service.local_neo4j import LauncherError, LocalNeo4j
from service.ops import cli as ops_cli
from service.ops.logs import configure as configure_logging
from service.ops.logs import uvicorn_log_config
from service.settings import Settings
from service.supervision import Neo4jSupervisor, RestartFlag

log = logging.getLogger("provgraph")


def local_neo4j(settings: Settings, args: argparse.Namespace) -> LocalNeo4j:
    return LocalNeo4j(
        Path(args.data_dir) if args.data_dir else settings.data_dir,
        settings.cache_dir,
        bolt_port=args.bolt_port if args.bolt_port is not None else settings.neo4j_bolt_port,
        auth=not getattr(args, "no_auth", False),
        heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
    )


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers or os.cpu_count() or 1
    # Before anything starts: an open service on a public address is refused outright.
    refusal = open_bind_refusal(host, load_tokens(settings), settings.allow_open_bind)
    if refusal:
        print(f"provgraph: {refusal}", file=sys.stderr)
        return 2
    owned: LocalNeo4j | None = None
    supervisor: Neo4jSupervisor | None = None
    if not settings.neo4j_uri:
        neo4j = local_neo4j(settings, args)
        connection = neo4j.status()
        if connection:
            log.info("Using the local Neo4j already running (pid %s)", connection.pid)
        else:
            log.info("No NEO4J_URI given: starting the local Neo4j in %s", neo4j.data_dir)
            connection = neo4j.start()
            owned = neo4j
        settings = settings.model_copy(
            update={
                "neo4j_uri": connection.uri,
                "neo4j_user": connection.user,
                "neo4j_password": connection.password,
            }
        )
    flag = RestartFlag(owned.data_dir / "restarting") if owned and workers > 1 else None
    # Forwarded headers are read by service/links.py, from PROVGRAPH_TRUSTED_PROXIES only;
    # uvicorn's own rewriting of the client address would hide which proxy sent them.
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "log_config": uvicorn_log_config(settings.log_format),
        "proxy_headers": False,
    }
    run: Callable[[], None]
    stop: Callable[[], None]
    if workers == 1:
        from service.app import create_app

        app = create_app(settings)
        server = uvicorn.Server(uvicorn.Config(app, **options))
        run = server.run

        def stop() -> None:
            server.should_exit = True
    else:
        # Each worker builds its own app (store, driver, availability monitor) from the
        # environment; this process alone owns and supervises the local Neo4j.
        worker_environment(settings, flag)
        config = uvicorn.Config("service.app:create_app", factory=True, workers=workers, **options)
        parent = Multiprocess(config, sockets=[config.bind_socket()])
        run = parent.run
        stop = parent.should_exit.set
        log.info("Serving with %d worker processes", workers)

    if owned and connection:
        # The Neo4j we launched is kept running; when it cannot be, serve stops with the reason.
        supervisor = Neo4jSupervisor(owned, connection, on_give_up=lambda _: stop(), flag=flag)
        if workers == 1:
            app.state.supervisor = supervisor
        supervisor.start()
    try:
        run()
    except KeyboardInterrupt:
        pass  # uvicorn re-raises the Ctrl-C it already shut down on, as uvicorn.run swallows it
    finally:
        if supervisor:
            supervisor.stop()
        if owned:
            log.info(
                "Stopping the local Neo4j (pid %s)", owned.process.pid if owned.process else "?"
            )
            owned.stop()
    if supervisor and supervisor.failure:
        print(f"provgraph: {supervisor.failure}", file=sys.stderr)
        return 3
    return 0


def worker_environment(settings: Settings, flag: RestartFlag | None) -> None:
    """What the worker processes read their settings from: the environment they inherit,
    with the local Neo4j's address and credentials when serve resolved them."""
    assert settings.neo4j_uri
    os.environ["NEO4J_URI"] = settings.neo4j_uri
    os.environ["NEO4J_USER"] = settings.neo4j_user
    if settings.neo4j_password:
        os.environ["NEO4J_PASSWORD"] = settings.neo4j_password
    if flag:
        os.environ["PROVGRAPH_RESTART_FLAG"] = str(flag.path)


def neo4j_command(settings: Settings, args: argparse.Namespace) -> int:
    neo4j = local_neo4j(settings, args)
    if args.action == "start":
        print("\n".join(neo4j.start(detach=True).env_lines()))
        return 0
    if args.action == "stop":
        stopped = neo4j.stop()
        print("stopped" if stopped else "no local Neo4j is running")
        return 0
    connection = neo4j.status()
    if not connection:
        print(f"no local Neo4j is running for {neo4j.data_dir}", file=sys.stderr)
        return 1
    print("\n".join(connection.env_lines()))
    return 0


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return number


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="provgraph", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    def data_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--data-dir", help="local Neo4j data folder (default ~/.provgraph/neo4j)"
        )
        command.add_argument(
            "--bolt-port",
            type=int,
            help="pin the local Neo4j's Bolt port (0: any free one; default: 7687, or a free "
            "port when 7687 is taken; also PROVGRAPH_NEO4J_BOLT_PORT)",
        )

    serve_command = commands.add_parser("serve", help="run the API (with a local Neo4j by default)")
    serve_command.add_argument("--host", help="bind address (default 127.0.0.1)")
    serve_command.add_argument("--port", type=int, help="port (default 8000)")
    serve_command.add_argument(
        "--workers",
        type=positive,
        help="API worker processes (default: one per core; also PROVGRAPH_WORKERS)",
    )
    data_options(serve_command)

    neo4j = commands.add_parser("neo4j", help="manage the local Neo4j")
    neo4j.add_argument("action", choices=["start", "stop", "status"])
    data_options(neo4j)
    neo4j.add_argument("--no-auth", action="store_true", help="throwaway instance without auth")
    ops_cli.add_commands(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_format)
    try:
        if args.command == "serve":
            return serve(settings, args)
        if args.command in ops_cli.COMMANDS:
            return ops_cli.run(settings, args)
        return neo4j_command(settings, args)
    except (LauncherError, TokenConfigError) as error:
        print(f"provgraph: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
