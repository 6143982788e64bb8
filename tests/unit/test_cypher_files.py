import re

import cypher
from graph_model import Relation

# Relationships of provgraph's own bookkeeping: a record asserts the nodes it names.
BOOKKEEPING = {"ASSERTS"}


def test_statements_are_found_by_name() -> None:
    names = cypher.names()
    assert "schema/01_node_id_unique" in names
    assert "health/server_version" in names
    assert cypher.names("schema") == [n for n in names if n.startswith("schema/")]


def test_statements_take_parameters_not_pasted_values() -> None:
    # Placeholders of string templates would mean text is pasted in somewhere.
    for name in cypher.names():
        text = cypher.load(name)
        assert not re.search(r"\{\w+\}|%s|%\(", text), name


def test_relationship_types_are_the_relations_of_service_graph() -> None:
    """The statements name relationship types in their text (a type cannot be a parameter
    of a pattern); each must be one of `Relation`, so there is one list of them."""
    named: set[str] = set()
    for name in cypher.names():
        for types in re.findall(r"\[\w*:([A-Z_|]+)", cypher.load(name)):
            named |= set(types.split("|"))
    assert named - {relation.value for relation in Relation} == BOOKKEEPING
