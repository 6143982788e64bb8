"""Links between FAIR-DP registry resources, as URLs on the wire and node ids in the graph.

Clients send and follow absolute URLs (`http://host:port/api/object/5/`); the graph keeps
ids that never depend on the requesting host: `api/object/5/` (exported under
`PROVGRAPH_BASE_URL`, so with that set to the server's public address the PROV IRI is the
registry URL itself) and, for users, the agent id `users/<name>`. URLs of other registries
are not ours and stay as they are. Pure functions, no database.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

USERS = "users"
_PATH = re.compile(r"/api/(?P<resource>[a-z_]+)/(?P<key>[^/?#]+)/?$")
# A registry id: ASCII digits only, and few enough for a Neo4j integer.
_ID = re.compile(r"[0-9]{1,18}")


def is_id(key: str) -> bool:
    return _ID.fullmatch(key) is not None


def node_id(resource: str, key: int | str) -> str:
    """The graph id of a registry resource instance."""
    return f"{USERS}/{key}" if resource == USERS else f"api/{resource}/{key}/"


def url(root: str, node: str) -> str:
    """A node id as the URL a client follows; ids that are not ours stay as they are."""
    if node.startswith(f"{USERS}/"):
        return f"{root}/api/{node}/"
    if node.startswith("api/"):
        return f"{root}/{node}"
    return node


def parse(value: str, root: str) -> tuple[str, str] | None:
    """`(resource, key)` when `value` is a URL of this server's `/api/<resource>/<key>/`."""
    try:
        here, there = urlsplit(root), urlsplit(value)
    except ValueError:  # not a URL at all (an unbalanced `[` in the host, ...)
        return None
    if (there.scheme, there.netloc) != (here.scheme, here.netloc):
        return None
    match = _PATH.search(there.path)
    if match is None or not there.path.startswith(f"{here.path.rstrip('/')}/api/"):
        return None
    return match["resource"], match["key"]


def to_node(value: str, root: str) -> str:
    """A reference as sent (URL of this server, or anything else) as a graph node id."""
    parsed = parse(value, root)
    return node_id(*parsed) if parsed else value


def last_segment(value: str) -> str:
    """The id at the end of a URL (`.../object/5/` -> `5`), or the value itself."""
    try:
        parts = [part for part in urlsplit(value).path.split("/") if part]
    except ValueError:
        return value
    return parts[-1] if parts and "/" in value else value


def local_kind(node: str) -> str | None:
    """The kind of a registry object or component node, None for anything else."""
    if node.startswith("api/object/"):
        return "Object"
    if node.startswith("api/object_component/"):
        return "ObjectComponent"
    return None
