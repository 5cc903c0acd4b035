"""``intmon check``: is a workspace ready for a run, and what do the two offices still owe?

Checks the parameter files and the defaults, the catalogue references (excluded indicators and
why, targets), the commentary of every enabled topic (files, anchors, Markdown that would not
print as written, indicators with a value but no text), the data the parameters ask for, and
the release state. Every finding names the municipality, the file and line, and what to do.
Errors are what makes a run fail or a report wrong; warnings are what a report still lacks.
The check never writes anything and runs without data (then it says so and skips the data).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ..config.parameters import (
    check_areas_known,
    discover,
    load_defaults,
    load_parameters,
)
from ..errors import IntmonError
from ..statuses import VALUED_INDICATORS
from ..store import ObservationStore
from .findings import ERROR, WARNING, WORKSPACE, Finding, from_error, shown_path, warning
from .rules import (
    choice_findings,
    commentary_findings,
    data_findings,
    release_findings,
)


def _published(store: ObservationStore, parameter_dir: Path) -> pd.DataFrame | None:
    """The published indicator table, or None without data."""
    from ..disclosure.policy import workspace_policy
    from ..published import indicators

    if not store.exists():
        return None
    return indicators(store, workspace_policy(parameter_dir, store.read_areas()))


def check_workspace(
    project: Path, parameter_dir: Path, data_dir: Path, areas: list[str] | None = None
) -> list[Finding]:
    """Every finding of the workspace (of ``areas`` only, if given)."""
    store = ObservationStore(data_dir)
    out: list[Finding] = []
    try:
        defaults = load_defaults(parameter_dir)
    except IntmonError as exc:
        return [from_error(WORKSPACE, exc, project)]
    files = [p for p in discover(parameter_dir) if not areas or p.stem in areas]
    if not files:
        out.append(
            warning(
                WORKSPACE,
                shown_path(parameter_dir, project),
                None,
                "no parameter file of a municipality",
                "write parameters/<area_id>.yml (intmon kit or intmon init --demo show how)",
            )
        )
    table = _published(store, parameter_dir)
    if table is None:
        out.append(
            warning(
                WORKSPACE,
                shown_path(data_dir, project),
                None,
                "no data: the data checks were skipped",
                "import data (intmon import) or make the demo data (intmon demo-data)",
            )
        )
    for path in files:
        try:
            params = load_parameters(path, defaults)
            if table is not None:
                check_areas_known(params, store.read_areas())
            params.commentary_dir  # noqa: B018 (raises for a folder outside the workspace)
        except IntmonError as exc:
            out.append(from_error(path.stem, exc, project))
            continue
        valued = None
        if table is not None:
            mine = table[(table["area_id"] == params.area_id) & (table["year"] == params.year)]
            valued = set(mine.loc[mine["status"].isin(VALUED_INDICATORS), "indicator_id"])
            out += data_findings(params, table, project)
            out += release_findings(params, store, project)
        out += choice_findings(params, valued, project)
        out += commentary_findings(params, valued or set(), project)
    return out


def render_text(findings: list[Finding]) -> str:
    """The findings per municipality, errors first, as lines a user can act on."""
    if not findings:
        return "no problems found"
    lines = []
    order = {ERROR: 0, WARNING: 1}
    for area in dict.fromkeys(f.area for f in findings):
        mine = sorted((f for f in findings if f.area == area), key=lambda f: order[f.severity])
        lines.append(f"{area}:")
        for f in mine:
            where = f"{f.file}:{f.line}" if f.line else f.file
            todo = f" -> {f.todo}" if f.todo else ""
            lines.append(f"  {f.severity}: {where}: {f.problem}{todo}")
    errors = sum(f.severity == ERROR for f in findings)
    lines.append(f"{errors} errors, {len(findings) - errors} warnings")
    return "\n".join(lines)


def as_json(findings: list[Finding]) -> list[dict]:
    return [asdict(f) for f in findings]
