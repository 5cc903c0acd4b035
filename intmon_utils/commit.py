"""Writing several files of a data folder all or nothing: a redo journal.

:func:`commit_files` first writes every new file as a temporary file beside its target. A
failure there (a full disk, a kill, an error) leaves the old files untouched; the temporary
files are removed (or, after a kill, by the next :func:`recover`). Then it writes the journal
``.commit.json`` (atomically: this is the commit point) naming each temporary file and its
target, renames them, and deletes the journal. A process killed during the renames leaves the
journal behind, and :func:`recover` finishes the renames. So a reader sees the old state or
the new one, never a mix, provided it calls :func:`recover` under the store's write lock
(:mod:`intmon_utils.locks`) before it reads.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from .fileio import TEMP_NAME, temp_beside, write_text

JOURNAL = ".commit.json"


def commit_files(
    root: Path, writes: list[tuple[Path, Callable[[Path], None]]], removals: list[Path] = ()
) -> None:
    """Write each ``(target, write)`` (``write(path)`` writes the file's content to ``path``)
    and delete each of ``removals``, so that either all of it happens or nothing."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, write in writes:
            tmp = temp_beside(target)
            staged.append((tmp, target))
            write(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    renames = [[os.path.relpath(t, root), os.path.relpath(g, root)] for t, g in staged]
    removed = [os.path.relpath(p, root) for p in removals]
    write_text(root / JOURNAL, json.dumps({"renames": renames, "removals": removed}))
    _apply(root)


def _apply(root: Path) -> None:
    journal = root / JOURNAL
    steps = json.loads(journal.read_text(encoding="utf-8"))
    for tmp, target in steps["renames"]:
        if (root / tmp).exists():
            os.replace(root / tmp, root / target)
    for target in steps["removals"]:
        (root / target).unlink(missing_ok=True)
    journal.unlink()


def interrupted(root: Path) -> bool:
    """Whether a commit was interrupted after its commit point."""
    return (root / JOURNAL).is_file()


def leftovers(folders: list[Path]) -> list[Path]:
    """intmon's temporary files in ``folders`` (an interrupted write's, or one in progress)."""
    return [
        p
        for folder in folders
        if folder.is_dir()
        for p in folder.iterdir()
        if TEMP_NAME.match(p.name) and p.is_file()
    ]


def recover(root: Path, folders: list[Path]) -> None:
    """Finish a commit interrupted after its commit point; remove the temporary files of one
    interrupted before it (only intmon's own names, only in ``folders``). Call it holding the
    write lock: another process's commit in progress has temporary files too."""
    if interrupted(root):
        _apply(root)
    for p in leftovers(folders):
        p.unlink(missing_ok=True)
