"""The PROV graph each dialect's record maps to (SPEC §3.1, §3.2), pinned without a database."""

import datetime

import pytest
from prov.model import ProvDocument

from graph_model import PROV, PROVGRAPH, NodeRef, ProvGraph
from prov_export.document import documents_equal, to_document
from service.errors import InvalidInput
from service.export import id_policy, prov_json
from service.fairdp.models import CodeRunIn
from service.mapping import code_run_graph, model_run_graph
from service.provena.models import ModelRunRecord
from service.settings import Settings
from tests.payloads import model_run, seed_code_run, seed_model_run


def edges(graph: ProvGraph) -> set[tuple[str, str, str]]:
    return {(e.source, e.type, e.target) for e in graph.edges}


def attrs(graph: ProvGraph, source: str, type_: str, target: str) -> dict[str, object]:
    edge = next(e for e in graph.edges if (e.source, e.type, e.target) == (source, type_, target))
    return {str(key): value for key, value in edge.attributes}


def test_model_run_with_every_field_maps_to_spec_graph() -> None:
    record = ModelRunRecord.model_validate(model_run(1, display_name="Run one"))
    graph = model_run_graph(record, "run-1")
    kinds = {node.id: (node.classes, node.kind) for node in graph.nodes.values()}
    assert kinds == {
        "run-1": (("Activity",), "ModelRun"),
        "10378.1/template-1": (("Entity",), "Plan"),
        "10378.1/input-1": (("Entity",), "Dataset"),
        "10378.1/output-1": (("Entity",), "Dataset"),
        "10378.1/modeller-1": (("Agent",), "Person"),
        "10378.1/org-1": (("Agent",), "Organization"),
        "10378.1/study-1": (("Activity",), "Study"),
    }
    assert edges(graph) == {
        ("run-1", "USED", "10378.1/template-1"),
        ("run-1", "USED", "10378.1/input-1"),
        ("10378.1/output-1", "WAS_GENERATED_BY", "run-1"),
        ("10378.1/output-1", "WAS_ATTRIBUTED_TO", "10378.1/modeller-1"),
        ("run-1", "WAS_ASSOCIATED_WITH", "10378.1/modeller-1"),
        ("run-1", "WAS_ASSOCIATED_WITH", "10378.1/org-1"),
        ("10378.1/modeller-1", "ACTED_ON_BEHALF_OF", "10378.1/org-1"),
        ("run-1", "WAS_INFORMED_BY", "10378.1/study-1"),
    }
    run = graph.nodes["run-1"]
    assert (run.start_time, run.end_time) == (1669355820.0, 1669442219.0)
    run_attrs = {str(k): v for k, v in run.attributes}
    assert run_attrs["prov:label"] == "Run one"
    assert run_attrs["provgraph:model_version"] == "1.2"
    assert '"RCP": "45"' in str(run_attrs["provgraph:annotations"])
    used = attrs(graph, "run-1", "USED", "10378.1/input-1")
    assert used["prov:role"] == "input"
    assert used["provgraph:dataset_template_id"] == "10378.1/in-template-1"
    assert "config1234.csv" in str(used["provgraph:resources"])
    generation = attrs(graph, "10378.1/output-1", "WAS_GENERATED_BY", "run-1")
    assert generation["prov:time"] == datetime.datetime(
        2022, 11, 26, 5, 56, 59, tzinfo=datetime.UTC
    )
    association = attrs(graph, "run-1", "WAS_ASSOCIATED_WITH", "10378.1/modeller-1")
    assert association == {"prov:plan": NodeRef("10378.1/template-1"), "prov:role": "modeller"}
    delegation = attrs(graph, "10378.1/modeller-1", "ACTED_ON_BEHALF_OF", "10378.1/org-1")
    assert delegation == {"prov:activity": NodeRef("run-1")}
    assert (PROV["type"], PROV["Plan"]) in graph.nodes["10378.1/template-1"].attributes


