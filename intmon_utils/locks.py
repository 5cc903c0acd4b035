"""Locks between intmon commands on one machine: a data folder and an outputs folder.

A command that changes the data (an import, ``data remove``, ``data rollup``, ``demo-data``)
holds the data folder's lock alone; commands that read it (``run``, ``values``,
``data status`` …) share it, so an import never changes the data under a run, and a run
works on one state of the data from start to end. ``intmon run`` holds the lock of its outputs
folder alone, so two runs never write into the same reports. A command that finds a lock
taken does not wait silently: it stops at once with a message that names who holds it.

The locks are ``flock`` locks on a file ``.lock`` in the folder: the operating system releases
them when the process ends, however it ends, so a killed command never leaves a stale lock.
On a file system without ``flock`` (some network shares) intmon cannot lock; run one command
at a time there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

from .errors import IntmonError
from .fileio import file_mode, make_folder

try:
    import fcntl
except ImportError:  # Windows: no flock; one command at a time
    fcntl = None

LOCK_FILE = ".lock"


class LockedError(IntmonError):
    """The folder is in use by another intmon command."""


# the locks this process holds: folder -> (descriptor, exclusive); a command takes a folder's
# lock once and every part of it (an importer reading the register) works under it
_held: dict[Path, tuple[int, bool]] = {}


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "an intmon command that reads the data (intmon run, values, data status …)"


def _open(folder: Path, exclusive: bool, purpose: str) -> int | None:
    """A descriptor of the lock file, or None where a read-only folder cannot have one."""
    path = folder / LOCK_FILE
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, file_mode(folder))
    except FileNotFoundError:
        if exclusive:
            raise
        return None  # no folder yet: nothing to read
    except PermissionError:
        if exclusive:
            raise LockedError(
                f"{folder}: no permission to write here -> {purpose} needs write access to "
                f"the data folder"
            ) from None
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            return None  # nobody can write here either


@contextlib.contextmanager
def folder_lock(folder: Path, *, exclusive: bool, purpose: str):
    """Hold the lock of ``folder`` (alone or shared) for the block, or raise
    :class:`LockedError` naming the holder. Inside a block of this process that holds the
    lock already, the block runs under that lock (a shared lock cannot become exclusive)."""
    folder = Path(folder).resolve()
    if fcntl is None:
        yield
        return
    if folder in _held:
        fd, held_alone = _held[folder]
        if not exclusive or held_alone:
            yield
            return
        try:  # this command reads, and must change the folder for a moment
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"{folder} is read by another intmon command as well -> wait until it has "
                f"finished, then {purpose} again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_SH)
        return
    fd = _open(folder, exclusive, purpose)
    if fd is None:
        yield
        return
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"{folder} is in use by {_holder(folder / LOCK_FILE)} -> wait until it has "
                f"finished, then {purpose} again"
            ) from None
        if exclusive:
            since = dt.datetime.now().isoformat(timespec="seconds")
            command = " ".join(["intmon", *sys.argv[1:]])[:200]
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"'{command}' (process {os.getpid()}, since {since})\n".encode(), 0)
        _held[folder] = (fd, exclusive)
        try:
            yield
        finally:
            del _held[folder]
            if exclusive:
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def reading(folder: Path, purpose: str):
    """Share the lock of ``folder`` with other readers."""
    with folder_lock(folder, exclusive=False, purpose=purpose):
        yield


@contextlib.contextmanager
def writing(folder: Path, purpose: str):
    """Hold the lock of ``folder`` alone."""
    make_folder(Path(folder))
    with folder_lock(folder, exclusive=True, purpose=purpose):
        yield
