"""A long schemathesis campaign against khlang's HTTP API (issue 8): requests generated from
the API's own OpenAPI description for every operation, anonymously and with an editor's key,
on a catalog of two organisations with public and private datasets. Prints the cases run per
operation, every failure found, and the time. CI runs a bounded, seeded version of the same
checks (tests/api/test_openapi_properties.py).

    python bench/fuzz.py                 # 5,000 cases or more, a random seed
    python bench/fuzz.py --cases 20000 --seed 7
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from tests.api.catalog_fixture import build
from tests.api.conftest import make_app
from tests.api.openapi_campaign import PRINCIPALS, Outcome, operations, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000, help="cases in all (at least)")
    parser.add_argument("--seed", type=int, default=None, help="reproduce a campaign")
    options = parser.parse_args()
    campaign_seed = options.seed if options.seed is not None else random.randrange(2**32)

    with tempfile.TemporaryDirectory(prefix="khlang-fuzz-") as root:
        built = build(Path(root))
        app = make_app(built.home)
        with TestClient(app):
            found = list(operations(app))
            runs = [(operation, who) for operation in found for who in PRINCIPALS]
            examples = math.ceil(options.cases / len(runs))
            outcome = Outcome()
            rounds = 0
            # Small input spaces (an enum of actions) run out of new cases early: further
            # rounds with other seeds until the campaign has its number of cases.
            while outcome.total < options.cases:
                for operation, who in runs:
                    key = built.keys.get(who)
                    headers = {"Authorization": f"Bearer {key}"} if key else {}
                    run(operation, headers, examples=examples,
                        run_seed=campaign_seed + rounds, outcome=outcome)  # fmt: skip
                rounds += 1

    print(f"seed {campaign_seed}: {len(found)} operations x {len(PRINCIPALS)} callers, "
          f"{rounds} round(s) of up to {examples} cases each")  # fmt: skip
    for label, count in sorted(outcome.cases.items()):
        mark = "FAILED" if label in outcome.failures else "ok"
        print(f"  {count:6,d}  {mark:6s}  {label}")
    rate = outcome.total / outcome.seconds
    print(f"cases: {outcome.total:,d}   failures: {len(outcome.failures)}   "
          f"time: {outcome.seconds:.1f} s ({rate:,.0f} cases/s)")  # fmt: skip
    for label, lines in outcome.failures.items():
        print(f"\n== {label}")
        print("\n".join(lines))
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
