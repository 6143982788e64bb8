"""Tokens, roles and the open-mode bind rule, without a database (service/auth.py)."""

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from service import auth
from service.app import create_app
from service.auth import Caller, Role, TokenConfigError, load_tokens, open_bind_refusal, parse_token
from service.errors import Forbidden
from service.records import repository
from service.records.repository import StoredRecord
from service.settings import Settings

# What anyone may call: health, metrics (counts, no graph data) and the API's documentation.
# The explorer page (`/ui`) holds no data: its calls to the API carry the token.
OPEN_PATHS = {"/", "/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/ui", "/metrics"}


def settings(**fields: Any) -> Settings:
    # Settings' fields are read by their environment names; model_copy sets them by name.
    return Settings().model_copy(update={"tokens": None, "tokens_file": None, **fields})


def test_token_entry_gives_name_role_and_only_a_digest() -> None:
    token = parse_token(" alice : Write : s3cr:et ", "test")
    assert (token.name, token.role) == ("alice", Role.write)
    assert token.digest == hashlib.sha256(b"s3cr:et").digest()


def test_hashed_token_entry_matches_the_plain_token() -> None:
    digest = hashlib.sha256(b"plain-token").hexdigest()
    table = load_tokens(settings(tokens=f"ci:read:sha256:{digest}"))
    found = table.find("plain-token")
    assert found is not None and found.name == "ci"
    assert table.find(f"sha256:{digest}") is None


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ("alice:write", "expected name:role:token"),
        ("alice::token", "expected name:role:token"),
        ("alice:owner:token", "'owner' for 'alice' is not one of read, write, admin"),
        ("alice:read:sha256:abc", "not 64 hex digits"),
    ],
)
def test_bad_token_entries_are_refused_with_the_reason(entry: str, complaint: str) -> None:
    with pytest.raises(TokenConfigError, match="PROVGRAPH_TOKENS entry 2") as error:
        load_tokens(settings(tokens=f"ok:read:fine,{entry}"))
    assert complaint in str(error.value)


def test_one_token_for_two_callers_is_refused() -> None:
    with pytest.raises(TokenConfigError, match="more than one caller"):
        load_tokens(settings(tokens="a:read:same,b:admin:same"))


def test_tokens_file_skips_comments_and_adds_to_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    digest = hashlib.sha256(b"bob-token").hexdigest()
    path.write_text(f"# who may call\n\nbob:admin:sha256:{digest}\n  # indented comment\n")
    table = load_tokens(settings(tokens="alice:read:alice-token", tokens_file=path))
    assert [(t.name, t.role) for t in table.tokens] == [("alice", Role.read), ("bob", Role.admin)]
    assert table.mode == "tokens"
    path.write_text("bob:boss:x\n")
    with pytest.raises(TokenConfigError, match=r"tokens line 1"):
        load_tokens(settings(tokens_file=path))


def test_missing_tokens_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TokenConfigError, match="PROVGRAPH_TOKENS_FILE"):
        load_tokens(settings(tokens_file=tmp_path / "absent"))


def test_no_tokens_is_open_mode() -> None:
    assert load_tokens(settings()).mode == "open"
    assert load_tokens(settings(tokens=" , ")).mode == "open"


def test_wrong_or_partial_token_finds_nobody() -> None:
    table = load_tokens(settings(tokens="alice:read:alice-token"))
    assert table.find("alice-token") is not None
    for guess in ("", "alice-toke", "alice-token ", "ALICE-TOKEN"):
        assert table.find(guess) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_open_mode_may_listen_on_loopback(host: str) -> None:
    assert open_bind_refusal(host, load_tokens(settings())) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "api.example.org"])
def test_open_mode_refuses_any_other_address(host: str) -> None:
    refusal = open_bind_refusal(host, load_tokens(settings()))
    assert refusal is not None and host in refusal and "PROVGRAPH_TOKENS" in refusal
    assert open_bind_refusal(host, load_tokens(settings()), allow_open_bind=True) is None
    assert open_bind_refusal(host, load_tokens(settings(tokens="a:read:t"))) is None


def test_roles_are_ordered() -> None:
    assert Role.read < Role.write < Role.admin


def test_only_the_creator_or_an_admin_may_change_a_record() -> None:
    stored = StoredRecord("r1", "model_run", "{}", "", created_at=0.0, created_by="alice")
    repository.ensure_may_change(Caller("alice", Role.write), stored)
    repository.ensure_may_change(Caller("boss", Role.admin), stored)
    with pytest.raises(Forbidden, match="created by 'alice'"):
        repository.ensure_may_change(Caller("bob", Role.write), stored)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def test_every_data_route_needs_a_token_and_every_write_a_writer() -> None:
    """Also catches a router added later without `dependencies=READ_ACCESS`."""
    app = create_app(settings())
    # FastAPI resolves included routers lazily; this walks them as requests see them.
    routes = [route for route in iter_route_contexts(app.routes) if hasattr(route, "dependant")]
    assert len(routes) > 10
    for route in routes:
        calls = set(_calls(route.dependant))
        if route.path in OPEN_PATHS:
            assert auth.authenticate not in calls, route.path
            continue
        assert auth.require_read in calls, (
            f"{route.path} is open: include its router with READ_ACCESS"
        )
        if (route.methods or set()) - {"GET", "HEAD", "OPTIONS"}:
            needs = {auth.require_write, auth.require_admin} & calls
            assert needs, f"{route.methods} {route.path} changes data with only a read token"


def test_openapi_declares_both_header_forms() -> None:
    document = create_app(settings()).openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["HTTPBearer"]["description"],
    }
    assert (
        schemes["TokenAuth"]["in"] == "header" and schemes["TokenAuth"]["name"] == "Authorization"
    )
    register = document["paths"]["/model_run/register"]["post"]
    assert {"HTTPBearer": []} in register["security"] and {"TokenAuth": []} in register["security"]
    assert "security" not in document["paths"]["/health"]["get"]
