"""Benchmark of the register method (intmon_utils.migration) and its importer, with peak memory.

    python benchmarks/register.py [--persons N] [--repeat R] [--no-files]

Generates a synthetic register of N persons (default 1.5 million), then times each stage:
validation, MigraPro migration background, Einwanderungsgeschichte, aggregation to the long
format, and derivation of both definitions + aggregation together (the budget: < 3 s and
< 2 GiB peak on a 2-core machine). In-memory stages report the fastest of R runs. Then, unless
``--no-files``, the whole import from a Parquet and a CSV file into a temporary store (read,
validate, derive, aggregate, write). Peak memory is the process's maximum resident set size so
far (``resource.getrusage``), so it never decreases down the table; the file stages come last so
that they do not inflate the in-memory figures. Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

AGS = "09162000"
YEAR = 2024


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, fn, rows, repeat=1):
    """Run ``fn`` ``repeat`` times; record the fastest time and the peak memory so far."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    rows.append((label, best, peak_mib()))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-files", action="store_true", help="skip the file import stages")
    args = parser.parse_args()

    from intmon_utils import migration as reg
    from intmon_utils.sources.register import import_register
    from intmon_utils.store import ObservationStore
    from intmon_utils.synthetic import generate_register

    rows: list[tuple[str, float, float]] = []
    n, r = args.persons, args.repeat
    rows.append(("python + imports", 0.0, peak_mib()))
    raw = timed(
        f"generate synthetic register ({n:,} persons)",
        lambda: generate_register(n, seed=0, year=YEAR),
        rows,
    )
    persons = timed(
        "validate (in memory)", partial(reg.validate_persons, raw, "bench", YEAR), rows, r
    )
    del raw
    mb = timed(
        "derive migration background (MigraPro)",
        lambda: reg.derive_migration_background(persons),
        rows,
        r,
    )
    ih = timed(
        "derive immigration history (Einwanderungsgeschichte)",
        lambda: reg.derive_immigration_history(persons),
        rows,
        r,
    )
    obs, areas = timed(
        "aggregate (given both definitions)",
        lambda: reg.aggregate(persons, AGS, YEAR, migration_background=mb, immigration_history=ih),
        rows,
        r,
    )

    def derive_and_aggregate():
        return reg.aggregate(
            persons,
            AGS,
            YEAR,
            migration_background=reg.derive_migration_background(persons),
            immigration_history=reg.derive_immigration_history(persons),
        )

    timed("TOTAL: derive both + aggregate", derive_and_aggregate, rows, r)

    if not args.no_files:
        tmp = Path(tempfile.mkdtemp(prefix="intmon-register-bench-"))
        try:
            source = generate_register(n, seed=0, year=YEAR)
            source.to_parquet(tmp / "extract.parquet")
            source.to_csv(tmp / "extract.csv", sep=";", index=False)
            del source
            store = ObservationStore(tmp / "data")
            timed(
                "import_register from Parquet (read .. write)",
                lambda: import_register([tmp / "extract.parquet"], store, area=AGS, year=YEAR),
                rows,
            )
            timed(
                "import_register from CSV (read .. write)",
                lambda: import_register(
                    [tmp / "extract.csv"], ObservationStore(tmp / "data_csv"), area=AGS, year=YEAR
                ),
                rows,
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"persons: {len(persons):,}; sub-districts: {len(areas)}; observations: {len(obs):,}; "
        f"in-memory stages: fastest of {r}"
    )
    print(f"{'stage':<56} {'seconds':>9} {'peak MiB':>9}")
    for label, seconds, mib in rows:
        print(f"{label:<56} {seconds:>9.2f} {mib:>9.0f}")


if __name__ == "__main__":
    main()
