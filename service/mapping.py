"""Records of both dialects -> PROV graphs (SPEC §3.1, §3.2). Pure functions, no database."""

from __future__ import annotations

import json
from typing import Any

from prov.identifier import QualifiedName

from graph_model import (
    ACTIVITY,
    AGENT,
    ENTITY,
    PROV,
    PROVGRAPH,
    Attributes,
    Edge,
    IdUse,
    Kind,
    Node,
    NodeRef,
    ProvGraph,
    Relation,
    conflicting_uses,
    utc,
)
from service.errors import InvalidInput, field_error
from service.fairdp.models import CodeRunIn
from service.fairdp.refs import local_kind
from service.provena.models import ModelRunRecord


def _loc(loc: tuple[str | int, ...]) -> str:
    return ".".join(f"[{part}]" if isinstance(part, int) else part for part in loc).replace(
        ".[", "["
    )


def check_uses(uses: list[IdUse], used: list[IdUse], generated: list[IdUse]) -> None:
    """Reject a record that gives one id two meanings, or uses and generates one entity."""
    errors = [
        field_error(
            later.loc,
            f"id {later.id!r} is given as {_loc(later.loc)} ({later.kind}) and as "
            f"{_loc(earlier.loc)} ({earlier.kind}); one id names one thing",
            "id_conflict",
        )
        for earlier, later in conflicting_uses(uses)
    ]
    inputs = {use.id: use for use in used}
    errors += [
        field_error(
            output.loc,
            f"entity {output.id!r} is both used ({_loc(inputs[output.id].loc)}) and generated "
            f"({_loc(output.loc)}) by this run; a run may not use and generate the same entity",
            "used_and_generated",
        )
        for output in generated
        if output.id in inputs
    ]
    if errors:
        raise InvalidInput(errors)


def _attrs(*pairs: tuple[QualifiedName, Any]) -> Attributes:
    return [(key, value) for key, value in pairs if value is not None]


def _typed(node_id: str, classes: tuple[str, ...], kind: str, prov_type: QualifiedName) -> Node:
    return Node(node_id, classes, kind, attributes=[(PROV["type"], prov_type)])


def model_run_graph(record: ModelRunRecord, run_id: str) -> ProvGraph:
    """The PROV graph of one Provena model run record, the run minted as `run_id`
    (SPEC §3.1): the run, its workflow template, its datasets, its agents, its study."""
    check_model_run_ids(record)
    graph = ProvGraph()
    graph.add_node(_model_run(record, run_id))
    _add_template(graph, record, run_id)
    _add_datasets(graph, record, run_id)
    _add_agents(graph, record, run_id)
    if record.study_id:
        graph.add_node(_typed(record.study_id, (ACTIVITY,), Kind.STUDY, PROVGRAPH["Study"]))
        graph.add_edge(Edge(Relation.WAS_INFORMED_BY, run_id, record.study_id))
    return graph


def check_model_run_ids(record: ModelRunRecord) -> None:
    """422 for a record that gives one id two meanings, or uses and generates a dataset."""
    organisation = record.associations.requesting_organisation_id
    dataset_uses = [
        IdUse((side, i, "dataset_id"), d.dataset_id, (ENTITY,), Kind.DATASET)
        for side, datasets in (("inputs", record.inputs), ("outputs", record.outputs))
        for i, d in enumerate(datasets)
    ]
    uses = [
        IdUse(("workflow_template_id",), record.workflow_template_id, (ENTITY,), Kind.PLAN),
        *dataset_uses,
        IdUse(
            ("associations", "modeller_id"), record.associations.modeller_id, (AGENT,), Kind.PERSON
        ),
    ]
    if organisation:
        where = ("associations", "requesting_organisation_id")
        uses.append(IdUse(where, organisation, (AGENT,), Kind.ORGANIZATION))
    if record.study_id:
        uses.append(IdUse(("study_id",), record.study_id, (ACTIVITY,), Kind.STUDY))
    check_uses(
        uses,
        [u for u in dataset_uses if u.loc[0] == "inputs"],
        [u for u in dataset_uses if u.loc[0] == "outputs"],
    )


def _model_run(record: ModelRunRecord, run_id: str) -> Node:
    label = record.display_name or record.description
    annotations = json.dumps(record.annotations, ensure_ascii=False) if record.annotations else None
    return Node(
        run_id,
        (ACTIVITY,),
        Kind.MODEL_RUN,
        label=label,
        start_time=float(record.start_time),
        end_time=float(record.end_time),
        attributes=_attrs(
            (PROV["type"], PROVGRAPH["ModelRun"]),
            (PROV["label"], label),
            (PROVGRAPH["display_name"], record.display_name),
            (PROVGRAPH["description"], record.description),
            (PROVGRAPH["model_version"], record.model_version),
            (PROVGRAPH["annotations"], annotations),
        ),
    )


def _add_template(graph: ProvGraph, record: ModelRunRecord, run_id: str) -> None:
    template = record.workflow_template_id
    graph.add_node(_typed(template, (ENTITY,), Kind.PLAN, PROV["Plan"]))
    # Provena's own graph has the run use its workflow template; keeping that edge makes the
    # template show up in lineage exactly as Provena's explore shows it.
    graph.add_edge(
        Edge(Relation.USED, run_id, template, attributes=[(PROV["role"], "workflow_template")])
    )


