"""Answering a search from the search tables, with SQL: nothing is held in a process.

A condition (`tree`) becomes one SQL predicate over `search_entries`: a keyword `Match` is an
`IN` over `search_values`, a number or date a comparison of the entry's column, words a
full-text match — FTS5's `MATCH` in the SQLite catalog file, `tsvector @@ tsquery` (GIN) on
PostgreSQL. Free text follows CKAN's minimum match (`query.minimum_match`); results rank by
the words matched, then BM25 with the title weighted highest (FTS5) or `ts_rank` with the
columns' weights (PostgreSQL, `maintain.WEIGHTS`). Facets are one `GROUP BY` over the
matching entries' values. The caller's visibility is part of every statement, counts
included: a private dataset is counted and shown only to members of its organisation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from sqlalchemy import (
    Float,
    Text,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from khlang.catalog.search import counts
from khlang.catalog.search.maintain import FACET_SEPARATOR, WEIGHTS, microseconds, quoted
from khlang.catalog.search.query import (
    FACETS,
    DatasetCard,
    FacetCount,
    SearchQuery,
    SearchResult,
    SortKey,
    minimum_match,
)
from khlang.catalog.search.tables import (
    FTS_TABLE,
    TOTAL,
    VALUE_LENGTH,
    SearchEntry,
    SearchValue,
)
from khlang.catalog.search.tree import (
    FIELDS,
    TEXT_COLUMNS,
    TEXT_FIELDS,
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
    all_of,
    ranking_words,
)
from khlang.catalog.search.words import query_terms
from khlang.errors import KhlangError
from khlang.i18n import t

BM25_WEIGHTS = (10.0, 5.0, 3.0, 1.0, 1.0, 1.0)
"""FTS5's BM25 weight of each text column (TEXT_COLUMNS order)."""
_RANK_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"
"""ts_rank's weights of D, C, B and A."""
_MAX_GROUPS = 64
"""A minimum match of up to this many word groups (5 of 6 words: 6; 8 of 10: 45) is one
query of groups; beyond it, any word matches and the words are counted per entry."""
_NUMBERS = {
    "metadata_modified": SearchEntry.modified,
    "metadata_created": SearchEntry.created,
    "num_resources": SearchEntry.num_resources,
    "num_tags": SearchEntry.num_tags,
}
_KEYWORD_COLUMNS = {
    "name": SearchEntry.name,
    "id": SearchEntry.dataset_id,
    "organization": SearchEntry.organization,
}
"""Keyword fields an entry holds exactly one value of, in an indexed column."""
_FTS = table(FTS_TABLE, literal_column("rowid"))


