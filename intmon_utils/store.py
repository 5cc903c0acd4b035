"""The observation store: long-format Parquet files plus DuckDB views.

Layout of a data directory::

    <data>/observations/<source_id>.parquet   one file per source; a re-import replaces it whole
    <data>/areas.parquet                      area register: id, name, level, kind, parent
    <data>/imports.csv                        data log: file, sha256, rows, time of each import
    <data>/derived/                           cached indicator tables (safe to delete)

Area ids are strings end to end (leading zeros of AGS must survive).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .area_ids import AREA_ID_HINT, is_valid_area_id
from .errors import DataError
from .fileio import atomic_path, file_sha256
from .statuses import NUMBER_REQUIRED, OBSERVATION_SYMBOLS, SYMBOL_ONLY
from .validation import check_import
from .vocabulary import load_vocabulary

OBSERVATION_COLUMNS = [
    "area_id",
    "area_level",
    "year",
    "variable",
    "group",
    "sex",
    "age",
    "value",
    "status",
    "source",
]
KEY_COLUMNS = ["area_id", "year", "variable", "group", "sex", "age"]
AREA_COLUMNS = ["area_id", "name", "level", "kind", "parent_id", "synthetic"]


def _fail(origin: str, df: pd.DataFrame, mask, column: str, problem: str, todo: str):
    rows = np.flatnonzero(np.asarray(mask))
    first = rows[:5]
    rows_in_file = df["origin_row"].to_numpy() if "origin_row" in df else np.arange(1, len(df) + 1)
    examples = "; ".join(f"row {rows_in_file[i]}: {column}={df.iloc[i][column]!r}" for i in first)
    more = f" (and {len(rows) - len(first)} more rows)" if len(rows) > len(first) else ""
    raise DataError(f"{origin}: {problem} in column '{column}' ({examples}{more}) -> {todo}")


def validate_observations(
    df: pd.DataFrame, origin: str, areas: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Check an observation table at the boundary; return it with canonical dtypes.

    Errors name the origin (file), the row and the column, and say what to do.
    """
    missing = [c for c in OBSERVATION_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"{origin}: missing columns {missing}; an observation table needs {OBSERVATION_COLUMNS}"
        )
    df = df[OBSERVATION_COLUMNS + [c for c in ("origin_row",) if c in df]].reset_index(drop=True)
    vocab = load_vocabulary()
    bad_id = ~df["area_id"].map(is_valid_area_id)
    if bad_id.any():
        _fail(origin, df, bad_id, "area_id", "malformed area id", AREA_ID_HINT)
    checks = {
        "variable": vocab.variables,
        "group": vocab.groups,
        "sex": vocab.sexes,
        "age": vocab.ages,
        "area_level": vocab.area_levels,
        "status": OBSERVATION_SYMBOLS,
    }
    for column, allowed in checks.items():
        bad = ~df[column].isin(list(allowed))
        if bad.any():
            where = (
                "the status list (intmon_utils/statuses.py)"
                if column == "status"
                else "intmon_utils/vocabulary.yml"
            )
            _fail(
                origin,
                df,
                bad,
                column,
                "value not in the vocabulary",
                f"use one of {sorted(allowed)} (see {where})",
            )
    year = pd.to_numeric(df["year"], errors="coerce")
    if year.isna().any() or (year % 1 != 0).any():
        _fail(
            origin,
            df,
            year.isna() | (year % 1 != 0),
            "year",
            "not a whole year",
            "give the reference year as a number such as 2024",
        )
    df["year"] = year.astype("int64")
    value = pd.to_numeric(df["value"], errors="coerce")
    if (value.isna() & df["value"].notna()).any():
        _fail(
            origin,
            df,
            value.isna() & df["value"].notna(),
            "value",
            "not a number",
            "write numbers without symbols; put '.', '-', 'x' into the status column",
        )
    df["value"] = value.astype("float64")
    if (df["value"] < 0).any():
        _fail(
            origin,
            df,
            df["value"] < 0,
            "value",
            "negative count",
            "counts cannot be negative; check the source file",
        )
    symbol_with_value = df["status"].isin(list(SYMBOL_ONLY)) & df["value"].notna()
    if symbol_with_value.any():
        _fail(
            origin,
            df,
            symbol_with_value,
            "value",
            "a value is given for a symbol status",
            "leave value empty when status is secret, not_meaningful, uncertain or "
            "not_yet_available",
        )
    no_value = df["status"].isin(NUMBER_REQUIRED) & df["value"].isna()
    if no_value.any():
        _fail(
            origin,
            df,
            no_value,
            "value",
            "status 'ok' without a value",
            "give the value or the status symbol that explains why it is missing",
        )
    zero_bad = (df["status"] == "zero") & ~(df["value"].fillna(0) == 0)
    if zero_bad.any():
        _fail(
            origin,
            df,
            zero_bad,
            "value",
            "status 'zero' with a non-zero value",
            "status 'zero' ('-') means exactly 0",
        )
    df.loc[df["status"] == "zero", "value"] = 0.0
    dup = df.duplicated(KEY_COLUMNS, keep=False)
    if dup.any():
        _fail(
            origin,
            df,
            dup,
            "area_id",
            f"duplicate key {KEY_COLUMNS}",
            "each area, year, variable, group, sex and age may occur once per source",
        )
    if areas is not None:
        unknown = ~df["area_id"].isin(areas["area_id"])
        if unknown.any():
            _fail(
                origin,
                df,
                unknown,
                "area_id",
                "area id not in the area register",
                "add the area to areas.parquet or correct the id",
            )
    return df