def _add_datasets(graph: ProvGraph, record: ModelRunRecord, run_id: str) -> None:
    """Inputs are used by the run; outputs generated by it at its end and attributed to
    the modeller."""
    for dataset in record.inputs:
        graph.add_node(_typed(dataset.dataset_id, (ENTITY,), Kind.DATASET, PROVGRAPH["Dataset"]))
        graph.add_edge(
            Edge(
                Relation.USED,
                run_id,
                dataset.dataset_id,
                attributes=[(PROV["role"], "input"), *_dataset_attrs(dataset)],
            )
        )
    for dataset in record.outputs:
        graph.add_node(_typed(dataset.dataset_id, (ENTITY,), Kind.DATASET, PROVGRAPH["Dataset"]))
        graph.add_edge(
            Edge(
                Relation.WAS_GENERATED_BY,
                dataset.dataset_id,
                run_id,
                attributes=[(PROV["time"], utc(record.end_time)), *_dataset_attrs(dataset)],
            )
        )
        graph.add_edge(
            Edge(Relation.WAS_ATTRIBUTED_TO, dataset.dataset_id, record.associations.modeller_id)
        )


def _add_agents(graph: ProvGraph, record: ModelRunRecord, run_id: str) -> None:
    """The modeller ran it (with the template as plan), on behalf of the requesting
    organisation when there is one."""
    modeller = record.associations.modeller_id
    organisation = record.associations.requesting_organisation_id
    graph.add_node(_typed(modeller, (AGENT,), Kind.PERSON, PROV["Person"]))
    graph.add_edge(
        Edge(
            Relation.WAS_ASSOCIATED_WITH,
            run_id,
            modeller,
            attributes=[
                (PROV["plan"], NodeRef(record.workflow_template_id)),
                (PROV["role"], "modeller"),
            ],
        )
    )
    if not organisation:
        return
    graph.add_node(_typed(organisation, (AGENT,), Kind.ORGANIZATION, PROV["Organization"]))
    graph.add_edge(
        Edge(
            Relation.WAS_ASSOCIATED_WITH,
            run_id,
            organisation,
            attributes=[(PROV["role"], "requesting_organisation")],
        )
    )
    # One delegation per run: the key keeps the runs' delegations apart.
    graph.add_edge(
        Edge(
            Relation.ACTED_ON_BEHALF_OF,
            modeller,
            organisation,
            key=run_id,
            attributes=[(PROV["activity"], NodeRef(run_id))],
        )
    )


def _dataset_attrs(dataset: Any) -> Attributes:
    resources = json.dumps(dataset.resources, ensure_ascii=False) if dataset.resources else None
    return _attrs(
        (PROVGRAPH["dataset_template_id"], dataset.dataset_template_id),
        (PROVGRAPH["dataset_type"], dataset.dataset_type.value),
        (PROVGRAPH["resources"], resources),
    )


# (field on the wire, attribute of CodeRunIn, kind): `model_config` is pydantic's own name.
CODE_RUN_OBJECTS = (
    ("code_repo", "code_repo", "SoftwareRepository"),
    ("model_config", "model_config_ref", "Configuration"),
    ("submission_script", "submission_script", "Script"),
)


def code_run_graph(
    run: CodeRunIn, run_id: str, updated_by: str, regenerated: frozenset[str] = frozenset()
) -> ProvGraph:
    """The PROV graph of one FAIR-DP code run; `updated_by` is the caller's agent id.

    References to this registry's objects and components keep those nodes' kinds. An
    output in `regenerated` was generated by an earlier run (a FAIR-DP re-run that wrote
    identical bytes to an existing data product reports it again): PROV allows one
    generation per entity, so this run is recorded as having influenced it instead."""
    references = [
        (field, getattr(run, attribute), kind) for field, attribute, kind in CODE_RUN_OBJECTS
    ]
    objects = [
        IdUse((field,), ref, (ENTITY,), local_kind(ref) or kind)
        for field, ref, kind in references
        if ref
    ]
    inputs = [
        IdUse(("inputs", i), ref, (ENTITY,), local_kind(ref) or Kind.DATASET)
        for i, ref in enumerate(run.inputs)
    ]
    outputs = [
        IdUse(("outputs", i), ref, (ENTITY,), local_kind(ref) or Kind.DATASET)
        for i, ref in enumerate(run.outputs)
    ]
    check_uses([*objects, *inputs, *outputs], [*objects, *inputs], outputs)

    graph = ProvGraph()
    run_date = run.run_date.timestamp()
    graph.add_node(
        Node(
            run_id,
            (ACTIVITY,),
            Kind.CODE_RUN,
            label=run.description,
            start_time=run_date,
            attributes=_attrs(
                (PROV["type"], PROVGRAPH["CodeRun"]),
                (PROV["label"], run.description),
            ),
        )
    )
    for use in [*objects, *inputs, *outputs]:
        graph.add_node(_typed(use.id, (ENTITY,), str(use.kind), PROVGRAPH[str(use.kind)]))
    for use in objects:
        graph.add_edge(
            Edge(Relation.USED, run_id, use.id, attributes=[(PROV["role"], str(use.loc[0]))])
        )
    for use in inputs:
        graph.add_edge(Edge(Relation.USED, run_id, use.id, attributes=[(PROV["role"], "input")]))
    for use in outputs:
        if use.id in regenerated:
            role = [(PROV["role"], "output")]
            graph.add_edge(Edge(Relation.WAS_INFLUENCED_BY, use.id, run_id, attributes=role))
        else:
            graph.add_edge(Edge(Relation.WAS_GENERATED_BY, use.id, run_id))
    graph.add_node(_typed(updated_by, (AGENT,), Kind.PERSON, PROV["Person"]))
    graph.add_edge(
        Edge(
            Relation.WAS_ASSOCIATED_WITH,
            run_id,
            updated_by,
            attributes=[(PROV["role"], "updated_by")],
        )
    )
    return graph
