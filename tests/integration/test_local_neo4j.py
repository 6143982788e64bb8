"""The launcher on a real Neo4j: auth with a generated password, status, restart keeps data."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from neo4j import GraphDatabase

from service.local_neo4j import DEFAULT_BOLT_PORT, LocalNeo4j, free_port
from service.settings import Settings
from tests.conftest import ServedApp
from tests.faults import bolt_port, restart, wait_for_status


def test_start_status_stop_and_restart_keep_data(tmp_path: Path) -> None:
    settings = Settings()
    neo4j = LocalNeo4j(tmp_path / "data", settings.cache_dir, bolt_port=0, auth=True)
    connection = neo4j.start(detach=True)
    try:
        assert neo4j.status() == connection
        lines = connection.env_lines()
        assert [line.split("=")[0] for line in lines] == [
            "NEO4J_URI",
            "NEO4J_USER",
            "NEO4J_PASSWORD",
            "NEO4J_PID",
        ]
        assert connection.password and len(connection.password) >= 16
        assert connection.password is not None
        with GraphDatabase.driver(connection.uri, auth=("neo4j", connection.password)) as driver:
            driver.execute_query("CREATE (:Kept {id: 'survives restart'})")
    finally:
        assert neo4j.stop()
    assert neo4j.status() is None

    again = LocalNeo4j(tmp_path / "data", settings.cache_dir, bolt_port=0, auth=True)
    connection = again.start()
    try:
        assert connection.password is not None
        with GraphDatabase.driver(connection.uri, auth=("neo4j", connection.password)) as driver:
            records, _, _ = driver.execute_query("MATCH (k:Kept) RETURN k.id AS id")
        assert [r["id"] for r in records] == ["survives restart"]
    finally:
        again.stop()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_frozen_or_killed_neo4j_gives_503_then_recovers(tmp_path: Path) -> None:
    settings = Settings()
    neo4j = LocalNeo4j(tmp_path / "data", settings.cache_dir, bolt_port=0, auth=False)
    connection = neo4j.start()
    app_settings = Settings(neo4j_uri=connection.uri)
    try:
        with ServedApp(app_settings) as app:
            health = f"{app.url}/health"
            assert httpx.get(health).status_code == 200

            os.kill(connection.pid, signal.SIGSTOP)
            try:
                started = time.monotonic()
                response = httpx.get(health, timeout=10)
                # The monitor notices within its ping bound; a request answers 503 by then.
                assert wait_for_status(health, 503, 3.0) + (time.monotonic() - started) < 6
                assert response.status_code in (200, 503)
            finally:
                os.kill(connection.pid, signal.SIGCONT)
            wait_for_status(health, 200, 10.0)

            os.kill(connection.pid, signal.SIGKILL)
            wait_for_status(health, 503, 3.0)
            neo4j = restart(neo4j, bolt_port(connection.uri))
            wait_for_status(health, 200, 15.0)
    finally:
        neo4j.stop()


def test_serve_moves_off_a_busy_7687_and_says_where(tmp_path: Path) -> None:
    """`make serve` on a laptop where another Neo4j (here: any listener) holds 7687."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "cache").symlink_to(Settings().cache_dir)  # the jars, not the data
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PROVGRAPH_"))}
    env["PROVGRAPH_HOME"] = str(home)
    port = free_port()
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            squatter.bind(("127.0.0.1", DEFAULT_BOLT_PORT))
            squatter.listen()
        except OSError:
            pass  # something already listens on 7687: the case under test all the same
        log = (tmp_path / "serve.log").open("w")
        serve = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_status(f"http://127.0.0.1:{port}/health", 200, 240.0)
            status = subprocess.run(
                [sys.executable, "-m", "service.cli", "neo4j", "status"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            serve.send_signal(signal.SIGINT)
            serve.wait(timeout=90)
            log.close()
    output = (tmp_path / "serve.log").read_text()
    [uri] = [line.split("=", 1)[1] for line in status.splitlines() if line.startswith("NEO4J_URI=")]
    chosen = bolt_port(uri)
    assert chosen != DEFAULT_BOLT_PORT
    assert f"listens on 127.0.0.1:{chosen} instead" in output, output
    assert serve.returncode == 0, output
