"""Review and release: a report is a draft ("Entwurf") until the integration office releases it.

``intmon release --area ID --year Y`` writes ``<parameters>/releases/<area_id>-<year>.yml``:
who released it (``--by`` or git's ``user.name`` and ``user.email``), when, and the inputs it
was released with (:func:`intmon_utils.provenance.area_inputs`: data state, parameter file,
defaults, each commentary file). The file sits beside the parameters, so the release is in git
with the texts it releases. A released report whose data, parameters or commentary changed
afterwards is flagged as outdated ("Freigabe überholt") and printed as a draft again until it
is released anew. ``publication.status: released`` in the parameters still marks a report as
released without a record (then nothing can tell whether it changed since).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from .config.loading import read_yaml
from .config.parameters import Parameters
from .errors import ParameterError
from .fileio import write_text
from .provenance import area_inputs
from .store import ObservationStore
from .texts import text

FOLDER = "releases"
DRAFT, RELEASED, CHANGED = "draft", "released", "changed"


@dataclass(frozen=True)
class ReleaseState:
    """A report's state: ``draft``, ``released`` or ``changed`` (released, then changed)."""

    status: Literal["draft", "released", "changed"]
    by: str | None = None
    at: str | None = None
    changed: tuple[str, ...] = ()

    @property
    def draft(self) -> bool:
        """Printed as a draft: not released, or changed since its release."""
        return self.status != RELEASED

    def describe(self, lang: str) -> str:
        if self.status == DRAFT:
            return text("release_draft", lang)
        if self.status == CHANGED:
            return text(
                "release_changed", lang, by=self.by, at=self.at, what=", ".join(self.changed)
            )
        if self.by is None:
            return text("release_by_key", lang)
        return text("release_released", lang, by=self.by, at=self.at)


def record_path(params: Parameters) -> Path:
    return params.parameter_file.parent / FOLDER / f"{params.area_id}-{params.year}.yml"


def read_record(params: Parameters) -> dict | None:
    """The release record of the area's report of its year, or None."""
    path = record_path(params)
    if not path.is_file():
        return None
    record = read_yaml(path, ParameterError, "release record")
    if not isinstance(record.get("inputs"), dict):  # read_yaml: always a mapping
        raise ParameterError(
            path, "inputs", "is missing", "release the report again: intmon release --area …"
        )
    return record


def differences(released: dict, now: dict) -> list[str]:
    """What changed between the inputs of a release and today's (names a user recognises)."""
    out = []
    if released.get("data") != now["data"]:
        out.append("data")
    for key, name in (("parameters", "parameter file"), ("defaults", "defaults.yml")):
        if released.get(key) != now[key]:
            out.append(name)
    before, after = released.get("commentary") or {}, now["commentary"]
    out += [n for n in sorted(set(before) | set(after)) if before.get(n) != after.get(n)]
    return out


def state(params: Parameters, store: ObservationStore) -> ReleaseState:
    """The release state of the area's report of its year."""
    record = read_record(params)
    if record is None:
        released = params.publication.status == RELEASED
        return ReleaseState(RELEASED if released else DRAFT)
    by, at = str(record.get("released_by")), str(record.get("released_at"))
    changed = differences(record["inputs"], area_inputs(params, store))
    return ReleaseState(CHANGED if changed else RELEASED, by, at, tuple(changed))


def releaser(project: Path, by: str | None) -> str:
    """Who releases: ``by``, else git's user.name (with user.email) of the workspace."""
    if by and by.strip():
        return by.strip()

    def config(key: str) -> str:
        try:
            done = subprocess.run(
                ["git", "-C", str(project), "config", key], capture_output=True, text=True
            )
        except OSError:
            return ""
        return done.stdout.strip()

    name, mail = config("user.name"), config("user.email")
    if not name:
        raise ParameterError(
            project,
            "--by",
            "nobody to name as releaser",
            "say who releases: intmon release … --by 'Name, Integrationsbüro' (or set git "
            "config user.name)",
        )
    return f"{name} <{mail}>" if mail else name


def release(params: Parameters, store: ObservationStore, by: str) -> Path:
    """Write the release record of the area's report of its year (replacing an earlier one)."""
    record = {
        "area_id": params.area_id,
        "year": params.year,
        "released_by": by,
        "released_at": dt.datetime.now().isoformat(timespec="seconds"),
        "inputs": area_inputs(params, store),
    }
    header = "# Release of a report (intmon release); intmon compares these inputs with today's\n"
    return write_text(
        record_path(params), header + yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    )
