from pathlib import Path

import pytest

from service.local_neo4j import LauncherError, LocalNeo4j, java_executable, resolve_jars


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
