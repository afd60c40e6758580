"""Compiling a checked query into DuckDB SQL with bound parameters.

Identifiers come only from the Table Schema (through `Schema.column`) and are quoted; every
value from the URL is a `?` parameter. Sorting is always completed by the row number, so
pages are stable and a cursor names one exact place; NULLs sort last in both directions,
and the keyset condition below is written for that order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from khlang.api.query.columns import Column, Op, quote_identifier
from khlang.api.query.language import AggFunction, AggregateQuery, Conditions, Filter, SortKey
from khlang.api.query.tables import TableInfo
from khlang.catalog.search.words import query_terms

ROW = "rowid"
_COMPARISONS = {Op.eq: "=", Op.lt: "<", Op.lte: "<=", Op.gt: ">", Op.gte: ">="}


class Sql(NamedTuple):
    text: str
    params: list[Any]


class Compiler:
    """SQL for one attached table (`<catalog>.rows`)."""

    def __init__(self, info: TableInfo, catalog: str) -> None:
        self.info = info
        self.catalog = quote_identifier(catalog)
        self.table = f"{self.catalog}.rows"
        self.columns = {column.name: column for column in info.columns}

    # --- conditions ------------------------------------------------------------------------

    def where(self, conditions: Conditions) -> Sql:
        parts: list[str] = []
        params: list[Any] = []
        for item in conditions.filters:
            text, values = self._filter(item)
            parts.append(text)
            params.extend(values)
        if conditions.text:
            text, values = self._text_search(conditions.text)
            parts.append(text)
            params.extend(values)
        return Sql(" AND ".join(parts) if parts else "TRUE", params)

    def _filter(self, item: Filter) -> tuple[str, list[Any]]:
        column = quote_identifier(item.column)
        op = item.op
        if op in _COMPARISONS:
            return f"{column} {_COMPARISONS[op]} ?", [item.value]
        if op is Op.ne:
            return f"{column} IS DISTINCT FROM ?", [item.value]
        if op is Op.in_:
            return f"{column} = ANY(?)", [item.value]
        if op is Op.isnull:
            return f"{column} IS {'' if item.value else 'NOT '}NULL", []
        if op is Op.contains:
            return _contains(column, item.value)
        return self._search(item.column, item.value)

    def _search(self, name: str, text: str) -> tuple[str, list[Any]]:
        """Every word of `text` among the words of the column's value."""
        terms = query_terms(text)
        table = self.info.term_columns.get(name)
        column = quote_identifier(name)
        if not terms:  # only stopwords or punctuation: match the text as it is
            return _contains(column, text)
        if table is None:  # too many distinct values to index: each word as a substring
            parts = [_contains(column, term) for term in terms]
            return " AND ".join(sql for sql, _ in parts), [v for _, values in parts for v in values]
        sql = (
            f"{column} IN (SELECT value FROM {self.catalog}.{quote_identifier(table)} "  # noqa: S608
            "WHERE term = ANY(?) GROUP BY value HAVING count(DISTINCT term) = ?)"
        )
        return sql, [terms, len(terms)]

    def _text_search(self, text: str) -> tuple[str, list[Any]]:
        """`_q`: every word of the text in some text column of the row, as one predicate
        whose cost does not grow with the number of words (at most MAX_SEARCH_WORDS, checked
        by the query language): with word indexes, each indexed column is joined once to the
        bit mask of the query's words its value holds, and a row matches when its masks
        together hold every word; without, the row's text columns are joined into one text
        and each word is a substring of it. Text of stopwords only is matched as it is."""
        terms = query_terms(text)
        if terms and self.info.term_columns:
            return self._indexed_text_search(terms)
        indexed = [quote_identifier(name) for name in self.info.term_columns]
        searchable = indexed or [quote_identifier(c.name) for c in self.info.columns if c.is_text]
        if not searchable:
            return "FALSE", []
        needles = [term.lower() for term in terms] or [text.lower()]
        haystack = f"lower(concat_ws(chr(31), {', '.join(searchable)}))"
        return (
            f"list_bool_and(list_transform(?::VARCHAR[], lambda w: contains({haystack}, w)))",
            [needles],
        )

    def _indexed_text_search(self, terms: list[str]) -> tuple[str, list[Any]]:
        joins: list[str] = []
        masks: list[str] = []
        params: list[Any] = []
        for position, (name, table) in enumerate(self.info.term_columns.items()):
            alias = f"__m{position}"
            bit = "1::BIGINT << (list_position(?::VARCHAR[], term) - 1)"
            source = f"{self.catalog}.{quote_identifier(table)}"
            joins.append(
                f"LEFT JOIN (SELECT value, bit_or({bit}) AS mask FROM {source} "  # noqa: S608
                f"WHERE term = ANY(?::VARCHAR[]) GROUP BY value) AS {alias} "
                f"ON __r.{quote_identifier(name)} = {alias}.value"
            )
            masks.append(f"coalesce({alias}.mask, 0)")
            params.extend([terms, terms])
        params.append((1 << len(terms)) - 1)
        sql = (
            f"{ROW} IN (SELECT __r.{ROW} FROM {self.table} AS __r {' '.join(joins)} "  # noqa: S608
            f"WHERE ({' | '.join(masks)}) = ?)"
        )
        return sql, params

    # --- rows --------------------------------------------------------------------------------

    def order_by(self, sort: tuple[SortKey, ...]) -> str:
        keys = [
            f"{quote_identifier(key.column)} {'DESC' if key.descending else 'ASC'} NULLS LAST"
            for key in sort
        ]
        return ", ".join([*keys, ROW])

    def after(self, sort: tuple[SortKey, ...], values: list[Any], row: int) -> Sql:
        """Rows strictly after (values, row) in the order `order_by(sort)` gives."""
        if not sort:
            return Sql(f"{ROW} > ?", [row])
        key, rest = sort[0], sort[1:]
        column = quote_identifier(key.column)
        tail = self.after(rest, values[1:], row)
        value = values[0]
        if value is None:
            return Sql(f"({column} IS NULL AND {tail.text})", tail.params)
        beyond = "<" if key.descending else ">"
        nulls = f" OR {column} IS NULL" if key.column in self.info.nullable else ""
        return Sql(
            f"({column} {beyond} ?{nulls} OR ({column} = ? AND {tail.text}))",
            [value, value, *tail.params],
        )

    def page(
        self,
        fields: list[str],
        conditions: Conditions,
        sort: tuple[SortKey, ...],
        limit: int,
        *,
        after: tuple[list[Any], int] | None = None,
        offset: int = 0,
    ) -> Sql:
        """Rows of one page, plus the sort values and row number of each (for the cursor)."""
        where = self.where(conditions)
        clauses, params = [where.text], list(where.params)
        if after is not None:
            keyset = self.after(sort, *after)
            clauses.append(keyset.text)
            params.extend(keyset.params)
        if offset and not sort and not conditions.filters and not conditions.text:
            clauses.append(f"{ROW} >= ?")  # rows are numbered in order: skip without counting
            params.append(offset)
            offset = 0
        selected = [quote_identifier(name) for name in fields]
        selected += [f"{quote_identifier(key.column)} AS __sort_{i}" for i, key in enumerate(sort)]
        selected.append(f"{ROW} AS __row")
        text = (
            f"SELECT {', '.join(selected)} FROM {self.table} WHERE {' AND '.join(clauses)} "  # noqa: S608
            f"ORDER BY {self.order_by(sort)} LIMIT ?"
        )
        params.append(limit)
        if offset:
            text += " OFFSET ?"
            params.append(offset)
        return Sql(text, params)

    def distinct(
        self,
        fields: list[str],
        conditions: Conditions,
        sort: tuple[SortKey, ...],
        limit: int,
        offset: int,
    ) -> Sql:
        """The distinct combinations of `fields` among the matching rows, in `sort` order
        (sort keys must be among the fields), then by the fields themselves."""
        where = self.where(conditions)
        selected = ", ".join(quote_identifier(name) for name in fields)
        keys = [*sort, *(SortKey(column=name) for name in fields)]
        order = ", ".join(
            f"{quote_identifier(key.column)} {'DESC' if key.descending else 'ASC'} NULLS LAST"
            for key in keys
        )
        return Sql(
            f"SELECT DISTINCT {selected} FROM {self.table} WHERE {where.text} "  # noqa: S608
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )

    def count_distinct(self, fields: list[str], conditions: Conditions) -> Sql:
        where = self.where(conditions)
        selected = ", ".join(quote_identifier(name) for name in fields)
        return Sql(
            f"SELECT count(*) FROM (SELECT DISTINCT {selected} FROM {self.table} "  # noqa: S608
            f"WHERE {where.text})",
            where.params,
        )

    def count(self, conditions: Conditions) -> Sql:
        where = self.where(conditions)
        return Sql(f"SELECT count(*) FROM {self.table} WHERE {where.text}", where.params)  # noqa: S608

    def facet(self, conditions: Conditions, name: str, limit: int) -> Sql:
        column = quote_identifier(name)
        where = self.where(conditions)
        return Sql(
            f"SELECT {column} AS value, count(*) AS count FROM {self.table} WHERE {where.text} "  # noqa: S608
            f"GROUP BY {column} ORDER BY count DESC, value ASC NULLS LAST LIMIT ?",
            [*where.params, limit],
        )

    # --- aggregates ----------------------------------------------------------------------------

    def aggregate(self, query: AggregateQuery) -> Sql:
        where = self.where(query.where)
        selected = [quote_identifier(name) for name in query.group_by]
        for aggregate in query.aggregates:
            if aggregate.column is None:
                expression = "count(*)"
            else:
                expression = self._aggregate(aggregate.function, aggregate.column)
            selected.append(f"{expression} AS {quote_identifier(aggregate.alias)}")
        text = f"SELECT {', '.join(selected)} FROM {self.table} WHERE {where.text}"  # noqa: S608
        if query.group_by:
            text += f" GROUP BY {', '.join(quote_identifier(n) for n in query.group_by)}"
        sort = query.sort or tuple(SortKey(column=name) for name in query.group_by)
        if sort:
            keys = ", ".join(
                f"{quote_identifier(k.column)} {'DESC' if k.descending else 'ASC'} NULLS LAST"
                for k in sort
            )
            text += f" ORDER BY {keys}"
        text += " LIMIT ?"
        return Sql(text, [*where.params, query.size + 1])

    def _aggregate(self, function: AggFunction, name: str) -> str:
        """One aggregate's SQL. A `number` column is a DOUBLE, and a plain sum of doubles
        drifts (67130054.27 summed from its parts came out as 67130054.27000001, beside the
        area-budget store's exact 67130054.27): money (unit THB) is summed in satang, exactly,
        as the store sums it, and other numbers with error compensation (`fsum`, `favg`)."""
        column = self.columns[name]
        quoted = quote_identifier(name)
        if function in (AggFunction.sum, AggFunction.avg) and column.is_money:
            return f"CAST({function.value}(CAST({quoted} AS DECIMAL(38, 2))) AS DOUBLE)"
        if function in (AggFunction.sum, AggFunction.avg) and column.type == "number":
            return f"f{function.value}({quoted})"
        return f"{function.value}({quoted})"

    # --- downloads ---------------------------------------------------------------------------

    def export(
        self,
        fields: list[str],
        conditions: Conditions,
        sort: tuple[SortKey, ...],
        *,
        escape_formulas: bool = False,
        text_times: bool = False,
    ) -> Sql:
        """Every matching row, for a download. For spreadsheets, text cells that start with
        = + - @ (or a tab or carriage return) get a leading apostrophe, so opening the file
        cannot run a formula; date-times are written as ISO 8601 text."""
        where = self.where(conditions)
        selected = [
            self._export_column(self.columns[name], escape_formulas, text_times) for name in fields
        ]
        return Sql(
            f"SELECT {', '.join(selected)} FROM {self.table} WHERE {where.text} "  # noqa: S608
            f"ORDER BY {self.order_by(sort)}",
            where.params,
        )

    @staticmethod
    def _export_column(column: Column, escape_formulas: bool, text_times: bool) -> str:
        name = quote_identifier(column.name)
        if escape_formulas and column.is_text:
            return (
                f"CASE WHEN left({name}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
                f"THEN '''' || {name} ELSE {name} END AS {name}"
            )
        if text_times and column.type == "datetime":
            return f"strftime({name}, '%Y-%m-%dT%H:%M:%S') AS {name}"
        return name

    def export_json(
        self, fields: list[str], conditions: Conditions, sort: tuple[SortKey, ...]
    ) -> Sql:
        """Every matching row as one JSON object text each, made by DuckDB."""
        where = self.where(conditions)
        members = ", ".join(
            f"{quote_identifier(name)} := {quote_identifier(name)}" for name in fields
        )
        return Sql(
            f"SELECT to_json(struct_pack({members})) FROM {self.table} WHERE {where.text} "  # noqa: S608
            f"ORDER BY {self.order_by(sort)}",
            where.params,
        )


def _contains(column: str, text: str) -> tuple[str, list[Any]]:
    """Substring match, ignoring case where the text has case (Thai has none, and skipping
    lower() saves a pass over every string of the column)."""
    if text.lower() == text.upper():
        return f"contains({column}, ?)", [text]
    return f"contains(lower({column}), ?)", [text.lower()]
