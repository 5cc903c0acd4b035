"""``outputs/<year>/manifest.json``: every job of the workspace with its state.

A job's status is one of ``STATUSES``. The manifest describes the whole workspace, not only
the last run (``runner.outputs.merged_entries``); the portal is built from it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .fileio import write_text

OK = "ok"  # made in this run
SKIPPED = "skipped"  # current: made from exactly today's inputs by an earlier run
STALE = "stale"  # made by an earlier run from other inputs (data, parameters, code, text)
FAILED = "failed"
STATUSES = (OK, SKIPPED, STALE, FAILED)
PRESENT = (OK, SKIPPED, STALE)  # the report's files exist
FILE = "manifest.json"


def write(path: Path, entries: list[dict], provenance: dict | None = None) -> Path:
    """The manifest: every job, and how the reports were made (``provenance``:
    :func:`intmon_utils.runner.outputs.provenance_of`)."""
    body = {"jobs": entries} | ({"provenance": provenance} if provenance else {})
    return write_text(path, json.dumps(body, ensure_ascii=False, indent=2))


def read(path: Path) -> list[dict]:
    """The entries of a manifest; none when it is missing or unreadable (the next run
    rebuilds it from the files on disk)."""
    try:
        jobs = json.loads(path.read_text(encoding="utf-8"))["jobs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [e for e in jobs if isinstance(e, dict) and "job" in e]
