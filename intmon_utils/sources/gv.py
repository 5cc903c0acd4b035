"""The area register from the Gemeindeverzeichnis (GV-ISys, Destatis), xlsx.

Sheet "Onlineprodukt_Gemeinden…": four merged header rows, data from row 7,
copyright lines at the bottom. ``Satzart`` says what a row is: 10 Land, 20 Regierungsbezirk,
30 statistical region, 40 Kreis, 50 Gemeindeverband, 60 Gemeinde. The register keeps Germany,
the Länder, the Kreise and the Gemeinden with their parents (Gemeinde → Kreis → Land → DG);
Regierungsbezirke, regions and Gemeindeverbände are levels intmon does not monitor.
AGS = Land + RB + Kreis + Gem (8 digits); a Kreis is Land + RB + Kreis (5 digits).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..reading import check_file
from ..schema import AREA_COLUMNS
from ..store import ObservationStore

KREIS_KINDS = {
    "41": "kreisfreie_stadt",
    "42": "stadtkreis",
    "43": "kreis",
    "44": "landkreis",
    "45": "regionalverband",
}


def read_gemeindeverzeichnis(path: str | Path) -> pd.DataFrame:
    """Area register rows (``store.AREA_COLUMNS``) from a GV-ISys xlsx."""
    path = Path(path)
    check_file(path, "Gemeindeverzeichnis", allow=("zip",))
    try:
        book = pd.ExcelFile(path)
    except Exception as exc:  # openpyxl raises several types for a broken or non-xlsx file
        raise DataError(f"{path}: cannot open as xlsx ({exc})") from None
    sheet = next((s for s in book.sheet_names if s.startswith("Onlineprodukt_Gemeinden")), None)
    if sheet is None:
        raise DataError(f"{path}: no sheet 'Onlineprodukt_Gemeinden…' (sheets: {book.sheet_names})")
    df = pd.read_excel(book, sheet_name=sheet, header=None, dtype=str).fillna("")
    rows = df[df[0].isin(["10", "40", "60"])]
    if rows.empty:
        raise DataError(f"{path}: no Land, Kreis or Gemeinde rows (column Satzart 10/40/60)")
    land, rb, kreis, gem = (rows[c].str.strip() for c in (2, 3, 4, 6))
    kind = rows[0]
    area_id = pd.Series(
        [
            lnd if k == "10" else lnd + r + kr if k == "40" else lnd + r + kr + g
            for k, lnd, r, kr, g in zip(kind, land, rb, kreis, gem)
        ],
        index=rows.index,
    )
    bad = ~area_id.str.fullmatch(r"[0-9]{2}|[0-9]{5}|[0-9]{8}")
    if bad.any():
        i = bad.idxmax()
        raise DataError(
            f"{path}: row {i + 1}: malformed key {area_id[i]!r} -> the ARS columns "
            f"must be text with leading zeros"
        )
    parent = pd.Series(
        [
            "DG" if k == "10" else lnd if k == "40" else lnd + r + kr
            for k, lnd, r, kr in zip(kind, land, rb, kreis)
        ],
        index=rows.index,
    )
    out = pd.DataFrame(
        {
            "area_id": area_id,
            "name": rows[7].str.strip(),
            "level": kind.map({"10": "state", "40": "district", "60": "municipality"}),
            "kind": [
                ("land" if k == "10" else KREIS_KINDS.get(t, "kreis") if k == "40" else "gemeinde")
                for k, t in zip(kind, rows[1])
            ],
            "parent_id": parent,
            "synthetic": False,
        }
    )
    germany = pd.DataFrame(
        [
            {
                "area_id": "DG",
                "name": "Deutschland",
                "level": "country",
                "kind": "staat",
                "parent_id": "",
                "synthetic": False,
            }
        ]
    )
    return pd.concat([germany, out], ignore_index=True)[AREA_COLUMNS]


def import_gemeindeverzeichnis(paths, store: ObservationStore) -> str:
    """Gemeindeverzeichnis GV-ISys (xlsx): names, levels, parents of Länder, Kreise, Gemeinden."""
    areas = pd.concat([read_gemeindeverzeichnis(p) for p in paths]).drop_duplicates("area_id")
    store.merge_areas(areas, update=True)
    counts = areas["level"].value_counts().to_dict()
    return f"area register: {counts} written to {store.areas_path}"
