"""The base of every link the service writes into an answer (`url`, `ro_crate`,
`updated_by`, `next`): from configuration, never from whoever sends a `Host` header.

1. `PROVGRAPH_PUBLIC_URL`, when set, is the base of every link.
2. Else, a request from a trusted address (`PROVGRAPH_TRUSTED_PROXIES`, loopback by
   default) names the base: `Forwarded` (`host=`, `proto=`, its first element), else
   `X-Forwarded-Host`/`X-Forwarded-Proto`, else its `Host` and scheme.
3. Else the address the connection arrived at (the server's own socket), whatever the
   request's headers say.

A host value that is not a plain host name or address (with an optional port) is never
used. PROV ids never depend on any of this (they sit under `PROVGRAPH_BASE_URL`).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping

from fastapi import Request

from service.settings import Settings

_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")
_SCHEMES = ("http", "https")


@functools.cache  # one setting per process, read on every request that writes a link
def trusted_networks(setting: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """`PROVGRAPH_TRUSTED_PROXIES`: comma-separated addresses or networks (CIDR)."""
    networks = []
    for entry in setting.split(","):
        entry = entry.strip()
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as error:
                message = f"PROVGRAPH_TRUSTED_PROXIES: {entry!r} is not an address"
                raise ValueError(message) from error
    return tuple(networks)


def is_trusted(client_host: str | None, setting: str) -> bool:
    if not client_host:
        return False
    try:
        address = ipaddress.ip_address(client_host)
    except ValueError:
        return False
    return any(address in network for network in trusted_networks(setting))


def forwarded_base(headers: Mapping[str, str], scheme: str) -> str | None:
    """The base a trusted request names, or None when it names none that is well formed."""
    host, proto = None, None
    forwarded = headers.get("forwarded")
    if forwarded:
        first = forwarded.split(",")[0]
        for pair in first.split(";"):
            name, _, value = pair.strip().partition("=")
            value = value.strip().strip('"')
            if name.lower() == "host":
                host = value
            elif name.lower() == "proto":
                proto = value.lower()
    host = host or _first(headers.get("x-forwarded-host")) or headers.get("host")
    proto = proto or (_first(headers.get("x-forwarded-proto")) or "").lower() or scheme
    if not host or not _HOST.match(host) or proto not in _SCHEMES:
        return None
    return f"{proto}://{host}"


def _first(value: str | None) -> str | None:
    return value.split(",")[0].strip() if value else None


def server_base(server: tuple[str, int | None] | None, scheme: str) -> str:
    """The address the connection arrived at."""
    if not server:
        return "http://127.0.0.1"
    host, port = server
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + (f":{port}" if port else "")


def public_base(request: Request, settings: Settings) -> str:
    """The base of links in answers to this request, without a trailing slash."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    scheme = request.url.scheme if request.url.scheme in _SCHEMES else "http"
    client = request.client.host if request.client else None
    if is_trusted(client, settings.trusted_proxies):
        found = forwarded_base(request.headers, scheme)
        if found:
            return found
    return server_base(request.scope.get("server"), scheme)


def link(request: Request, settings: Settings, path: str) -> str:
    """A link to one of this service's paths (`/api/...`), query included."""
    return public_base(request, settings) + path
