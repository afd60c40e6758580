"""The vocabularies of the area-budget tables' coded columns (`budget_type=subsidy` is
"งบเงินอุดหนุน" / "Subsidies"), as the publishers that wrote the codes define them.

Part of the area-budget model's interface: the web site labels the store's codes through
this module and never imports the publishers, so the generic catalog site does not depend on
the budget-specific publishing code.
"""

from __future__ import annotations

import functools

from khlang.metadata.vocabularies import Vocabulary


@functools.cache
def vocabularies() -> dict[str, Vocabulary]:
    """Coded column -> the vocabulary of its codes."""
    from khlang.publishers import vocab  # lazy: the publishers' vocabularies, +140 ms

    return {
        "budget_type": vocab.BUDGET_TYPES,
        "source_of_funds": vocab.FUND_SOURCES,
        "phase": vocab.PHASES,
        "lao_type": vocab.LAO_TYPES,
        "strategic_area": vocab.STRATEGIC_AREA_VOCAB,
        "topic": vocab.TOPIC_VOCAB,
        "need_status": vocab.NEED_STATUSES,
        "project_status": vocab.PROJECT_STATUSES,
    }
