"""A catalog page of DCAT-AP assembled from its datasets' serialised descriptions.

rdflib takes seconds to build and serialise a page of 100 datasets (about 17,000 triples),
and a page is the same datasets' descriptions every time: only the catalog node (its
`dcat:dataset` links and latest `dct:modified`) and the Hydra view differ from page to page.
So each dataset's description is serialised once (`dataset_part`), kept by whoever calls
this (the API keeps them by the version's content hash), and a page is its catalog node,
serialised by rdflib (a few dozen triples), followed by the parts (`catalog_page`).

What makes the text of parts joinable, in each serialisation:

* Turtle and N3: the prefixes go first; a part's body uses only its own prefixes, declared
  at the top of the page. Blank nodes are written as rdflib names them (`_:N` and a UUID),
  so the parts of one page never share one by accident.
* JSON-LD: every part is compacted with the same context (every graph binds the same
  namespaces, `dcat.new_graph`), so its node objects go into one `@graph`.
* RDF/XML: the parts' `rdf:Description` elements go inside one `rdf:RDF` element that
  declares the namespaces of all of them.

Two parts that bind one prefix to different namespaces cannot share one JSON-LD context or
one `rdf:RDF` element: `catalog_page` then answers None, and the caller builds the page whole.
(Turtle and N3 declare each part's prefixes before it instead.) Parsed, a page is the graph
`dcat.catalog_graph` builds, blank nodes aside (`tests/metadata/test_dcat_pages.py` checks
that it is isomorphic, in every serialisation).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence

from pydantic import BaseModel
from rdflib import URIRef

from khlang.i18n import Text
from khlang.metadata.dcat import (
    RDF_FORMATS,
    Paging,
    ResourceUrl,
    catalog_head_graph,
    dataset_graph,
    dataset_iri,
    modified_of,
    serialize,
)
from khlang.metadata.model import Dataset, Organization

_XML_ROOT = re.compile(
    r'\A<\?xml version="1\.0" encoding="utf-8"\?>\s*<rdf:RDF((?:\s+xmlns:[\w.-]+="[^"]*")*)\s*>'
    r"(.*)</rdf:RDF>\s*\Z",
    re.S,
)
_XMLNS = re.compile(r'xmlns:([\w.-]+)="([^"]*)"')
_PREFIX = re.compile(r"@prefix ([\w.-]*): <([^>]*)> \.")


class Part(BaseModel):
    """A serialised graph split into the namespaces it declares and the rest."""

    prefixes: dict[str, str]
    body: str


class DatasetPart(Part):
    """One dataset's description in one serialisation, ready to go into a page."""

    iri: str
    modified: str | None
    """Its `dct:modified` (ISO date or date and time), for the catalog's own."""


def dataset_part(
    dataset: Dataset, *, base_url: str, resource_url: ResourceUrl | None, format: str
) -> DatasetPart:
    """The dataset's description as a page holds it."""
    graph = dataset_graph(dataset, base_url=base_url, resource_url=resource_url)
    part = split(serialize(graph, format), format)
    modified = modified_of(dataset)
    return DatasetPart(
        **part.model_dump(),
        iri=str(dataset_iri(dataset, base_url.rstrip("/"))),
        modified=modified.isoformat() if modified is not None else None,
    )


def split(text: str, format: str) -> Part:
    """A serialisation (as `dcat.serialize` writes it) split into declarations and body."""
    kind = _kind(format)
    if kind == "json-ld":
        document = json.loads(text)
        context = document.pop("@context", {})
        nodes = document.get("@graph", [document] if document else [])
        body = ",\n".join(json.dumps(node, ensure_ascii=False, indent=2) for node in nodes)
        return Part(prefixes=context, body=body)
    if kind == "xml":
        match = _XML_ROOT.match(text)
        if match is None:
            raise ValueError("not an rdf:RDF document as rdflib writes it")
        return Part(prefixes=dict(_XMLNS.findall(match.group(1))), body=match.group(2).strip())
    prefixes, lines = {}, text.splitlines()
    while lines and (found := _PREFIX.fullmatch(lines[0].strip())):
        prefixes[found.group(1)] = found.group(2)
        lines.pop(0)
    return Part(prefixes=prefixes, body="\n".join(lines).strip())


def catalog_page(
    parts: Sequence[DatasetPart],
    *,
    format: str,
    base_url: str,
    title: Text,
    description: Text,
    publisher: Organization,
    paging: Paging | None,
) -> str | None:
    """The page of the catalog listing `parts`, in `format`; None when the parts' prefixes
    conflict in a serialisation that declares them once (JSON-LD, RDF/XML)."""
    links = [(URIRef(part.iri), _date(part.modified)) for part in parts]
    head_graph = catalog_head_graph(
        links, base_url=base_url, title=title, description=description, publisher=publisher,
        paging=paging,
    )  # fmt: skip
    head = split(serialize(head_graph, format), format)
    return join([head, *parts], format)


def join(parts: Sequence[Part], format: str) -> str | None:
    """One document of the parts' bodies (see the module's docstring)."""
    kind = _kind(format)
    declared: dict[str, str] = {}
    conflict = False
    for part in parts:
        for prefix, namespace in part.prefixes.items():
            conflict = conflict or declared.setdefault(prefix, namespace) != namespace
    bodies = [part.body for part in parts if part.body]
    if kind == "json-ld":
        if conflict:
            return None
        context = json.dumps(declared, ensure_ascii=False, indent=2, sort_keys=True)
        return '{\n"@context": ' + context + ',\n"@graph": [\n' + ",\n".join(bodies) + "\n]\n}\n"
    if kind == "xml":
        if conflict:
            return None
        namespaces = "".join(f'\n   xmlns:{p}="{n}"' for p, n in sorted(declared.items()))
        return (
            f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{namespaces}\n>\n  '
            + "\n  ".join(bodies)
            + "\n</rdf:RDF>\n"
        )
    if conflict:  # each part declares its own prefixes before it (Turtle allows it)
        return "\n\n".join(_prefix_lines(part.prefixes) + part.body for part in parts) + "\n"
    return _prefix_lines(declared) + "\n\n".join(bodies) + "\n"


def _prefix_lines(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{n}> .\n" for p, n in sorted(prefixes.items())) + "\n"


def _kind(format: str) -> str:
    return RDF_FORMATS[format.lower()][0]


def _date(text: str | None) -> dt.date | dt.datetime | None:
    if text is None:
        return None
    return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
