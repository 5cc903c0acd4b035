"""Atomic file writing: nothing already written is lost or half-overwritten.

Every file intmon produces is written to a temporary file in the target folder and then
renamed over the target (``os.replace`` is atomic on POSIX and Windows for same-volume moves).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

# what atomic_path names its files: mkstemp's random part is 8 of a-z, 0-9 and _
TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def make_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents with the permissions of the nearest existing
    folder above (a data folder made readable by its owner only stays so inside)."""
    if folder.is_dir():
        return
    above = next(p for p in folder.parents if p.exists())
    mode = above.stat().st_mode & 0o7777
    folder.mkdir(parents=True, exist_ok=True)
    for made in [folder, *folder.parents]:
        if made == above:
            break
        os.chmod(made, mode)


def file_mode(folder: Path) -> int:
    """A new file is never readable by more people than its folder: the umask's usual mode,
    limited to the read/write permissions the folder grants (folder 0700 -> file 0600,
    folder 0755 -> 0644). A folder shared with a group the usual way (setgid, 2770) gives
    its files the group's read and write as well (0660)."""
    umask = os.umask(0)
    os.umask(umask)
    st = folder.stat()
    mode = 0o666 & ~umask & st.st_mode & 0o666
    if st.st_mode & stat.S_ISGID:
        mode |= st.st_mode & 0o060
    return mode


def temp_beside(target: Path) -> Path:
    """A new empty temporary file next to ``target`` (named :data:`TEMP_NAME`), with the
    permissions of :func:`file_mode`."""
    make_folder(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, file_mode(target.parent))  # mkstemp creates 0600
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path next to ``target``; on success rename it to ``target``.

    On an exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    tmp = temp_beside(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(target: str | os.PathLike, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_new_text(target: str | os.PathLike, text: str) -> bool:
    """Write a file that does not exist yet, whole or not at all; False (and nothing
    written) when it exists, even if another process made it a moment ago."""
    target = Path(target)
    tmp = temp_beside(target)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.link(tmp, target)  # fails if the target exists: never replaces a file
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
    return True


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def digest(*parts: str) -> str:
    """A short hash of texts (cache keys and input stamps)."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's content; remembered per process while the file is unchanged
    (same inode, size and modification time), so a run of many reports hashes each input
    once."""
    st = os.stat(path)
    return _sha256(os.fspath(path), st.st_ino, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _sha256(path: str, inode: int, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
