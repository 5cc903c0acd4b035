"""Benchmark of the computing pipeline and of one report, with peak memory.

    python benchmarks/pipeline.py [--reports N]

Prints a table: wall time and peak resident memory of each stage on the demo Land
(generation, disclosure control, indicator engine) and the mean time per notebook report
(papermill + HTML export) over N reports in one process. Run it on an idle machine; figures
are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, fn, rows):
    start = time.perf_counter()
    result = fn()
    rows.append((label, time.perf_counter() - start, peak_mib()))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=6)
    args = parser.parse_args()

    from intmon_utils import disclosure, indicators, runner, synthetic
    from intmon_utils.store import ObservationStore

    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="intmon-bench-"))
    try:
        observations, areas, _ = timed(
            "demo generation (1 Land, 11 years)", synthetic.generate, rows
        )
        store = ObservationStore(tmp / "data")
        store.write_areas(areas)
        timed(
            "validate + write Parquet", lambda: store.write_observations(observations, "demo"), rows
        )
        timed(
            "disclosure heuristic alone (protect)",
            lambda: disclosure.protect(observations, areas, 3),
            rows,
        )
        protected, _, _ = timed(
            "disclosure control with LP audit (protect_audited)",
            lambda: disclosure.protect_audited(observations, areas, 3),
            rows,
        )
        timed(
            "disclosure checks (violations)",
            lambda: disclosure.violations(protected, areas, 3),
            rows,
        )
        table = timed(
            "indicator engine (all indicators)",
            lambda: indicators.compute_indicators(protected),
            rows,
        )

        project = tmp / "project"
        shutil.copytree(PROJECT / "notebooks", project / "notebooks")
        shutil.copytree(PROJECT / "parameters", project / "parameters")
        plan = runner.plan(project, project / "parameters", store, project / "outputs")
        jobs = plan.jobs[: args.reports]
        from intmon_utils import published
        from intmon_utils.disclosure.policy import ThresholdPolicy

        timed(
            "published tables (protect + audit + engine, cached)",
            lambda: published.build(store, ThresholdPolicy.uniform(3)),
            rows,
        )
        start = time.perf_counter()
        for job in jobs:
            result = runner.execute(job, str(project), str(store.root))
            assert result["status"] == "ok", result
        per_report = (time.perf_counter() - start) / max(len(jobs), 1)
        rows.append(
            (
                f"notebook report (warm kernel: papermill + HTML), mean of {len(jobs)}",
                per_report,
                peak_mib(),
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"observations: {len(observations):,} rows; indicator table: {len(table):,} rows")
    print(f"{'stage':<58} {'seconds':>9} {'peak MiB':>9}")
    for label, seconds, mib in rows:
        print(f"{label:<58} {seconds:>9.2f} {mib:>9.0f}")


if __name__ == "__main__":
    main()
