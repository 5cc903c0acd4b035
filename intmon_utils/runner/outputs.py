"""What a run writes besides the reports: per year the manifest and the portal.

Both describe the whole workspace, not only the jobs of the last run: a run over one area or
one topic keeps every other report listed (``merged_entries``).
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__, manifest, portal, provenance, release
from ..manifest import FAILED, SKIPPED, STALE
from ..store import ObservationStore
from .plan import Plan, expected_outputs, is_current, manifest_entry


def merged_entries(
    project: Path, whole: Plan, results: list[dict], output_root: Path
) -> list[dict]:
    """The manifest of the workspace: this run's results, and for every other planned job
    what is on disk. A report made from today's inputs is ``skipped`` (current), one made
    from other inputs ``stale``; an earlier failure stays listed (``earlier``) until the job
    runs again. Jobs of areas whose parameter file is gone are dropped."""
    entries = list(results)
    done = {r["job"] for r in results}
    earlier = {
        e["job"]: e
        for year in {p.year for p in whole.params.values()}
        for e in manifest.read(output_root / str(year) / manifest.FILE)
    }
    entries += [f for f in whole.failures if f["job"] not in done]
    for job in whole.jobs:
        if job.name in done:
            continue
        before = earlier.get(job.name, {})
        out = Path(project) / job.output_dir
        if is_current(project, job):
            entry = manifest_entry(job, SKIPPED)
        elif all((out / name).exists() for name in expected_outputs(job)):
            entry = manifest_entry(job, STALE)
        elif before.get("status") == FAILED and before.get("input_hash") == job.input_hash:
            entries.append({**before, "earlier": True})
            continue
        else:
            continue  # never made
        entry.update(
            {k: before[k] for k in ("duration", "timings", "notes", "outputs") if k in before}
        )
        entries.append(entry)
    return entries


def provenance_of(store: ObservationStore, whole: Plan, project: Path) -> dict:
    """The manifest's provenance: intmon's version, the workspace's commit, the data state
    with the import of every source, and per area its input files and release state."""
    areas = {}
    for area, params in whole.params.items():
        inputs = provenance.area_inputs(params, store)
        state = release.state(params, store)
        areas[area] = {
            **{k: v for k, v in inputs.items() if k != "data"},
            "release": {"status": state.status, "by": state.by, "at": state.at},
            "changed_since_release": list(state.changed),
        }
    return {
        "intmon": __version__,
        "workspace": provenance.workspace_commit(project),
        "data": store.fingerprint(),
        "imports": provenance.imports(store),
        "areas": areas,
    }


def write_indexes(
    store: ObservationStore,
    whole: Plan,
    output_root: Path,
    entries: list[dict],
    synthetic: bool,
    project: Path,
) -> Path | None:
    """Per year: the manifest and the portal; returns the last start page."""
    record = provenance_of(store, whole, project)
    by_year: dict[int, list[dict]] = {p.year: [] for p in whole.params.values()}
    for e in entries:
        year = e.get("year") or (max(by_year) if by_year else None)
        if year is not None:
            by_year.setdefault(year, []).append(e)
    start = None
    for year, of_year in by_year.items():
        year_dir = output_root / str(year)
        year_dir.mkdir(parents=True, exist_ok=True)
        of_year = sorted(of_year, key=lambda e: e["job"])
        areas = {a: v for a, v in record["areas"].items() if whole.params[a].year == year}
        manifest.write(year_dir / manifest.FILE, of_year, {**record, "areas": areas})
        start = portal.build(store, whole, of_year, year, year_dir, synthetic)
    return start
