"""Typed dependencies, defined once: routes take `StoreDep`, `SettingsDep`."""

from typing import Annotated

from fastapi import Depends, Header, Request

from service.settings import Settings
from service.store import Store
from service.validation import MAX_IDEMPOTENCY_KEY


async def get_store(request: Request) -> Store:
    # `async def`, as every dependency that only reads the app's state: FastAPI runs a
    # plain `def` dependency in its thread pool, a thread hop per request.
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

# Visible ASCII, as HTTP header values travel safely; a UUID fits many times over.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_IDEMPOTENCY_KEY,
        pattern=r"^[!-~]+$",
        description=f"1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters, per caller",
    ),
]
