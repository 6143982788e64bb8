"""Callers for tests that need more than one: two writers, a reader and an admin."""

from typing import Any

import httpx

from tests.payloads import model_run

TOKENS = {"alice": "alice-token", "bob": "bob-token", "reader": "read-token", "boss": "boss-token"}
ROLES = {"alice": "write", "bob": "write", "reader": "read", "boss": "admin"}
TOKENS_SETTING = ",".join(f"{name}:{ROLES[name]}:{token}" for name, token in TOKENS.items())


def as_user(name: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}", **headers}


def register(client: httpx.Client, user: str, body: dict[str, Any] | None = None) -> str:
    """Register a model run as `user` (the seed payload numbered 1 by default); its id."""
    response = client.post("/model_run/register", json=body or model_run(1), headers=as_user(user))
    assert response.status_code == 200, response.text
    return str(response.json()["record_info"]["id"])
