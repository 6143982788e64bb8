"""`provgraph lineage`: a `/lineage` answer as a tree, each node once. Pure logic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Branch:
    id: str
    text: str
    via: str = ""  # the relation that leads here from the parent, as PROV names it
    seen: bool = False  # already shown higher up; its branches are not repeated
    children: list[Branch] = field(default_factory=list)


def describe(node: dict[str, Any]) -> str:
    kind = node.get("kind") or "/".join(node.get("prov_classes") or []) or "?"
    label = node.get("label")
    return f"{node['id']} [{kind}]" + (f" {label!r}" if label and label != node["id"] else "")


def lineage_tree(answer: dict[str, Any]) -> Branch:
    """The walk from the root, breadth-first so each node hangs at its shortest distance;
    a node reached again is shown as a leaf marked `seen`. Upstream follows edges as PROV
    writes them (from the later thing to the earlier one), downstream against them."""
    nodes = {node["id"]: node for node in answer["nodes"]}
    direction = answer.get("direction", "upstream")
    steps: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for edge in answer["edges"]:
        if direction in ("upstream", "both"):
            steps[edge["source"]].append((edge["target"], edge["type"]))
        if direction in ("downstream", "both"):
            steps[edge["target"]].append((edge["source"], f"{edge['type']} (by)"))
    root_id = answer["root"]

    def branch(node_id: str, via: str = "", seen: bool = False) -> Branch:
        node = nodes.get(node_id, {"id": node_id})
        return Branch(node_id, describe(node), via, seen)

    root = branch(root_id)
    placed = {root_id}
    frontier = [root]
    while frontier:
        following: list[Branch] = []
        for parent in frontier:
            for child_id, via in sorted(steps[parent.id]):
                if child_id in placed:
                    parent.children.append(branch(child_id, via, seen=True))
                    continue
                placed.add(child_id)
                child = branch(child_id, via)
                parent.children.append(child)
                following.append(child)
        frontier = following
    return root


def tree_lines(root: Branch) -> list[str]:
    """The tree as plain text lines (what `rich` draws, without it)."""
    lines = [root.text]

    def walk(branch: Branch, indent: str) -> None:
        for i, child in enumerate(branch.children):
            last = i == len(branch.children) - 1
            mark = " (seen above)" if child.seen else ""
            lines.append(f"{indent}{'└── ' if last else '├── '}{child.via}: {child.text}{mark}")
            walk(child, indent + ("    " if last else "│   "))

    walk(root, "")
    return lines
