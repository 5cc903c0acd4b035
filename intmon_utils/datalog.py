"""The data log ``<data>/imports.csv``: one row per change of the store (an import of a source,
a removal), with its id (``import_id``, which the reports cite), its time, the origin file and
its SHA-256, the mode and the counts of the change (:mod:`intmon_utils.changes`) and the
warnings the import gave."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import pandas as pd

from .availability import year_ranges
from .fileio import file_sha256


def appended(log: Path, entries: list[dict]) -> pd.DataFrame:
    """The data log with ``entries`` appended (written by the store with the data)."""
    now = dt.datetime.now().isoformat(timespec="seconds")
    rows = pd.DataFrame(
        [
            {
                "import_id": secrets.token_hex(6),  # 12 hex digits, unique for citing
                "time": now,
                **e,
                "origin_sha256": file_sha256(e["origin"]) if Path(e["origin"]).is_file() else "",
            }
            for e in entries
        ]
    )
    if log.exists():
        rows = pd.concat([pd.read_csv(log, dtype=str), rows.astype(str)], ignore_index=True)
    return rows


def as_of(log: Path) -> str | None:
    """The date (ISO) of the latest import in the data log, or None without a log."""
    if not log.is_file():
        return None
    times = pd.read_csv(log, dtype=str, usecols=["time"])["time"].dropna()
    return max(times).split("T")[0] if len(times) else None


def sources_table(paths: list[Path], log: Path) -> pd.DataFrame:
    """One row per stored source file: observations, areas, years, variables, last import."""
    rows = []
    for p in paths:
        df = pd.read_parquet(p, columns=["area_id", "year", "variable"])
        rows.append(
            {
                "source": p.stem,
                "observations": len(df),
                "areas": df["area_id"].nunique(),
                "years": year_ranges(df["year"]),
                "variables": df["variable"].nunique(),
            }
        )
    columns = ["source", "observations", "areas", "years", "variables"]
    table = pd.DataFrame(rows, columns=columns)
    if log.is_file():
        last = pd.read_csv(log, dtype=str)
        if "source" in last:
            last = last.dropna(subset=["source"]).groupby("source").last()
            table["last import"] = table["source"].map(last["time"]).fillna("")
            table["from"] = table["source"].map(last["origin"]).fillna("")
    return table