def search(
    session: Session, query: SearchQuery, *, visible_organizations: set[str] | None
) -> SearchResult:
    """The datasets matching the query that a member of `visible_organizations` may see
    (None: a reader who sees everything)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # PostgreSQL does not count the reading of an entry's words (4 kB, out of line) in
        # a sequential scan's cost: for words in 5-20% of the entries it would read every
        # entry's words (0.86 s at 50,000) instead of the GIN index's matches (56 ms)
        session.execute(text("SET LOCAL enable_seqscan = off"))
    condition = query.condition()
    _check_size(condition)
    seen = _visible(visible_organizations)
    predicates = _Predicates(session, postgres)
    where = and_(seen, predicates.of(condition))
    words = query_terms(" ".join(ranking_words(condition)))
    keys = query.sort_keys(bool(words))
    kept = isinstance(condition, Everything) and set(query.facets) <= set(FACETS)
    if kept:  # the whole catalog as the caller sees it: the counts kept per value
        count, counted = counts.visible(session, visible_organizations, query.facets)
    else:
        count, counted = _counted(session, query.facets, where)
    if not any(key.field == "score" for key in keys):
        rows = session.scalars(_sorted_page(where, _ordering(keys, (), postgres), query)).all()
    else:
        every = _every_word(condition)
        first: Sequence[Any] = ()
        if every is not None and keys[0] == SortKey(field="score", descending=True):
            # entries holding every word rank first: when they fill the page, rank only them
            strict = and_(seen, predicates.of(every))
            first = _ranked_page(session, query, keys, words, strict, every_word=True)
        filled = every is not None and len(first) == query.rows
        rows = first if filled else _ranked_page(session, query, keys, words, where)
    cards = [DatasetCard.model_validate(card) for card in rows]
    facets = _facets(session, query, counted, visible_organizations) if query.facets else {}
    return SearchResult(count=count, cards=cards, facets=facets)


def _sorted_page(where: ColumnElement[bool], order: list[Any], query: SearchQuery) -> Any:
    """A page in a column order: its ids first (on PostgreSQL an index-only walk of a
    C-collated index, however deep the page), then their cards."""
    chosen = (
        select(SearchEntry.id).where(where).order_by(*order).offset(query.start).limit(query.rows)
    )
    return select(SearchEntry.card).where(SearchEntry.id.in_(chosen)).order_by(*order)


def _visible(organizations: set[str] | None) -> ColumnElement[bool]:
    if organizations is None:
        return true()
    if not organizations:
        return SearchEntry.private.is_(False)
    return or_(SearchEntry.private.is_(False), SearchEntry.organization.in_(sorted(organizations)))


class _Predicates:
    """A condition as SQL over `search_entries`."""

    def __init__(self, session: Session, postgres: bool) -> None:
        self.session, self.postgres = session, postgres

    def of(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, Everything):
            return true()
        if isinstance(node, And):
            return and_(true(), *(self.of(item) for item in node.items))
        if isinstance(node, Or):
            return or_(false(), *(self.of(item) for item in node.items))
        if isinstance(node, Not):
            return not_(self.of(node.item))
        if isinstance(node, Words):
            return self._words(node)
        if node.field in TEXT_FIELDS:
            return self._text(node)
        if node.field in _NUMBERS:
            return _number(node)
        return self._keyword(node)

    def _words(self, node: Words) -> ColumnElement[bool]:
        words = query_terms(node.text)
        if not words:  # nothing searchable (punctuation, stop words): no condition
            return true()
        needed = minimum_match(len(words)) if node.minimum_match else len(words)
        if needed == len(words):
            return _matching(self.postgres, words, TEXT_COLUMNS)
        if math.comb(len(words), needed) <= _MAX_GROUPS:
            return _groups_matching(self.postgres, list(combinations(words, needed)))
        matched = _words_matched(self.postgres, words)
        return and_(_any_of(self.postgres, words), matched >= needed)

    def _text(self, node: Match | Pattern | Range) -> ColumnElement[bool]:
        columns = TEXT_FIELDS[node.field]
        if isinstance(node, Pattern):
            words = query_terms(node.pattern.rstrip("*"))
            return _matching(self.postgres, words, columns, prefix=True) if words else true()
        if not isinstance(node, Match):
            return false()
        words = query_terms(str(node.value))
        return _matching(self.postgres, words, columns) if words else false()

    def _keyword(self, node: Match | Pattern | Range) -> ColumnElement[bool]:
        field = node.field
        if isinstance(node, Match):
            return self._holding(field, [str(node.value)[:VALUE_LENGTH]])
        # patterns and ranges compare the field's distinct values as Python does
        values = self.session.scalars(
            select(SearchValue.value).where(SearchValue.field == field).distinct()
        ).all()
        wanted = [value for value in values if _accepts(node, value)]
        return self._holding(field, wanted) if wanted else false()

    def _holding(self, field: str, values: list[str]) -> ColumnElement[bool]:
        """Entries holding one of the values of a keyword field: through the column's index
        (name, id, organisation), the facet array's GIN index on PostgreSQL, or else the
        values table."""
        column = _KEYWORD_COLUMNS.get(field)
        if column is not None:
            return column == values[0] if len(values) == 1 else column.in_(values)
        if self.postgres and field in FACETS:
            pairs = [f"{field}{FACET_SEPARATOR}{value}" for value in values]
            operator = "@>" if len(pairs) == 1 else "&&"
            return SearchEntry.facets.op(operator)(literal(pairs, ARRAY(Text())))
        return SearchEntry.id.in_(
            select(SearchValue.entry_id).where(
                SearchValue.field == field, SearchValue.value.in_(values)
            )
        )


def _matching(
    postgres: bool, words: list[str], columns: tuple[str, ...], *, prefix: bool = False
) -> ColumnElement[bool]:
    """Entries holding every word in these columns (the last word as a prefix)."""
    if postgres:
        terms = [
            _tsquery(word, columns, prefix=prefix and i == len(words) - 1)
            for i, word in enumerate(words)
        ]
        return SearchEntry.words.op("@@")(_joined(terms, "&&"))
    phrases = [_phrase(word) for word in words]
    if prefix:
        phrases[-1] += " *"
    expression = " AND ".join(phrases)
    if columns != TEXT_COLUMNS:
        expression = "{" + " ".join(columns) + "} : (" + expression + ")"
    return SearchEntry.id.in_(_fts_match(expression))


def _groups_matching(postgres: bool, groups: list[tuple[str, ...]]) -> ColumnElement[bool]:
    """Entries holding every word of at least one group, as one full-text query: PostgreSQL's
    GIN scan then reads the rare words' postings and checks a word in every dataset
    (`budget`) only on those, instead of reading all its postings."""
    if postgres:
        queries = [
            _joined([_tsquery(word, TEXT_COLUMNS) for word in group], "&&") for group in groups
        ]
        return SearchEntry.words.op("@@")(_joined(queries, "||"))
    either = " OR ".join("(" + " AND ".join(map(_phrase, group)) + ")" for group in groups)
    return SearchEntry.id.in_(_fts_match(either))


def _any_of(postgres: bool, words: list[str]) -> ColumnElement[bool]:
    if postgres:
        return SearchEntry.words.op("@@")(_any_query(words))
    return SearchEntry.id.in_(_fts_match(" OR ".join(map(_phrase, words))))


def _any_query(words: list[str]) -> Any:
    return _joined([_tsquery(word, TEXT_COLUMNS) for word in words], "||")


def _joined(terms: list[Any], operator: str) -> Any:
    combined = terms[0]
    for term in terms[1:]:
        combined = combined.op(operator)(term)
    return combined


def _words_matched(postgres: bool, words: list[str]) -> Any:
    """How many of the words an entry holds (a number per row)."""
    return sum(
        (case((_matching(postgres, [word], TEXT_COLUMNS), 1), else_=0) for word in words),
        literal(0),
    )


def _accepts(node: Pattern | Range, value: str) -> bool:
    if isinstance(node, Pattern):
        return wildcard_match(node.pattern, value)
    low = None if node.low is None else str(node.low)
    high = None if node.high is None else str(node.high)
    above = low is None or value > low or (node.include_low and value == low)
    below = high is None or value < high or (node.include_high and value == high)
    return above and below


def _number(node: Match | Pattern | Range) -> ColumnElement[bool]:
    column = _NUMBERS[node.field]
    if isinstance(node, Match):
        return column == _integer(node.value)
    if not isinstance(node, Range):
        return false()
    parts: list[ColumnElement[bool]] = []
    if node.low is not None:
        low = _integer(node.low)
        parts.append(column >= low if node.include_low else column > low)
    if node.high is not None:
        high = _integer(node.high)
        parts.append(column <= high if node.include_high else column < high)
    return and_(true(), *parts)


def _integer(value: Value) -> int:
    """A number, or a time as the microseconds the entries hold."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value)
    return microseconds(value)