def test_model_run_without_optional_fields() -> None:
    body = model_run(2)
    for optional in ("model_version", "annotations", "study_id"):
        body.pop(optional)
    body["associations"].pop("requesting_organisation_id")
    body["inputs"][0].pop("resources")
    graph = model_run_graph(ModelRunRecord.model_validate(body), "run-2")
    assert {n.kind for n in graph.nodes.values()} == {"ModelRun", "Plan", "Dataset", "Person"}
    assert {e.type for e in graph.edges} == {
        "USED",
        "WAS_GENERATED_BY",
        "WAS_ATTRIBUTED_TO",
        "WAS_ASSOCIATED_WITH",
    }
    run_attrs = {str(k): v for k, v in graph.nodes["run-2"].attributes}
    assert run_attrs["prov:label"] == body["description"]  # no display_name: the description
    assert "provgraph:model_version" not in run_attrs
    assert "provgraph:resources" not in attrs(graph, "run-2", "USED", "10378.1/input-2")


def test_seed_payload_names_every_reused_id() -> None:
    record = ModelRunRecord.model_validate(seed_model_run())
    with pytest.raises(InvalidInput) as error:
        model_run_graph(record, "run")
    problems = {tuple(d["loc"][1:]): d["msg"] for d in error.value.detail}
    assert ("outputs", 0, "dataset_id") in problems
    assert "used" in problems[("outputs", 0, "dataset_id")]
    assert ("associations", "modeller_id") in problems
    assert "workflow_template_id" in problems[("associations", "modeller_id")]
    assert ("study_id",) in problems


def test_start_after_end_is_rejected_by_the_model() -> None:
    with pytest.raises(ValueError, match="start_time"):
        ModelRunRecord.model_validate(model_run(3, start_time=10, end_time=5))


def test_seed_code_run_maps_to_spec_graph() -> None:
    run = CodeRunIn.model_validate(seed_code_run())
    graph = code_run_graph(run, str(run.uuid), "users/alice")
    code_run = graph.nodes[str(run.uuid)]
    assert (code_run.classes, code_run.kind, code_run.label) == (
        ("Activity",),
        "CodeRun",
        "SEIRS Model python",
    )
    assert code_run.start_time == run.run_date.timestamp()
    roles = {e.target: dict(e.attributes)[PROV["role"]] for e in graph.edges if e.type == "USED"}
    assert sorted(roles.values()) == ["code_repo", "input", "model_config", "submission_script"]
    outputs = {e.source for e in graph.edges if e.type == "WAS_GENERATED_BY"}
    assert outputs == set(seed_code_run()["outputs"])
    assert ("users/alice" in graph.nodes) and graph.nodes["users/alice"].classes == ("Agent",)
    assert (PROV["type"], PROVGRAPH["CodeRun"]) in code_run.attributes


def test_code_run_without_optional_fields() -> None:
    body = {
        "run_date": "2024-02-09T15:35:42",
        "submission_script": "https://r.example/api/object/5/",
    }
    run = CodeRunIn.model_validate(body)
    assert run.run_date.tzinfo is not None  # a date without a zone is UTC
    graph = code_run_graph(run, "some-uuid", "users/bob")
    assert {n.kind for n in graph.nodes.values()} == {"CodeRun", "Script", "Person"}


def test_code_run_output_that_is_also_an_input_is_rejected() -> None:
    body = seed_code_run()
    body["outputs"] = [body["inputs"][0]]
    with pytest.raises(InvalidInput) as error:
        code_run_graph(CodeRunIn.model_validate(body), "u", "users/a")
    assert error.value.detail[0]["loc"] == ["body", "outputs", 0]


@pytest.mark.parametrize("n", [1, 2, "with spaces and ünïcode"])
def test_the_answer_prov_json_reads_back_as_the_records_document(n: int | str) -> None:
    # Written by the text writer, not prov's serializer: equal as PROV, not byte for byte.
    graph = model_run_graph(ModelRunRecord.model_validate(model_run(n)), "run-1")
    settings = Settings()
    document = to_document(graph, id_policy(settings))
    answer = ProvDocument.deserialize(content=prov_json(graph, settings), format="json")
    assert documents_equal(answer, document)
