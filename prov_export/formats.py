"""The export formats, keyed by name (SPEC §6): media type, file suffix, write, read.

Adding a format is one entry in `FORMATS`. PROV-JSON and PROV-N of a graph are written
as text straight from its statements (`streaming`, `provn`, `provjson`: building
`prov.model` objects was most of an export's time); the other formats, and every reading,
go through the `prov` package. PROV-JSON and PROV-XML are written in the forms ProvToolbox
reads the same way too (`encodings`). What each format keeps:

- json (PROV-JSON), provn (PROV-N), xml (PROV-XML): lossless for what prov can hold;
  XML 1.0 cannot hold most control characters (U+0000-U+001F but tab, newline and
  carriage return), so PROV-XML writes U+FFFD in their place.
- ttl (PROV-O Turtle): no named graphs, so bundle records come back at the top level;
  RDF also merges records that share an id.
- trig (PROV-O TriG): like ttl, but bundles are named graphs and survive.
- jsonld (PROV-JSONLD): cannot express mentionOf; prov raises for such documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from prov.model import ProvDocument
from prov.serializers.provjson import encode_json_document

from graph_model import ProvGraph
from prov_export.document import to_document
from prov_export.encodings import provo, provxml, qualified_names_as_prov_type
from prov_export.ids import IdPolicy
from prov_export.streaming import provjson_text, provn_text


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    suffix: str
    serialise: Callable[[ProvDocument], str]
    parse: Callable[[str], ProvDocument]
    # Other media types a client may ask for this format by.
    aliases: tuple[str, ...] = field(default=())
    # Writes a graph without building its ProvDocument (PROV-JSON, PROV-N).
    text: Callable[[ProvGraph, IdPolicy], str] | None = None

    def write(self, graph: ProvGraph, policy: IdPolicy) -> str:
        """The document of a graph held in memory, ids as IRIs per `policy`."""
        if self.text is not None:
            return self.text(graph, policy)
        return self.serialise(to_document(graph, policy))


def _writer(format_name: str, **options: str) -> Callable[[ProvDocument], str]:
    def serialise(document: ProvDocument) -> str:
        return str(document.serialize(format=format_name, **options))

    return serialise


# A JSON escape of a character XML 1.0 cannot hold, after an even run of backslashes.
# (JSON writes U+0008 and U+000C as \b and \f.)
_NOT_XML = re.compile(r"(\\*)\\(u00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f])|u[Ff][Ff][Ff][EeFf]|b|f)")


def _xml(document: ProvDocument) -> str:
    try:
        return provxml(document)
    except ValueError:
        # Text XML cannot carry: written through PROV-JSON (lossless, every such character
        # a \u escape there), each replaced by U+FFFD.
        def replace(match: re.Match[str]) -> str:
            backslashes = match.group(1)
            return match.group(0) if len(backslashes) % 2 else backslashes + "\\ufffd"

        text = _NOT_XML.sub(replace, str(document.serialize(format="json")))
        cleaned = ProvDocument.deserialize(content=text, format="json")
        return provxml(cleaned)


def provjson(document: ProvDocument) -> str:
    return json.dumps(qualified_names_as_prov_type(encode_json_document(document)))


def _reader(format_name: str, **options: str) -> Callable[[str], ProvDocument]:
    def parse(text: str) -> ProvDocument:
        return ProvDocument.deserialize(content=text, format=format_name, **options)

    return parse


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "application/json", ".json", provjson, _reader("json"), text=provjson_text),
        Format(
            "provn",
            "text/provenance-notation",
            ".provn",
            _writer("provn"),
            _reader("provn"),
            text=provn_text,
        ),
        Format(
            "xml",
            "application/xml",
            ".provx",
            _xml,
            _reader("xml"),
            aliases=("application/provenance+xml", "text/xml"),
        ),
        Format(
            "ttl",
            "text/turtle",
            ".ttl",
            provo("turtle"),
            _reader("rdf", rdf_format="turtle"),
        ),
        Format(
            "trig",
            "application/trig",
            ".trig",
            provo("trig"),
            _reader("rdf", rdf_format="trig"),
        ),
        Format("jsonld", "application/ld+json", ".jsonld", _writer("jsonld"), _reader("jsonld")),
    )
}
DEFAULT_FORMAT = "json"


class UnknownFormat(ValueError):
    pass


def get_format(name: str) -> Format:
    """The format of a `?format=` name; the message lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise UnknownFormat(f"unknown PROV format {name!r}; known formats: {known}") from None


def format_for_media_type(accept: str | None) -> Format | None:
    """The format an HTTP Accept header asks for; None when it accepts none of ours.

    Media ranges are tried by quality, then in the order given; `*/*` (or no header)
    means the default, PROV-JSON.
    """
    if not accept or not accept.strip():
        return FORMATS[DEFAULT_FORMAT]
    by_media_type = {
        media_type: f for f in FORMATS.values() for media_type in (f.media_type, *f.aliases)
    }
    for media_range in _ranked_media_ranges(accept):
        if media_range in ("*/*", "application/*"):
            return FORMATS[DEFAULT_FORMAT]
        if media_range in by_media_type:
            return by_media_type[media_range]
        if media_range.endswith("/*"):
            family = media_range[:-1]
            matches = [f for t, f in by_media_type.items() if t.startswith(family)]
            if matches:
                return matches[0]
    return None


def _ranked_media_ranges(accept: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_range and quality > 0:
            ranked.append((-quality, position, media_range.lower()))
    return [media_range for _, _, media_range in sorted(ranked)]