MAX_QUERY_WORDS = 32
"""Words of free text one search may hold: each is a full-text lookup, counted again to
rank (3,000 words took 37 s and then overflowed SQLite's expression depth)."""
MAX_QUERY_CONDITIONS = 200
"""Conditions (fielded terms, ranges, facet values) one search may hold: each is a
lookup, and SQLite refuses expressions nested 1,000 deep."""


def _check_size(condition: Node) -> None:
    """Refuse a search larger than any person or harvester asks, before it costs anything:
    one anonymous request could otherwise hold a worker for tens of seconds."""
    words, conditions = _size(condition)
    if words > MAX_QUERY_WORDS:
        raise KhlangError(
            t(
                f"คำค้นมี {words} คำ เกินกำหนด {MAX_QUERY_WORDS} คำ",
                f"the search holds {words} words, over the limit of {MAX_QUERY_WORDS}",
            ),
            where="q",
        )
    if conditions > MAX_QUERY_CONDITIONS:
        raise KhlangError(
            t(
                f"คำค้นมี {conditions} เงื่อนไข เกินกำหนด {MAX_QUERY_CONDITIONS} เงื่อนไข",
                f"the search holds {conditions} conditions, over the limit of "
                f"{MAX_QUERY_CONDITIONS}",
            ),
            where="q",
        )


