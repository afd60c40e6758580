"""CKAN's search syntax (`q`, `fq`, `sort` of package_search) read into khlang's search tree.

CKAN hands `q` and `fq` to Solr: a `q` without a colon is free text matched with dismax
(`mm=2<-1 5<80%`), anything else is Lucene syntax with `AND` as the default operator and
`text` as the default field. khlang parses the Lucene syntax with luqum (a maintained Lucene
query parser) and turns the parse tree into `khlang.catalog.search.tree` nodes: field queries on
the fields CKAN indexes, ranges (`[a TO b]`, `{a TO b}`, `*`, `>=a`), `AND` / `OR` / `NOT` /
`+` / `-`, quotes, grouping, wildcards and Solr's date math (`NOW-1DAY/DAY`).

One difference from Solr's classic parser, on purpose: operators have precedence (`AND` binds
tighter than `OR`, `OR` tighter than juxtaposition), so `organization:a OR organization:b
metadata_modified:[2024-01-01T00:00:00Z TO *]` means "(a or b) and modified since", as
ckanext-harvest means it; Solr's classic parser would make the two organisation clauses
optional. Anything khlang cannot evaluate (fuzzy `~`, proximity, regular expressions, a field
it does not index) raises `QueryError` naming the part, never a silent empty result.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from luqum import tree
from luqum.exceptions import ParseError
from luqum.thread import parse

from khlang.catalog.search.query import SORT_FIELDS, SortKey
from khlang.catalog.search.tree import (
    FIELDS,
    GDC_KEYWORDS,
    And,
    Everything,
    FieldKind,
    Match,
    Node,
    Not,
    Or,
    Pattern,
    Range,
    Value,
    Words,
)

# CKAN's index field names that khlang knows under another name.
FIELD_ALIASES = {
    "res_format": "format",
    "title_string": "title",
    "entity_type": "dataset_type",
    "type": "dataset_type",
}
# CKAN's sort field names -> khlang's.
SORT_ALIASES = {"title_string": "title"}
_UNITS = {
    "YEAR": "years",
    "MONTH": "months",
    "DAY": "days",
    "DATE": "days",
    "HOUR": "hours",
    "MINUTE": "minutes",
    "SECOND": "seconds",
}
_DATE_MATH = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
_MATH_START = re.compile(r"[+/]|-\d+(?:YEAR|MONTH|DAY|DATE|HOUR|MINUTE|SECOND)S?")
_WILDCARD = re.compile(r"(?<!\\)[*?]")


class QueryError(ValueError):
    """A part of a query that khlang cannot evaluate; the message names it."""


def field_name(name: str) -> str:
    """khlang's search field for a CKAN field name (`res_format`, `extras_data_type`, ...)."""
    if name.startswith("extras_") and name[len("extras_") :] in FIELDS:
        return name[len("extras_") :]
    found = FIELD_ALIASES.get(name, name)
    if found not in FIELDS:
        known = ", ".join(sorted({*FIELDS, *FIELD_ALIASES} - set(GDC_KEYWORDS)))
        raise QueryError(
            f"unknown field {name!r} (khlang indexes {known}, and every GD Catalog field "
            "by its name or as extras_<name>)"
        )
    return found


def parse_q(text: str) -> Node:
    """CKAN's `q`: free text (no colon) with dismax's minimum match, else Lucene syntax."""
    text = text.strip()
    if not text or text in ('""', "''"):
        return Everything()
    if ":" not in text:
        return Words(text=text, minimum_match=True)
    return _parse(text, "q")


def parse_fq(text: str) -> Node:
    """One `fq` (or one item of `fq_list`): Lucene syntax."""
    text = text.strip()
    return _parse(text, "fq") if text else Everything()


