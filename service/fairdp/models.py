"""FAIR-DP code run bodies (the writable fields of the registry's CodeRun) and the
registry's answers: a code run, a page of a list, a user, an RO-Crate."""

import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field

from service.validation import MAX_REF, reference, utc_in_range

Ref = Annotated[str, Field(min_length=1, max_length=MAX_REF), AfterValidator(reference)]


def aware(value: datetime.datetime) -> datetime.datetime:
    """A run date without a zone is UTC, as the registry reads it."""
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


RunDate = Annotated[datetime.datetime, AfterValidator(aware), AfterValidator(utc_in_range)]


class CodeRunIn(BaseModel):
    """What a client POSTs. References are the URLs (or ids) of the registry's objects."""

    run_date: RunDate
    description: str | None = Field(default=None, max_length=1024)
    code_repo: Ref | None = None
    model_config_ref: Ref | None = Field(default=None, alias="model_config")
    submission_script: Ref
    inputs: list[Ref] = []
    outputs: list[Ref] = []
    uuid: UUID | None = None

    model_config = {"populate_by_name": True}


class CodeRunPatch(BaseModel):
    """A PATCH: the fields given replace the stored ones (lists too, as the registry does)."""

    run_date: RunDate | None = None
    description: str | None = Field(default=None, max_length=1024)
    code_repo: Ref | None = None
    model_config_ref: Ref | None = Field(default=None, alias="model_config")
    submission_script: Ref | None = None
    inputs: list[Ref] | None = None
    outputs: list[Ref] | None = None

    model_config = {"populate_by_name": True}


class CodeRunView(BaseModel):
    """A code run as the registry answers it; references are URLs (this server's objects
    and components under its public base), read-only fields included."""

    url: str
    ro_crate: str
    uuid: str
    last_updated: str
    run_date: str
    description: str | None
    updated_by: str
    code_repo: str | None
    model_config_ref: str | None = Field(alias="model_config")
    submission_script: str | None
    inputs: list[str]
    outputs: list[str]

    model_config = {"populate_by_name": True}


Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """A list as the registry answers it: `count` of every match, the `next` page's URL."""

    count: int
    next: str | None
    previous: str | None
    results: list[Item]


class UserView(BaseModel):
    url: str
    username: str


class RoCrateMetadata(BaseModel):
    """An RO-Crate's `ro-crate-metadata.json` (JSON-LD)."""

    context: Any = Field(alias="@context")
    graph: list[dict[str, Any]] = Field(alias="@graph")