def _size(node: Node) -> tuple[int, int]:
    """(words of free text, conditions) in a search condition."""
    if isinstance(node, And | Or):
        sizes = [_size(item) for item in node.items]
        return sum(s[0] for s in sizes), sum(s[1] for s in sizes)
    if isinstance(node, Not):
        return _size(node.item)
    if isinstance(node, Words):
        return len(query_terms(node.text)), 1
    if isinstance(node, Match) and FIELDS.get(node.field) is FieldKind.text:
        return len(query_terms(str(node.value))), 1
    return 0, 0 if isinstance(node, Everything) else 1


def wildcard_match(pattern: str, value: str) -> bool:
    """Whether a Lucene wildcard (`*` any run, `?` one character) matches the whole value.

    Not a regular expression: Python's `re` backtracks, so `*?*?*?*?*?*?*?*?x` took 12 s
    against one 45-character value, holding the GIL (every other request waited). This
    walks the value once, going back only to the last `*` seen: at most
    len(pattern) x len(value) steps, whatever the pattern."""
    p = v = 0
    star, resume = -1, 0  # the last `*` in the pattern, and where in the value it resumes
    while v < len(value):
        if p < len(pattern) and pattern[p] in ("?", value[v]) and pattern[p] != "*":
            p, v = p + 1, v + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, resume = p, v
            p += 1
        elif star >= 0:  # let the last `*` take one more character
            resume += 1
            p, v = star + 1, resume
        else:
            return False
    return all(c == "*" for c in pattern[p:])


def _tsquery(word: str, columns: tuple[str, ...], *, prefix: bool = False) -> Any:
    """A word as a `tsquery` restricted to the columns' weights; over every column, a Latin
    word also matches its English stem."""
    weights = (
        ""
        if columns == TEXT_COLUMNS
        else "".join(sorted({WEIGHTS.get(column, "D") for column in columns}))
    )
    label = ":" + ("*" if prefix else "") + weights if prefix or weights else ""
    exact = cast(literal(quoted(word) + label), TSQUERY)
    if columns == TEXT_COLUMNS and word.isascii() and not prefix:
        return exact.op("||")(func.plainto_tsquery(literal("english"), literal(word)))
    return exact


def _phrase(word: str) -> str:
    """A word as an FTS5 string (quoted, so no word is read as an operator)."""
    return '"' + word.replace('"', '""') + '"'


def _fts_match(expression: str) -> Any:
    return select(_FTS.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(expression))


def _every_word(condition: Node) -> Node | None:
    """The condition with its free text needing every word, when it is free text with a
    minimum match, alone or beside other conditions (None otherwise): the entries that rank
    first, having matched the most words."""
    items = condition.items if isinstance(condition, And) else (condition,)
    free = [item for item in items if isinstance(item, Words)]
    if len(free) != len(ranking_words(condition)):  # words under an Or: no such subset
        return None
    loose = [
        item
        for item in free
        if item.minimum_match and minimum_match(len(words := query_terms(item.text))) < len(words)
    ]
    if not loose:
        return None
    return all_of([Words(text=item.text) if item in loose else item for item in items])