def parse_sort(text: str) -> tuple[SortKey, ...]:
    """CKAN's `sort`: comma-separated `field asc|desc` (`score desc, metadata_modified desc`)."""
    keys = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        name = SORT_ALIASES.get(words[0], words[0])
        if name not in SORT_FIELDS:
            raise QueryError(
                f'cannot sort by {words[0]!r} in "sort" (use {", ".join(SORT_FIELDS)} or '
                "title_string)"
            )
        if len(words) != 2 or words[1].lower() not in ("asc", "desc"):
            raise QueryError(f'"sort" needs a direction, asc or desc, after {words[0]!r}')
        keys.append(SortKey(field=name, descending=words[1].lower() == "desc"))
    if not keys:
        raise QueryError('"sort" is empty')
    return tuple(keys)


def _parse(text: str, source: str) -> Node:
    try:
        parsed = parse(text)
    except ParseError as error:
        raise QueryError(f"cannot parse {source} {text!r}: {error}") from None
    return _Converter(source).node(parsed, None)


class _Converter:
    def __init__(self, source: str) -> None:
        self.source = source

    def node(self, item: tree.Item, field: str | None) -> Node:
        if isinstance(item, tree.SearchField):
            if item.name == "*":
                if isinstance(item.expr, tree.Word) and item.expr.value == "*":
                    return Everything()
                raise self.unsupported(item, "only *:* may use the field *")
            return self.node(item.expr, field_name(item.name))
        if isinstance(item, tree.Group | tree.FieldGroup):
            return self.node(item.expr, field)
        if isinstance(item, tree.AndOperation | tree.UnknownOperation):
            return And(items=tuple(self.node(child, field) for child in item.children))
        if isinstance(item, tree.OrOperation):
            return Or(items=tuple(self.node(child, field) for child in item.children))
        if isinstance(item, tree.Not | tree.Prohibit):
            return Not(item=self.node(item.a, field))
        if isinstance(item, tree.Plus):
            return self.node(item.a, field)
        if isinstance(item, tree.Boost):  # a boost changes the rank, never which datasets
            return self.node(item.expr, field)
        if isinstance(item, tree.Word | tree.Phrase):
            return self.term(item, field)
        if isinstance(item, tree.Range | tree.From | tree.To):
            return self.range(item, field)
        if isinstance(item, tree.Fuzzy):
            raise self.unsupported(item, "fuzzy search (~) is not supported")
        if isinstance(item, tree.Proximity):
            raise self.unsupported(item, "proximity search (~) is not supported")
        if isinstance(item, tree.Regex):
            raise self.unsupported(item, "regular expressions are not supported")
        raise self.unsupported(item, "this syntax is not supported")

    def unsupported(self, item: tree.Item, why: str) -> QueryError:
        return QueryError(f"{why}: {str(item).strip()!r} in {self.source}")

    def term(self, item: tree.Word | tree.Phrase, field: str | None) -> Node:
        phrase = isinstance(item, tree.Phrase)
        raw = item.value[1:-1] if phrase else item.value
        value = _unescape(raw)
        if field is None:
            if not phrase and _WILDCARD.search(raw):
                return self.pattern(item, "text", raw)
            return Words(text=value)
        if not phrase and _WILDCARD.search(raw):
            return self.pattern(item, field, raw)
        return Match(field=field, value=self.value(item, field, value))

    def pattern(self, item: tree.Item, field: str, raw: str) -> Node:
        kind = FIELDS[field]
        if kind is FieldKind.keyword:
            return Pattern(field=field, pattern=_unescape(raw, keep="*?"))
        if raw == "*":  # field:* is "has a value": every dataset has dates and counts
            return Everything()
        if kind is FieldKind.text and raw.endswith("*") and not _WILDCARD.search(raw[:-1]):
            return Pattern(field=field, pattern=_unescape(raw))
        raise self.unsupported(item, f"wildcards on {field} are only a trailing * on a word")

    def range(self, item: tree.Range | tree.From | tree.To, field: str | None) -> Node:
        if field is None:
            raise self.unsupported(item, "a range needs a field")
        if FIELDS[field] is FieldKind.text:
            raise self.unsupported(item, f"{field} is text; ranges need an ordered field")
        if isinstance(item, tree.Range):
            low, high = self.bound(item.low, field), self.bound(item.high, field)
            include_low, include_high = item.include_low, item.include_high
        elif isinstance(item, tree.From):
            low, high = self.bound(item.a, field), None
            include_low, include_high = item.include, True
        else:
            low, high = None, self.bound(item.a, field)
            include_low, include_high = True, item.include
        return Range(
            field=field,
            low=low,
            high=high,
            include_low=include_low,
            include_high=include_high,
        )

    def bound(self, item: tree.Item, field: str) -> Value | None:
        if not isinstance(item, tree.Word | tree.Phrase):
            raise self.unsupported(item, "a range's ends must be values")
        raw = item.value[1:-1] if isinstance(item, tree.Phrase) else item.value
        if raw == "*":
            return None
        return self.value(item, field, _unescape(raw))

    def value(self, item: tree.Item, field: str, text: str) -> Value:
        kind = FIELDS[field]
        if kind is FieldKind.date:
            try:
                return solr_date(text)
            except ValueError as error:
                raise self.unsupported(item, f"{field} needs a date: {error}") from None
        if kind is FieldKind.integer:
            if not re.fullmatch(r"[+-]?\d+", text):
                raise self.unsupported(item, f"{field} needs a whole number")
            return int(text)
        return text


