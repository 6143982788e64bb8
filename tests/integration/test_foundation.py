"""The app on a real Neo4j: health, docs, schema, every named statement, body limit."""

import re
from urllib.parse import urlsplit

import httpx
import pytest
from neo4j import Driver

import cypher

# Statements that EXPLAIN cannot take: schema commands are applied (twice) instead, and the
# password change needs a fresh auth-enabled server (covered by the launcher lifecycle test).
NOT_EXPLAINABLE = ("schema/", "admin/set_initial_password", "admin/wipe_all")


def test_root_answers_provena_health_shape(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert set(response.json()) == {"message"}


def test_health_reports_neo4j_526_and_schema(client: httpx.Client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["neo4j"]["reachable"] is True
    assert body["neo4j"]["version"].startswith("5.26.")
    assert body["schema_applied"] is True


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_api_docs_are_served(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_load_every_asset_from_the_app_itself(client: httpx.Client, path: str) -> None:
    """Air-gapped machines: every script, stylesheet and icon the page names is served by
    provgraph, none comes from another host."""
    html = client.get(path).text
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assets += re.findall(r"""(?:url|spec-url)\s*[:=]\s*["']([^"']+)["']""", html)
    assert any(asset.endswith(".js") for asset in assets), html
    for asset in assets:
        parts = urlsplit(asset)
        assert not parts.scheme and not parts.netloc, f"{path} loads {asset} from elsewhere"
        assert client.get(asset).status_code == 200, asset


def test_schema_applies_idempotently(db: Driver) -> None:
    for _ in range(2):
        for name in cypher.names("schema"):
            db.execute_query(cypher.load(name))
    records, _, _ = db.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert "node_id_unique" in records[0]["names"]


@pytest.mark.parametrize("name", [n for n in cypher.names() if not n.startswith(NOT_EXPLAINABLE)])
def test_every_named_statement_compiles(db: Driver, name: str) -> None:
    db.execute_query("EXPLAIN " + cypher.load(name))


def test_oversize_body_gets_413(client: httpx.Client) -> None:
    too_big = b"x" * (33 * 1024 * 1024)
    response = client.post("/model_run/register", content=too_big)
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
