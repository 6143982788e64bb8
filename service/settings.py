"""One settings object, read from the environment once and passed in."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

NEO4J_VERSION = "5.26.30"


def default_home() -> Path:
    return Path.home() / ".provgraph"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    # An existing Neo4j; when unset, `provgraph serve` starts its own local one.
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"

    host: str = Field(default="127.0.0.1", validation_alias="PROVGRAPH_HOST")
    port: int = Field(default=8000, validation_alias="PROVGRAPH_PORT")
    # API worker processes of `provgraph serve`; unset: one per core.
    workers: int | None = Field(default=None, ge=1, validation_alias="PROVGRAPH_WORKERS")
    # Set by `provgraph serve` for its workers, not by people: the file that exists while
    # serve's parent process restarts the local Neo4j (service/supervision.py).
    restart_flag: Path | None = Field(default=None, validation_alias="PROVGRAPH_RESTART_FLAG")
    home: Path = Field(default_factory=default_home, validation_alias="PROVGRAPH_HOME")

    # Ids the service mints become IRIs under this base; Provena handles under the handle base.
    base_url: str = Field(
        default="https://example.org/provgraph/", validation_alias="PROVGRAPH_BASE_URL"
    )
    handle_base_url: str = Field(
        default="https://hdl.handle.net/", validation_alias="PROVGRAPH_HANDLE_BASE_URL"
    )

    # Local Neo4j sizing: modest, for a small shared machine.
    neo4j_heap: str = Field(default="512m", validation_alias="PROVGRAPH_NEO4J_HEAP")
    neo4j_pagecache: str = Field(default="256m", validation_alias="PROVGRAPH_NEO4J_PAGECACHE")
    # Unset: 7687, or a free loopback port when 7687 is taken; 0: any free port; else pinned.
    neo4j_bolt_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias="PROVGRAPH_NEO4J_BOLT_PORT"
    )

    # Limits.
    query_timeout_s: float = Field(default=30.0, validation_alias="PROVGRAPH_QUERY_TIMEOUT")
    write_timeout_s: float = Field(default=300.0, validation_alias="PROVGRAPH_WRITE_TIMEOUT")
    unavailable_after_s: float = Field(default=2.0, validation_alias="PROVGRAPH_UNAVAILABLE_AFTER")
    max_body_bytes: int = Field(default=32 * 1024 * 1024, validation_alias="PROVGRAPH_MAX_BODY")
    max_batch: int = Field(default=20_000, validation_alias="PROVGRAPH_MAX_BATCH")
    # PROV records (nodes + relations) of one imported document; README says how measured.
    max_records: int = Field(default=30_000, validation_alias="PROVGRAPH_MAX_RECORDS")
    max_depth: int = Field(default=100, validation_alias="PROVGRAPH_MAX_DEPTH")
    node_limit: int = Field(default=10_000, validation_alias="PROVGRAPH_NODE_LIMIT")

    # Links in answers (service/links.py): this base when set; else the request's own host,
    # only from these addresses (comma-separated, CIDR allowed).
    public_url: str | None = Field(default=None, validation_alias="PROVGRAPH_PUBLIC_URL")
    trusted_proxies: str = Field(
        default="127.0.0.1,::1", validation_alias="PROVGRAPH_TRUSTED_PROXIES"
    )

    # Callers (service/auth.py): `name:role:token` entries. None of either: open mode.
    tokens: str | None = Field(default=None, validation_alias="PROVGRAPH_TOKENS")
    tokens_file: Path | None = Field(default=None, validation_alias="PROVGRAPH_TOKENS_FILE")
    # Reads without a token (as `anonymous`) while writes still need one, as the FAIR-DP
    # registry allows (its clients send the token only on writes).
    anonymous_read: bool = Field(default=False, validation_alias="PROVGRAPH_ANONYMOUS_READ")
    # Open mode on a non-loopback address, for a container published on loopback only.
    allow_open_bind: bool = Field(default=False, validation_alias="PROVGRAPH_ALLOW_OPEN_BIND")
    # `json`: one JSON object per log line, with the request id (service/ops/logs.py).
    log_format: Literal["text", "json"] = Field(
        default="text", validation_alias="PROVGRAPH_LOG_FORMAT"
    )

    @property
    def data_dir(self) -> Path:
        return self.home / "neo4j"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"
