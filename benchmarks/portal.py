"""The portal at the scale of Germany: build time, rebuild with nothing changed, page weight.

    python benchmarks/portal.py [--kreise 400] [--demo]

On the synthetic Germany of ``run_matrix.py`` (cached in ``benchmarks/.cache/``; 400 Kreise
with a parameter file each) or, with ``--demo``, on the demo Land, it builds the portal of the
reporting year as ``intmon run`` does after the reports (the published tables already built,
every report listed as made), then builds it again with nothing changed, and prints the wall
times, the peak memory of the process and the weight of the pages (the HTML of one page
plus what it loads). Record the figures in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _kib(path: Path) -> float:
    return path.stat().st_size / 1024


def page_weight(page: Path) -> float:
    """KiB of a page with the stylesheet, the script and the images it loads."""
    import re

    html = page.read_text(encoding="utf-8")
    loaded = re.findall(r'<(?:img|script)[^>]+src="([^"]+)"', html)
    loaded += re.findall(r'<link[^>]+href="([^"]+)"', html)
    return _kib(page) + sum(_kib((page.parent / src).resolve()) for src in loaded)


def ensure_boundaries(store) -> None:
    """Synthetic boundaries for every Land of the set (the demo Land's generator per Land,
    the Länder laid out on a grid), written once into the cached data."""
    from shapely import affinity

    from intmon_utils import geometry
    from intmon_utils.synthetic.geometry import ATTRIBUTION, LICENCE, demo_boundaries

    if geometry.read_geometry(store, "district") is not None:
        return
    areas = store.read_areas()
    states = areas.loc[areas["level"] == "state", "area_id"].tolist()
    frames = []
    for i, state in enumerate(states):
        shapes = demo_boundaries(areas[areas["area_id"].str.startswith(state)], seed=2024 + i)
        dx, dy = (i % 7 - 3) * 160_000, (i // 7 - 3) * 160_000
        shapes["geometry"] = shapes.geometry.apply(
            lambda g, dx=dx, dy=dy: affinity.translate(g, dx, dy)
        )
        frames.append(shapes[shapes["land"]])
    import pandas as pd

    shapes = pd.concat(frames, ignore_index=True)
    for level, part in shapes.groupby("level"):
        meta = {"attribution": ATTRIBUTION, "licence": LICENCE, "modified": False}
        geometry.write_boundaries(store, part, level, meta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kreise", type=int, default=400)
    parser.add_argument("--demo", action="store_true", help="the demo Land instead")
    args = parser.parse_args()

    from intmon_utils import portal, published
    from intmon_utils.manifest import OK
    from intmon_utils.runner.plan import manifest_entry, plan
    from intmon_utils.store import ObservationStore

    with tempfile.TemporaryDirectory(prefix="intmon-portal-") as tmp:
        if args.demo:
            from run_matrix import CACHE

            from intmon_utils import synthetic

            data = CACHE / "demo-data"
            if not ObservationStore(data).exists():
                synthetic.write_demo_data(data)
            project = PROJECT
            label = "demo Land"
        else:
            from run_matrix import germany_data, make_project

            data = germany_data(args.kreise, 2)
            project, _ = make_project(Path(tmp), data, args.kreise)
            label = f"synthetic Germany, {args.kreise} Kreise"
        store = ObservationStore(data)
        ensure_boundaries(store)
        the_plan = plan(project, project / "parameters", store, Path(tmp) / "outputs")
        published.indicators(store, the_plan.policy)  # as after the reports: built already
        entries = [manifest_entry(job, OK) for job in the_plan.jobs]
        year = max(p.year for p in the_plan.params.values())
        year_dir = Path(tmp) / "outputs" / str(year)
        times = []
        for _ in range(2):
            start = time.perf_counter()
            index = portal.build(store, the_plan, entries, year, year_dir, store.is_synthetic())
            times.append(time.perf_counter() - start)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        files = [p for p in year_dir.rglob("*") if p.is_file()]
        html = [p for p in files if p.suffix == ".html"]
        indicator_pages = sorted(year_dir.glob("indicators/*.html"))
        heaviest = max(page_weight(p) for p in indicator_pages)
        start_page = page_weight(index)
        downloads = sum(_kib(p) for p in year_dir.glob("downloads/*")) / 1024

    print(f"\n{label}: {len(the_plan.params)} municipalities, {len(indicator_pages)} indicators\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| build (cold) | {times[0]:.1f} s |")
    print(f"| rebuild, nothing changed | {times[1]:.3f} s |")
    print(f"| peak memory (process) | {peak:,.0f} MiB |")
    print(f"| files / HTML pages | {len(files):,} / {len(html):,} |")
    print(f"| start page with what it loads | {start_page:,.0f} KiB |")
    print(f"| heaviest indicator page with its figures | {heaviest:,.0f} KiB |")
    print(f"| downloads of every value | {downloads:,.1f} MiB |")


if __name__ == "__main__":
    main()
