"""What a run writes besides the reports: per year the manifest and the index page."""

from __future__ import annotations

from pathlib import Path

from .. import availability, export, published
from ..fileio import write_text
from ..publication import output_names
from ..store import ObservationStore
from .plan import Plan


def write_indexes(
    store: ObservationStore, the_plan: Plan, output_root: Path, results: list[dict], synthetic: bool
) -> Path | None:
    """Per year: the manifest and the index page with each area's data availability."""
    names = store.read_areas().set_index("area_id")["name"].to_dict()
    names.update({a: p.name for a, p in the_plan.params.items()})
    by_year: dict[int, list[dict]] = {p.year: [] for p in the_plan.params.values()}
    for r in results:
        year = r.get("year") or (max(by_year) if by_year else None)
        if year is not None:
            by_year.setdefault(year, []).append(r)
    index_path = None
    for year, entries in by_year.items():
        year_dir = output_root / str(year)
        year_dir.mkdir(parents=True, exist_ok=True)
        entries = sorted(entries, key=lambda e: e["job"])
        export.write_manifest(year_dir / "manifest.json", entries)
        shown = sorted({e["area_id"] for e in entries if e["area_id"] in the_plan.params})
        matrix = availability.summary(published.indicators(store, the_plan.policy), year, shown)
        with_pdf = frozenset(a for a in shown if (year_dir / a / output_names(a)["pdf"]).is_file())
        page = export.index_page(year, entries, names, matrix, synthetic, with_pdf=with_pdf)
        index_path = write_text(year_dir / "index.html", page)
    return index_path
