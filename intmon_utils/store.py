"""The observation store: long-format Parquet files plus DuckDB views.

Layout of a data directory::

    <data>/observations/<source_id>.parquet   one file per source (a publisher table)
    <data>/areas.parquet                      area register: id, name, level, kind, parent
    <data>/imports.csv                        data log: every import with its counts
    <data>/derived/                           cached indicator tables (safe to delete)

A re-import of a source replaces exactly the areas and years its file covers
(:mod:`intmon_utils.changes`). Writes inside :meth:`ObservationStore.transaction` are checked
and staged first and written together at the end, so an import of several files writes all or
nothing; a dry run stages and discards. Area ids are strings end to end (leading zeros of AGS
must survive).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .area_ids import is_valid_area_id
from .availability import year_ranges
from .changes import KEY_COLUMNS, SCOPE_COLUMNS, Change, overlap_error, plan_change
from .errors import DataError
from .fileio import atomic_path, file_sha256
from .schema import AREA_COLUMNS, OBSERVATION_COLUMNS, fail_at_rows, validate_observations
from .validation import check_import


@dataclass
class Staging:
    """What a transaction has checked and will write: the area register, each source's whole
    new content, survey files, and the :class:`~intmon_utils.changes.Change` of every write."""

    replace: bool = False
    areas: pd.DataFrame | None = None
    sources: dict[str, pd.DataFrame] = field(default_factory=dict)
    surveys: dict[str, tuple[pd.DataFrame, str]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    _covered: dict[str, tuple[str, pd.MultiIndex]] = field(default_factory=dict)

    def claim(self, source_id: str, df: pd.DataFrame, origin: str) -> None:
        """Two files of one import may add to a source, but not cover the same area, year and
        variable."""
        scope = pd.MultiIndex.from_frame(df[SCOPE_COLUMNS].drop_duplicates())
        if source_id in self._covered:
            first, seen = self._covered[source_id]
            both = scope[scope.isin(seen)]
            if len(both):
                raise DataError(
                    f"{origin} and {first} both hold source '{source_id}' for "
                    f"{both[0][0]}, {both[0][1]}, {both[0][2]} ({len(both)} in all) -> "
                    f"import them one after the other (a later file replaces the earlier "
                    f"one's values for what it covers), or leave one out"
                )
            scope = seen.append(scope)
        self._covered[source_id] = (origin, scope)


class ObservationStore:
    """A data directory holding observations, the area register and the data log."""

    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir)
        self._staging: Staging | None = None

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
    @contextlib.contextmanager
    def transaction(self, *, dry_run: bool = False, replace: bool = False):
        """Stage every write inside the block; write them together when it ends without error
        (areas, then observations and surveys, each file atomically, then the data log).

        Inside a running transaction it joins that one. ``dry_run``: check and stage only;
        the yielded :class:`Staging` says what would change. ``replace``: each source written
        becomes exactly its file (see :mod:`intmon_utils.changes`).
        """
        if self._staging is not None:  # an importer's own transaction inside the command's
            yield self._staging
            return
        staging = Staging(replace=replace)
        self._staging = staging
        try:
            yield staging
        finally:
            self._staging = None
        if not dry_run:
            self._commit(staging)

    def _check_areas(self, areas: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in AREA_COLUMNS if c not in areas.columns]
        if missing:
            raise DataError(f"area register: missing columns {missing}")
        bad = ~areas["area_id"].map(is_valid_area_id)
        if bad.any():
            fail_at_rows(
                "area register",
                areas.reset_index(drop=True),
                bad.to_numpy(),
                "area_id",
                "malformed area id",
                "use text ids such as '09761000'",
            )
        return areas[AREA_COLUMNS].reset_index(drop=True)

    def write_areas(self, areas: pd.DataFrame) -> None:
        areas = self._check_areas(areas)
        if self._staging is not None:
            self._staging.areas = areas
            return
        with atomic_path(self.areas_path) as tmp:
            areas.to_parquet(tmp, index=False)

    def merge_areas(self, areas: pd.DataFrame) -> None:
        """Add areas to the register; an id already there is replaced by the new row."""
        if self.has_areas():
            old = self.read_areas()
            areas = pd.concat(
                [old[~old["area_id"].isin(areas["area_id"])], areas[AREA_COLUMNS]],
                ignore_index=True,
            )
        self.write_areas(areas.sort_values("area_id", ignore_index=True))

    def write_observations(
        self, df: pd.DataFrame, source_id: str, origin: str | None = None
    ) -> Path:
        """Validate one source's observations and write them over what the source holds for
        the areas and years they cover (staged inside a transaction)."""
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", source_id):
            raise DataError(f"source id {source_id!r}: use letters, digits, '_', '-' or '.'")
        origin = origin or source_id
        areas = self.read_areas() if self.has_areas() else None
        df = validate_observations(df, origin, areas)
        check_import(df, origin, areas)
        df = df[OBSERVATION_COLUMNS]
        staging = self._staging or Staging()
        staging.claim(source_id, df, origin)
        change = plan_change(
            self._source(source_id), df, source_id, origin, replace=staging.replace
        )
        change.check()
        others = self._other_sources(source_id)
        if others is not None:
            overlap_error(df, others, source_id, origin)
        staging.sources[source_id] = change.result
        staging.changes.append(change)
        if self._staging is None:
            self._commit(staging)
        return self.observation_dir / f"{source_id}.parquet"

    def remove_source(self, source_id: str) -> int:
        """Delete one source's observations (logged); the number of observations removed."""
        target = self.observation_dir / f"{source_id}.parquet"
        if not target.is_file():
            known = ", ".join(sorted(p.stem for p in self.observation_dir.glob("*.parquet")))
            raise DataError(f"no source '{source_id}' in {self.observation_dir} (sources: {known})")
        rows = len(pd.read_parquet(target, columns=["year"]))
        target.unlink()
        self._log({"origin": "intmon data remove", "source": source_id, "removed": rows})
        return rows

    def write_survey(self, df: pd.DataFrame, source_id: str, origin: str | None = None) -> Path:
        """Validate and write survey microdata (one file per source, replaced whole)."""
        from .survey import validate_survey

        if not re.fullmatch(r"[A-Za-z0-9_.-]+", source_id):
            raise DataError(f"source id {source_id!r}: use letters, digits, '_', '-' or '.'")
        df = validate_survey(df, origin or source_id)
        if self.has_areas():
            unknown = ~df["area_id"].isin(self.read_areas()["area_id"])
            if unknown.any():
                fail_at_rows(
                    origin or source_id,
                    df,
                    unknown.to_numpy(),
                    "area_id",
                    "area id not in the area register",
                    "add the area or correct the id",
                )
        staging = self._staging or Staging()
        staging.surveys[source_id] = (df, origin or source_id)
        if self._staging is None:
            self._commit(staging)
        return self.survey_dir / f"{source_id}.parquet"

    def _source(self, source_id: str) -> pd.DataFrame | None:
        """What a source holds now (staged in this transaction, or on disk)."""
        if self._staging is not None and source_id in self._staging.sources:
            return self._staging.sources[source_id]
        path = self.observation_dir / f"{source_id}.parquet"
        return pd.read_parquet(path) if path.is_file() else None

    def _other_sources(self, source_id: str) -> pd.DataFrame | None:
        """The keys every other source holds (with column ``source_id``), or None."""
        frames = {
            p.stem: pd.read_parquet(p, columns=KEY_COLUMNS)
            for p in sorted(self.observation_dir.glob("*.parquet"))
            if p.stem != source_id
        }
        if self._staging is not None:
            frames |= {
                k: v[KEY_COLUMNS] for k, v in self._staging.sources.items() if k != source_id
            }
        if not frames:
            return None
        return pd.concat([f.assign(source_id=k) for k, f in frames.items()], ignore_index=True)

    def _commit(self, staging: Staging) -> None:
        if staging.areas is not None:
            with atomic_path(self.areas_path) as tmp:
                staging.areas.to_parquet(tmp, index=False)
        for source_id, frame in staging.sources.items():
            with atomic_path(self.observation_dir / f"{source_id}.parquet") as tmp:
                frame.to_parquet(tmp, index=False)
        for source_id, (frame, _) in staging.surveys.items():
            with atomic_path(self.survey_dir / f"{source_id}.parquet") as tmp:
                frame.to_parquet(tmp, index=False)
        entries = [
            {"origin": c.origin, **c.log_entry(), "rows": len(staging.sources[c.source_id])}
            for c in staging.changes
        ] + [
            {"origin": origin, "source": f"survey:{sid}", "rows": len(frame)}
            for sid, (frame, origin) in staging.surveys.items()
        ]
        self._log(*entries)

    def _log(self, *entries: dict) -> None:
        """Append to the data log ``imports.csv`` (time, origin file and its SHA-256, source,
        mode and the counts of the change)."""
        if not entries:
            return
        log = self.root / "imports.csv"
        now = dt.datetime.now().isoformat(timespec="seconds")
        rows = pd.DataFrame(
            [
                {
                    "time": now,
                    **e,
                    "origin_sha256": (
                        file_sha256(e["origin"]) if Path(e["origin"]).is_file() else ""
                    ),
                }
                for e in entries
            ]
        )
        if log.exists():
            rows = pd.concat([pd.read_csv(log, dtype=str), rows.astype(str)], ignore_index=True)
        with atomic_path(log) as tmp:
            rows.to_csv(tmp, index=False)

    def read_surveys(self) -> pd.DataFrame | None:
        """All survey microdata (items of different surveys side by side), or None."""
        paths = sorted(self.survey_dir.glob("*.parquet"))
        return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True) if paths else None

    # -- reading -------------------------------------------------------------------------
    def has_areas(self) -> bool:
        return self.areas_path.exists() or (
            self._staging is not None and self._staging.areas is not None
        )

    def read_areas(self) -> pd.DataFrame:
        """The area register (as staged in the running transaction, if it changed it)."""
        if self._staging is not None and self._staging.areas is not None:
            return self._staging.areas
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

    def sources(self) -> pd.DataFrame:
        """One row per stored source: observations, areas, years, variables, last import."""
        rows = []
        for p in sorted(self.observation_dir.glob("*.parquet")):
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
        log = self.root / "imports.csv"
        if log.is_file():
            last = pd.read_csv(log, dtype=str)
            if "source" in last:
                last = last.dropna(subset=["source"]).groupby("source").last()
                table["last import"] = table["source"].map(last["time"]).fillna("")
                table["from"] = table["source"].map(last["origin"]).fillna("")
        return table

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
