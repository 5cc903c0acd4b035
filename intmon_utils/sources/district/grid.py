"""Reading a district table into rows of text cells: CSV or XLSX, the header (one or several
rows), skipped rows and the footer removed. Every row keeps its row number in the file
(``_row``) so that messages name the row a user sees in a text editor or in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError
from ...reading import check_file, unmistakable_encoding
from .fields import norm
from .sections import FileFormat

Grid = list[tuple[int, list[str]]]  # (row number in the file, cells as text)


@dataclass(frozen=True)
class RawFile:
    """Every row of a file as text cells; for a CSV file also whether its last line ends
    without a line break (a download cut short ends so)."""

    rows: Grid
    is_csv: bool = False
    unterminated: bool = False


def _file_type(path: Path, fmt: FileFormat) -> str:
    if fmt.type:
        return fmt.type
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise DataError(
        f"{path}: cannot tell the format from the suffix '{suffix}' -> set "
        f"format.type to csv or xlsx in the mapping (save .xls files as .xlsx)"
    )


def _read_csv_grid(path: Path, fmt: FileFormat) -> Grid:
    try:
        encoding = unmistakable_encoding(path) or fmt.encoding
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=fmt.separator, quotechar=fmt.quote)
            return [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise DataError(
            f"{path}: cannot be read as {fmt.encoding} (byte {byte:#04x} at position "
            f"{exc.start}) -> set format.encoding in the mapping: cp1252 for "
            f"Windows/Excel exports, utf-8-sig for UTF-8 with BOM"
        ) from None
    except csv.Error as exc:
        raise DataError(
            f"{path}: not a readable CSV file ({exc}) -> check format.separator and "
            f"format.quote in the mapping"
        ) from None


def _xlsx_text(value, decimal: str) -> str:
    """An Excel cell as the text the CSV would hold (numbers written with the mapping's decimal)."""
    if value is None:
        return ""
    if isinstance(value, (bool, int)):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = np.format_float_positional(value, trim="-")
        return text.replace(".", ",") if decimal == "," else text
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _read_xlsx_grid(path: Path, fmt: FileFormat, decimal: str) -> Grid:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataError(
            f"{path}: not a readable XLSX file ({exc}) -> save it as .xlsx from "
            f"Excel/LibreOffice, or set format.type: csv if it is a text "
            f"file"
        ) from None
    try:
        ws = book[_sheet_name(path, book.sheetnames, fmt.sheet)]
        return [
            (i, [_xlsx_text(v, decimal) for v in row])
            for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _sheet_name(path: Path, names: list[str], sheet: str | int | None) -> str:
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if sheet > len(names):
            raise DataError(
                f"{path}: has {len(names)} sheets, the mapping asks for sheet "
                f"{sheet} -> set format.sheet to one of {names}"
            )
        return names[sheet - 1]
    if sheet not in names:
        raise DataError(f"{path}: no sheet {sheet!r} -> set format.sheet to one of {names}")
    return sheet


def read_grid(path: Path, fmt: FileFormat, decimal: str) -> RawFile:
    """Every row of the file as text cells, with its row number (from 1)."""
    if _file_type(path, fmt) == "xlsx":
        check_file(path, "XLSX table", allow=("zip",))
        return RawFile(_read_xlsx_grid(path, fmt, decimal))
    check_file(path, "CSV table")
    wide = (unmistakable_encoding(path) or "").startswith("utf-16")  # 2 bytes a character
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - (2 if wide else 1)))
        last = fh.read().replace(b"\x00", b"")
    return RawFile(_read_csv_grid(path, fmt), True, last not in (b"\n", b"\r", b""))


def header_names(rows: list[list[str]]) -> list[str]:
    """Column names from one or more header rows; upper rows are filled right (merged cells)."""
    width = max(len(r) for r in rows)
    filled = []
    for i, row in enumerate(rows):
        row = [norm(c) for c in row] + [""] * (width - len(row))
        if i < len(rows) - 1:
            for j in range(1, width):
                row[j] = row[j] or row[j - 1]
        filled.append(row)
    names = [
        " / ".join(p for p in parts if p) or f"column_{j + 1}"
        for j, parts in enumerate(zip(*filled, strict=True))
    ]
    seen: Counter = Counter()
    unique = []
    for n in names:
        seen[n] += 1
        unique.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return unique


