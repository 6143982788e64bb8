import logging
import socket
from pathlib import Path

import pytest

from service.local_neo4j import (
    DEFAULT_BOLT_PORT,
    LauncherError,
    LocalNeo4j,
    java_executable,
    port_is_free,
    resolve_jars,
)


def test_missing_java_names_what_to_install_and_the_alternatives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(LauncherError) as error:
        java_executable()
    message = str(error.value)
    assert "Java 17" in message and "NEO4J_URI" in message and "docker compose up" in message


def test_missing_maven_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(LauncherError) as error:
        resolve_jars(tmp_path)
    assert "mvn" in str(error.value) and "NEO4J_URI" in str(error.value)


def test_cached_jars_need_no_maven(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lib = tmp_path / "neo4j-5.26.30" / "lib"
    lib.mkdir(parents=True)
    (lib / ".complete").write_text("5.26.30\n")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert resolve_jars(tmp_path) == lib


def test_config_is_loopback_only_with_modest_memory(tmp_path: Path) -> None:
    neo4j = LocalNeo4j(tmp_path, tmp_path / "cache", heap="256m", pagecache="64m")
    neo4j._write_config(7999)
    conf = dict(
        line.split("=", 1)
        for line in (tmp_path / "conf" / "neo4j.conf").read_text().splitlines()
        if "=" in line
    )
    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == "127.0.0.1:7999"
    assert conf["server.http.enabled"] == "false"
    assert conf["dbms.security.auth_enabled"] == "true"
    assert conf["server.memory.pagecache.size"] == "64m"
    # Transactions fail with Neo4j's memory-pool error before they exhaust the heap.
    assert conf["dbms.memory.transaction.total.max"] == "128m"
    assert conf["db.memory.transaction.max"] == "102m"


def test_status_is_none_without_a_running_instance(tmp_path: Path) -> None:
    assert LocalNeo4j(tmp_path, tmp_path).status() is None


def test_transactions_may_use_half_the_heap() -> None:
    from service.local_neo4j import half_of

    assert (half_of("512m"), half_of("2g"), half_of("64m")) == ("256m", "1024m", "64m")


def test_a_pinned_busy_port_fails_before_any_download(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # a download would fail on the missing mvn
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LauncherError) as error:
            LocalNeo4j(tmp_path, tmp_path / "cache", bolt_port=port).start()
    assert f"Bolt port {port} is taken" in str(error.value)
    assert "PROVGRAPH_NEO4J_BOLT_PORT" in str(error.value)
    assert not (tmp_path / "cache").exists()


def test_an_unpinned_port_moves_off_a_busy_7687(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            busy.bind(("127.0.0.1", DEFAULT_BOLT_PORT))
            busy.listen()
        except OSError:
            pass  # something else already listens there: busy all the same
        with caplog.at_level(logging.INFO, logger="provgraph"):
            port = LocalNeo4j(Path("unused"), Path("unused")).choose_port()
    assert port != DEFAULT_BOLT_PORT and port_is_free(port)
    assert f"listens on 127.0.0.1:{port} instead" in caplog.text


def test_the_pin_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.settings import Settings

    monkeypatch.setenv("PROVGRAPH_NEO4J_BOLT_PORT", "7711")
    assert Settings().neo4j_bolt_port == 7711
