"""The queries that turn the reconciled model into the published tables.

Each query selects exactly the columns of its resource, in order (the writer checks), from
the reconciled tables (`lines`, `amounts`, `contracts`, `lao_finance`, `plan_projects`,
`needs`) and the reference tables `prepare` loads (area and LAO names, term labels, LAO
population).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from khlang.publishers.areas import AreaRegistry
from khlang.publishers.fiscal import month_sql
from khlang.publishers.population import lao_population
from khlang.publishers.vocab import (
    BUDGET_TYPES,
    REVENUE_CATEGORIES,
    REVENUE_GROUPS,
    STRATEGIC_AREA_VOCAB,
    TOPIC_VOCAB,
)


def prepare(con: duckdb.DuckDBPyConnection, registry: AreaRegistry) -> None:
    """Load names and labels as tables the queries join to."""
    provinces = registry.provinces.reset_index()[["province_code", "name_th", "region_code"]]
    provinces = provinces.rename(columns={"name_th": "province_name"})
    districts = registry.districts.reset_index()[["district_code", "name_th"]].rename(
        columns={"name_th": "district_name"}
    )
    subdistricts = registry.subdistricts.reset_index()[["subdistrict_code", "name_th"]].rename(
        columns={"name_th": "subdistrict_name"}
    )
    terms = pd.DataFrame(
        [
            {"vocab": vocabulary.key, "code": term.code, "th": term.value}
            for vocabulary in (BUDGET_TYPES, REVENUE_CATEGORIES, STRATEGIC_AREA_VOCAB, TOPIC_VOCAB)
            for term in vocabulary.terms
        ]
    )
    groups = pd.DataFrame(
        [{"code": code, "grp": group} for group, codes in REVENUE_GROUPS.items() for code in codes]
    )
    if registry.laos is not None:
        columns = ["lao_key", "lao_name_th", "lao_type", "province_code", "district_code"]
        laos = registry.laos[columns].rename(columns={"lao_name_th": "lao_name"})
        laos = laos.replace("", None)
    else:
        laos = pd.DataFrame(columns=["lao_key", "lao_name", "lao_type", "province_code",
                                     "district_code"], dtype="string")  # fmt: skip
    if registry.laos is not None and registry.population is not None:
        population = lao_population(registry.laos, registry.population)
    else:
        population = pd.DataFrame(
            {"lao_key": pd.Series(dtype="string"), "population": pd.Series(dtype="Int64"),
             "population_date": pd.Series(dtype="object")}
        )  # fmt: skip
    for name, frame in (
        ("ref_provinces", provinces),
        ("ref_districts", districts),
        ("ref_subdistricts", subdistricts),
        ("ref_terms", terms),
        ("ref_revenue_groups", groups),
        ("ref_laos", laos),
        ("ref_lao_population", population),
    ):
        con.register(f"_{name}", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}")  # noqa: S608
        con.unregister(f"_{name}")


AREA_COLUMNS = """
    {x}.area_code, {x}.area_level, {x}.province_code, p.province_name, {x}.district_code,
    d.district_name, {x}.subdistrict_code, s.subdistrict_name"""
AREA_JOINS = """
    LEFT JOIN ref_provinces p ON p.province_code = {x}.province_code
    LEFT JOIN ref_districts d ON d.district_code = {x}.district_code
    LEFT JOIN ref_subdistricts s ON s.subdistrict_code = {x}.subdistrict_code"""


def _area(alias: str) -> tuple[str, str]:
    return AREA_COLUMNS.format(x=alias), AREA_JOINS.format(x=alias)


def _phase_sums(phases: tuple[str, ...], alias: str = "a") -> str:
    """A column per phase: its sum, or NULL ("no data") when no amount of it exists. Never
    0 for a phase nobody reports: the area-budget store and the API say no data there, and
    the downloads must say the same (issue 13, the same number everywhere)."""
    return ",\n    ".join(
        f"sum({alias}.amount) FILTER (WHERE {alias}.phase = '{phase}') AS {phase}"
        for phase in phases
    )


def allocation_by_area() -> str:
    columns, joins = _area("a")
    return f"""