def _data_rows(grid: Grid, fmt: FileFormat) -> Grid:
    """The non-empty rows below the header, without skipped rows and the footer."""
    top, skip = max(fmt.header), fmt.skip_rows
    data = [(n, r) for n, r in grid if n > top and n not in skip and "".join(r).strip()]
    if fmt.stop_at is not None:
        for k, (_, r) in enumerate(data):
            first = next((c.strip() for c in r if c.strip()), "")
            if fmt.stop_at.search(first):
                data = data[:k]
                break
    if fmt.footer_lines:
        data = data[: -fmt.footer_lines] if fmt.footer_lines < len(data) else []
    return data


def make_table(raw: RawFile, fmt: FileFormat, origin: str) -> pd.DataFrame:
    """Data rows as text with the file's row number in ``_row``."""
    grid = raw.rows
    by_number = dict(grid)
    missing = [h for h in fmt.header if h not in by_number]
    if missing:
        raise DataError(
            f"{origin}: header row {missing[0]} does not exist (the file has "
            f"{len(grid)} rows) -> correct format.header in the mapping"
        )
    header = header_names([by_number[h] for h in fmt.header])
    data = _data_rows(grid, fmt)
    width = len(header)
    for n, r in data:
        extra = [c for c in r[width:] if c.strip()]
        if extra:
            raise DataError(
                f"{origin}: row {n} has {len(r)} cells but the header has {width} "
                f"({extra[0]!r} beyond the last column) -> check format.separator and "
                f"format.quote, or drop footer lines with format.footer_lines/stop_at"
            )
    if not data:
        raise DataError(
            f"{origin}: no data rows below the header (row {max(fmt.header)}) -> check "
            f"format.header, format.skip_rows and format.footer_lines in the mapping"
        )
    cells = [r if len(r) == width else (r + [""] * width)[:width] for _, r in data]
    table = pd.DataFrame(  # column by column: much faster than row lists for big files
        {name: np.array(col, dtype=object) for name, col in zip(header, zip(*cells), strict=True)}
    )
    table.insert(0, "_row", [n for n, _ in data])
    return table


def check_complete(
    raw: RawFile, table: pd.DataFrame, read: list[str], values: list[str], origin: str
) -> None:
    """Refuse a CSV file that shows it was cut short: a data row too short to reach a column
    the mapping reads, or a last line without a line break that ends in a value cell (the
    number may be cut: 1234 read as 12)."""
    if not raw.is_csv:
        return
    header = [c for c in table.columns if c != "_row"]
    widths = dict((n, len(r)) for n, r in raw.rows)
    reach = max((header.index(c) for c in read), default=-1) + 1
    short = (table["_row"].map(widths) < reach).to_numpy()
    if short.any():
        raise row_error(
            origin,
            table,
            short,
            header[reach - 1],
            table["_row"].map(lambda n: f"{widths[n]} of {reach} fields"),
            "rows that end before the columns the mapping reads",
            "the file may be cut short (an interrupted download: fetch it again), or these "
            "are note rows (leave them out with format.skip_rows, stop_at or footer_lines)",
        )
    number, cells = raw.rows[-1]
    filled = [i for i, c in enumerate(cells) if c.strip()]
    if raw.unterminated and number in set(table["_row"]) and filled:
        column = header[filled[-1]] if filled[-1] < len(header) else ""
        if column in values:
            raise DataError(
                f"{origin}: the file ends without a line break inside the value "
                f"{cells[filled[-1]].strip()!r} (row {number}, column '{column}'): it may be "
                f"cut short, and a cut number reads as a smaller one -> download the file "
                f"again; if it is complete, add a line break at its end"
            )


def require_columns(table: pd.DataFrame, needed: list[str], origin: str, mapping: str) -> None:
    """Every column the mapping names is in the file (else: the closest header name)."""
    have = [c for c in table.columns if c != "_row"]
    for col in needed:
        if col not in table.columns:
            close = difflib.get_close_matches(col, have, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise DataError(
                f"{origin}: column '{col}' named in {mapping} is not in the file -> "
                f"{hint}the header has: {', '.join(have)}"
            )


def row_error(
    origin: str, rows: pd.DataFrame, mask, column: str, values: pd.Series, problem: str, todo: str
) -> DataError:
    """An error naming up to five rows (file row numbers) and their offending values."""
    idx = rows.index[np.asarray(mask)]
    shown = "; ".join(f"row {rows.at[i, '_row']}: {values.at[i]!r}" for i in idx[:5])
    more = f" (and {len(idx) - 5} more rows)" if len(idx) > 5 else ""
    return DataError(f"{origin}: {problem} in column '{column}' ({shown}{more}) -> {todo}")
