"""Parameter files, one per municipality: typed model, loading, merging and validation.

``parameters/<area_id>.yml`` is merged over ``parameters/defaults.yml`` key by key (nested
mappings too: an area file that sets only ``disclosure: {min_cases: 50}`` keeps the
``min_count`` of the defaults) and validated into :class:`Parameters`, never by papermill.
AGS keys stay text (an unquoted ``01001000`` is octal to YAML and is rejected with a message
saying to quote it), unknown keys are errors, and every error names the file and the key.
The model is also the source of the reference table ``docs/parameters.md`` (``intmon docs``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, field_validator

from ..catalogue import load_catalogue
from ..errors import CatalogueError, ParameterError
from ..topics import REPORT_TOPICS
from .loading import StrictModel, deep_merge, parse, read_yaml
from .portal import Portal
from .types import AreaId, Count, IsoDate, Text, Year, _text

DEFAULTS_FILE = "defaults.yml"
FIGURE_FORMATS = ("png", "svg")
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
RELEASE_STATES = ("draft", "released")
Topic = Literal[REPORT_TOPICS]
FigureFormat = Literal[FIGURE_FORMATS]


def _known_indicator(value):
    known = {i.id for i in load_catalogue()}
    if value not in known:
        raise ValueError(
            f"unknown indicator {value!r} -> see 'intmon catalogue' for the indicator ids"
        )
    return value


def _target_key(value):
    """``<indicator id>`` (a goal for the value) or ``<indicator id>_gap`` (for the gap)."""
    ind_id = value.removesuffix("_gap")
    try:
        ind = load_catalogue().get(ind_id)
    except CatalogueError:
        raise ValueError(
            "unknown indicator -> use a catalogue id, or '<id>_gap' for the gap between groups"
        ) from None
    if value.endswith("_gap") and not ind.reference_group:
        raise ValueError(
            "this indicator compares no groups, so it has no gap -> set a goal "
            "for its value instead"
        )
    return value


def _relative_folder(value):
    _text(value)
    if Path(value).is_absolute() or ".." in Path(value).parts:
        raise ValueError(
            "must be a folder below the parameter folder, relative to it -> "
            "e.g. commentary/09761000/"
        )
    return value


def _relative_image(value):
    _text(value)
    if Path(value).is_absolute() or ".." in Path(value).parts:
        raise ValueError(
            "must be a file below the parameter folder, relative to it -> e.g. logo.png"
        )
    if Path(value).suffix.lower() not in IMAGE_TYPES:
        raise ValueError(f"must be an image file ({', '.join(IMAGE_TYPES)})")
    return value


def _kind(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise ValueError(
            f"{value!r} is not a kind of area -> write it as in the area register, lower-case "
            f"(e.g. stadtbezirk, stadtteil, planungsraum, gemeinde)"
        )
    return value


IndicatorId = Annotated[str, AfterValidator(_known_indicator)]
TargetKey = Annotated[str, AfterValidator(_target_key)]
ImagePath = Annotated[str, BeforeValidator(_relative_image)]


class IndicatorChoice(StrictModel):
    exclude: list[IndicatorId] = []
    reasons: dict[IndicatorId, Text] = {}  # why an indicator is left out (intmon check asks)


class Disclosure(StrictModel):
    min_count: Count = 3
    min_cases: Count = 30
    reason: Text | None = None  # why a threshold is below the floor (required then)


FLOOR = Disclosure()  # the usual thresholds: below them a file must give a reason


def _check_floor(path: Path, raw: dict, settings: SharedSettings, floor: Disclosure) -> None:
    """A threshold below ``floor`` needs ``disclosure.reason`` in this very file (``intmon
    run`` logs it; every report and workbook of the area prints it)."""
    own = raw.get("disclosure") if isinstance(raw.get("disclosure"), dict) else {}
    for key in ("min_count", "min_cases"):
        value, usual = getattr(settings.disclosure, key), getattr(floor, key)
        if value >= usual:
            continue
        if not own.get("reason"):
            raise ParameterError(
                path,
                f"disclosure.{key}",
                f"{value} is below the usual threshold {usual}",
                f"give the reason in the same file, e.g. disclosure: {{{key}: {value}, "
                f"reason: '...'}} (it is printed in every report), or use {usual} or more",
            )


class Publication(StrictModel):
    """The title page and imprint of the integrated report."""

    title: Text | None = None  # default: "Integrationsbericht <name> <year>"
    subtitle: Text | None = None
    publisher: Text | None = None
    contact: Text | None = None
    date: IsoDate | None = None
    version: Text | None = None
    logo: ImagePath | None = None
    licence: Text | None = None
    status: Literal[RELEASE_STATES] = "draft"


class TargetSpec(StrictModel):
    value: float
    by: Year
    direction: Literal["below", "above"]
    group: str | None = None


@dataclass(frozen=True)
class Goal:
    """A target resolved against the catalogue: what is measured, for which group."""

    indicator_id: str
    measure: Literal["value", "gap"]
    group: str
    value: float
    by: int
    direction: str


class SharedSettings(StrictModel):
    """The keys ``defaults.yml`` may set for every area of the folder."""

    year: Year = 2024
    peers: list[AreaId] = []
    topics: list[Topic] = Field(default_factory=lambda: list(REPORT_TOPICS), min_length=1)
    indicators: IndicatorChoice = IndicatorChoice()
    targets: dict[TargetKey, TargetSpec] = {}
    commentary: Annotated[str, BeforeValidator(_relative_folder)] = "commentary/{area_id}/"
    language: Literal["de", "en"] = "de"
    disclosure: Disclosure = Disclosure()
    publication: Publication = Publication()
    figure_formats: list[FigureFormat] = ["png"]
    data_gaps: dict[str, Text] = {}
    subarea_level: Annotated[str, AfterValidator(_kind)] | None = None

    @field_validator("topics", "figure_formats")
    @classmethod
    def _unique(cls, value: list) -> list:
        return list(dict.fromkeys(value))

    @field_validator("figure_formats")
    @classmethod
    def _png_first(cls, value: list) -> list:
        if "png" not in value:
            raise ValueError(
                "must contain png (the image embedded in the report) -> e.g. "
                "figure_formats: [png, svg]"
            )
        return value

    @property
    def thresholds(self) -> tuple[int, int]:
        """(min_count, min_cases): the key of the published tables these settings see."""
        return self.disclosure.min_count, self.disclosure.min_cases


class WorkspaceSettings(SharedSettings):
    """``defaults.yml``: the keys shared by every area, and those of the whole workspace."""

    portal: Portal = Portal()


WORKSPACE_KEYS = tuple(set(WorkspaceSettings.model_fields) - set(SharedSettings.model_fields))


class Parameters(SharedSettings):
    """One municipality's parameter file merged over the defaults."""

    area_id: AreaId
    name: Text
    _file: Path = PrivateAttr(default=Path("."))

    @property
    def parameter_file(self) -> Path:
        return self._file

    @property
    def commentary_dir(self) -> Path:
        """The folder of the commentary files, resolved against the parameter folder; it
        must stay inside the parameter folder (also through symbolic links)."""
        relative = self.commentary.replace("{area_id}", self.area_id)
        folder = self._file.parent / relative.replace("{year}", str(self.year))
        base = self._file.parent.resolve()
        if not folder.resolve().is_relative_to(base):
            raise ParameterError(
                self._file,
                "commentary",
                f"the folder {folder} leads outside the parameter folder {base} (through a "
                f"symbolic link)",
                "keep the commentary files inside the workspace, or copy them there",
            )
        return folder

    @property
    def logo_path(self) -> Path | None:
        """The logo of the title page, resolved against the parameter folder."""
        return self._file.parent / self.publication.logo if self.publication.logo else None

    @property
    def goals(self) -> dict[str, Goal]:
        """The targets resolved: indicator, measure (value or gap) and group. Without a
        group, a goal is for the first group compared with the reference group."""
        out = {}
        for key, spec in self.targets.items():
            ind = load_catalogue().get(key.removesuffix("_gap"))
            default = next(
                (g for g in ind.groups if g not in ("total", ind.reference_group)), "total"
            )
            out[key] = Goal(
                ind.id,
                "gap" if key.endswith("_gap") else "value",
                spec.group or default,
                spec.value,
                spec.by,
                spec.direction,
            )
        return out