SELECT a.fiscal_year, {columns}, a.lao_key, o.lao_name,
    l.ministry_code, l.ministry_name, l.department_code, l.department_name,
    l.budget_unit_code, l.budget_unit_name, l.budget_type, t.th AS budget_type_th,
    l.source_of_funds, count(DISTINCT a.line_id) AS lines,
    {_phase_sums(("requested", "allocated", "transferred"))}
FROM amounts a JOIN lines l USING (line_id)
{joins}
LEFT JOIN ref_laos o ON o.lao_key = a.lao_key
LEFT JOIN ref_terms t ON t.vocab = 'budget_type' AND t.code = l.budget_type
WHERE a.phase IN ('requested', 'allocated', 'transferred')
GROUP BY ALL
ORDER BY ALL
"""  # noqa: S608


def budget_lines() -> str:
    columns, joins = _area("l")
    return f"""
SELECT l.line_id, l.fiscal_year, l.fiscal_year_original, l.ministry_code, l.ministry_name,
    l.department_code, l.department_name, l.budget_unit_code, l.budget_unit_name, l.strategy,
    l.plan_name, l.output_name, l.project_name, l.item_name, l.budget_type, l.source_of_funds,
    {columns}, l.lao_key,
    {_phase_sums(("requested", "allocated", "transferred", "committed", "disbursed"))},
    l.systems, l.source_system, l.source_file, l.source_row
FROM lines l LEFT JOIN amounts a USING (line_id)
{joins}
GROUP BY ALL
ORDER BY l.fiscal_year, l.line_id
"""  # noqa: S608


def amount_ledger() -> str:
    return """
SELECT line_id, fiscal_year, phase, fiscal_month, amount, area_code, area_level,
    province_code, district_code, subdistrict_code, lao_key, source_system, source_file,
    source_row
FROM amounts
ORDER BY fiscal_year, line_id, phase, fiscal_month NULLS FIRST, source_file, source_row
"""


DISBURSEMENT_BASE = """
WITH base AS (
    SELECT fiscal_year, phase, fiscal_month, amount, province_code,
        CASE WHEN district_code IS NOT NULL THEN district_code
             WHEN province_code IS NOT NULL THEN province_code
             WHEN area_level = 'country' THEN 'TH' END AS area_code,
        CASE WHEN district_code IS NOT NULL THEN 'district'
             WHEN province_code IS NOT NULL THEN 'province'
             ELSE area_level END AS area_level,
        district_code
    FROM amounts WHERE phase IN ('allocated', 'committed', 'disbursed')
), keys AS (
    SELECT DISTINCT fiscal_year, area_code, area_level, province_code, district_code FROM base
), allocated AS (
    SELECT fiscal_year, area_code, area_level, sum(amount) AS allocated FROM base
    WHERE phase = 'allocated' GROUP BY ALL
), monthly AS (
    SELECT fiscal_year, area_code, area_level, fiscal_month,
        coalesce(sum(amount) FILTER (WHERE phase = 'committed'), 0) AS committed,
        coalesce(sum(amount) FILTER (WHERE phase = 'disbursed'), 0) AS disbursed
    FROM base WHERE phase IN ('committed', 'disbursed') GROUP BY ALL
), has_months AS (
    SELECT DISTINCT fiscal_year, area_code, area_level FROM monthly
    WHERE fiscal_month IS NOT NULL
), grid AS (
    SELECT k.*, m.range::INTEGER AS fiscal_month FROM keys k
    JOIN has_months h ON h.fiscal_year = k.fiscal_year
        AND h.area_code IS NOT DISTINCT FROM k.area_code AND h.area_level = k.area_level
    CROSS JOIN range(1, 13) m
    UNION ALL
    SELECT k.*, NULL FROM keys k
    WHERE EXISTS (SELECT 1 FROM monthly n WHERE n.fiscal_month IS NULL
        AND n.fiscal_year = k.fiscal_year AND n.area_code IS NOT DISTINCT FROM k.area_code
        AND n.area_level = k.area_level)
    OR NOT EXISTS (SELECT 1 FROM monthly n WHERE n.fiscal_year = k.fiscal_year
        AND n.area_code IS NOT DISTINCT FROM k.area_code AND n.area_level = k.area_level)
), rows AS (
    SELECT g.*, coalesce(al.allocated, 0) AS allocated,
        coalesce(mo.committed, 0) AS committed, coalesce(mo.disbursed, 0) AS disbursed
    FROM grid g
    LEFT JOIN allocated al ON al.fiscal_year = g.fiscal_year
        AND al.area_code IS NOT DISTINCT FROM g.area_code AND al.area_level = g.area_level
    LEFT JOIN monthly mo ON mo.fiscal_year = g.fiscal_year
        AND mo.area_code IS NOT DISTINCT FROM g.area_code AND mo.area_level = g.area_level
        AND mo.fiscal_month IS NOT DISTINCT FROM g.fiscal_month
)
"""


def disbursement_by_area_month() -> str:
    """Rows of the province's areas first, then the money of no one province (multi-province,
    nationwide, central): a preview of a province's table opens on the province."""
    window = (
        "OVER (PARTITION BY r.fiscal_year, r.area_code, r.area_level "
        "ORDER BY r.fiscal_month NULLS LAST)"
    )
    return f"""{DISBURSEMENT_BASE}
SELECT r.fiscal_year, r.fiscal_month,
    CASE WHEN r.fiscal_month IS NOT NULL THEN
        {month_sql("r.fiscal_year", "r.fiscal_month")} END AS month,
    r.area_code, r.area_level, r.province_code, p.province_name, r.district_code,
    d.district_name, r.allocated, r.committed, r.disbursed,
    sum(r.committed) {window} AS committed_cumulative,
    sum(r.disbursed) {window} AS disbursed_cumulative,
    CASE WHEN r.allocated > 0 THEN
        round(100 * sum(r.disbursed) {window} / r.allocated, 2) END AS disbursement_rate
FROM rows r
LEFT JOIN ref_provinces p ON p.province_code = r.province_code
LEFT JOIN ref_districts d ON d.district_code = r.district_code
ORDER BY r.fiscal_year, r.province_code IS NULL, r.area_level, r.area_code NULLS LAST,
    r.fiscal_month NULLS LAST
"""  # noqa: S608