def _unescape(text: str, keep: str = "") -> str:
    """Lucene's backslash escapes removed (those of the characters in `keep` are kept)."""
    return re.sub(r"\\(.)", lambda m: m.group(0) if m.group(1) in keep else m.group(1), text)


def solr_date(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """A Solr date (`2024-01-31T10:00:00Z`, with fractions of seconds, or `NOW`) with Solr's
    date math (`NOW-1DAY`, `NOW/DAY`, `2024-01-01T00:00:00Z+6MONTHS`), in UTC. A date
    without a time, or a time without the `Z`, is read as UTC too."""
    base, math = _split_date_math(text.strip())
    if base == "NOW":
        moment = now or dt.datetime.now(dt.UTC)
    else:
        try:
            moment = dt.datetime.fromisoformat(base.removesuffix("Z").replace("z", ""))
        except ValueError:
            raise ValueError(f"{text!r} is not a date such as 2024-01-31T00:00:00Z") from None
        moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    for found in _DATE_MATH.finditer(math):
        sign, amount, unit, rounding = found.groups()
        if rounding:
            moment = _round_down(moment, _unit(rounding, text))
        else:
            moment = _add(moment, int(amount) * (1 if sign == "+" else -1), _unit(unit, text))
    return moment.astimezone(dt.UTC)


def _split_date_math(text: str) -> tuple[str, str]:
    if text.startswith("NOW"):
        base, math = "NOW", text[3:]
    else:
        found = _MATH_START.search(text, 10)
        base = text[: found.start()] if found else text
        math = text[len(base) :]
    if _DATE_MATH.sub("", math):
        raise ValueError(f"cannot read the date math {math!r} of {text!r}")
    return base, math


def _unit(name: str, text: str) -> str:
    unit = _UNITS.get(name.removesuffix("S"))
    if unit is None:
        raise ValueError(f"unknown unit {name} in {text!r} (use {', '.join(_UNITS)})")
    return unit


def _add(moment: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit in ("years", "months"):
        months = moment.month - 1 + amount * (12 if unit == "years" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day)
    return moment + dt.timedelta(**{unit: amount})


def _round_down(moment: dt.datetime, unit: str) -> dt.datetime:
    parts = ("years", "months", "days", "hours", "minutes", "seconds")
    cleared = {"microsecond": 0}
    for name, attribute, floor in (
        ("seconds", "second", 0),
        ("minutes", "minute", 0),
        ("hours", "hour", 0),
        ("days", "day", 1),
        ("months", "month", 1),
    ):
        if parts.index(unit) < parts.index(name):
            cleared[attribute] = floor
    return moment.replace(**cleared)
