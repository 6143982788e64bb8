"""Typed dependencies, defined once: routes take `StoreDep`, `SettingsDep`."""

from typing import Annotated

from fastapi import Depends, Request

from service.settings import Settings
from service.store import Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