LINE_TOTALS = """
line_totals AS (
    SELECT line_id,
        coalesce(sum(amount) FILTER (WHERE phase = 'allocated'), 0) AS allocated,
        coalesce(sum(amount) FILTER (WHERE phase = 'disbursed'), 0) AS disbursed
    FROM amounts GROUP BY line_id
), line_contracts AS (
    SELECT line_id, count(*) AS contracts FROM contracts WHERE line_id IS NOT NULL
    GROUP BY line_id
)"""

DERIVED_STATUS = """CASE
        WHEN t.allocated > 0 AND t.disbursed >= t.allocated THEN 'completed'
        WHEN t.disbursed > 0 THEN 'in_progress'
        WHEN c.contracts > 0 THEN 'contracted'
        WHEN t.allocated > 0 THEN 'budgeted'
        ELSE 'planned' END"""


def projects() -> str:
    columns, joins = _area("x")
    return f"""
WITH {LINE_TOTALS}, planned AS (
    SELECT p.project_id, p.line_id, p.fiscal_year, p.project_name, p.lao_key,
        p.area_code, p.area_level, p.province_code, p.district_code, p.subdistrict_code,
        p.planned, p.project_status,
        'e-Plan' || coalesce(';' || l.systems, '') AS systems
    FROM plan_projects p LEFT JOIN lines l USING (line_id)
), unplanned AS (
    SELECT l.line_id AS project_id, l.line_id, l.fiscal_year, l.item_name AS project_name,
        l.lao_key, l.area_code, l.area_level, l.province_code, l.district_code,
        l.subdistrict_code, NULL::DECIMAL(18, 2) AS planned, NULL AS project_status, l.systems
    FROM lines l
    WHERE l.line_id NOT IN (SELECT line_id FROM plan_projects WHERE line_id IS NOT NULL)
), x AS (SELECT * FROM planned UNION ALL SELECT * FROM unplanned)
SELECT x.project_id, x.line_id, x.fiscal_year, x.project_name, x.lao_key, o.lao_name,
    {columns}, x.planned, t.allocated, t.disbursed, coalesce(c.contracts, 0) AS contracts,
    coalesce(x.project_status, {DERIVED_STATUS}) AS project_status,
    x.systems || CASE WHEN c.contracts > 0 THEN ';e-GP' ELSE '' END AS systems
FROM x
LEFT JOIN line_totals t USING (line_id)
LEFT JOIN line_contracts c USING (line_id)
LEFT JOIN ref_laos o ON o.lao_key = x.lao_key
{joins}
ORDER BY x.fiscal_year, x.project_id
"""  # noqa: S608


