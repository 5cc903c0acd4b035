"""Benchmark of disclosure control: the heuristic, the linear-programming audit and what the
extra suppressions cost, on the demo Land and on the synthetic Germany.

    python benchmarks/disclosure.py [--kreise 400] [--workers 2]

Prints one table: per data set, the cells, the time of the heuristic alone, of heuristic +
audit until safe (``protect_audited``) and of a full audit of the result from scratch, peak
memory, the suppressed cells, the cells the audit added, the published indicator values they
cost, the identities, components and programs, the narrowest feasible interval of a
suppressed cell and the leaks found (must be 0). Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, observations, areas, min_count) -> dict:
    import numpy as np

    from intmon_utils import disclosure
    from intmon_utils.indicators import compute_indicators
    from intmon_utils.statuses import VALUED_INDICATORS

    obs = observations.reset_index(drop=True)
    threshold = disclosure.per_cell(min_count, len(obs))
    start = time.perf_counter()
    heuristic = disclosure.protect(obs, areas, threshold)
    t_heuristic = time.perf_counter() - start
    start = time.perf_counter()
    protected, _, extra = disclosure.protect_audited(obs, areas, threshold)
    t_audited = time.perf_counter() - start
    value, known, _ = disclosure.cell_state(obs)
    small = known & (value > 0) & (value < threshold) & disclosure.is_count(obs)
    start = time.perf_counter()
    final = disclosure.audit(protected, value, areas, threshold, small)
    t_final = time.perf_counter() - start
    shown = [
        int(compute_indicators(t)["status"].isin(VALUED_INDICATORS).sum())
        for t in (heuristic, protected)
    ]
    return {
        "data": label,
        "cells": len(obs),
        "heuristic s": round(t_heuristic, 1),
        "heuristic + audit s": round(t_audited, 1),
        "full re-audit s": round(t_final, 1),
        "peak MiB": round(peak_mib()),
        "suppressed": int((protected["status"] == "secret").sum()),
        "added by audit": int(extra),
        "indicator values lost": shown[0] - shown[1],
        "identities": final.identities,
        "components": final.components,
        "programs": final.programs,
        "narrowest": float(np.round(final.narrowest, 2)),
        "leaks": len(final.violations),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kreise", type=int, default=400, help="Kreise of the synthetic Germany")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import pandas as pd

    from intmon_utils import synthetic
    from intmon_utils.disclosure.policy import ThresholdPolicy

    observations, areas, _ = synthetic.generate()
    rows = [measure("demo Land, min_count 3", observations, areas, 3)]
    # the demo's workspace with Falkenried (and what its report shows) protected at 5
    two = ThresholdPolicy.strictest(
        (3, 30), [(["99102000", "99101000", "99103000", "99104000", "99", "DG"], 5, 30)]
    )
    rows.append(
        measure(
            "demo Land, min_count 3 and 5",
            observations,
            areas,
            two.min_count(observations["area_id"]),
        )
    )
    obs, areas, _ = synthetic.germany(args.kreise, workers=args.workers)
    rows.append(measure(f"synthetic Germany ({args.kreise} Kreise), 3", obs, areas, 3))
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
