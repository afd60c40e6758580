"""Joining the sources into one area-budget model without counting a baht twice.

1. Budget lines are the same line when they carry the same identifier in any system.
2. A line whose identifier no higher-priority system knows (a BBL row without the
   e-Budgeting code, a mistyped GFMIS code, an e-GP contract without one) is matched by name
   and area: the same fiscal year, the same item name once spaces are ignored, and the same
   province (any province for a line worked in several); when several lines fit, the one
   whose code differs by one character (a mistyped code), then the one in the same district,
   then the one with the same allocation. Exactly one candidate is a match; several are reported
   as ambiguous; none leaves the line on its own, reported as unmatched with its amounts
   (counted on their own, so the officer can see what may be counted twice). A record
   matched to a line its own system already lists with the same area and amount is that
   line listed twice, and is not added.
3. For each line, fiscal year, phase and month, the amounts of one system only are counted:
   the first in that phase's order of authority (allocation: e-Budgeting, then BBL, ...;
   disbursement: GFMIS ...), and within it one export file. Every other system's figure for
   the same key is compared with the counted one: equal is corroboration, different is a
   conflict, listed with both values and their files.
4. Contracts, LAO finance, plan projects and needs are deduplicated across files the same way.

Everything runs as SQL over the Parquet parts, so a national build stays within DuckDB's
memory limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
from pydantic import BaseModel

from khlang.publishers.adapters import bbl, ebudget, gfmis, govspending, kaogeek, wevis
from khlang.publishers.adapters import elaas as elaas_adapter

LINE_PRIORITY = (ebudget.SYSTEM, bbl.SYSTEM, gfmis.SYSTEM, govspending.SYSTEM, kaogeek.SYSTEM)
PHASE_PRIORITY: dict[str, tuple[str, ...]] = {
    "requested": (ebudget.SYSTEM, bbl.SYSTEM),
    "allocated": (ebudget.SYSTEM, bbl.SYSTEM, govspending.SYSTEM, kaogeek.SYSTEM),
    "transferred": (bbl.SYSTEM,),
    "committed": (gfmis.SYSTEM,),
    "disbursed": (gfmis.SYSTEM, govspending.SYSTEM, bbl.SYSTEM),
    "obligated": (ebudget.SYSTEM, kaogeek.SYSTEM),
}
FINANCE_PRIORITY = (elaas_adapter.SYSTEM, wevis.SYSTEM)
EXAMPLES = 20
TOLERANCE = "0.005"


def _values(rows: list[tuple[Any, ...]]) -> str:
    return ", ".join("(" + ", ".join(repr(value) for value in row) + ")" for row in rows)


def _setup(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TEMP TABLE line_rank AS SELECT * FROM (VALUES "  # noqa: S608
        + _values([(system, rank) for rank, system in enumerate(LINE_PRIORITY, start=1)])
        + ") t(system, rank)"
    )
    con.execute(
        "CREATE TEMP TABLE phase_rank AS SELECT * FROM (VALUES "  # noqa: S608
        + _values(
            [
                (phase, system, rank)
                for phase, systems in PHASE_PRIORITY.items()
                for rank, system in enumerate(systems, start=1)
            ]
        )
        + ") t(phase, system, rank)"
    )
    con.execute(
        "CREATE TEMP TABLE finance_rank AS SELECT * FROM (VALUES "  # noqa: S608
        + _values([(system, rank) for rank, system in enumerate(FINANCE_PRIORITY, start=1)])
        + ") t(system, rank)"
    )


NAME_KEY = "lower(regexp_replace(coalesce({column}, ''), '\\s+', '', 'g'))"


REMAP_RANK = """
INSERT INTO remap
WITH allocated AS (
    SELECT source_system, line_id, sum(amount) AS total FROM raw_amounts
    WHERE phase = 'allocated' GROUP BY ALL
), targets AS (
    SELECT t.*, coalesce(r.to_id, t.line_id) AS canon FROM src_lines t
    LEFT JOIN remap r ON r.source_system = t.source_system AND r.from_id = t.line_id
    WHERE t.rank < ?
), candidates AS (
    SELECT o.source_system, o.line_id AS from_id, t.canon AS to_id,
           o.district_code IS NOT DISTINCT FROM t.district_code AS same_district,
           coalesce(fa.total = ta.total, false) AS same_amount,
           levenshtein(o.line_id, t.line_id) <= 1 AS near_code
    FROM orphans o JOIN targets t
      ON t.fiscal_year = o.fiscal_year AND t.name_key = o.name_key AND t.name_key <> ''
     AND (t.province_code IS NOT DISTINCT FROM o.province_code
          OR t.area_level = 'multiple')
    LEFT JOIN allocated fa ON fa.source_system = o.source_system AND fa.line_id = o.line_id
    LEFT JOIN allocated ta ON ta.source_system = t.source_system AND ta.line_id = t.line_id
    WHERE o.rank = ?
), counted AS (
    SELECT source_system, from_id, count(DISTINCT to_id) AS fits,
           count(DISTINCT to_id) FILTER (WHERE near_code) AS fits_code,
           count(DISTINCT to_id) FILTER (WHERE same_district) AS fits_district,
           count(DISTINCT to_id) FILTER (WHERE same_district AND same_amount)
               AS fits_district_amount,
           count(DISTINCT to_id) FILTER (WHERE same_amount) AS fits_amount,
           min(to_id) AS any_to, min(to_id) FILTER (WHERE near_code) AS any_code,
           min(to_id) FILTER (WHERE same_district) AS any_district,
           min(to_id) FILTER (WHERE same_district AND same_amount) AS any_district_amount,
           min(to_id) FILTER (WHERE same_amount) AS any_amount
    FROM candidates GROUP BY ALL
)
SELECT source_system, from_id, fits,
       CASE WHEN fits = 1 THEN any_to WHEN fits_code = 1 THEN any_code
            WHEN fits_district = 1 THEN any_district
            WHEN fits_district_amount = 1 THEN any_district_amount
            WHEN fits_amount = 1 THEN any_amount END AS to_id