def contracts() -> str:
    columns, joins = _area("c")
    return f"""
WITH planned AS (
    SELECT line_id, min(project_id) AS project_id FROM plan_projects
    WHERE line_id IS NOT NULL GROUP BY line_id
)
SELECT c.ocid, c.egp_project_id, c.line_id, pl.project_id, c.fiscal_year, c.buyer_name,
    c.lao_key, c.title, c.method, c.ocds_method, c.budget_amount, c.tender_value,
    c.award_value, c.contract_value, c.supplier_id, c.supplier_name, c.tender_date,
    c.award_date, c.contract_date, c.contract_end, c.contract_status, {columns},
    c.source_system, c.source_file, c.source_row
FROM contracts c LEFT JOIN planned pl USING (line_id)
{joins}
ORDER BY c.fiscal_year, c.ocid, c.contract_date
"""  # noqa: S608


def lao_finance() -> str:
    return """
SELECT f.fiscal_year, f.lao_key, o.lao_name, o.lao_type, o.province_code, p.province_name,
    o.district_code, d.district_name, f.kind, f.category, t.th AS category_th, f.item,
    f.source_of_funds, f.estimate, f.actual, f.source_system, f.source_file, f.source_row
FROM lao_finance f
LEFT JOIN ref_laos o ON o.lao_key = f.lao_key
LEFT JOIN ref_provinces p ON p.province_code = o.province_code
LEFT JOIN ref_districts d ON d.district_code = o.district_code
LEFT JOIN ref_terms t ON t.code = f.category
    AND t.vocab = CASE WHEN f.kind = 'revenue' THEN 'revenue_category' ELSE 'budget_type' END
ORDER BY f.fiscal_year, f.lao_key, f.kind DESC, f.category, f.item
"""


def needs() -> str:
    columns, joins = _area("n")
    return f"""
WITH answers AS (
    SELECT project_id, any_value(project_name) AS project_name,
        any_value(project_status) AS project_status
    FROM plan_projects GROUP BY project_id
)
SELECT n.need_id, n.fiscal_year, n.community, n.village_no, {columns}, n.lao_key,
    o.lao_name, n.strategic_area, sa.th AS strategic_area_th, n.topic, tp.th AS topic_th,
    n.description, n.leader_role, n.leader_id, n.entered_date, n.need_status, n.answered_by,
    ans.project_name, ans.project_status, n.source_system, n.source_file, n.source_row
FROM needs n
LEFT JOIN answers ans ON ans.project_id = n.answered_by
LEFT JOIN ref_laos o ON o.lao_key = n.lao_key
LEFT JOIN ref_terms sa ON sa.vocab = 'strategic_area' AND sa.code = n.strategic_area
LEFT JOIN ref_terms tp ON tp.vocab = 'topic' AND tp.code = n.topic
{joins}
ORDER BY n.fiscal_year, n.need_id
"""  # noqa: S608


