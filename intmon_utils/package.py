"""Data packages: the observations of chosen areas and years, as a Land statistics office
sends them to its Kommunen (or a city to its Land), and the same package read back.

A package is a folder with a Frictionless Data Package descriptor ``datapackage.json`` and
two resources (Parquet or CSV): ``observations`` (the store's columns plus ``source_id``, so
an import recreates the same sources) and ``areas`` (the chosen areas and every area above
them, so the package is complete in an empty store). The descriptor carries the licence,
the publisher, the sources, each file's size and SHA-256 (a file cut short or changed after
export is refused), and whether disclosure control was applied: by default a package holds
the values as published (the workspace's thresholds; secret cells without a number);
``--internal`` exports them unprotected for another statistics office, and says so in the
descriptor and in every row.

A CSV resource may be opened in a spreadsheet: a text a spreadsheet would run as a formula
(an area name beginning with ``=``) is written with a ``'`` in front (``cellsafety``, after
OWASP), and the resource says so (``"intmon_neutralised": true``); reading strips exactly
that ``'`` again, so a package round-trips unchanged. Parquet is written as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd

from .cellsafety import neutralise_frame, restore_frame
from .errors import DataError
from .fileio import atomic_path, write_text
from .reading import SMALL_FILE_LIMIT, read_table_file, read_text
from .schema import AREA_COLUMNS, OBSERVATION_COLUMNS
from .store import ObservationStore
from .subareas import ancestors, descendants

DESCRIPTOR = "datapackage.json"
FORMATS = ("parquet", "csv")
TEXT = "string"
FIELD_TYPES = {"year": "integer", "value": "number", "synthetic": "boolean"}
OBS_FIELDS = [*OBSERVATION_COLUMNS, "source_id"]


def source_ids(store: ObservationStore) -> pd.DataFrame:
    """Every observation's key with the id of the source that holds it."""
    return pd.concat(
        [
            pd.read_parquet(
                p, columns=["area_id", "year", "variable", "group", "sex", "age"]
            ).assign(source_id=p.stem)
            for p in sorted(store.observation_dir.glob("*.parquet"))
        ],
        ignore_index=True,
    )


