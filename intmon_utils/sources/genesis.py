"""GENESIS / Regionaldatenbank tables: the classic table CSV and the flat file (ffcsv).

Both readers first turn a file into a *raw long table* that keeps everything the file says
(area code and name, time, row dimension, column label, unit, value, status), then a **table
mapping** (``genesis_tables.yml``, or a user's own YAML via ``--mapping``) says which cells are
which intmon variable × group × sex × age. Cells no mapping names are not imported (the
message counts them), so a new table needs a mapping entry, not code.

Area codes (AGS): ``DG`` Germany, 2 digits Land, 3 digits Regierungsbezirk or
statistical region (not imported: intmon monitors Länder, Kreise and below), 5 digits Kreis,
8 digits a Gemeinde, including the sub-units that GENESIS lists *inside* a Kreis table
(Hannover 03241001, Aachen 05334002, Saarbrücken 10041100). Those are imported as
municipalities with their Kreis as parent, so the area hierarchy keeps them from being summed
with the Kreise. A unit whose every cell is ``-`` did not exist at the reference date
(dissolved or not yet created): its cells get status ``not_applicable``, not zero.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import reading
from ..area_ids import OFFICIAL_CODE_PATTERN, bad_code_hint, official_level, official_parent
from ..errors import DataError
from ..store import ObservationStore
from . import streaming
from .cells import parse_cells
from .genesis_tables import load_mapping, to_observations

TIME = re.compile(r"^([0-9]{2}\.[0-9]{2}\.)?([0-9]{4})$")
AREA_VARIABLES = ("KREISE", "GEODL", "GEOBL", "GEORB", "GEMEIN", "DLAND")
UNITS = {"Anzahl", "Prozent", "%", "Euro", "EUR", "1000", "Tsd.", "ha", "qkm", "km²", "Jahre"}
RAW_COLUMNS = [
    "table",
    "time",
    "year",
    "area_code",
    "area_name",
    "row_label",
    "column_label",
    "unit",
    "value",
    "status",
    "row",
]


def decode(data: bytes, origin: str) -> str:
    """UTF-8 (with or without BOM), UTF-16, or else Windows-1252 (a superset of ISO-8859-1
    for printable text; older GENESIS exports use it): :func:`intmon_utils.reading.decode`."""
    return reading.decode(data, origin, "GENESIS table", fallback="cp1252")


# -- classic table CSV -----------------------------------------------------------------------


def read_classic(path: str | Path) -> pd.DataFrame:
    """Raw long table of a classic GENESIS/Regionaldatenbank CSV download."""
    path = Path(path)
    text = decode(path.read_bytes(), str(path))
    rows = list(csv.reader(io.StringIO(text), delimiter=";", quotechar='"'))
    if not rows or not rows[0] or not rows[0][0].startswith("GENESIS-Tabelle:"):
        raise DataError(
            f"{path}: not a GENESIS table (the first line should read 'GENESIS-Tabelle: <code>')"
        )
    table = rows[0][0].split(":", 1)[1].strip()
    footer = next((i for i, r in enumerate(rows) if r and r[0].startswith("_____")), None)
    if footer is None:
        raise DataError(
            f"{path}: the table ends without the GENESIS footer (a line of underscores, then "
            f"the source and licence note): the file is cut short -> download it again; "
            f"nothing was imported"
        )
    rows = rows[:footer]

    def key_index(r):
        if len(r) > 1 and OFFICIAL_CODE_PATTERN.match(r[0].strip()) and r[1].strip():
            return 0
        if len(r) > 2 and TIME.match(r[0].strip()) and OFFICIAL_CODE_PATTERN.match(r[1].strip()):
            return 1
        return None

    first = next((i for i, r in enumerate(rows) if key_index(r) is not None), None)
    if first is None:
        raise DataError(
            f"{path}: no data rows found (rows start with an area code such as DG, 01 or 09761)"
        )
    header = [r for r in rows[1:first] if r and not r[0].strip() and any(c.strip() for c in r)]
    if not header:
        raise DataError(f"{path}: no column header rows found above line {first + 1}")
    value_start = min(next(i for i, c in enumerate(r) if c.strip()) for r in header)
    width = max(len(r) for r in rows[first:])
    labels, units, times = [], [], []
    for col in range(value_start, width):
        parts, unit, when = [], "", ""
        for r in header:
            cell = r[col].strip() if col < len(r) else ""
            if not cell:
                continue
            if cell in UNITS:
                unit = cell
            elif TIME.match(cell):
                when = cell
            else:
                parts.append(cell)
        labels.append(" | ".join(parts))
        units.append(unit)
        times.append(when)
    # a lone year line ("2015;;;;") above the data sets the time of the rows below it
    lone_time = ""
    for r in rows[1:first]:
        if r and TIME.match(r[0].strip()) and not any(c.strip() for c in r[1:]):
            lone_time = r[0].strip()

    records = []
    current_time = lone_time
    for i in range(first, len(rows)):
        r = rows[i]
        if not r or not any(c.strip() for c in r):
            continue
        if TIME.match(r[0].strip()) and not any(c.strip() for c in r[1:]):
            current_time = r[0].strip()
            continue
        k = key_index(r)
        if k is None and r[0].strip().isdigit():
            raise DataError(
                f"{path}: row {i + 1} has the area code {r[0].strip()!r}, which is no "
                f"official code: {bad_code_hint([r[0].strip()])}; nothing was imported"
            )
        if k is None:
            raise DataError(
                f"{path}: row {i + 1} is neither a data row nor the footer "
                f"({';'.join(r)[:80]!r}) -> check the file is a complete download"
            )
        row_time = r[0].strip() if k == 1 else current_time
        code, name = r[k].strip(), r[k + 1].strip()
        row_label = " | ".join(c.strip() for c in r[k + 2 : value_start])
        for j, col in enumerate(range(value_start, width)):
            cell = r[col] if col < len(r) else ""
            records.append(
                (
                    table,
                    times[j] or row_time,
                    code,
                    name,
                    row_label,
                    labels[j],
                    units[j],
                    cell,
                    i + 1,
                )
            )
    raw = pd.DataFrame(
        records,
        columns=[
            "table",
            "time",
            "area_code",
            "area_name",
            "row_label",
            "column_label",
            "unit",
            "cell",
            "row",
        ],
    )
    return _finish_raw(raw, path)


def _finish_raw(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    value, status = parse_cells(raw["cell"], "destatis", origin=str(path), column="value")
    bad = status == "missing"
    if bad.any():
        first = raw.loc[bad.to_numpy()].iloc[0]
        raise DataError(
            f"{path}: empty cell in row {first['row']} ({first['column_label']!r}) "
            f"-> GENESIS marks missing values with a symbol; check the file"
        )
    raw["value"], raw["status"] = value.to_numpy(), status.to_numpy()
    # a unit that did not exist at the reference date shows '-' in every cell
    unit_key = ["area_code", "time", "row_label"]
    all_dash = raw["cell"].str.strip().eq("-").groupby([raw[k] for k in unit_key]).transform("all")
    many = raw.groupby(unit_key)["cell"].transform("size") > 1
    gone = (all_dash & many).to_numpy()
    raw.loc[gone, "status"] = "not_applicable"
    raw.loc[gone, "value"] = np.nan
    years = raw["time"].str.extract(TIME)[1]
    if years.isna().any():
        where = raw.loc[years.isna()].iloc[0]
        raise DataError(
            f"{path}: no reference year for row {where['row']} -> the table needs "
            f"a time column, a date header row or a year line"
        )
    raw["year"] = years.astype(int)
    return raw[RAW_COLUMNS]


# -- flat file (ffcsv) -----------------------------------------------------------------------


def read_ffcsv(path: str | Path) -> pd.DataFrame:
    """Raw long table of a GENESIS flat file (one value per row, totals = empty code).

    Read in bounded memory: only the columns used, as categories until the end
    (:mod:`intmon_utils.sources.streaming`)."""
    path = Path(path)
    encoding = reading.text_encoding(path, "GENESIS table", fallback="cp1252")
    names = streaming.header(path, encoding, ";")
    n = sorted({int(c.split("_")[0]) for c in names if re.match(r"^[0-9]+_variable_code$", c)})
    parts = [f"{k}_variable_{p}" for k in n for p in ("code", "attribute_code", "attribute_label")]
    required = {"statistics_code", "time", "value", "value_variable_code", *parts}
    if not required <= set(names):
        raise DataError(f"{path}: not a GENESIS flat file (needs columns {sorted(required)})")
    df = streaming.read_columns(
        path, encoding, ";", sorted(required | ({"value_unit"} & set(names)))
    )
    regional = [
        k for k in n if any(c.startswith(AREA_VARIABLES) for c in df[f"{k}_variable_code"].unique())
    ]
    if not regional:
        raise DataError(
            f"{path}: no regional variable ({', '.join(AREA_VARIABLES)}) -> download "
            f"the table with a regional breakdown"
        )
    area = regional[0]
    # "<variable code>=<attribute code>" of the other variables, joined with " | "
    pairs = [df[f"{k}_variable_{p}"] for k in n if k != area for p in ("code", "attribute_code")]
    column_label = (
        streaming.joined(pairs, lambda v: " | ".join(map("=".join, zip(v[::2], v[1::2]))))
        if pairs
        else ""
    )
    raw = pd.DataFrame(
        {
            "table": df["statistics_code"],
            "time": streaming.recoded(
                df["time"],
                lambda t: t.str.replace(
                    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$", r"\3.\2.\1", regex=True
                ),
            ),
            "area_code": streaming.recoded(
                df[f"{area}_variable_attribute_code"], lambda c: c.str.strip().replace("", "DG")
            ),
            "area_name": streaming.recoded(
                df[f"{area}_variable_attribute_label"], lambda c: c.str.strip()
            ),
            "row_label": df["value_variable_code"],
            "column_label": column_label,
            "unit": df["value_unit"] if "value_unit" in df else "",
            "cell": streaming.as_text(df["value"]),
            "row": np.arange(2, len(df["value"]) + 2),
        }
    )
    del df, pairs
    raw = _finish_raw(raw, path)
    categorical = [c for c in raw if isinstance(raw[c].dtype, pd.CategoricalDtype)]
    return raw.assign(**{c: streaming.as_text(raw[c]) for c in categorical})


TABLE_CODE = re.compile(r"(?:^|_)([0-9]{4}[0-9A-Z](?:-[0-9A-Z]{1,4})+)_")


def table_code(path: Path, statistic: str) -> str:
    """The table a flat file holds. The file itself names only its statistic (``12411``), so
    two tables of one statistic would be one source; GENESIS names its downloads after the
    table (``12411-01-01-4_1773175772751_de_flat.csv``, and so does ``intmon fetch``), and
    that code is used when it belongs to the statistic, else the statistic's."""
    found = TABLE_CODE.search(path.name)
    return found[1] if found and found[1].startswith(f"{statistic}-") else statistic


