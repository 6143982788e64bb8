"""One real Neo4j per test session, and the real app served over HTTP on a free port.

Neo4j comes from, in order: `NEO4J_URI` when set; a throwaway testcontainers
`neo4j:5.26-community` when a Docker engine answers; otherwise a throwaway local instance
from provgraph's own launcher (temp data folder, free port, no auth). When none can be had,
integration tests fail with the reason: they never skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from neo4j import Driver, GraphDatabase

import cypher
from service.app import create_app
from service.local_neo4j import LocalNeo4j, free_port
from service.settings import Settings
from tests.users import TOKENS_SETTING

TESTS = Path(__file__).parent
# Every `provgraph serve` a test starts runs one API process, unless the test is about workers.
os.environ["PROVGRAPH_WORKERS"] = "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in ("unit", "integration"):
            item.add_marker(getattr(pytest.mark, folder))


@dataclass
class Neo4jUnderTest:
    uri: str
    user: str
    password: str | None
    local: LocalNeo4j | None = None

    def driver(self) -> Driver:
        auth = (self.user, self.password) if self.password else None
        return GraphDatabase.driver(self.uri, auth=auth)

    def env(self) -> dict[str, str]:
        """This process's environment with this Neo4j as `provgraph serve` would be given it
        (for commands that talk to Neo4j: `--direct`, `dump`, `restore`)."""
        env = {**os.environ, "NEO4J_URI": self.uri, "NEO4J_USER": self.user}
        env.pop("NEO4J_PASSWORD", None)
        if self.password:
            env["NEO4J_PASSWORD"] = self.password
        return env


def docker_engine_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def start_local(settings: Settings) -> LocalNeo4j:
    """A throwaway local Neo4j with its own data folder and a free port."""
    return LocalNeo4j(
        Path(tempfile.mkdtemp(prefix="provgraph-test-neo4j-")),
        settings.cache_dir,
        bolt_port=0,
        auth=False,
        heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
    )


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jUnderTest]:
    settings = Settings()
    if settings.neo4j_uri:
        server = Neo4jUnderTest(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password)
        refuse_to_wipe_real_data(server)
        yield server
        return
    if docker_engine_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26-community") as container:
            yield Neo4jUnderTest(container.get_connection_url(), "neo4j", container.password)
        return
    local = start_local(settings)
    try:
        connection = local.start()
    except Exception as error:
        pytest.fail(f"No Neo4j for the integration tests: {error}", pytrace=False)
    try:
        yield Neo4jUnderTest(connection.uri, connection.user, None, local)
    finally:
        local.stop()
        shutil.rmtree(local.data_dir, ignore_errors=True)


def refuse_to_wipe_real_data(server: Neo4jUnderTest) -> None:
    """The tests delete everything in their database: never a non-empty one by surprise."""
    if os.environ.get("PROVGRAPH_TESTS_MAY_WIPE") == "1":
        return
    with server.driver() as driver:
        records, _, _ = driver.execute_query(cypher.load("admin/count_nodes"))
    if records[0]["nodes"]:
        pytest.fail(
            f"NEO4J_URI={server.uri} holds data and the tests would delete it; point NEO4J_URI at "
            "a throwaway database or set PROVGRAPH_TESTS_MAY_WIPE=1.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def db(neo4j_server: Neo4jUnderTest) -> Iterator[Driver]:
    """A driver on the test server, its schema applied as the service applies it at start,
    so plans and constraints do not depend on whether an app was started first."""
    with neo4j_server.driver() as driver:
        for name in cypher.names("schema"):
            driver.execute_query(cypher.load(name))
        driver.execute_query(cypher.load("admin/await_indexes"))
        yield driver


@pytest.fixture(scope="session")
def test_settings(neo4j_server: Neo4jUnderTest) -> Settings:
    return Settings(
        neo4j_uri=neo4j_server.uri,
        neo4j_user=neo4j_server.user,
        neo4j_password=neo4j_server.password,
    )


class ServedApp:
    """The real app under uvicorn in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServedApp:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def served_app(test_settings: Settings) -> Iterator[ServedApp]:
    with ServedApp(test_settings) as app:
        yield app


@pytest.fixture()
def client(served_app: ServedApp, clean_graph: None) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served_app.url, timeout=120) as http:
        yield http


@pytest.fixture(scope="module")
def users_app(test_settings: Settings) -> Iterator[ServedApp]:
    """The real app with the callers of tests/users.py (two writers, a reader, an admin)."""
    with ServedApp(test_settings.model_copy(update={"tokens": TOKENS_SETTING})) as app:
        yield app


@pytest.fixture()
def users(users_app: ServedApp, clean_graph: None) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=users_app.url, timeout=120) as http:
        yield http


@pytest.fixture()
def clean_graph(db: Driver) -> None:
    """Each test starts on an empty graph."""
    with db.session() as session:
        session.run(cypher.load("admin/wipe_all")).consume()
