"""Statistik der Bundesagentur für Arbeit: interactive exports (CSV).

Layout: UTF-8 with BOM, every field quoted, ``;``; metadata lines as key/value
pairs (``"Region";"Deutschland";"Regionsschlüssel:";"d"``, ``"Indikator";"Arbeitslose"``, the
nationality label glued to a long note); a blank line; the table header (cells end with a
trailing space); data rows with dot thousands separators; a blank line; the footer
(``"Exportdatum: "…``, copyright, terms). ``*`` is the BA's secrecy mark (values 1 and 2 and
cells that would allow back-calculation) and becomes status ``secret``.

Supported: time series by sex (``Berichtsjahr`` rows; columns ``Frauen …``, ``Männer …`` and
the total) for the indicators below. The nationality comes from the metadata line
``Staatsangehörigkeit…``: ``Ausländer`` → foreign, ``Deutsche`` → german, absent or
``Insgesamt`` → total. The region key ``d`` is Germany; any other key is used as the AGS.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..area_ids import bad_code_hint, official_level, official_parent
from ..errors import DataError
from ..reading import parsing, read_text
from ..schema import OBSERVATION_COLUMNS
from ..store import ObservationStore
from .cells import parse_cells

INDICATORS = {  # BA indicator label -> intmon variable
    "Arbeitslose": "unemployed",
    "Beschäftigte": "employees_ba_workplace",
    "Langzeitarbeitslose": "unemployed_long_term",
}
NATIONALITY = {"Ausländer": "foreign", "Deutsche": "german", "Insgesamt": "total"}
SEX_PREFIX = {"Frauen": "female", "Männer": "male"}
TABLE_HEADERS = ("Berichtsjahr", "Merkmal")


def read_ba(path: str | Path) -> tuple[dict, pd.DataFrame, int]:
    """Metadata, the table (as text) and the file row number of the table header."""
    path = Path(path)
    text = read_text(path, "BA export")
    with parsing(path, "BA export"):
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    meta, header_at, after_blank = {}, None, False
    for i, r in enumerate(rows):
        cells = [c.strip() for c in r]
        if not any(cells):
            after_blank = bool(meta)
            continue
        if after_blank and cells[0].startswith(TABLE_HEADERS):  # the table follows a blank line
            header_at = i
            break
        key = (
            "Staatsangehörigkeit"
            if cells[0].startswith("Staatsangehörigkeit")
            else cells[0].rstrip(":")
        )
        meta[key] = cells[1:]
    if header_at is None or "Indikator" not in meta:
        raise DataError(
            f"{path}: not a BA export (expected metadata lines with 'Indikator' and a "
            f"table header starting with 'Berichtsjahr')"
        )
    header = [c.strip() for c in rows[header_at]]
    body = []
    for r in rows[header_at + 1 :]:
        if not any(c.strip() for c in r):
            break
        body.append(r)
    if not body:
        raise DataError(
            f"{path}: the BA table has a header but no rows -> export it again with at least "
            f"one Berichtsjahr; nothing was imported"
        )
    width = len([c for c in header if c])
    short = [i for i, r in enumerate(body) if len([c for c in r if c.strip()]) < width]
    if short:
        raise DataError(
            f"{path}: row {header_at + 2 + short[0]} has fewer cells than the header "
            f"({len(short)} rows): the file is cut short or damaged -> export it again; "
            f"nothing was imported"
        )
    table = pd.DataFrame([r[:width] for r in body], columns=header[:width])
    return meta, table, header_at + 2


def ba_observations(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = Path(path)
    meta, table, first_row = read_ba(path)
    indicator = meta["Indikator"][0]
    if indicator not in INDICATORS:
        raise DataError(
            f"{path}: BA indicator {indicator!r} is not mapped; known: {sorted(INDICATORS)}"
        )
    if not table.columns[0].startswith("Berichtsjahr"):
        raise DataError(
            f"{path}: only time-series exports (rows 'Berichtsjahr') are supported; "
            f"this table starts with {table.columns[0]!r}"
        )
    nationality = (meta.get("Staatsangehörigkeit") or ["Insgesamt"])[0]
    if nationality not in NATIONALITY:
        raise DataError(
            f"{path}: nationality {nationality!r} is not mapped; known: {sorted(NATIONALITY)}"
        )
    region = meta.get("Region", ["Deutschland"])
    key = region[2].strip() if len(region) > 2 else "d"
    area = "DG" if key in ("d", "D", "") else key
    if official_level(area) is None:
        raise DataError(
            f"{path}: region key {key!r} is not the AGS of a Land, Kreis or Gemeinde: "
            f"{bad_code_hint([key])}"
        )
    sexes = {s for p, s in SEX_PREFIX.items() for c in table.columns if c.startswith(p)}
    if len(sexes) == 1:
        raise DataError(
            f"{path}: the table has a column for {sexes.pop()} but none for the other sex: a "
            f"column was deleted or the export is incomplete -> export it again with both "
            f"sexes (or with the total only)"
        )
    frames = []
    for column in table.columns[1:]:
        sex = next((s for p, s in SEX_PREFIX.items() if column.startswith(p)), "total")
        value, status = parse_cells(
            table[column], "ba", origin=str(path), column=column, row_offset=first_row
        )
        frames.append(
            pd.DataFrame(
                {
                    "area_id": area,
                    "area_level": official_level(area),
                    "year": pd.to_numeric(table.iloc[:, 0]),
                    "variable": INDICATORS[indicator],
                    "group": NATIONALITY[nationality],
                    "sex": sex,
                    "age": "total",
                    "value": value,
                    "status": status,
                    "source": f"Statistik der Bundesagentur für Arbeit ({path.name})",
                }
            )
        )
    obs = pd.concat(frames, ignore_index=True)[OBSERVATION_COLUMNS]
    areas = pd.DataFrame(
        [
            {
                "area_id": area,
                "name": region[0],
                "level": official_level(area),
                "kind": "staat" if area == "DG" else "kreis",
                "parent_id": official_parent(area),
                "synthetic": False,
            }
        ]
    )
    return obs, areas


def import_ba(paths, store: ObservationStore) -> str:
    """Bundesagentur für Arbeit export (CSV, time series by sex; '*' = secret)."""
    prepared = [(Path(p), *ba_observations(p)) for p in paths]
    messages = []
    with store.transaction():
        for path, obs, areas in prepared:
            store.merge_areas(areas, origin=str(path))
            store.write_observations(obs, source_id(obs), origin=str(path))
            messages.append(f"{path}: {len(obs)} observations")
    return "\n".join(messages)


def source_id(obs: pd.DataFrame) -> str:
    """An export's source: region, indicator and nationality (what the export holds)."""
    first = obs.iloc[0]
    return f"ba_{first['area_id']}_{first['variable']}_{first['group']}"
