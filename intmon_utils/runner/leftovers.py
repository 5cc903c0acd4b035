"""The temporary files a killed run left behind, removed before the next run; nothing else.

Only intmon's own folders are looked into, each on its own (never a walk through a tree the
user named, which may be a home folder): the report folders of the planned jobs with their
``tables/`` and ``figures/``, and the year folders above them with the portal's sub-folders.
In them only names that match intmon's temporary names exactly are removed:

- ``.<target>.<8 characters>.tmp``: ``fileio.atomic_path`` (``tempfile.mkstemp`` with the
  prefix ``.<target>.`` and the suffix ``.tmp``; mkstemp's random part is 8 characters of
  ``a-z``, ``0-9`` and ``_``);
- ``.<topic>.tmp.ipynb`` for a topic planned in that report folder: ``runner.execute``
  (the notebook while papermill runs it).

A user's ``.env.tmpl`` or ``.notes.tmp.txt`` never matches; links and folders are never
removed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..fileio import TEMP_NAME
from ..portal.indicators import FOLDER as PORTAL_INDICATORS
from .plan import Job

NOTEBOOK_TMP = ".{topic}.tmp.ipynb"
REPORT_SUBFOLDERS = ("tables", "figures")  # report.context writes there
PORTAL_SUBFOLDERS = ("assets", "downloads", PORTAL_INDICATORS)  # portal writes there


def leftover_folders(project: Path, jobs: Iterable[Job]) -> dict[Path, set[str]]:
    """The folders a run writes to, each with the topics whose notebooks run in it."""
    folders: dict[Path, set[str]] = {}
    for job in jobs:
        report = Path(project) / job.output_dir
        folders.setdefault(report, set()).add(job.topic)
        for sub in REPORT_SUBFOLDERS:
            folders.setdefault(report / sub, set())
        for sub in ("", *PORTAL_SUBFOLDERS):
            folders.setdefault(report.parent / sub, set())
    return folders


def remove_leftovers(project: Path, jobs: Iterable[Job]) -> list[Path]:
    """Remove the temporary files intmon left in the folders of ``jobs``; return them."""
    removed = []
    for folder, topics in leftover_folders(project, jobs).items():
        notebooks = {NOTEBOOK_TMP.format(topic=t) for t in topics}
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            ours = entry.name in notebooks or TEMP_NAME.match(entry.name)
            if ours and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)
                removed.append(Path(entry.path))
    return removed
