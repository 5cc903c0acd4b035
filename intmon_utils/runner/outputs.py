"""What a run writes besides the reports: per area the Tabellenband and the machine-readable
values, and per year the manifest and the index page."""

from __future__ import annotations

from pathlib import Path

from .. import availability, export, published
from ..fileio import write_text
from ..formatting import disclosure_note
from ..store import ObservationStore
from ..tabellenband import write_tabellenband, write_values
from .plan import Plan, digest


def write_workbooks(
    store: ObservationStore, the_plan: Plan, output_root: Path, synthetic: bool
) -> None:
    """One Excel workbook per area, rewritten only when its table or labels changed."""
    for area, params in the_plan.params.items():
        path = output_root / str(params.year) / area / f"{area}_indicators.xlsx"
        stamp = path.parent / ".workbook.inputs"
        inputs = digest(
            published.cache_key(store), the_plan.policy.key(), params.name, params.language
        )
        if path.exists() and stamp.exists() and stamp.read_text() == inputs:
            continue
        stamp.unlink(missing_ok=True)
        table = published.indicators(store, the_plan.policy)
        min_count, min_cases = the_plan.policy.of_area(area)
        note = disclosure_note(
            params.language, (min_count, min_count), min_cases, params.disclosure.reason
        )
        write_tabellenband(table, area, params.name, path, synthetic, params.language, note)
        write_values(table, area, path.with_name(f"{area}_values"), synthetic)
        write_text(stamp, inputs)


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
        index_path = write_text(
            year_dir / "index.html", export.index_page(year, entries, names, matrix, synthetic)
        )
    return index_path