def select(
    observations: pd.DataFrame,
    areas: pd.DataFrame,
    area_ids: list[str] | None,
    years: list[int] | None,
    subareas: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The observations of the chosen areas (with their sub-areas) and years, and the area
    rows they need (the areas and every area above them)."""
    if area_ids:
        unknown = sorted(set(area_ids) - set(areas["area_id"]))
        if unknown:
            raise DataError(f"--area {unknown}: not in the area register -> check the ids")
        chosen = set(area_ids) | (descendants(set(area_ids), areas) if subareas else set())
        observations = observations[observations["area_id"].isin(chosen)]
    if years:
        observations = observations[observations["year"].isin(years)]
    if observations.empty:
        raise DataError("no observations for these areas and years; nothing was exported")
    needed = ancestors(set(observations["area_id"]), areas)
    return observations, areas[areas["area_id"].isin(needed)]


def _write(frame: pd.DataFrame, target: Path, fmt: str) -> None:
    with atomic_path(target) as tmp:
        if fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            neutralise_frame(frame).to_csv(tmp, index=False, encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resource(name: str, path: Path, root: Path, fmt: str, columns: list[str], key) -> dict:
    fields = [{"name": c, "type": FIELD_TYPES.get(c, TEXT)} for c in columns]
    resource = {
        "name": name,
        "path": path.relative_to(root).as_posix(),
        "format": fmt,
        "mediatype": "application/vnd.apache.parquet" if fmt == "parquet" else "text/csv",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{_sha256(path)}",
        "schema": {"fields": fields, "primaryKey": key},
    }
    if fmt == "csv":
        resource["encoding"] = "utf-8"
        resource["intmon_neutralised"] = True  # formula-like texts begin with ' (cellsafety)
    return resource


def write_package(
    target: Path,
    observations: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    fmt: str = "parquet",
    licence: tuple[str, str, str | None],
    publisher: str = "",
    classification: str = "",
) -> Path:
    """Write the package into ``target`` (data files first, the descriptor last)."""
    if fmt not in FORMATS:
        raise DataError(f"package format {fmt!r}: use one of {', '.join(FORMATS)}")
    observations = observations[OBS_FIELDS].sort_values(OBS_FIELDS[:1] + OBS_FIELDS[2:8])
    areas = areas[AREA_COLUMNS].sort_values("area_id")
    files = {n: target / "data" / f"{n}.{fmt}" for n in ("observations", "areas")}
    _write(observations, files["observations"], fmt)
    _write(areas, files["areas"], fmt)
    name, title, path = licence
    obs_key = ["area_id", "year", "variable", "group", "sex", "age"]
    descriptor = {
        "profile": "tabular-data-package",
        "name": "intmon-observations",
        "title": "intmon observations" + (f" – {publisher}" if publisher else ""),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "licenses": [{"name": name, "title": title, **({"path": path} if path else {})}],
        "sources": [{"title": s} for s in sorted(observations["source"].dropna().unique())],
        "resources": [
            _resource("observations", files["observations"], target, fmt, OBS_FIELDS, obs_key),
            _resource("areas", files["areas"], target, fmt, AREA_COLUMNS, ["area_id"]),
        ],
        "intmon": {
            "classification": classification or "published values (disclosure control applied)",
            "synthetic": bool(areas["synthetic"].any()),
            "years": sorted(int(y) for y in observations["year"].unique()),
        },
    }
    descriptor["resources"][0]["schema"]["foreignKeys"] = [
        {"fields": "area_id", "reference": {"resource": "areas", "fields": "area_id"}}
    ]
    if publisher:
        descriptor["contributors"] = [{"title": publisher, "role": "publisher"}]
    return write_text(
        target / DESCRIPTOR, json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    )


# -- reading -----------------------------------------------------------------------------------


def _descriptor(path: Path) -> tuple[Path, dict]:
    file = path / DESCRIPTOR if path.is_dir() else path
    if not file.is_file():
        raise DataError(f"{path}: no {DESCRIPTOR} -> give the package folder or its descriptor")
    try:
        descriptor = json.loads(
            read_text(file, "data package descriptor", max_bytes=SMALL_FILE_LIMIT)
        )
    except json.JSONDecodeError as exc:
        raise DataError(f"{file}: not a readable JSON descriptor ({exc})") from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise DataError(
            f"{file}: not a data package descriptor (it needs an object with a list "
            f"'resources') -> give the datapackage.json that intmon export package wrote"
        )
    return file.parent, descriptor


def _read_resource(root: Path, res: dict, origin: str) -> pd.DataFrame:
    path = root / res.get("path", "")
    if not path.is_file() or root.resolve() not in path.resolve().parents:
        raise DataError(f"{origin}: resource '{res.get('name')}' file {res.get('path')!r} missing")
    expected = str(res.get("hash", "")).removeprefix("sha256:")
    if path.stat().st_size != res.get("bytes") or _sha256(path) != expected:
        raise DataError(
            f"{path}: its size or SHA-256 differs from {origin} ({path.stat().st_size:,} bytes, "
            f"{res.get('bytes')!r} expected): the file was cut short or changed after export "
            f"-> ask the sender for the package again; nothing was imported"
        )
    names = [f["name"] for f in res.get("schema", {}).get("fields", [])]
    dtypes = {n: str for n in names if FIELD_TYPES.get(n, TEXT) == TEXT}
    frame = read_table_file(path, "data package resource", dtypes)
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise DataError(f"{path}: columns {missing} of the descriptor are missing")
    return restore_frame(frame) if res.get("intmon_neutralised") else frame


def read_package(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """``(observations, areas, descriptor)`` of a package, checked against its descriptor."""
    root, descriptor = _descriptor(Path(path))
    origin = str(root / DESCRIPTOR)
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    missing = [n for n in ("observations", "areas") if n not in resources]
    if missing:
        raise DataError(
            f"{origin}: no resource {missing} -> an intmon data package has the resources "
            f"'observations' and 'areas' (intmon export package writes them)"
        )
    obs = _read_resource(root, resources["observations"], origin)
    areas = _read_resource(root, resources["areas"], origin)
    if obs["source_id"].isna().any() or (obs["source_id"] == "").any():
        raise DataError(f"{origin}: observations without source_id")
    areas["synthetic"] = areas["synthetic"].astype(str).str.lower().isin(["true", "1"])
    areas["parent_id"] = areas["parent_id"].fillna("")
    return obs, areas, descriptor