def lao_benchmark() -> str:
    return """
WITH spending AS (
    SELECT lao_key, fiscal_year,
        sum(estimate) FILTER (WHERE kind = 'expenditure') AS expenditure_budget,
        sum(estimate) FILTER (WHERE kind = 'expenditure' AND category = 'investment')
            AS investment,
        sum(coalesce(actual, estimate)) FILTER (WHERE kind = 'revenue') AS revenue,
        sum(coalesce(actual, estimate)) FILTER (
            WHERE kind = 'revenue'
              AND category IN (SELECT code FROM ref_revenue_groups WHERE grp = 'own')
        ) AS own_revenue
    FROM lao_finance WHERE lao_key IS NOT NULL GROUP BY ALL
), line_of_lao AS (
    SELECT lao_key, fiscal_year, line_id,
        sum(amount) FILTER (WHERE phase = 'allocated') AS allocated,
        sum(amount) FILTER (WHERE phase = 'disbursed') AS disbursed
    FROM amounts WHERE lao_key IS NOT NULL GROUP BY ALL
), lines_of_lao AS (
    -- the rate over the lines that report both stages, as the area-budget store counts it:
    -- a line whose disbursement nobody reports is no data, not 0 % disbursed
    SELECT lao_key, fiscal_year, sum(allocated) AS allocated, sum(disbursed) AS disbursed
    FROM line_of_lao WHERE allocated IS NOT NULL AND disbursed IS NOT NULL GROUP BY ALL
), measured AS (
    SELECT s.fiscal_year, s.lao_key, o.lao_name, o.lao_type, o.province_code,
        o.district_code, pop.population, pop.population_date, s.expenditure_budget,
        CASE WHEN pop.population > 0 THEN
            round(s.expenditure_budget / pop.population, 2) END AS budget_per_capita,
        CASE WHEN l.allocated > 0 THEN round(100 * l.disbursed / l.allocated, 2)
            END AS disbursement_rate,
        CASE WHEN s.expenditure_budget > 0 THEN
            round(100 * coalesce(s.investment, 0) / s.expenditure_budget, 2) END
            AS investment_share,
        CASE WHEN s.revenue > 0 THEN round(100 * coalesce(s.own_revenue, 0) / s.revenue, 2)
            END AS own_revenue_share
    FROM spending s
    LEFT JOIN ref_laos o ON o.lao_key = s.lao_key
    LEFT JOIN ref_lao_population pop ON pop.lao_key = s.lao_key
    LEFT JOIN lines_of_lao l ON l.lao_key = s.lao_key AND l.fiscal_year = s.fiscal_year
)
SELECT m.fiscal_year, m.lao_key, m.lao_name, m.lao_type, m.province_code, p.province_name,
    m.district_code, d.district_name, m.population, m.population_date, m.expenditure_budget,
    m.budget_per_capita, m.disbursement_rate, m.investment_share, m.own_revenue_share,
    CASE WHEN m.budget_per_capita IS NOT NULL THEN rank() OVER (
        PARTITION BY m.fiscal_year, m.province_code, m.lao_type,
            m.budget_per_capita IS NOT NULL
        ORDER BY m.budget_per_capita DESC) END AS rank_in_province,
    CASE WHEN m.budget_per_capita IS NOT NULL THEN rank() OVER (
        PARTITION BY m.fiscal_year, m.lao_type, m.budget_per_capita IS NOT NULL
        ORDER BY m.budget_per_capita DESC) END AS rank_in_type
FROM measured m
LEFT JOIN ref_provinces p ON p.province_code = m.province_code
LEFT JOIN ref_districts d ON d.district_code = m.district_code
ORDER BY m.fiscal_year, m.lao_key
"""


SYSTEMS = {
    "budget-allocation": "SELECT source_system FROM amounts UNION SELECT source_system FROM lines",
    "disbursement-progress": (
        "SELECT source_system FROM amounts WHERE phase IN ('allocated', 'committed', 'disbursed')"
    ),
    "projects": (
        "SELECT source_system FROM plan_projects UNION SELECT source_system FROM lines "
        "UNION SELECT source_system FROM contracts WHERE line_id IS NOT NULL"
    ),
    "procurement-contracts": "SELECT source_system FROM contracts",
    "lao-revenue-expenditure": "SELECT source_system FROM lao_finance",
    "citizens-needs": (
        "SELECT source_system FROM needs UNION SELECT p.source_system FROM plan_projects p "
        "WHERE p.project_id IN (SELECT answered_by FROM needs)"
    ),
    "lao-benchmark": (
        "SELECT source_system FROM lao_finance UNION SELECT source_system FROM amounts "
        "WHERE lao_key IS NOT NULL"
    ),
}
"""The systems each dataset draws on, for its `data_source`."""


def systems_of(con: duckdb.DuckDBPyConnection, key: str) -> tuple[str, ...]:
    rows = con.execute(f"SELECT DISTINCT * FROM ({SYSTEMS[key]}) ORDER BY 1").fetchall()  # noqa: S608
    return tuple(row[0] for row in rows)