def source_id(table: str) -> str:
    """The store's source of a GENESIS table: its code (the same for classic and flat file)."""
    return "genesis_" + re.sub(r"[^A-Za-z0-9_.-]", "_", table)


def areas_from_raw(raw: pd.DataFrame) -> pd.DataFrame:
    """Area-register rows for every area of the file (names without the indentation)."""
    a = raw[["area_code", "area_name"]].drop_duplicates("area_code")
    a = a[a["area_code"].map(official_level).notna()]
    level = a["area_code"].map(official_level)
    kind = level.map(
        {"country": "staat", "state": "land", "district": "kreis", "municipality": "gemeinde"}
    )
    codes = set(a["area_code"])

    def parent(code: str) -> str:
        # a sub-unit whose Kreis is not in the file belongs to its city-state (Berlin Bezirke
        # 11001001… under 11000) or else to its Land
        p = official_parent(code)
        if len(code) == 8 and p not in codes:
            return code[:2] + "000" if code[:2] + "000" in codes else code[:2]
        return p

    return pd.DataFrame(
        {
            "area_id": a["area_code"],
            "name": a["area_name"],
            "level": level,
            "kind": kind,
            "parent_id": a["area_code"].map(parent),
            "synthetic": False,
        }
    )


def genesis_format(path: Path) -> str | None:
    """``classic``, ``ffcsv`` or None: what the file's first line says it is."""
    reading.check_file(path, "GENESIS table")
    with open(path, "rb") as fh:
        first = decode(fh.read(4096), str(path)).splitlines()[:1]
    line = first[0] if first else ""
    if line.startswith("GENESIS-Tabelle:"):
        return "classic"
    columns = set(line.split(";"))
    return "ffcsv" if {"statistics_code", "value_variable_code", "value"} <= columns else None


