"""The service's use of the exporter: PROV documents of in-memory graphs, ids per settings."""

from service.graph import ProvGraph
from service.settings import Settings


def prov_json(graph: ProvGraph, settings: Settings) -> str:
    from prov_export.document import to_document
    from prov_export.ids import IdPolicy

    policy = IdPolicy(base_url=settings.base_url, handle_base_url=settings.handle_base_url)
    return str(to_document(graph, policy).serialize(format="json"))
