from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_pins_neo4j_526_with_health_check_and_volume() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "healthcheck" in neo4j
    assert "neo4j-data" in compose["volumes"]
    api = compose["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert api["build"] == "." and (ROOT / "Dockerfile").exists()


def test_compose_runs_api_replicas_on_their_own_ports() -> None:
    api = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["api"]
    assert api["deploy"]["replicas"] == "${PROVGRAPH_API_REPLICAS:-1}"
    # A port range, so every replica gets a host port of its own (a fixed one would clash).
    assert api["ports"] == ["127.0.0.1:8000-8009:8000"]
    assert "PROVGRAPH_PUBLIC_URL" in api["environment"]
