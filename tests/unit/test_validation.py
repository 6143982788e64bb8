"""Pure checks of issue 19: time range, ids, JSON bodies, printable echoes, XML export of
text XML cannot hold, and where links point."""

import datetime
import json
import math

import pytest
from prov.model import ProvDocument
from starlette.datastructures import Headers

from graph_model import ENTITY, Edge, Node, ProvGraph
from prov_export.formats import FORMATS
from service.app import create_app
from service.errors import printable
from service.lineage.lineage import node_limit
from service.links import forwarded_base, is_trusted, server_base
from service.settings import Settings
from service.validation import (
    MAX_EPOCH,
    MIN_EPOCH,
    BodyProblem,
    graph_problems,
    id_problem,
    strict_json,
    time_problem,
    utc_in_range,
)


def test_the_time_range_is_years_1_to_9999_in_utc() -> None:
    assert datetime.datetime.fromtimestamp(MIN_EPOCH, datetime.UTC).year == 1
    assert datetime.datetime.fromtimestamp(MAX_EPOCH, datetime.UTC).year == 9999
    for fine in (MIN_EPOCH, 0, MAX_EPOCH):
        assert time_problem(fine) is None
    for bad in (MIN_EPOCH - 1, MAX_EPOCH + 1, -(10**15), 10**12, math.nan, math.inf):
        assert time_problem(bad)
    late = datetime.datetime.fromisoformat("9999-12-31T23:59:59-01:00")
    with pytest.raises(ValueError, match="UTC"):
        utc_in_range(late)


def test_id_problems() -> None:
    assert id_problem("10378.1/1234") is None
    assert id_problem("\U0001f9ec" * 1024) is None  # 4096 bytes: fits the index
    assert "empty" in str(id_problem(""))
    assert "1024 characters" in str(id_problem("x" * 1025))
    assert "4096 bytes" in str(id_problem("\U0001f9ec" * 1100, max_chars=2048))
    assert "U+0009" in str(id_problem("tab\there"))
    assert "surrogate" in str(id_problem("a\ud800"))


def test_strict_json_refuses_what_json_should_not_hold() -> None:
    assert strict_json(b'{"a": [1.5, "\\u00e9"]}') == {"a": [1.5, "\u00e9"]}
    for text, where in (
        (b'{"a": NaN}', ()),
        (b'{"a": -Infinity}', ()),
        (b'{"a": 1e400}', ()),
        (b'{"a": ["ok", "\\ud800"]}', ("a", 1)),
        (b'{"\\udfff": 1}', ("\\udfff",)),
    ):
        with pytest.raises(BodyProblem) as caught:
            strict_json(text)
        assert caught.value.loc == where
    with pytest.raises(json.JSONDecodeError):
        strict_json(b"{not json")


def test_printable_echoes_can_always_be_sent() -> None:
    echoed = printable({"input": ["\ud800", math.nan, {"k\udfff": math.inf}], "n": 1})
    assert json.dumps(echoed, allow_nan=False).encode("utf-8")
    assert echoed["input"][0] == "\\ud800"


def test_imported_graph_problems_name_ids_relations_and_times() -> None:
    graph = ProvGraph(
        nodes={
            "x" * 5000: Node("x" * 5000, (ENTITY,)),
            "run": Node("run", ("Activity",), start_time=float(MAX_EPOCH + 3600)),
        },
        edges=[Edge("USED", "run", "e", relation_id="r\n1")],
    )
    problems = graph_problems(graph)
    messages = " ".join(problem["msg"] for problem in problems)
    assert len(problems) == 3
    assert "5000 characters" in messages and "startTime" in messages and "U+000A" in messages
    assert len(messages) < 1000  # long ids are named, not repeated


def test_xml_export_replaces_what_xml_cannot_hold() -> None:
    document = ProvDocument()
    document.add_namespace("ex", "http://example.org/")
    document.entity("ex:a", {"ex:note": "nul\x00 esc\x1b bs\x08 ff\x0c \\b \\u0001 tab\t"})
    text = FORMATS["xml"].serialise(document)
    parsed = FORMATS["xml"].parse(text)
    value = next(iter(parsed.get_record("ex:a")[0].get_attribute("ex:note")))
    assert value == "nul\ufffd esc\ufffd bs\ufffd ff\ufffd \\b \\u0001 tab\t"


def test_links_trust_only_configured_addresses() -> None:
    assert is_trusted("127.0.0.1", "127.0.0.1,::1")
    assert is_trusted("10.1.2.3", "10.0.0.0/8")
    assert not is_trusted("203.0.113.9", "127.0.0.1,::1")
    assert not is_trusted("127.0.0.1", "")
    assert not is_trusted(None, "127.0.0.1")
    headers = Headers({"host": "api.example:8000"})
    assert forwarded_base(headers, "http") == "http://api.example:8000"
    forwarded = Headers({"host": "a", "forwarded": 'for=1.2.3.4;host="b.example";proto=https'})
    assert forwarded_base(forwarded, "http") == "https://b.example"
    assert forwarded_base(Headers({"host": "evil.example/x?y"}), "http") is None
    assert forwarded_base(Headers({"x-forwarded-proto": "javascript", "host": "a"}), "http") is None
    assert server_base(("::1", 8000), "http") == "http://[::1]:8000"


def test_a_caller_limit_only_lowers_the_node_limit() -> None:
    settings = Settings().model_copy(update={"node_limit": 50})
    assert node_limit(None, settings) == 50
    assert node_limit(10, settings) == 10
    assert node_limit(10**9, settings) == 50


def test_a_bad_trusted_proxy_stops_the_start() -> None:
    with pytest.raises(ValueError, match="PROVGRAPH_TRUSTED_PROXIES"):
        create_app(Settings().model_copy(update={"trusted_proxies": "127.0.0.1,proxy.local"}))
