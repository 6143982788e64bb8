import re

import cypher


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
