"""Writing a proposed column mapping as the YAML file an officer reviews.

The file is the mapping `--mapping` reads, with a comment on every column saying how the
header was recognised and what its first values are, so the review is done in the file
itself: fix a field, move a header to `dropped`, give the dataset its title.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from khlang import __version__
from khlang.publishers.glossary import known_term
from khlang.publishers.mapping import GENERIC
from khlang.publishers.suggest import Suggestion

HOW = {
    "exact": "header known",
    "close": "header close to a known one: check",
    "values": "recognised by its values: check",
    "kept": "kept as a column of its own",
}


def _flow(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _column_note(suggestion: Suggestion, header: str) -> str:
    choice = next(item for item in suggestion.choices if item.header == header)
    column = next(item for item in suggestion.columns if item.header == header)
    values = ", ".join(column.samples) or "(blank)"
    return f"{HOW.get(choice.how, choice.how)} · {column.kind} · {values}"[:160]


def mapping_yaml(suggestion: Suggestion, *, command: str) -> str:
    """The suggestion as a commented mapping file; `command` is how to publish with it."""
    mapping = suggestion.mapping
    document = CommentedMap()
    document["adapter"] = mapping.adapter
    document["system"] = mapping.system
    document["description"] = mapping.description
    document["signature"] = _flow(list(mapping.signature))
    columns = CommentedMap()
    for field, headers in mapping.columns.items():
        columns[field] = _flow(list(headers))
        columns.yaml_add_eol_comment(_column_note(suggestion, headers[0]), field)
    document["columns"] = columns
    if mapping.options:
        document["options"] = dict(mapping.options)
    document["dropped"] = _flow(list(mapping.dropped))
    if mapping.adapter == GENERIC:
        document["fields"] = _fields(mapping)
        assert mapping.dataset is not None
        document["dataset"] = mapping.dataset.model_dump(mode="json")
        document.yaml_add_eol_comment("the source of the data; empty: the agency", "system")
    document.yaml_add_eol_comment("fields a file must have for this mapping to apply",
                                  "signature")  # fmt: skip
    document.yaml_add_eol_comment("headers left out of the published data", "dropped")
    document.yaml_set_start_comment(_header(suggestion, command))
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _fields(mapping) -> CommentedMap:
    fields = CommentedMap()
    for name, extra in mapping.fields.items():
        entry = CommentedMap(extra.model_dump(mode="json", exclude_none=True))
        entry["title"] = CommentedMap(entry["title"])
        entry["title"].fa.set_flow_style()
        entry.yaml_add_eol_comment("string, integer, number, amount (baht) or date", "type")
        romanised = extra.title.en.isascii() and known_term(extra.title.th) is None
        if not extra.title.th.isascii() and romanised:
            entry.yaml_add_eol_comment("romanised: write the English title", "title")
        fields[name] = entry
    return fields


def _header(suggestion: Suggestion, command: str) -> str:
    lines = [
        f"Column mapping proposed by `khlang mapping suggest {suggestion.file}` "
        f"(khlang {__version__}).",
        "Review it: each header (on the right) is read as the field on its left; correct any",
        "that is wrong, move a header to `dropped` to leave it out",
    ]
    if suggestion.mapping.adapter == GENERIC:
        lines[-1] += ", and give the dataset its title,"
        lines.append("description and tags (English names and titles of words khlang does not")
        lines.append("know are romanised Thai).")
    else:
        lines[-1] += "."
    lines += [f"Then: {command}"]
    for problem in suggestion.problems:
        lines.append(f"To fix first: {problem.en} / {problem.th}")
    for note in suggestion.notes:
        lines.append(f"To decide: {note.en} / {note.th}")
    return "\n".join(lines)
