"""The answer of `GET /runs`."""

import datetime

from pydantic import BaseModel


class Run(BaseModel):
    id: str
    kind: str
    dialect: str
    label: str | None
    start_time: datetime.datetime | None
    end_time: datetime.datetime | None
    record: str


class RunPage(BaseModel):
    runs: list[Run]
    next_cursor: str | None
