"""Every Cypher statement of provgraph, one `.cypher` file per statement, loaded by name.

A name is the file's path below this folder without the suffix: `schema/node_id_unique`.
Statements take parameters only; no value is ever pasted into their text.
"""

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable


@cache
def load(name: str) -> str:
    return (resources.files(__package__) / f"{name}.cypher").read_text(encoding="utf-8")


def names(group: str = "") -> list[str]:
    """Every statement name, or those under one group folder, sorted."""
    found: list[str] = []

    def walk(folder: Traversable, prefix: str) -> None:
        for item in folder.iterdir():
            if item.is_dir():
                walk(item, f"{prefix}{item.name}/")
            elif item.name.endswith(".cypher"):
                found.append(prefix + item.name.removesuffix(".cypher"))

    root = resources.files(__package__)
    walk(root / group if group else root, f"{group}/" if group else "")
    return sorted(found)
