"""Tokens and roles over HTTP on the real app (SPEC §7: 401/403), and open mode's rules."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from service.local_neo4j import free_port
from tests.conftest import Neo4jUnderTest
from tests.payloads import model_run, seed_code_run
from tests.users import TOKENS

ROOT = Path(__file__).resolve().parents[2]
# The callers of tests/users.py: alice and bob write, reader reads, boss is the admin.
READER, WRITER, OTHER_WRITER, ADMIN = (TOKENS[name] for name in ("reader", "alice", "bob", "boss"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: httpx.Client, token: str, n: int = 1) -> httpx.Response:
    return client.post("/model_run/register", json=model_run(n), headers=bearer(token))


def registered_id(client: httpx.Client, token: str, n: int = 1) -> str:
    response = register(client, token, n)
    assert response.status_code == 200, response.text
    return str(response.json()["record_info"]["id"])


def test_no_token_is_401_with_a_bearer_challenge(users: httpx.Client) -> None:
    for response in (
        users.post("/model_run/register", json=model_run(1)),
        users.get("/runs"),
        users.get("/api/code_run/"),
        users.get("/records/anything"),
    ):
        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong", f"Bearer {WRITER}x", f"Basic {WRITER}", "Bearer", f"token  {WRITER[:-1]}"],
)
def test_wrong_token_is_401(users: httpx.Client, header: str) -> None:
    response = users.post(
        "/model_run/register", json=model_run(1), headers={"Authorization": header}
    )
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert users.get("/runs", headers=bearer(ADMIN)).json()["runs"] == []


def test_read_token_reads_but_writing_is_403(users: httpx.Client) -> None:
    assert users.get("/runs", headers=bearer(READER)).status_code == 200
    response = register(users, READER)
    assert response.status_code == 403
    assert "'reader' has the read role; this needs write" in response.json()["detail"]
    code_run = users.post(
        "/api/code_run/", json=seed_code_run(), headers={"Authorization": f"token {READER}"}
    )
    assert code_run.status_code == 403
    assert users.get("/runs", headers=bearer(READER)).json()["runs"] == []


def test_write_token_registers_and_becomes_created_by(users: httpx.Client) -> None:
    run = registered_id(users, WRITER)
    stored = users.get(f"/records/{run}", headers=bearer(READER)).json()
    assert stored["created_by"] == "alice"


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "token", "Token"])
def test_both_header_schemes_are_accepted(users: httpx.Client, scheme: str) -> None:
    auth = {"Authorization": f"{scheme} {WRITER}"}
    assert users.post("/model_run/register", json=model_run(1), headers=auth).status_code == 200
    response = users.post("/api/code_run/", json=seed_code_run(), headers=auth)
    assert response.status_code == 201, response.text
    assert response.json()["updated_by"].endswith("/api/users/alice/")


def test_health_and_docs_stay_open_and_say_tokens(users: httpx.Client) -> None:
    for path in ("/", "/docs", "/redoc", "/openapi.json"):
        assert users.get(path).status_code == 200, path
    # Without a token, only the status: no Neo4j address, version or auth mode.
    health = users.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    for token in (READER, ADMIN):
        detailed = users.get("/health", headers=bearer(token)).json()
        assert detailed["auth"] == "tokens" and detailed["neo4j"]["reachable"] is True
    assert users.get("/health", headers=bearer("wrong")).json() == {"status": "ok"}


def test_changing_another_callers_record_needs_admin(users: httpx.Client) -> None:
    run = registered_id(users, WRITER)
    update = {"model_run_id": run, "reason": "fix", "record": model_run(1, description="v2")}
    delete = {"record_id": run, "trial_mode": False}

    refused = users.post("/model_run/update", json=update, headers=bearer(OTHER_WRITER))
    assert refused.status_code == 403
    assert "created by 'alice'" in refused.json()["detail"]
    refused = users.post("/model_run/delete", json=delete, headers=bearer(OTHER_WRITER))
    assert refused.status_code == 403

    updated = users.post("/model_run/update", json=update, headers=bearer(WRITER))
    assert updated.status_code == 200, updated.text
    assert users.post("/model_run/delete", json=delete, headers=bearer(ADMIN)).status_code == 200
    assert users.get(f"/records/{run}", headers=bearer(READER)).status_code == 404


def test_writers_delete_their_own_records(users: httpx.Client) -> None:
    run = registered_id(users, WRITER)
    delete = {"record_id": run, "trial_mode": False}
    assert users.post("/model_run/delete", json=delete, headers=bearer(WRITER)).status_code == 200


def test_fairdp_patch_and_delete_follow_the_same_rule(users: httpx.Client) -> None:
    auth = {"Authorization": f"token {WRITER}"}
    created = users.post("/api/code_run/", json=seed_code_run(), headers=auth).json()
    path = created["url"].removeprefix(str(users.base_url).rstrip("/"))
    other = {"Authorization": f"token {OTHER_WRITER}"}
    assert users.patch(path, json={"description": "x"}, headers=other).status_code == 403
    assert users.delete(path, headers=other).status_code == 403
    assert users.patch(path, json={"description": "x"}, headers=auth).status_code == 200
    assert users.delete(path, headers=auth).status_code == 204


def test_open_mode_calls_everyone_anonymous(client: httpx.Client) -> None:
    assert client.get("/health").json()["auth"] == "open"
    # Provena's clients always send a token; in open mode it is not looked at.
    response = client.post("/model_run/register", json=model_run(1), headers=bearer("any"))
    run = response.json()["record_info"]["id"]
    assert client.get(f"/records/{run}").json()["created_by"] == "anonymous"


def serve_command(
    neo4j_server: Neo4jUnderTest, host: str, port: int
) -> tuple[list[str], dict[str, str]]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PROVGRAPH_TOKENS") and key != "PROVGRAPH_ALLOW_OPEN_BIND"
    }
    env |= {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user}
    if neo4j_server.password:
        env["NEO4J_PASSWORD"] = neo4j_server.password
    command = [sys.executable, "-m", "service.cli", "serve", "--host", host, "--port", str(port)]
    return command, env


def test_serve_without_tokens_refuses_a_public_address(neo4j_server: Neo4jUnderTest) -> None:
    command, env = serve_command(neo4j_server, "0.0.0.0", free_port())
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "refusing to listen on 0.0.0.0 without tokens" in done.stderr


def test_serve_without_tokens_on_loopback_starts_and_says_open(
    neo4j_server: Neo4jUnderTest,
) -> None:
    port = free_port()
    command, env = serve_command(neo4j_server, "127.0.0.1", port)
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None and health.json()["auth"] == "open"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "open mode" in output
