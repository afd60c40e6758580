"""SEMIC's DCAT-AP 3.0.0 SHACL shapes as the tests apply them, read from ../shared (never from
khlang's own copy): the combined `dcat-ap-SHACL.ttl`, and `shapes.ttl` + `range.ttl`.

`shapes.ttl` of 3.0.0 types `dcat:byteSize` as `xsd:decimal` where the specification and the
combined file say `xsd:nonNegativeInteger` (SEMIC DCAT-AP issue 399, fixed in 3.0.1): no size
passes both. The tests hold khlang's DCAT to 0 violations of the combined file and of
`shapes.ttl` + `range.ttl` with that one constraint corrected, and check that the uncorrected
files find nothing else."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCAT

from khlang.metadata.shacl import Violation, correct_byte_size, validate_dcat

COMBINED = "dcat-ap-SHACL.ttl"
SEPARATE = ("shapes.ttl", "range.ttl")


def read_shapes(reference: Path, *names: str, corrected: bool = False) -> Graph:
    """The shape files as read, never yet used: pyshacl adds to a shapes graph it validates
    with (advanced mode), so a graph that has been used is not the files any more."""
    graph = Graph()
    for name in names:
        graph.parse(reference / name, format="turtle")
    if corrected:
        assert correct_byte_size(graph) == 1  # the one erratum, and nothing else changed
    return graph


shapes = cache(read_shapes)
"""The shapes for validating, read once per process."""


def violations(graph: Graph, shape_graph: Graph) -> list[Violation]:
    return [v for v in validate_dcat(graph, shape_graph).violations if v.severity == "Violation"]


def assert_dcat_ap(graph: Graph, reference: Path, label: str) -> None:
    """0 violations of the combined file and of shapes.ttl + range.ttl (byteSize corrected);
    the uncorrected shapes.ttl reports the byteSize datatype and nothing else."""
    assert violations(graph, shapes(reference, COMBINED)) == [], f"{label}: {COMBINED}"
    corrected = shapes(reference, *SEPARATE, corrected=True)
    assert violations(graph, corrected) == [], f"{label}: shapes.ttl + range.ttl"
    erratum = violations(graph, shapes(reference, *SEPARATE))
    assert all(v.path == str(DCAT.byteSize) and "xsd:decimal" in v.message for v in erratum), label
    assert len(erratum) == len(set(graph.subject_objects(DCAT.byteSize))), label