FROM counted
"""


def _match_lines(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE TEMP TABLE src_lines AS
        SELECT l.*, coalesce(r.rank, 99) AS rank, {NAME_KEY.format(column="l.item_name")}
               AS name_key
        FROM raw_budget_lines l LEFT JOIN line_rank r ON r.system = l.source_system
        """  # noqa: S608
    )
    con.execute(
        """
        CREATE TEMP TABLE orphans AS
        WITH best AS (SELECT line_id, min(rank) AS best FROM src_lines GROUP BY line_id)
        SELECT DISTINCT s.source_system, s.rank, s.line_id, s.fiscal_year, s.name_key,
               s.province_code, s.district_code
        FROM src_lines s JOIN best b USING (line_id)
        WHERE b.best = s.rank AND s.rank > (SELECT min(rank) FROM src_lines)
        """
    )
    con.execute(
        "CREATE TEMP TABLE remap (source_system VARCHAR, from_id VARCHAR, fits BIGINT, "
        "to_id VARCHAR)"
    )
    ranks = con.execute("SELECT DISTINCT rank FROM orphans ORDER BY rank").fetchall()
    for (rank,) in ranks:
        # Lower-ranked orphans match the canonical ids of the ranks above them, so a line
        # found in BBL by name is one line, whichever system matches it next.
        con.execute(REMAP_RANK, [rank, rank])
    con.execute(
        """
        CREATE TEMP TABLE canon_lines AS
        SELECT s.*, coalesce(r.to_id, s.line_id) AS canon, r.to_id IS NOT NULL AS by_name
        FROM src_lines s
        LEFT JOIN remap r ON r.source_system = s.source_system AND r.from_id = s.line_id
        """
    )
    con.execute(
        """
        CREATE TABLE lines AS
        WITH systems AS (
            SELECT canon, string_agg(DISTINCT source_system, ';' ORDER BY source_system)
                   AS systems
            FROM canon_lines GROUP BY canon
        ), best AS (
            SELECT * FROM canon_lines
            QUALIFY row_number() OVER (PARTITION BY canon ORDER BY rank, source_file,
                                       source_row) = 1
        )
        SELECT best.* EXCLUDE (line_id, canon, rank, by_name, name_key),
               best.canon AS line_id, best.name_key, systems.systems
        FROM best JOIN systems USING (canon)
        """
    )


