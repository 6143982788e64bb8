"""The service's use of the exporter: PROV documents of in-memory graphs, ids per settings."""

import json

from prov.serializers.provjson import ProvJSONEncoder

from graph_model import ProvGraph
from prov_export.document import to_document
from prov_export.ids import IdPolicy
from service.settings import Settings


def id_policy(settings: Settings) -> IdPolicy:
    return IdPolicy(base_url=settings.base_url, handle_base_url=settings.handle_base_url)


def prov_json(graph: ProvGraph, settings: Settings) -> str:
    """The graph's PROV-JSON, as `prov`'s serializer writes it. `json.dumps` with its encoder
    rather than `serialize`, whose `json.dump` takes the pure-Python path of the json
    module: the same text at about a third of the cost (it is in every register answer)."""
    return json.dumps(to_document(graph, id_policy(settings)), cls=ProvJSONEncoder)
