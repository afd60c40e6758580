"""Validating a DCAT-AP graph against SEMIC's DCAT-AP 3.0.0 SHACL shapes with pySHACL.

The shapes ship with khlang (khlang/metadata/shapes/, CC-BY 4.0) so that the check runs offline:
`shapes.ttl` checks mandatory properties and cardinalities, `range.ttl` the class of each value.
The graph must carry the types of the nodes it points at, which khlang's DCAT mapping does.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel
from rdflib import Graph

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
def shapes_graph() -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


def validate_dcat(graph: Graph, shapes: Graph | None = None) -> ShaclResult:
    """Validate `graph` against the DCAT-AP 3.0.0 shapes (or other `shapes`). Only results of
    severity sh:Violation make it non-conforming; warnings are listed too."""
    from pyshacl import validate
    from rdflib.namespace import SH

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