def _choose_amounts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TEMP TABLE amounts_m AS
        SELECT a.* REPLACE (coalesce(r.to_id, a.line_id) AS line_id),
               coalesce(p.rank, 99) AS prank, coalesce(a.fiscal_month, 0) AS m,
               r.to_id IS NOT NULL AS by_name
        FROM raw_amounts a
        LEFT JOIN remap r ON r.source_system = a.source_system AND r.from_id = a.line_id
        LEFT JOIN phase_rank p ON p.system = a.source_system AND p.phase = a.phase
        """
    )
    # A record matched by name to a line its own system already lists under the line's code
    # is that line listed twice: its amounts are not added to the line's.
    con.execute(
        """
        CREATE TEMP TABLE listed_twice AS
        SELECT a.* FROM amounts_m a
        WHERE a.by_name AND EXISTS (
            SELECT 1 FROM amounts_m b
            WHERE NOT b.by_name AND b.line_id = a.line_id AND b.fiscal_year = a.fiscal_year
              AND b.phase = a.phase AND b.m = a.m AND b.source_system = a.source_system
              AND b.area_code IS NOT DISTINCT FROM a.area_code AND b.amount = a.amount)
        """
    )
    con.execute(
        "DELETE FROM amounts_m WHERE by_name AND (source_system, source_file, source_row, "
        "phase, m) IN (SELECT (source_system, source_file, source_row, phase, m) "
        "FROM listed_twice)"
    )
    con.execute(
        """
        CREATE TEMP TABLE amount_groups AS
        SELECT line_id, fiscal_year, phase, m, source_system, source_file, prank,
               sum(amount) AS total, count(*) AS rows
        FROM amounts_m GROUP BY ALL
        """
    )
    con.execute(
        """
        CREATE TEMP TABLE chosen AS
        SELECT * FROM amount_groups
        QUALIFY row_number() OVER (PARTITION BY line_id, fiscal_year, phase, m
                                   ORDER BY prank, source_system, source_file) = 1
        """
    )
    con.execute(
        """
        CREATE TABLE amounts AS
        SELECT a.* EXCLUDE (prank, m, by_name)
        FROM amounts_m a
        JOIN chosen c USING (line_id, fiscal_year, phase, m, source_system, source_file)
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE superseded AS
        SELECT g.*, c.source_system AS counted_system, c.source_file AS counted_file,
               c.total AS counted_total,
               abs(g.total - c.total) <= {TOLERANCE} AS agrees
        FROM amount_groups g JOIN chosen c USING (line_id, fiscal_year, phase, m)
        WHERE NOT (g.source_system = c.source_system AND g.source_file = c.source_file)
        """  # noqa: S608
    )


def _link_contracts(con: duckdb.DuckDBPyConnection) -> None:
    """Contracts keep their line code when it is a line; otherwise they are matched to a
    line by title, year and province. The same process in two files counts once."""
    con.execute(
        f"""
        CREATE TEMP TABLE contracts_m AS
        WITH c AS (
            SELECT * FROM raw_contracts
            QUALIFY dense_rank() OVER (PARTITION BY ocid ORDER BY source_file) = 1
        ), by_name AS (
            SELECT c.ocid, c.source_file, c.source_row, count(DISTINCT l.line_id) AS fits,
                   min(l.line_id) AS line_id
            FROM c JOIN lines l
              ON l.fiscal_year = c.fiscal_year AND l.name_key = {NAME_KEY.format(column="c.title")}
             AND l.province_code IS NOT DISTINCT FROM c.province_code
            WHERE c.line_id IS NULL OR c.line_id NOT IN (SELECT line_id FROM lines)
            GROUP BY ALL
        )
        SELECT c.* REPLACE (
                   CASE WHEN c.line_id IN (SELECT line_id FROM lines) THEN c.line_id
                        WHEN b.fits = 1 THEN b.line_id END AS line_id),
               CASE WHEN c.line_id IN (SELECT line_id FROM lines) THEN 'id'
                    WHEN b.fits = 1 THEN 'name_and_area'
                    WHEN b.fits > 1 THEN 'ambiguous' ELSE 'unlinked' END AS link
        FROM c LEFT JOIN by_name b USING (ocid, source_file, source_row)
        """  # noqa: S608
    )
    con.execute("CREATE TABLE contracts AS SELECT * EXCLUDE (link) FROM contracts_m")


def _dedupe_other(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TEMP TABLE finance_m AS
        SELECT f.*, coalesce(r.rank, 99) AS frank FROM raw_lao_finance f
        LEFT JOIN finance_rank r ON r.system = f.source_system
        """
    )
    con.execute(
        """
        CREATE TABLE lao_finance AS
        WITH groups AS (
            SELECT lao_key, fiscal_year, kind, source_system, source_file, min(frank) AS frank
            FROM finance_m GROUP BY lao_key, fiscal_year, kind, source_system, source_file
        ), chosen AS (
            SELECT * FROM groups
            QUALIFY row_number() OVER (PARTITION BY lao_key, fiscal_year, kind
                                       ORDER BY frank, source_system, source_file) = 1
        )
        SELECT f.* EXCLUDE (frank) FROM finance_m f
        JOIN chosen c USING (lao_key, fiscal_year, kind, source_system, source_file)
        """
    )
    con.execute(
        """
        CREATE TABLE plan_projects AS
        SELECT p.* REPLACE (
                   CASE WHEN coalesce(r.to_id, p.line_id) IN (SELECT line_id FROM lines)
                        THEN coalesce(r.to_id, p.line_id) END AS line_id)
        FROM raw_plan_projects p
        LEFT JOIN remap r ON r.from_id = p.line_id
        QUALIFY row_number() OVER (PARTITION BY project_id, p.fiscal_year
                                   ORDER BY source_file, source_row) = 1
        """
    )
    con.execute(
        """
        CREATE TABLE needs AS SELECT * FROM raw_needs
        QUALIFY row_number() OVER (PARTITION BY need_id ORDER BY source_file, source_row) = 1
        """
    )


