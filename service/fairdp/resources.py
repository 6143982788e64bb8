"""The FAIR-DP registry resources provgraph serves: their writable fields (request bodies),
links, unique constraints, and their answers in the registry's shape. Pure, no database.

Field names, defaults and unique constraints follow the registry's Django models; a link
is sent and answered as the URL of another resource and stored as that resource's key.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, create_model

from graph_model import no_control_characters, utc
from service.fairdp import refs
from service.records.repository import StoredRecord

Name = Annotated[str, Field(min_length=1, max_length=1024)]
Text = Annotated[str, Field(max_length=1024 * 1024)]
Link = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(no_control_characters)]
Path = Annotated[str, Field(min_length=1, max_length=8 * 1024)]


class AuthorIn(BaseModel):
    name: Name
    identifier: Link | None = None
    uuid: UUID | None = None


class UserAuthorIn(BaseModel):
    user: Link
    author: Link


class StorageRootIn(BaseModel):
    root: Link
    local: bool = False


class StorageLocationIn(BaseModel):
    path: Path
    hash: Name
    public: bool = True
    storage_root: Link


class FileTypeIn(BaseModel):
    name: Name
    extension: Name


class ObjectIn(BaseModel):
    description: Text | None = None
    storage_location: Link | None = None
    authors: list[Link] = []
    file_type: Link | None = None
    uuid: UUID | None = None


class ObjectComponentIn(BaseModel):
    object: Link
    name: Name
    description: Text | None = None
    whole_object: bool = False


class NamespaceIn(BaseModel):
    name: Name
    full_name: Name | None = None
    website: Link | None = None


class DataProductIn(BaseModel):
    name: Name
    version: Name
    object: Link
    namespace: Link


class IssueIn(BaseModel):
    severity: int = Field(default=1, ge=0, le=32767)
    description: Annotated[str, Field(min_length=1, max_length=1024 * 1024)]
    object_issues: list[Link] = []
    component_issues: list[Link] = []
    uuid: UUID | None = None


def patch_model(body: type[BaseModel]) -> type[BaseModel]:
    """The PATCH body of a resource: every writable field optional (but not null where the
    field may not be null), the given ones replace the stored ones."""
    fields: dict[str, Any] = {
        name: (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation,
            None,
        )
        for name, info in body.model_fields.items()
    }
    model: type[BaseModel] = create_model(f"{body.__name__.removesuffix('In')}Patch", **fields)
    return model


def view_model(resource: Resource) -> type[BaseModel]:
    """The answer's shape for a resource (`view`): read-only fields, the writable ones with
    links as URLs, and the links that point here from other resources."""
    fields: dict[str, Any] = {
        "url": (str, ...),
        "last_updated": (str, ...),
        "updated_by": (str, ...),
    }
    for name, info in resource.body.model_fields.items():
        if name in resource.links:
            fields[name] = (list[str] if resource.is_list(name) else str | None, ...)
        elif name == "uuid":
            fields[name] = (str | None, ...)  # stored as text, answered as sent
        else:
            fields[name] = (info.annotation, ...)
    for name, (_, _, many) in resource.reverse.items():
        fields[name] = (list[str] if many else str | None, ...)
    model: type[BaseModel] = create_model(
        f"{resource.body.__name__.removesuffix('In')}View", **fields
    )
    return model


@dataclass(frozen=True)
class Resource:
    name: str  # the path segment under /api/
    body: type[BaseModel]
    links: dict[str, str] = field(default_factory=dict)  # field -> the resource it names
    unique: tuple[str, ...] = ()  # the registry's unique constraint, as field names
    # answer field -> (the resource linking here, its link field, whether many may):
    # an object's components, its data product
    reverse: dict[str, tuple[str, str, bool]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return f"fairdp_{self.name}"

    def is_list(self, name: str) -> bool:
        return isinstance(self.body.model_fields[name].get_default(), list)

    def is_bool(self, name: str) -> bool:
        return self.body.model_fields[name].annotation is bool

    def is_int(self, name: str) -> bool:
        return self.body.model_fields[name].annotation is int


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource("author", AuthorIn),
        Resource("user_author", UserAuthorIn, {"user": "users", "author": "author"}, ("user",)),
        Resource("storage_root", StorageRootIn, unique=("root",)),
        Resource(
            "storage_location",
            StorageLocationIn,
            {"storage_root": "storage_root"},
            ("storage_root", "hash", "public"),
        ),
        Resource("file_type", FileTypeIn, unique=("name", "extension")),
        Resource(
            "object",
            ObjectIn,
            {"storage_location": "storage_location", "authors": "author", "file_type": "file_type"},
            reverse={
                "components": ("object_component", "object", True),
                "data_product": ("data_product", "object", False),
            },
        ),
        Resource("object_component", ObjectComponentIn, {"object": "object"}, ("object", "name")),
        Resource("namespace", NamespaceIn, unique=("name",)),
        Resource(
            "data_product",
            DataProductIn,
            {"object": "object", "namespace": "namespace"},
            ("namespace", "name", "version"),
        ),
        Resource(
            "issue",
            IssueIn,
            {"object_issues": "object", "component_issues": "object_component"},
        ),
    )
}
# Every resource of `GET /api/`, in the registry's order of use; users and code runs are
# served by their own routes.
ROOT_LISTING = ("users", *RESOURCES, "code_run")


def link_key(resource: str, value: str) -> int | str:
    """The stored key of a linked resource: an integer id, a user's name."""
    return value if resource == refs.USERS else int(value)


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def last_updated(stored: StoredRecord) -> str:
    return iso(utc(stored.registered_at))


def updated_by(root: str, stored: StoredRecord) -> str:
    name = stored.registered_by
    return refs.url(root, refs.node_id(refs.USERS, name))


def view(
    root: str, resource: Resource, stored: StoredRecord, reverse: dict[str, list[str]]
) -> dict[str, Any]:
    """A stored resource in the registry's shape; links as URLs on `root`."""
    body = json.loads(stored.body)
    answer: dict[str, Any] = {
        "url": refs.url(root, stored.id),
        "last_updated": last_updated(stored),
        "updated_by": updated_by(root, stored),
    }
    for name in resource.body.model_fields:
        value = body.get(name)
        if name in resource.links:
            value = [refs.url(root, v) for v in value] if isinstance(value, list) else value
            value = refs.url(root, value) if isinstance(value, str) else value
        answer[name] = value
    for name, (_, _, many) in resource.reverse.items():
        found = [refs.url(root, node) for node in reverse.get(name, [])]
        answer[name] = found if many else (found[0] if found else None)
    return answer
