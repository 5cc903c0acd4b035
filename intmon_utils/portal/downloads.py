"""The portal's downloads: every table as CSV for Excel and for machines and as JSON; every
published value as CSV and Parquet, described by a Frictionless ``datapackage.json``.

Formats:

- CSV for Excel (``*_excel.csv``): UTF-8 with BOM, ``;`` between fields, decimal comma, so
  that a German Excel opens it with umlauts and numbers as numbers;
- CSV for machines (``*.csv``, the series of every value gzipped): UTF-8, ``,`` and decimal
  point;
- JSON (``*.json``): a list of records, numbers as numbers, ``null`` where there is none.

Values without a number are empty and carry their status and symbol, as in the Tabellenband.
Every file is written atomically.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..cellsafety import neutralise_frame
from ..fileio import atomic_path, write_text
from ..formatting import UNIT_DECIMALS
from ..statuses import VALUED_INDICATORS, symbol
from ..tabellenband import value_rows
from ..texts import text
from .site import Site

FORMATS = ("excel", "csv", "json")
VALUES = "values"  # stem of the files of every published value (in downloads/)
_TYPES = {"i": "integer", "u": "integer", "f": "number", "b": "boolean"}


def _write_csv(df: pd.DataFrame, path: Path, excel: bool) -> Path:
    """``df`` as CSV (with pyarrow: a million rows take seconds, not minutes); for Excel
    with BOM, ``;`` and the numbers written with a decimal comma."""
    table = pa.Table.from_pandas(neutralise_frame(df), preserve_index=False)
    if excel:
        for i, field in enumerate(table.schema):
            if pa.types.is_floating(field.type):
                shown = pc.replace_substring(pc.cast(table.column(i), pa.string()), ".", ",")
                table = table.set_column(i, field.name, shown)
    options = pacsv.WriteOptions(delimiter=";" if excel else ",", quoting_style="needed")
    gzip = path.suffix == ".gz"
    with atomic_path(path) as tmp:
        with pa.OSFile(str(tmp), "wb") as raw:
            out = pa.CompressedOutputStream(raw, "gzip") if gzip else raw
            if excel:
                out.write(codecs.BOM_UTF8)
            pacsv.write_csv(table, out, options)
            if gzip:
                out.close()
    return path


def write_table(df: pd.DataFrame, stem: Path) -> dict[str, Path]:
    """One table in every format: ``{format: path}`` (``<stem>_excel.csv``, ``<stem>.csv``,
    ``<stem>.json``)."""
    out = {
        "excel": _write_csv(df, stem.with_name(f"{stem.name}_excel.csv"), excel=True),
        "csv": _write_csv(df, stem.with_name(f"{stem.name}.csv"), excel=False),
    }
    records = json.loads(df.to_json(orient="records", force_ascii=False))
    out["json"] = write_text(
        stem.with_name(f"{stem.name}.json"), json.dumps(records, ensure_ascii=False, indent=1)
    )
    return out


def links(site: Site, files: dict[str, Path], folder: str = "") -> list[dict]:
    """The download links of a table written by :func:`write_table` (``folder``: the way
    from the page to the files)."""
    return [
        {"href": f"{folder}{path.name}", "label": site.t(f"portal_download_{fmt}")}
        for fmt, path in files.items()
    ]


def rounded_as_shown(table: pd.DataFrame) -> pd.DataFrame:
    """Values, gaps, changes and intervals rounded to the decimals a page shows (per unit):
    the downloads publish no more precision than the tables."""
    t = table.copy()
    decimals = t["unit"].map(UNIT_DECIMALS).fillna(1).astype(int)
    for column in ("value", "ci_low", "ci_high", "gap", "change_1", "change_5"):
        if column in t:
            for d in decimals.unique():
                rows = decimals == d
                t.loc[rows, column] = t.loc[rows, column].astype(float).round(int(d))
    return t


def machine_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Comparison rows (``values.comparison_table``) for a download: values rounded as
    shown, no number where the status has none, the symbol beside the status."""
    d = rows.drop(columns=["reference"]).assign(symbol=rows["status"].map(symbol))
    d.loc[~d["status"].isin(VALUED_INDICATORS), ["value", "numerator", "denominator"]] = None
    return rounded_as_shown(d)


def write_values(
    table: pd.DataFrame, names: dict[str, str], downloads: Path, synthetic: bool, year: int
) -> tuple[list[Path], list[dict]]:
    """Every published value of the portal's areas (all years, groups and sexes) as
    ``values.csv.gz`` and ``values.parquet``, and those of ``year`` as a CSV for Excel
    (the whole series would pass Excel's million rows for a large workspace); returns the
    files and their Frictionless resources."""
    t = rounded_as_shown(value_rows(table, synthetic))
    t.insert(t.columns.get_loc("area_id") + 1, "area_name", t["area_id"].map(names))
    series = _write_csv(t, downloads / f"{VALUES}.csv.gz", excel=False)
    parquet = downloads / f"{VALUES}.parquet"
    with atomic_path(parquet) as tmp:
        t.to_parquet(tmp, index=False)
    of_year = _write_csv(t[t["year"] == year], downloads / f"{VALUES}_{year}_excel.csv", True)
    fields = [{"name": str(c), "type": _TYPES.get(t[c].dtype.kind, "string")} for c in t.columns]
    resources = [
        _resource("values", series, fields, ",", compression="gz"),
        _resource(
            f"values-{year}-excel",
            of_year,
            [{**f, "decimalChar": ","} if f["type"] == "number" else f for f in fields],
            ";",
            encoding="utf-8-sig",
        ),
    ]
    return [series, parquet, of_year], resources


def _resource(
    name: str, path: Path, fields: list[dict], delimiter: str, encoding="utf-8", compression=None
) -> dict:
    """A Frictionless tabular data resource of a CSV file in ``downloads/``."""
    resource = {
        "name": name,
        "path": f"downloads/{path.name}",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": encoding,
        "dialect": {"delimiter": delimiter, "header": True},
        "schema": {"fields": fields, "missingValues": [""]},
    }
    if compression:
        resource["compression"] = compression
    return resource


def datapackage(site: Site, resources: list[dict], year_dir: Path) -> Path:
    """``datapackage.json`` (Frictionless Data Package, tabular): the files of every
    published value with their schema, licence and description."""
    title, path = site.licence
    licence = {"name": site.settings.licence, "title": title, **({"path": path} if path else {})}
    package = {
        "profile": "tabular-data-package",
        "name": f"intmon-{site.year}",
        "title": site.title,
        "description": site.t("portal_datapackage_description", year=site.year)
        + (" " + text("report_data_origin", "en") if site.synthetic else ""),
        "licenses": [licence],
        "resources": resources,
    }
    if site.settings.publisher:
        package["contributors"] = [{"title": site.settings.publisher, "role": "publisher"}]
    return write_text(
        year_dir / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2)
    )
