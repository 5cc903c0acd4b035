"""What a file is, from its content: ``intmon import FILE…`` without a kind.

Recognised: GENESIS classic tables and flat files, BA exports, the Gemeindeverzeichnis
(GV-ISys xlsx), intmon data packages (``datapackage.json`` or its folder), intmon's own
observation and area tables. Anything else is a municipal table that needs a mapping: with
``--mapping`` it is read as a district table, without one the error says how to write one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import DataError
from ..reading import check_file
from .genesis import decode, genesis_format

DOCS = "docs/district-tables.md"


def _header(path: Path) -> tuple[str, set[str]]:
    """The first line of a text file, and its cells (split by ';' or ',')."""
    with open(path, "rb") as fh:
        text = decode(fh.read(8192), str(path))
    first = text.splitlines()[0] if text.strip() else ""
    cells = set()
    for sep in (";", ",", "\t"):
        row = next(csv.reader(io.StringIO(first), delimiter=sep), [])
        cells |= {c.strip() for c in row}
    return first, cells


def _table_kind(columns: set[str]) -> str | None:
    if {"area_id", "year", "variable", "value"} <= columns:
        return "observations"
    if {"area_id", "name", "level"} <= columns:
        return "areas"
    return None


def detect_kind(path: str | Path, mapping: str | None = None) -> str:
    """The import kind of ``path`` (a key of ``sources.IMPORTERS``), or a DataError saying
    what to do."""
    path = Path(path)
    if path.is_dir() and (path / "datapackage.json").is_file() or path.name == "datapackage.json":
        return "package"
    suffix = path.suffix.lower()
    if suffix in (".shp", ".gpkg", ".geojson", ".json") and mapping:
        return "geometry"
    if path.is_file():
        check_file(path, "file", allow=("zip", "parquet", "sav"))
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True)
            sheets = book.sheetnames
            book.close()
        except Exception as exc:  # openpyxl raises several types for a broken file
            raise DataError(f"{path}: not a readable xlsx file ({exc})") from None
        if any(s.startswith("Onlineprodukt_Gemeinden") for s in sheets):
            return "gv"
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            kind = _table_kind(set(pq.read_schema(path).names))
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            raise DataError(f"{path}: cannot be read as Parquet ({exc})") from None
        if kind:
            return kind
    elif path.is_file():
        if genesis_format(path):
            return "genesis"
        first, cells = _header(path)
        if first.lstrip('\ufeff"').startswith("Region") and "Regionsschlüssel:" in cells:
            return "ba"
        kind = _table_kind(cells)
        if kind:
            return kind
    else:
        raise DataError(f"file not found: {path}; nothing was imported")
    if mapping:
        return "district"
    raise DataError(
        f"{path}: intmon cannot tell what this file is (not a GENESIS table or flat file, a "
        f"BA export, the Gemeindeverzeichnis, a data package or an intmon table) -> a "
        f"municipal table needs a mapping: write one (see {DOCS}) and run "
        f"'intmon import {path} --mapping MAPPING.yml'"
    )