class ObservationStore:
    """A data directory holding observations, the area register and the data log."""

    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir)

    # -- paths ---------------------------------------------------------------------------
    @property
    def observation_dir(self) -> Path:
        return self.root / "observations"

    @property
    def areas_path(self) -> Path:
        return self.root / "areas.parquet"

    @property
    def survey_dir(self) -> Path:
        return self.root / "surveys"

    @property
    def derived_dir(self) -> Path:
        return self.root / "derived"

    def exists(self) -> bool:
        return self.areas_path.exists() and any(self.observation_dir.glob("*.parquet"))

    def require(self) -> None:
        if not self.exists():
            raise DataError(
                f"no observation data in {self.root}: run 'intmon demo-data' for the "
                f"synthetic demo Land, or import real data into this folder"
            )

    # -- writing -------------------------------------------------------------------------
    def write_areas(self, areas: pd.DataFrame) -> None:
        missing = [c for c in AREA_COLUMNS if c not in areas.columns]
        if missing:
            raise DataError(f"area register: missing columns {missing}")
        bad = ~areas["area_id"].map(is_valid_area_id)
        if bad.any():
            _fail(
                "area register",
                areas.reset_index(drop=True),
                bad.to_numpy(),
                "area_id",
                "malformed area id",
                "use text ids such as '09761000'",
            )
        with atomic_path(self.areas_path) as tmp:
            areas[AREA_COLUMNS].to_parquet(tmp, index=False)

    def merge_areas(self, areas: pd.DataFrame) -> None:
        """Add areas to the register; an id already there is replaced by the new row."""
        if self.areas_path.exists():
            old = pd.read_parquet(self.areas_path)
            areas = pd.concat(
                [old[~old["area_id"].isin(areas["area_id"])], areas[AREA_COLUMNS]],
                ignore_index=True,
            )
        self.write_areas(areas.sort_values("area_id", ignore_index=True))

    def write_observations(
        self, df: pd.DataFrame, source_id: str, origin: str | None = None
    ) -> Path:
        """Validate and write one source's observations, replacing that source's file whole."""
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", source_id):
            raise DataError(f"source id {source_id!r}: use letters, digits, '_', '-' or '.'")
        areas = self.read_areas() if self.areas_path.exists() else None
        df = validate_observations(df, origin or source_id, areas)
        check_import(df, origin or source_id, areas)
        target = self.observation_dir / f"{source_id}.parquet"
        with atomic_path(target) as tmp:
            df[OBSERVATION_COLUMNS].to_parquet(tmp, index=False)
        self._log_import(origin or source_id, target, len(df))
        return target

    def write_survey(self, df: pd.DataFrame, source_id: str, origin: str | None = None) -> Path:
        """Validate and write survey microdata (one file per source, replaced whole)."""
        from .survey import validate_survey

        if not re.fullmatch(r"[A-Za-z0-9_.-]+", source_id):
            raise DataError(f"source id {source_id!r}: use letters, digits, '_', '-' or '.'")
        df = validate_survey(df, origin or source_id)
        if self.areas_path.exists():
            unknown = ~df["area_id"].isin(self.read_areas()["area_id"])
            if unknown.any():
                _fail(
                    origin or source_id,
                    df,
                    unknown.to_numpy(),
                    "area_id",
                    "area id not in the area register",
                    "add the area or correct the id",
                )
        target = self.survey_dir / f"{source_id}.parquet"
        with atomic_path(target) as tmp:
            df.to_parquet(tmp, index=False)
        self._log_import(origin or source_id, target, len(df))
        return target

    def read_surveys(self) -> pd.DataFrame | None:
        """All survey microdata (items of different surveys side by side), or None."""
        paths = sorted(self.survey_dir.glob("*.parquet"))
        return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True) if paths else None

    def _log_import(self, origin: str, target: Path, rows: int) -> None:
        log = self.root / "imports.csv"
        entry = pd.DataFrame(
            [
                {
                    "time": dt.datetime.now().isoformat(timespec="seconds"),
                    "origin": origin,
                    "file": target.name,
                    "sha256": file_sha256(target),
                    "rows": rows,
                }
            ]
        )
        if log.exists():
            entry = pd.concat([pd.read_csv(log, dtype=str), entry.astype(str)], ignore_index=True)
        with atomic_path(log) as tmp:
            entry.to_csv(tmp, index=False)

    # -- reading -------------------------------------------------------------------------
    def read_areas(self) -> pd.DataFrame:
        if not self.areas_path.exists():
            raise DataError(
                f"no area register {self.areas_path}: run 'intmon demo-data' for the "
                f"synthetic demo Land, or import an area register first"
            )
        return pd.read_parquet(self.areas_path)

    def read_observations(self) -> pd.DataFrame:
        self.require()
        frames = [pd.read_parquet(p) for p in sorted(self.observation_dir.glob("*.parquet"))]
        df = pd.concat(frames, ignore_index=True)
        dup = df.duplicated(KEY_COLUMNS, keep=False)
        if dup.any():
            sources = sorted(df.loc[dup, "source"].unique())
            raise DataError(
                f"{self.observation_dir}: the same observation comes from several "
                f"sources {sources} -> remove one source file or drop the overlap"
            )
        return df

    def fingerprint(self) -> str:
        """Hash over all stored files: changes whenever any observation or area changes."""
        self.require()
        h = hashlib.sha256()
        for p in [
            self.areas_path,
            *sorted(self.observation_dir.glob("*.parquet")),
            *sorted(self.survey_dir.glob("*.parquet")),
        ]:
            h.update(p.name.encode())
            h.update(file_sha256(p).encode())
        return h.hexdigest()[:16]

    def data_as_of(self) -> str | None:
        """The date (ISO) of the latest import in the data log, or None without a log."""
        log = self.root / "imports.csv"
        if not log.is_file():
            return None
        times = pd.read_csv(log, dtype=str, usecols=["time"])["time"].dropna()
        return max(times).split("T")[0] if len(times) else None

    def is_synthetic(self) -> bool:
        return bool(self.read_areas()["synthetic"].any())

    def connect(self):
        """A DuckDB connection with views ``observations`` and ``areas`` over the Parquet files."""
        import duckdb

        self.require()
        con = duckdb.connect()
        pattern = str(self.observation_dir / "*.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW observations AS SELECT * FROM read_parquet('{pattern}')")
        areas = str(self.areas_path).replace("'", "''")
        con.execute(f"CREATE VIEW areas AS SELECT * FROM read_parquet('{areas}')")
        return con
