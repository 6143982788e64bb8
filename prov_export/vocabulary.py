"""The PROV-DM tables the exporter and importer share: record types, argument roles, kinds."""

from __future__ import annotations

from prov.constants import (
    PROV_ACTIVITY,
    PROV_AGENT,
    PROV_ATTR_ACTIVITY,
    PROV_ATTR_AGENT,
    PROV_ATTR_ALTERNATE1,
    PROV_ATTR_ALTERNATE2,
    PROV_ATTR_BUNDLE,
    PROV_ATTR_COLLECTION,
    PROV_ATTR_DELEGATE,
    PROV_ATTR_ENDER,
    PROV_ATTR_ENDTIME,
    PROV_ATTR_ENTITY,
    PROV_ATTR_GENERAL_ENTITY,
    PROV_ATTR_GENERATED_ENTITY,
    PROV_ATTR_INFLUENCEE,
    PROV_ATTR_INFLUENCER,
    PROV_ATTR_INFORMANT,
    PROV_ATTR_INFORMED,
    PROV_ATTR_PLAN,
    PROV_ATTR_RESPONSIBLE,
    PROV_ATTR_SPECIFIC_ENTITY,
    PROV_ATTR_STARTER,
    PROV_ATTR_STARTTIME,
    PROV_ATTR_TRIGGER,
    PROV_ATTR_USED_ENTITY,
    PROV_ENTITY,
    PROV_N_MAP,
)
from prov.identifier import QualifiedName
from prov.model import PROV_REC_CLS

from graph_model import ACTIVITY, AGENT, ENTITY, PROV, Kind

# PROV-N keyword (entity, used, wasGeneratedBy...) <-> record type (prov:Entity, prov:Usage...).
RECORD_NAMES: dict[QualifiedName, str] = {
    record_type: name for record_type, name in PROV_N_MAP.items() if record_type in PROV_REC_CLS
}
RECORD_TYPES: dict[str, QualifiedName] = {name: kind for kind, name in RECORD_NAMES.items()}

ELEMENT_TYPES: dict[str, QualifiedName] = {
    ENTITY: PROV_ENTITY,
    ACTIVITY: PROV_ACTIVITY,
    AGENT: PROV_AGENT,
}
ELEMENT_CLASSES = {record_type: cls for cls, record_type in ELEMENT_TYPES.items()}

# An activity's times are its formal attributes; on a node they sit among the attributes
# (exactly as written: naive, offset or UTC) beside the epoch-second helpers.
ACTIVITY_TIMES = (PROV_ATTR_STARTTIME, PROV_ATTR_ENDTIME)

# What an element argument of a relation tells about the node it names. Influence relates
# any two elements, so it says nothing. prov:generation and prov:usage are absent on
# purpose: they name relations, not nodes.
ARGUMENT_CLASSES: dict[QualifiedName, str | None] = {
    PROV_ATTR_ENTITY: ENTITY,
    PROV_ATTR_ACTIVITY: ACTIVITY,
    PROV_ATTR_AGENT: AGENT,
    PROV_ATTR_INFORMED: ACTIVITY,
    PROV_ATTR_INFORMANT: ACTIVITY,
    PROV_ATTR_TRIGGER: ENTITY,
    PROV_ATTR_STARTER: ACTIVITY,
    PROV_ATTR_ENDER: ACTIVITY,
    PROV_ATTR_GENERATED_ENTITY: ENTITY,
    PROV_ATTR_USED_ENTITY: ENTITY,
    PROV_ATTR_PLAN: ENTITY,
    PROV_ATTR_DELEGATE: AGENT,
    PROV_ATTR_RESPONSIBLE: AGENT,
    PROV_ATTR_INFLUENCEE: None,
    PROV_ATTR_INFLUENCER: None,
    PROV_ATTR_SPECIFIC_ENTITY: ENTITY,
    PROV_ATTR_GENERAL_ENTITY: ENTITY,
    PROV_ATTR_ALTERNATE1: ENTITY,
    PROV_ATTR_ALTERNATE2: ENTITY,
    PROV_ATTR_BUNDLE: ENTITY,
    PROV_ATTR_COLLECTION: ENTITY,
}

# prov:type values that give a node its `kind` (a query helper, never exported).
KINDS: dict[QualifiedName, str] = {
    PROV[kind.value]: kind.value
    for kind in (Kind.PLAN, Kind.PERSON, Kind.ORGANIZATION, Kind.SOFTWARE_AGENT, Kind.BUNDLE)
}


def formal_names(relation_name: str) -> tuple[QualifiedName, ...]:
    """The formal attributes of a relation in PROV-N order; the first two are its edge."""
    return tuple(PROV_REC_CLS[RECORD_TYPES[relation_name]].FORMAL_ATTRIBUTES)
