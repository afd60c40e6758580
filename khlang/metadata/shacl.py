"""Validating a DCAT-AP graph against SEMIC's DCAT-AP 3.0.0 SHACL shapes with pySHACL.

The shapes ship with khlang (khlang/metadata/shapes/, CC-BY 4.0) so that the check runs offline:
`shapes.ttl` checks mandatory properties and cardinalities, `range.ttl` the class of each value.
The graph must carry the types of the nodes it points at, which khlang's DCAT mapping does.

3.0.0's `shapes.ttl` has one known error: it types `dcat:byteSize` as `xsd:decimal`, where the
specification, DCAT 3 and the release's own combined `dcat-ap-SHACL.ttl` say
`xsd:nonNegativeInteger` (SEMIC DCAT-AP issue 399, fixed in 3.0.1). No size can satisfy both,
so the shapes are read with that one constraint corrected (`correct_byte_size`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel
from rdflib import Graph
from rdflib.namespace import DCAT, SH, XSD

SHAPES_DIR = Path(__file__).with_name("shapes")
SHAPE_FILES = ("dcat-ap-3.0.0-shapes.ttl", "dcat-ap-3.0.0-range.ttl")


class Violation(BaseModel):
    focus: str
    path: str | None
    message: str
    severity: str


class ShaclResult(BaseModel):
    conforms: bool
    violations: list[Violation] = []


@cache
def _shipped_shapes() -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    correct_byte_size(graph)
    return graph


def shapes_graph() -> Graph:
    """The shipped shapes, parsed once a process but a new graph each call: pySHACL adds to
    the shapes graph it validates with (advanced mode), so a shared one would drift."""
    graph = Graph()
    graph += _shipped_shapes()
    return graph


def correct_byte_size(shapes: Graph) -> int:
    """Make the shapes type `dcat:byteSize` as `xsd:nonNegativeInteger` (DCAT-AP 3.0.1's
    correction of 3.0.0's `xsd:decimal`); returns how many constraints were corrected."""
    wrong = [
        shape
        for shape in shapes.subjects(SH.path, DCAT.byteSize)
        if (shape, SH.datatype, XSD.decimal) in shapes
    ]
    for shape in wrong:
        shapes.set((shape, SH.datatype, XSD.nonNegativeInteger))
    return len(wrong)


def validate_dcat(graph: Graph, shapes: Graph | None = None) -> ShaclResult:
    """Validate `graph` against the DCAT-AP 3.0.0 shapes (or other `shapes`). Only results of
    severity sh:Violation make it non-conforming; warnings are listed too."""
    from pyshacl import validate  # lazy: pyshacl, +88 ms

    _, report, _ = validate(
        graph,
        shacl_graph=shapes if shapes is not None else shapes_graph(),
        inference="none",
        allow_warnings=True,
        advanced=True,
    )
    violations = []
    for result in report.subjects(SH.resultSeverity, None):
        severity = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        violations.append(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=str(path) if path is not None else None,
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=str(severity).rsplit("#", 1)[-1],
            )
        )
    conforms = not any(item.severity == "Violation" for item in violations)
    return ShaclResult(conforms=conforms, violations=violations)