def _check_goal_groups(params: Parameters, path: Path) -> None:
    for key, goal in params.goals.items():
        groups = load_catalogue().get(goal.indicator_id).groups
        if goal.group not in groups:
            raise ParameterError(path, f"targets.{key}.group", f"must be one of {list(groups)}")


def load_defaults(parameter_dir: str | Path) -> WorkspaceSettings:
    """``defaults.yml`` of a parameter folder (all defaults when there is none)."""
    path = Path(parameter_dir) / DEFAULTS_FILE
    raw = read_yaml(path, ParameterError) if path.exists() else {}
    for key in ("area_id", "name"):
        if key in raw:
            raise ParameterError(
                path,
                key,
                "is not a shared default",
                f"allowed here: {', '.join(WorkspaceSettings.model_fields)}",
            )
    settings = parse(WorkspaceSettings, raw, path, ParameterError, "docs/parameters.md")
    _check_floor(path, raw, settings, FLOOR)
    return settings


def load_parameters(path: str | Path, defaults: WorkspaceSettings | None = None) -> Parameters:
    """Load one parameter file, merge it over the defaults (deeply) and validate it."""
    path = Path(path)
    if defaults is None:
        defaults = load_defaults(path.parent)
    raw = read_yaml(path, ParameterError, "parameter file")
    for key in WORKSPACE_KEYS:
        if key in raw:
            raise ParameterError(
                path, key, "is a setting of the whole workspace", f"set it in {DEFAULTS_FILE}"
            )
    shared = defaults.model_dump(exclude_unset=True, exclude=set(WORKSPACE_KEYS))
    merged = deep_merge(shared, raw)
    params = parse(Parameters, merged, path, ParameterError, "docs/parameters.md")
    if path.stem != params.area_id:
        raise ParameterError(
            path,
            "area_id",
            f"{params.area_id!r} does not match the file name",
            f"rename the file to {params.area_id}.yml",
        )
    params._file = path
    _check_goal_groups(params, path)
    _check_floor(path, raw, params, defaults.disclosure)
    return params


def discover(parameter_dir: str | Path) -> list[Path]:
    """Parameter files of a folder (every *.yml except defaults.yml), sorted."""
    return sorted(p for p in Path(parameter_dir).glob("*.yml") if p.name != DEFAULTS_FILE)


def check_areas_known(params: Parameters, register) -> None:
    """The report's area and its peers are in the area register (an id that lost its
    leading zero is named), and its commentary folder stays inside the parameter folder."""
    known = set(register["area_id"])
    for key, ids in (("area_id", [params.area_id]), ("peers", params.peers)):
        unknown = [i for i in ids if i not in known]
        if unknown:
            close = [f"did you mean '{a}'? " for a in ("0" + unknown[0],) if a in known]
            raise ParameterError(
                params.parameter_file,
                key,
                f"{unknown} not in the area register of the data",
                f"{''.join(close)}import the area first, or correct the id",
            )
    params.commentary_dir  # noqa: B018 (raises for a folder outside the parameter folder)