class LineMatching(BaseModel):
    """How the budget lines of several systems became one list (rules 1 and 2)."""

    published: int
    in_several_systems: int
    matched_by_name_and_area: int
    ambiguous: int
    unmatched: dict[str, int]
    """Lines left on their own, by system."""
    unmatched_amounts: dict[str, str]
    """Their amounts in baht, by `system/phase`."""
    examples_matched_by_name: list[dict[str, Any]]
    examples_ambiguous: list[dict[str, Any]]


class AmountChoice(BaseModel):
    """Which system's amounts were counted and what the others said (rule 3)."""

    counted_groups: int
    superseded_agreeing: int
    superseded_conflicting: int
    listed_twice_in_one_system: int
    same_system_other_file: int
    conflict_examples: list[dict[str, Any]]
    """The largest disagreements, both figures and their files."""


class Control(BaseModel):
    """A control total an export states, beside the sum of what was read."""

    fiscal_year: int | str
    measure: str
    source_system: str
    source_file: str | None
    stated: str
    computed: str
    difference: str


class PhaseTotal(BaseModel):
    published: str
    """Baht counted once."""
    by_system: dict[str, str]
    """Baht as each system listed it, before reconciliation."""


class Reconciliation(BaseModel):
    """The reconciliation report (the `reconciliation` of publish-report.json)."""

    lines: LineMatching
    amounts: AmountChoice
    contracts: dict[str, int]
    """Contracts by how they were linked to a line, and the duplicates dropped."""
    controls: list[Control]
    totals: dict[str, dict[str, PhaseTotal]]
    """Fiscal year -> phase -> totals."""


