"""The observation store: long-format Parquet files plus DuckDB views.

Layout of a data directory::

    <data>/observations/<source_id>.parquet   one file per source (a publisher table)
    <data>/areas.parquet                      area register: id, name, level, kind, parent
    <data>/imports.csv                        data log: every import with its counts
    <data>/.lock, <data>/.commit.json         lock and commit journal (locks.py, commit.py)
    <data>/derived/                           cached indicator tables (safe to delete)

A re-import of a source replaces exactly the areas and years its file covers
(:mod:`intmon_utils.changes`). Writes inside :meth:`ObservationStore.transaction` are checked
and staged first and written together at the end, so an import of several files writes all or
nothing; a dry run stages and discards. Area ids are strings end to end (leading zeros of AGS
must survive).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path

import pandas as pd

from . import area_register, datalog, locks
from .changes import KEY_COLUMNS, overlap_error, plan_change
from .commit import commit_files, interrupted, leftovers, recover
from .errors import DataError
from .fileio import file_sha256, make_folder
from .schema import OBSERVATION_COLUMNS, fail_at_rows, validate_observations
from .staging import Staging
from .validation import check_import


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
        self.settle()
        if not self.exists():
            raise DataError(
                f"no observation data in {self.root}: run 'intmon demo-data' for the "
                f"synthetic demo Land, or import real data into this folder"
            )

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self, *, dry_run: bool = False, replace: bool = False):
        """Stage every write inside the block; write them together when it ends without error
        (all files or none: :mod:`intmon_utils.commit`). The block holds the data folder's
        lock alone (:mod:`intmon_utils.locks`), so no other command reads or writes meanwhile.

        Inside a running transaction it joins that one. ``dry_run``: check and stage only;
        the yielded :class:`Staging` says what would change. ``replace``: each source written
        becomes exactly its file (see :mod:`intmon_utils.changes`); an area register written
        replaces the register instead of adding to it.
        """
        if self._staging is not None:  # an importer's own transaction inside the command's
            yield self._staging
            return
        self.make_root()
        with locks.writing(self.root, "change the data"):
            recover(self.root, self._folders())
            staging = Staging(replace=replace)
            self._staging = staging
            try:
                yield staging
            finally:
                self._staging = None
            if not dry_run:
                self._commit(staging)

    def make_root(self) -> None:
        """A new data folder is readable by its owner only (survey and register microdata
        live here); to share it with a group, set the folder's group permissions
        (``chmod 2770``): files inside get the folder's permissions (docs/security.md)."""
        if not self.root.exists():
            make_folder(self.root.parent)
            self.root.mkdir(mode=0o700)

    def _folders(self) -> list[Path]:
        return [self.root, self.observation_dir, self.survey_dir]

    def settle(self) -> None:
        """Before reading: finish an import that was interrupted after its commit point (it
        must be finished), and remove what one interrupted before it left (when no other
        command uses the store)."""
        if interrupted(self.root):
            with locks.writing(self.root, "finish the interrupted import"):
                recover(self.root, self._folders())
        elif leftovers(self._folders()):
            with contextlib.suppress(locks.LockedError, PermissionError):
                with locks.writing(self.root, "remove an interrupted import's files"):
                    recover(self.root, self._folders())

    def write_areas(self, areas: pd.DataFrame) -> None:
        """Stage a new area register (the demo's, or an explicit replacement)."""
        with self.transaction() as staging:
            staging.areas = area_register.checked(areas)

    def merge_areas(
        self, areas: pd.DataFrame, *, update: bool = False, origin: str = ""
    ) -> pd.DataFrame:
        """Add areas to the register (:func:`intmon_utils.area_register.merged`); return the
        rows added. Without ``update``, what a publisher's file brings to a register that had
        areas is a warning of ``origin`` (:func:`intmon_utils.area_register.warnings`)."""
        with self.transaction() as staging:
            areas = area_register.checked(areas)
            old = self.read_areas() if self.has_areas() else areas.iloc[0:0]
            if not update and len(old):
                staging.warnings += [(origin, w) for w in area_register.warnings(old, areas)]
            staging.areas = area_register.merged(old, areas, update)
            return areas[~areas["area_id"].isin(old["area_id"])]

    def observed_area_ids(self) -> set[str]:
        """Every area id that an observation or a survey answer refers to."""
        paths = [*self.observation_dir.glob("*.parquet"), *self.survey_dir.glob("*.parquet")]
        return {a for p in paths for a in pd.read_parquet(p, columns=["area_id"])["area_id"]}

    def write_observations(
        self, df: pd.DataFrame, source_id: str, origin: str | None = None
    ) -> Path:
        """Validate one source's observations and write them over what the source holds for
        the areas and years they cover (staged inside a transaction)."""
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", source_id):
            raise DataError(f"source id {source_id!r}: use letters, digits, '_', '-' or '.'")
        origin = origin or source_id
        with self.transaction() as staging:
            areas = self.read_areas() if self.has_areas() else None
            df = validate_observations(df, origin, areas)
            check_import(df, origin, areas)
            df = df[OBSERVATION_COLUMNS]
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
        return self.observation_dir / f"{source_id}.parquet"

    def remove_source(self, source_id: str) -> int:
        """Delete one source's observations (logged); the number of observations removed."""
        target = self.observation_dir / f"{source_id}.parquet"
        if not target.is_file():
            known = ", ".join(sorted(p.stem for p in self.observation_dir.glob("*.parquet")))
            raise DataError(f"no source '{source_id}' in {self.observation_dir} (sources: {known})")
        with self.transaction() as staging:
            rows = len(pd.read_parquet(target, columns=["year"]))
            staging.removed.append(source_id)
            staging.notes.append(
                {"origin": "intmon data remove", "source": source_id, "removed": rows}
            )
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
        with self.transaction() as staging:
            self._survey_overlap(df, source_id, origin or source_id)
            staging.surveys[source_id] = (df, origin or source_id)
        return self.survey_dir / f"{source_id}.parquet"

    def _survey_overlap(self, df: pd.DataFrame, source_id: str, origin: str) -> None:
        """Another survey source with the same item for the same area and year would count
        its respondents twice (the same file imported under two names)."""
        from .survey import BASE_COLUMNS

        items = [c for c in df.columns if c not in BASE_COLUMNS]
        keys = set(zip(df["area_id"], df["year"], strict=True))
        for path in sorted(self.survey_dir.glob("*.parquet")):
            if path.stem == source_id:
                continue
            shared = [c for c in pd.read_parquet(path).columns if c in items]
            other = pd.read_parquet(path, columns=["area_id", "year"])
            both = keys & set(zip(other["area_id"], other["year"], strict=True))
            if shared and both:
                area, year = sorted(both)[0]
                raise DataError(
                    f"{origin}: survey source '{path.stem}' already holds the items "
                    f"{shared[:5]} for {area} {year}; importing both would count their "
                    f"respondents twice -> if it is the same survey, import it under its "
                    f"first name (a re-import replaces it), or remove '{path.stem}' first"
                )

    def warn(self, origin: str, text: str) -> None:
        """A warning of the running import: printed at its end and kept in the data log."""
        with self.transaction() as staging:
            staging.warnings.append((origin, text))

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
        """Write what the transaction staged, with its data-log entries, all or nothing."""
        writes = []
        if staging.areas is not None:
            writes.append((self.areas_path, _parquet(staging.areas)))
        for source_id, frame in staging.sources.items():
            writes.append((self.observation_dir / f"{source_id}.parquet", _parquet(frame)))
        for source_id, (frame, _) in staging.surveys.items():
            writes.append((self.survey_dir / f"{source_id}.parquet", _parquet(frame)))
        entries = staging.log_entries()
        if entries:
            log = datalog.appended(self.log_path, entries)
            writes.append((self.log_path, lambda tmp: log.to_csv(tmp, index=False)))
        removals = [self.observation_dir / f"{sid}.parquet" for sid in staging.removed]
        if writes or removals:
            commit_files(self.root, writes, removals)

    @property
    def log_path(self) -> Path:
        return self.root / "imports.csv"

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
        self.settle()
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
        return datalog.sources_table(sorted(self.observation_dir.glob("*.parquet")), self.log_path)

    def data_as_of(self) -> str | None:
        """The date (ISO) of the latest import in the data log, or None without a log."""
        return datalog.as_of(self.log_path)

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


def _parquet(frame: pd.DataFrame):
    return lambda tmp: frame.to_parquet(tmp, index=False)
