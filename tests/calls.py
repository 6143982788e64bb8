"""Requests many tests send: registering a model run and getting its id."""

from typing import Any

import httpx

from tests.payloads import model_run


def register(client: httpx.Client, body: dict[str, Any] | None = None, **headers: str) -> str:
    """Register a model run (the seed payload numbered 1 by default); its id."""
    response = client.post("/model_run/register", json=body or model_run(1), headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["record_info"]["id"])
