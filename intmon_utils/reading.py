"""One reading layer for every file a user hands to intmon.

Every importer, parameter file, mapping and commentary file is opened through here, so that
each of them refuses the same things with the same clear messages (naming the file, the line
where known, and what to do) instead of a parser's traceback:

- a missing path, a folder, an empty file;
- a binary file, or a file of another format under a text name (an Excel workbook, a ZIP,
  a PDF, a Parquet file renamed ``.csv``);
- text that is not UTF-8: UTF-8 with or without BOM and UTF-16 with BOM (or recognisably
  UTF-16 without one) are read as they are; Windows-1252 / ISO-8859-1 only when the user says
  so (``intmon import --encoding cp1252``) or a publisher's documented format does
  (``fallback``);
- a small file (parameters, mappings, commentary) over :data:`SMALL_FILE_LIMIT`;
- YAML aliases (``*name``; no "billion laughs") and duplicate keys (YAML keeps the last one
  silently).

Large files are never read whole to check them: :func:`text_encoding` validates UTF-8 in
chunks of 1 MiB, and the caller streams the file with the encoding it returns.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
from contextvars import ContextVar
from pathlib import Path

import yaml

from .errors import ConfigError, DataError, IntmonError

SMALL_FILE_LIMIT = 2 << 20  # 2 MiB: parameters, mappings, commentary, descriptors
_CHUNK = 1 << 20
_HEAD = 64 << 10

# what a file is when its first bytes say so; ``allow`` lets a reader accept its own formats
SIGNATURES = {
    b"PK\x03\x04": ("zip", "a ZIP archive (an Excel .xlsx workbook, a .docx or a .zip)"),
    b"\xd0\xcf\x11\xe0": ("ole", "an old Office file (an Excel .xls or a Word .doc)"),
    b"%PDF": ("pdf", "a PDF document"),
    b"PAR1": ("parquet", "a Parquet file"),
    b"\x1f\x8b": ("gzip", "a gzip archive"),
    b"\x89PNG": ("png", "a PNG image"),
    b"$FL2": ("sav", "an SPSS .sav file"),
    b"$FL3": ("sav", "an SPSS .sav file"),
}
ENCODING_HINT = (
    "save it as UTF-8 (in Excel: 'CSV UTF-8'); or, if it is Windows-1252 / ISO-8859-1 "
    "text, import it with --encoding cp1252"
)
CONFIG_ENCODING_HINT = "save it as UTF-8 (every editor can; intmon's own files are UTF-8)"

# an encoding the user chose for this command (``intmon import --encoding``); None: UTF-8 only
chosen_encoding: ContextVar[str | None] = ContextVar("chosen_encoding", default=None)


def fail(error: type[IntmonError], path, problem: str, hint: str) -> IntmonError:
    """The error ``error`` for a problem of a whole file (ConfigError takes the path apart)."""
    if issubclass(error, ConfigError):
        return error(path, None, problem, hint)
    return error(f"{path}: {problem} -> {hint}")


def check_file(
    path: str | os.PathLike,
    what: str = "file",
    error: type[IntmonError] = DataError,
    *,
    max_bytes: int | None = None,
    allow: tuple[str, ...] = (),
) -> str | None:
    """Refuse a missing, empty, oversized or binary file; return the signature kind of an
    allowed non-text format (``"zip"``, ``"parquet"``, ``"sav"`` …) or None for text."""
    path = Path(path)
    if not path.exists():
        raise fail(error, path, f"{what} not found", "check the path")
    if not path.is_file():
        raise fail(error, path, f"is a folder, not a {what}", "give the file inside it")
    size = path.stat().st_size
    if size == 0:
        raise fail(error, path, f"the {what} is empty", "export it again from its source")
    if max_bytes is not None and size > max_bytes:
        raise fail(
            error,
            path,
            f"the {what} is {size / 2**20:.1f} MiB; a {what} is at most "
            f"{max_bytes / 2**20:.0f} MiB",
            "check that this is the right file (data belong in 'intmon import')",
        )
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
    blank = head.replace(codecs.BOM_UTF8, b"").replace(b"\x00", b"").strip(b" \t\r\n")
    if size <= len(head) and not blank:
        raise fail(error, path, f"the {what} holds only blank lines", "export it again")
    for magic, (kind, described) in SIGNATURES.items():
        if head.startswith(magic):
            if kind in allow:
                return kind
            raise fail(
                error,
                path,
                f"is {described}, not a {what} of text",
                "open it in its program and save or export it as CSV (UTF-8), or give the "
                "original file",
            )
    wide = (_bom_encoding(head) or _utf16_without_bom(head) or "").startswith("utf-16")
    if b"\x00" in head and not wide:
        raise fail(error, path, f"is a binary file, not a {what} of text", "give the text file")
    return None


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def unmistakable_encoding(path) -> str | None:
    """The encoding a file's first bytes prove (a BOM, or UTF-16 without one), else None."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
    return _bom_encoding(head) or _utf16_without_bom(head)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without BOM: ASCII characters leave every second byte zero."""
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def text_encoding(
    path: str | os.PathLike,
    what: str = "file",
    error: type[IntmonError] = DataError,
    *,
    fallback: str | None = None,
    max_bytes: int | None = None,
) -> str:
    """The encoding to read a text file with, after :func:`check_file`.

    A BOM or UTF-16 decides; otherwise the file must be UTF-8 throughout (checked in chunks,
    so a large file is never held whole), else the encoding the user chose
    (:data:`chosen_encoding`) or the publisher's documented ``fallback``; else an error that
    names the line of the first byte that is not UTF-8.
    """
    check_file(path, what, error, max_bytes=max_bytes)
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
        known = _bom_encoding(head) or _utf16_without_bom(head)
        if known:
            return known
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        lines, offset = 0, 0
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                other = chosen_encoding.get() or fallback
                if other:
                    return other
                line = lines + chunk.count(b"\n", 0, exc.start) + 1
                byte = chunk[exc.start]
                raise fail(
                    error,
                    path,
                    f"is not UTF-8 text (byte 0x{byte:02x} at line {line}, byte "
                    f"{offset + exc.start + 1})",
                    CONFIG_ENCODING_HINT if issubclass(error, ConfigError) else ENCODING_HINT,
                ) from None
            lines += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise fail(error, path, "ends in the middle of a character", ENCODING_HINT) from None
    return "utf-8"


def read_text(
    path: str | os.PathLike,
    what: str = "file",
    error: type[IntmonError] = DataError,
    *,
    fallback: str | None = None,
    max_bytes: int | None = None,
) -> str:
    """A whole text file, checked and decoded (see :func:`text_encoding`)."""
    encoding = text_encoding(path, what, error, fallback=fallback, max_bytes=max_bytes)
    with parsing(path, what, error):
        return Path(path).read_text(encoding=encoding)


def decode(data: bytes, path, what: str = "file", *, fallback: str | None = None) -> str:
    """Bytes already read (the head of a file, a download) as text, by the same rules."""
    encoding = _bom_encoding(data) or _utf16_without_bom(data) or "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        other = chosen_encoding.get() or fallback
        if other:
            return data.decode(other, errors="replace")
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(
            DataError, path, f"is not UTF-8 text (byte at line {line})", ENCODING_HINT
        ) from None


@contextlib.contextmanager
def parsing(path, what: str = "file", error: type[IntmonError] = DataError):
    """Turn a parser's error on a user's file into ``error`` naming the file and what to do."""
    import pandas as pd

    try:
        yield
    except IntmonError:
        raise
    except UnicodeError as exc:
        raise fail(error, path, f"is not readable as text ({exc.reason})", ENCODING_HINT) from None
    except pd.errors.EmptyDataError:
        raise fail(error, path, f"the {what} holds no table", "export it again") from None
    except (csv.Error, pd.errors.ParserError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise fail(
            error,
            path,
            f"cannot be read as a {what} ({detail})",
            "check that it is the right file and that it was saved as CSV with one "
            "separator throughout",
        ) from None


# -- YAML ----------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without aliases (no "billion laughs") and without duplicate keys."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"an alias (*{event.anchor}) is not allowed in intmon files; write the value "
                f"out where it is used",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key '{key}' occurs twice in one mapping (YAML would keep only the "
                    f"last); keep one",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str):
    """Parse YAML text safely and strictly (raises :class:`yaml.YAMLError`)."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)


