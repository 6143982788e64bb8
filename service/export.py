"""The service's use of the exporter: PROV documents of in-memory graphs, ids per settings."""

from graph_model import ProvGraph
from prov_export.ids import IdPolicy
from prov_export.streaming import provjson_text
from service.settings import Settings


def id_policy(settings: Settings) -> IdPolicy:
    return IdPolicy(base_url=settings.base_url, handle_base_url=settings.handle_base_url)


def prov_json(graph: ProvGraph, settings: Settings) -> str:
    """The graph's PROV-JSON (it is in every register answer), by the text writer."""
    return provjson_text(graph, id_policy(settings))