def _import(paths, store: ObservationStore, mapping: str | None) -> str:
    messages, prepared = [], []
    for path in map(Path, paths):
        fmt = genesis_format(path)
        if fmt is None:
            raise DataError(
                f"{path}: not a GENESIS table (neither a classic table, whose first line "
                f"reads 'GENESIS-Tabelle: <code>', nor a flat file with the columns "
                f"statistics_code, value_variable_code, value) -> download the table from "
                f"GENESIS-Online or the Regionaldatenbank as CSV or flat file (ffcsv)"
            )
        with reading.parsing(path, "GENESIS table"):
            raw = read_classic(path) if fmt == "classic" else read_ffcsv(path)
        table = raw["table"].iloc[0]
        entry = load_mapping(table, fmt, mapping)
        obs, unmapped = to_observations(raw, entry, f"{entry.source} {table} ({path.name})")
        if obs.empty:
            raise DataError(
                f"{path}: the mapping for {table} matched no cell -> check its "
                f"column/row patterns against the file's labels"
            )
        code = table if fmt == "classic" else table_code(path, table)
        prepared.append((path, code, obs, areas_from_raw(raw), unmapped))
    with store.transaction():  # everything parsed: now write, all files or none
        for path, table, obs, areas, unmapped in prepared:
            store.merge_areas(areas, origin=str(path))
            store.write_observations(obs, source_id(table), origin=str(path))
            messages.append(f"{path}: {len(obs)} observations ({unmapped} cells not mapped)")
    return "\n".join(messages)


def import_genesis(paths, store: ObservationStore, mapping: str | None = None) -> str:
    """GENESIS / Regionaldatenbank table: classic CSV or flat file (ffcsv), told apart per file."""
    return _import(paths, store, mapping)