def reconcile(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    """Create the reconciled tables (`lines`, `amounts`, `contracts`, `lao_finance`,
    `plan_projects`, `needs`) and return the reconciliation report."""
    _setup(con)
    _match_lines(con)
    _choose_amounts(con)
    _link_contracts(con)
    _dedupe_other(con)
    return _report(con)


def _money(value: Any) -> str:
    return f"{Decimal(value or 0):.2f}"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _report(con: duckdb.DuckDBPyConnection) -> Reconciliation:
    scalar = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    totals: dict[str, dict[str, Any]] = {}
    for row in _rows(
        con,
        """
        SELECT fiscal_year, phase, source_system, sum(amount) AS total
        FROM raw_amounts GROUP BY ALL ORDER BY ALL
        """,
    ):
        entry = totals.setdefault(str(row["fiscal_year"]), {}).setdefault(
            row["phase"], {"published": "0.00", "by_system": {}}
        )
        entry["by_system"][row["source_system"]] = _money(row["total"])
    for row in _rows(
        con, "SELECT fiscal_year, phase, sum(amount) AS total FROM amounts GROUP BY ALL"
    ):
        totals[str(row["fiscal_year"])][row["phase"]]["published"] = _money(row["total"])
    conflicts = _rows(
        con,
        f"""
        SELECT line_id, fiscal_year, phase, nullif(m, 0) AS fiscal_month,
               counted_system, counted_file, counted_total, source_system AS other_system,
               source_file AS other_file, total AS other_total
        FROM superseded WHERE NOT agrees ORDER BY abs(total - counted_total) DESC
        LIMIT {EXAMPLES}
        """,  # noqa: S608
    )
    for row in conflicts:
        row["counted_total"] = _money(row["counted_total"])
        row["other_total"] = _money(row["other_total"])
    return Reconciliation.model_validate({
        "lines": {
            "published": scalar("SELECT count(*) FROM lines"),
            "in_several_systems": scalar("SELECT count(*) FROM lines WHERE systems LIKE '%;%'"),
            "matched_by_name_and_area": scalar(
                "SELECT count(*) FROM remap WHERE to_id IS NOT NULL"
            ),
            "ambiguous": scalar("SELECT count(*) FROM remap WHERE to_id IS NULL"),
            "unmatched": {
                row["source_system"]: row["n"]
                for row in _rows(
                    con,
                    """
                    SELECT o.source_system, count(*) AS n FROM orphans o
                    LEFT JOIN remap r ON r.source_system = o.source_system
                                     AND r.from_id = o.line_id
                    WHERE r.to_id IS NULL GROUP BY ALL ORDER BY ALL
                    """,
                )
            },
            "unmatched_amounts": {
                f"{row['source_system']}/{row['phase']}": _money(row["total"])
                for row in _rows(
                    con,
                    """
                    SELECT o.source_system, a.phase, sum(a.amount) AS total FROM orphans o
                    LEFT JOIN remap r ON r.source_system = o.source_system
                                     AND r.from_id = o.line_id
                    JOIN amounts a ON a.line_id = o.line_id
                                  AND a.source_system = o.source_system
                    WHERE r.to_id IS NULL GROUP BY ALL ORDER BY ALL
                    """,
                )
            },
            "examples_matched_by_name": _rows(
                con,
                f"""
                SELECT source_system, from_id, to_id FROM remap WHERE to_id IS NOT NULL
                ORDER BY ALL LIMIT {EXAMPLES}
                """,  # noqa: S608
            ),
            "examples_ambiguous": _rows(
                con,
                f"""
                SELECT source_system, from_id, fits FROM remap WHERE to_id IS NULL
                ORDER BY ALL LIMIT {EXAMPLES}
                """,  # noqa: S608
            ),
        },
        "amounts": {
            "counted_groups": scalar("SELECT count(*) FROM chosen"),
            "superseded_agreeing": scalar("SELECT count(*) FROM superseded WHERE agrees"),
            "superseded_conflicting": scalar("SELECT count(*) FROM superseded WHERE NOT agrees"),
            "listed_twice_in_one_system": scalar("SELECT count(*) FROM listed_twice"),
            "same_system_other_file": scalar(
                "SELECT count(*) FROM superseded WHERE source_system = counted_system"
            ),
            "conflict_examples": conflicts,
        },
        "contracts": {
            row["link"]: row["n"]
            for row in _rows(con, "SELECT link, count(*) AS n FROM contracts_m GROUP BY ALL")
        }
        | {
            "duplicates_across_files": scalar("SELECT count(*) FROM raw_contracts")
            - scalar("SELECT count(*) FROM contracts_m")
        },
        "controls": [
            {
                "fiscal_year": row["fiscal_year"],
                "measure": row["measure"],
                "source_system": row["source_system"],
                "source_file": row["source_file"],
                "stated": _money(row["amount"]),
                "computed": _money(row["computed"]),
                "difference": _money((row["amount"] or 0) - (row["computed"] or 0)),
            }
            for row in _rows(con, _CONTROLS_SQL)
        ],
        "totals": totals,
    })  # fmt: skip


_CONTROLS_SQL = """
WITH computed AS (
    SELECT 'pao_expenditure_estimate' AS measure, fiscal_year, source_system,
           NULL AS source_file, sum(estimate) AS computed
    FROM lao_finance WHERE kind = 'expenditure' GROUP BY ALL
    UNION ALL
    SELECT phase || '_as_listed', fiscal_year, source_system, source_file, sum(amount)
    FROM amounts GROUP BY ALL
)
SELECT c.fiscal_year, c.measure, c.source_system, c.source_file, c.amount, k.computed
FROM raw_controls c LEFT JOIN computed k
  ON k.measure = c.measure AND k.fiscal_year = c.fiscal_year
 AND k.source_system = c.source_system
 AND (k.source_file IS NULL OR k.source_file = c.source_file)
ORDER BY ALL
"""