def _ranked_page(
    session: Session,
    query: SearchQuery,
    keys: tuple[SortKey, ...],
    words: list[str],
    where: ColumnElement[bool],
    *,
    every_word: bool = False,
) -> Sequence[Any]:
    """The cards of a page ranked by the words (`every_word`: each entry holds them all)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    page, score = _ranked(select(SearchEntry.card).where(where), words, postgres, every_word)
    ordering = _ordering(keys, score, postgres)
    return session.scalars(page.order_by(*ordering).offset(query.start).limit(query.rows)).all()


def _ranked(
    page: Any, words: list[str], postgres: bool, every_word: bool = False
) -> tuple[Any, tuple[Any, ...]]:
    """The page's statement with what ranks it: (words matched, relevance) to sort by,
    best first when descending."""
    # when every word is needed, every result matched them all: relevance alone ranks
    loose = not every_word and minimum_match(len(words)) < len(words)
    matched = (_words_matched(postgres, words),) if loose else ()
    if postgres:
        relevance = func.ts_rank(
            literal_column(f"'{_RANK_WEIGHTS}'::real[]"),
            SearchEntry.words,
            _any_query(words),
        )
        return page, (*matched, relevance)
    weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
    ranking = (
        select(
            _FTS.c.rowid.label("entry"),
            cast(literal_column(f"-bm25({FTS_TABLE}, {weights})"), Float).label("relevance"),
        )
        .where(literal_column(FTS_TABLE).op("MATCH")(" OR ".join(map(_phrase, words))))
        .subquery()
    )
    joined = page.outerjoin(ranking, ranking.c.entry == SearchEntry.id)
    return joined, (*matched, func.coalesce(ranking.c.relevance, 0.0))


def _ordering(keys: tuple[SortKey, ...], score: tuple[Any, ...], postgres: bool) -> list[Any]:
    def sortable(column: Any) -> Any:
        return column.collate("C") if postgres else column

    columns = {
        "name": sortable(SearchEntry.name),
        "id": sortable(SearchEntry.dataset_id),
        "title": sortable(SearchEntry.title_key),
        **_NUMBERS,
    }
    order: list[Any] = []
    for key in keys:
        chosen = list(score) if key.field == "score" else [columns[key.field]]
        order += [item.desc() if key.descending else item.asc() for item in chosen]
        if key.field in ("name", "id"):  # unique: what follows never decides
            return order
    return [*order, columns["name"]]


def _counted(
    session: Session, facets: tuple[str, ...], where: ColumnElement[bool]
) -> tuple[int, list[tuple[str, str, int]]]:
    """The matching entries and (field, value, matching entries) of the facets' values: on
    PostgreSQL one pass over the matches' facet arrays, each with one more element that
    stands for the entry itself (its total)."""
    if session.get_bind().dialect.name == "postgresql" and facets and set(facets) <= set(FACETS):
        held = func.array_append(SearchEntry.facets, literal(TOTAL, Text()))
        value = func.unnest(held).table_valued("value").render_derived()
        pairs = session.execute(
            select(value.c.value, func.count())
            .select_from(SearchEntry)
            .join(value, true())
            .where(where)
            .group_by(value.c.value)
        ).all()
        total = next((number for pair, number in pairs if pair == TOTAL), 0)
        found = [(*pair.split(FACET_SEPARATOR, 1), n) for pair, n in pairs if pair != TOTAL]
        return total, found
    count = session.scalar(select(func.count()).select_from(SearchEntry).where(where)) or 0
    if not facets:
        return count, []
    matching = select(SearchEntry.id).where(where)
    return count, [
        (field, value, number)
        for field, value, number in session.execute(
            select(SearchValue.field, SearchValue.value, func.count())
            .where(SearchValue.field.in_(facets), SearchValue.entry_id.in_(matching))
            .group_by(SearchValue.field, SearchValue.value)
        )
    ]


def _facets(
    session: Session,
    query: SearchQuery,
    counted: list[tuple[str, str, int]],
    organizations: set[str] | None,
) -> dict[str, list[FacetCount]]:
    counts_of: dict[str, dict[str, int]] = {facet: {} for facet in query.facets}
    for field, value, number in counted:
        if field in counts_of:
            counts_of[field][value] = number
    if query.facet_mincount <= 0:  # every value the caller can see, counted or not
        for field, value in _seen_values(session, query.facets, organizations):
            counts_of[field].setdefault(value, 0)
    result = {}
    for facet, values in counts_of.items():
        items = sorted(
            ((count, value) for value, count in values.items() if count >= query.facet_mincount),
            key=lambda item: (-item[0], item[1]),
        )
        chosen = items if query.facet_limit is None else items[: query.facet_limit]
        result[facet] = [FacetCount(value=value, count=count) for count, value in chosen]
    return result


def _seen_values(
    session: Session, facets: tuple[str, ...], organizations: set[str] | None
) -> list[tuple[str, str]]:
    """The (field, value) pairs of the facets that some entry the caller sees holds."""
    if set(facets) <= set(FACETS):
        return [
            (field, value) for field, value, _ in counts.visible(session, organizations, facets)[1]
        ]
    seen = select(SearchEntry.id).where(_visible(organizations))
    return [
        (field, value)
        for field, value in session.execute(
            select(SearchValue.field, SearchValue.value)
            .where(SearchValue.field.in_(facets), SearchValue.entry_id.in_(seen))
            .distinct()
        )
    ]


def cards(
    session: Session, names: list[str], *, visible_organizations: set[str] | None
) -> dict[str, DatasetCard]:
    """The cards of these datasets that the caller may see, by name."""
    found = session.scalars(
        select(SearchEntry.card).where(SearchEntry.name.in_(names), _visible(visible_organizations))
    )
    return {card["name"]: DatasetCard.model_validate(card) for card in found}
