"""Where a published number comes from: intmon's version, the workspace's git commit, the data
imports and the hashes of the parameter and commentary files.

:func:`area_inputs` is what one municipality's reports are made from (the same fingerprint a
release records, :mod:`intmon_utils.release`); :func:`record` adds the version, the commit and
the imports of the data log. Every report, the integrated report, the Tabellenband and the
manifest carry it, so that a number can be traced back to the files that made it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd

from . import __version__
from .config.parameters import DEFAULTS_FILE, Parameters
from .fileio import file_sha256
from .store import ObservationStore
from .texts import text


def workspace_commit(project: Path) -> dict:
    """``{"commit": sha or None, "dirty": bool or None}`` of the git repository holding the
    workspace (None where it is no repository or git is missing). Dirty: a tracked file
    changed or an untracked file not ignored (data and outputs are ignored)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(project), *args], capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(git("status", "--porcelain"))}


def area_inputs(params: Parameters, store: ObservationStore) -> dict:
    """The inputs of one municipality's reports: the data state (fingerprint of every stored
    file), the parameter file, the defaults and each commentary file (SHA-256)."""
    folder = params.commentary_dir
    defaults = params.parameter_file.parent / DEFAULTS_FILE
    return {
        "data": store.fingerprint(),
        "parameters": file_sha256(params.parameter_file),
        "defaults": file_sha256(defaults) if defaults.is_file() else None,
        "commentary": {
            p.name: file_sha256(p) for p in sorted(folder.glob("*.md")) if folder.is_dir()
        },
    }


def imports(store: ObservationStore) -> list[dict]:
    """The latest import of every stored source (data log): source, import id, time, origin
    file name and its SHA-256."""
    if not store.log_path.is_file():
        return []
    log = pd.read_csv(store.log_path, dtype=str, keep_default_na=False)
    if "source" not in log:
        return []
    stored = {p.stem for p in store.observation_dir.glob("*.parquet")}
    latest = log[log["source"].isin(stored)].groupby("source").last().reset_index()
    return [
        {
            "source": r.source,
            "import_id": getattr(r, "import_id", "") or None,  # logs before ids: none
            "time": r.time,
            "file": Path(r.origin).name,
            "sha256": r.origin_sha256 or None,
        }
        for r in latest.itertuples()
    ]


def record(params: Parameters, store: ObservationStore, project: Path) -> dict:
    """Everything a report says about how it was made."""
    return {
        "intmon": __version__,
        "workspace": workspace_commit(project),
        "imports": imports(store),
        **area_inputs(params, store),
    }


def lines(prov: dict, lang: str) -> list[tuple[str, str]]:
    """The record as (label, text) pairs for a report's imprint or a workbook sheet."""
    git = prov["workspace"]
    commit = git["commit"][:12] if git["commit"] else "–"
    if git["dirty"]:
        commit = text("provenance_dirty", lang, commit=commit)
    data = [
        text(
            "provenance_import",
            lang,
            id=i.get("import_id") or "–",
            source=i["source"],
            file=i["file"],
            sha=(i["sha256"] or "–")[:12],
            time=i["time"],
        )
        for i in prov["imports"]
    ]
    texts = "; ".join(f"{n} ({h[:12]})" for n, h in prov["commentary"].items())
    pairs = [
        ("provenance_intmon", prov["intmon"]),
        ("provenance_commit", commit),
        ("provenance_data", "; ".join([prov["data"], *data])),
        ("provenance_parameters", prov["parameters"][:12]),
        ("provenance_commentary", texts or "–"),
    ]
    return [(text(k, lang), v) for k, v in pairs]
