"""Callers for tests that need more than one: two writers, a reader and an admin."""

from typing import Any

import httpx

from tests import calls

TOKENS = {"alice": "alice-token", "bob": "bob-token", "reader": "read-token", "boss": "boss-token"}
ROLES = {"alice": "write", "bob": "write", "reader": "read", "boss": "admin"}
TOKENS_SETTING = ",".join(f"{name}:{ROLES[name]}:{token}" for name, token in TOKENS.items())


def as_user(name: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}", **headers}


def register(client: httpx.Client, user: str, body: dict[str, Any] | None = None) -> str:
    """Register a model run as `user` (the seed payload numbered 1 by default); its id."""
    return calls.register(client, body, **as_user(user))