# -- tables ----------------------------------------------------------------------------------


def read_table_file(path, what: str = "table", dtype=str, error: type[IntmonError] = DataError):
    """A CSV (``,`` or ``;``, as the header line has more of) or Parquet table as a DataFrame;
    CSV cells are read as text unless ``dtype`` says otherwise, empty cells stay ``""``."""
    import pandas as pd

    path = Path(path)
    if path.suffix.lower() == ".parquet":
        check_file(path, what, error, allow=("parquet",))
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            raise fail(
                error, path, f"cannot be read as Parquet ({exc})", "write the file again"
            ) from None
    encoding = text_encoding(path, what, error)
    with parsing(path, what, error):
        with open(path, encoding=encoding) as fh:
            header = fh.readline()
        sep = ";" if header.count(";") > header.count(",") else ","
        _check_last_record(path, encoding, sep, header, what, error)
        return pd.read_csv(
            path,
            sep=sep,
            dtype=dtype,
            keep_default_na=False,
            na_values={"value": [""]},
            encoding=encoding,
        )


def _check_last_record(path: Path, encoding: str, sep: str, header: str, what, error) -> None:
    """A table whose last line has fewer fields than its header was cut short (a copy or a
    download that stopped): refused, since its last values would be read as empty."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        start = max(0, size - 64 * 1024)
        fh.seek(start - start % 2)  # UTF-16 characters start at even bytes
        tail = fh.read()
    lines = [ln for ln in tail.decode(encoding, errors="replace").splitlines() if ln.strip()]
    if len(lines) < 2:
        return
    last = next(csv.reader([lines[-1]], delimiter=sep), [])
    width = len(next(csv.reader([header], delimiter=sep)))
    if 1 < len(last) < width:
        raise fail(
            error,
            path,
            f"the last line has {len(last)} of the header's {width} fields: the {what} is "
            f"cut short",
            "copy or download it again; nothing was imported",
        )
