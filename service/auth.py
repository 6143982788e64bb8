"""Who is calling, and may they do this.

Callers present `Authorization: Bearer <token>` (Provena's clients) or
`Authorization: token <key>` (FAIR-DP's). Tokens come from `PROVGRAPH_TOKENS`
(`name:role:token,...`) or `PROVGRAPH_TOKENS_FILE` (one `name:role:token` a line, `#`
comments; the token may be given as `sha256:<hex>` so the file holds no secret). Roles are
ordered read < write < admin: reads need `read`, registering and updating need `write`,
deleting needs `write` for one's own record and `admin` for anyone else's, and
whole-graph operations need `admin`. The caller's name becomes the record's `created_by`.

With no tokens configured the service runs open: every caller is `anonymous` with admin
rights, and `provgraph serve` refuses to listen anywhere but loopback.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import ipaddress
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBearer

from service.errors import Forbidden, Unauthorized
from service.settings import Settings

log = logging.getLogger("provgraph.auth")

ANONYMOUS = "anonymous"
HASHED = "sha256:"


class Role(enum.IntEnum):
    read = 1
    write = 2
    admin = 3


class TokenConfigError(ValueError):
    """A token line that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role


@dataclass(frozen=True)
class Token:
    name: str
    role: Role
    digest: bytes  # sha256 of the token: the plain token is not kept in memory


def parse_token(entry: str, where: str) -> Token:
    """One `name:role:token` entry; the token itself may contain ':' (`sha256:<hex>`)."""
    parts = entry.strip().split(":", 2)
    if len(parts) != 3 or not all(part.strip() for part in parts):
        raise TokenConfigError(f"{where}: expected name:role:token, got {len(parts)} part(s)")
    name, role_name, secret = (part.strip() for part in parts)
    try:
        role = Role[role_name.lower()]
    except KeyError:
        raise TokenConfigError(
            f"{where}: role {role_name!r} for {name!r} is not one of read, write, admin"
        ) from None
    if secret.startswith(HASHED):
        hex_digest = secret[len(HASHED) :]
        try:
            digest = bytes.fromhex(hex_digest)
        except ValueError:
            digest = b""
        if len(digest) != hashlib.sha256().digest_size:
            raise TokenConfigError(
                f"{where}: the token of {name!r} starts with 'sha256:' but is not 64 hex digits"
            )
    else:
        digest = hashlib.sha256(secret.encode()).digest()
    return Token(name, role, digest)


@dataclass(frozen=True)
class TokenTable:
    tokens: tuple[Token, ...]

    @property
    def open(self) -> bool:
        return not self.tokens

    @property
    def mode(self) -> str:
        return "open" if self.open else "tokens"

    def find(self, presented: str) -> Token | None:
        """The token's entry, comparing every digest in constant time: how long this takes
        says nothing about which configured token, or how much of one, was guessed."""
        digest = hashlib.sha256(presented.encode()).digest()
        found = None
        for token in self.tokens:
            if hmac.compare_digest(digest, token.digest):
                found = token
        return found


def load_tokens(settings: Settings) -> TokenTable:
    tokens: list[Token] = []
    if settings.tokens:
        for number, entry in enumerate(settings.tokens.split(","), start=1):
            if entry.strip():
                tokens.append(parse_token(entry, f"PROVGRAPH_TOKENS entry {number}"))
    if settings.tokens_file:
        path = Path(settings.tokens_file)
        try:
            lines = path.read_text().splitlines()
        except OSError as error:
            raise TokenConfigError(f"PROVGRAPH_TOKENS_FILE {path}: {error.strerror}") from error
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                tokens.append(parse_token(line, f"{path} line {number}"))
    digests = [token.digest for token in tokens]
    if len(set(digests)) != len(digests):
        # One token for two callers would make `created_by` a guess.
        raise TokenConfigError("the same token is configured for more than one caller")
    return TokenTable(tuple(tokens))


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def open_bind_refusal(host: str, tokens: TokenTable, allow_open_bind: bool = False) -> str | None:
    """Why the service must not listen on `host`, or None when it may."""
    if not tokens.open or is_loopback(host) or allow_open_bind:
        return None
    return (
        f"refusing to listen on {host} without tokens: with no PROVGRAPH_TOKENS or "
        "PROVGRAPH_TOKENS_FILE every caller may read, write and delete everything. Configure "
        "tokens (name:role:token), or listen on 127.0.0.1. In a container whose port is "
        "published on loopback only, PROVGRAPH_ALLOW_OPEN_BIND=1 allows it."
    )


# Declared so the OpenAPI document (and Swagger's "Authorize") shows both header forms;
# the header itself is read in `authenticate`, which accepts either.
bearer_scheme = HTTPBearer(
    auto_error=False, description="`Authorization: Bearer <token>` (Provena clients)"
)
token_scheme = APIKeyHeader(
    name="Authorization",
    scheme_name="TokenAuth",
    auto_error=False,
    description="`Authorization: token <key>` (FAIR Data Pipeline clients)",
)


async def get_tokens(request: Request) -> TokenTable:
    tokens: TokenTable = request.app.state.tokens
    return tokens


TokensDep = Annotated[TokenTable, Depends(get_tokens)]


async def authenticate(
    request: Request,
    tokens: TokensDep,
    _bearer: Annotated[Any, Depends(bearer_scheme)],
    _token: Annotated[Any, Depends(token_scheme)],
) -> Caller:
    if tokens.open:
        return Caller(ANONYMOUS, Role.admin)
    header = request.headers.get("authorization")
    if not header and request.app.state.settings.anonymous_read:
        return Caller(ANONYMOUS, Role.read)  # PROVGRAPH_ANONYMOUS_READ: reads need no token
    if not header:
        raise Unauthorized(
            "Authentication required: send 'Authorization: Bearer <token>' or "
            "'Authorization: token <key>'."
        )
    scheme, _, presented = header.strip().partition(" ")
    presented = presented.strip()
    if scheme.lower() not in ("bearer", "token") or not presented:
        raise Unauthorized(
            "The Authorization header must be 'Bearer <token>' or 'token <key>'.",
            "invalid_request",
        )
    token = tokens.find(presented)
    if token is None:
        raise Unauthorized("The token is not valid.", "invalid_token")
    return Caller(token.name, token.role)


def known_caller(request: Request, tokens: TokenTable) -> Token | None:
    """The caller's token entry when the request carries a valid one; never raises."""
    _, _, presented = (request.headers.get("authorization") or "").strip().partition(" ")
    return tokens.find(presented.strip()) if presented.strip() else None


def require(role: Role) -> Any:
    async def dependency(
        request: Request, caller: Annotated[Caller, Depends(authenticate)]
    ) -> Caller:
        if caller.role < role and not request.headers.get("authorization"):
            # An anonymous reader (PROVGRAPH_ANONYMOUS_READ) is asked for a token.
            raise Unauthorized(f"This needs the {role.name} role: send a token.")
        if caller.role < role:
            raise Forbidden(
                f"{caller.name!r} has the {caller.role.name} role; this needs {role.name}."
            )
        return caller

    dependency.__name__ = f"require_{role.name}"
    return dependency


require_read = require(Role.read)
require_write = require(Role.write)
require_admin = require(Role.admin)

ReaderDep = Annotated[Caller, Depends(require_read)]
WriterDep = Annotated[Caller, Depends(require_write)]

# For `app.include_router(router, dependencies=READ_ACCESS)`: every data router needs at
# least `read`; routes that write add `WriterDep` to their own parameters.
READ_ACCESS = [Depends(require_read)]
