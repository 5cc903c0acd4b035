"""Parameter files, one per municipality (DESIGN §4): schema, loading and validation.

``parameters/<area_id>.yml`` is merged over ``parameters/defaults.yml`` and validated here,
never by papermill: AGS keys stay strings (an unquoted ``01001000`` is octal to YAML and is
rejected with a message saying to quote it), unknown keys are errors, and every error names
the file and the key. ``SCHEMA`` is also the source of the generated reference table
``docs/parameters.md`` (``intmon docs``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from .catalogue import REPORT_TOPICS, load_catalogue
from .errors import CatalogueError, ParameterError
from .store import is_valid_area_id

DEFAULTS_FILE = "defaults.yml"
QUOTE_HINT = ('quote it: area ids are text, e.g. area_id: "09761000" (unquoted, YAML reads a '
              'number with a leading 0 as octal: 01001000 becomes 262656)')


@dataclass(frozen=True)
class Param:
    key: str
    type: str
    allowed: str
    default: Any
    description: str
    check: Callable[[Any, str, Path], Any]


def _area_id(value, key, path):
    if not isinstance(value, str):
        raise ParameterError(path, key, f"must be a quoted text id, YAML read {value!r} "
                                        f"({type(value).__name__})", QUOTE_HINT)
    if not is_valid_area_id(value):
        raise ParameterError(path, key, f"malformed area id {value!r}",
                             "use 'DG', 2, 3, 5 or 8 digits (AGS), or '<AGS>-<local code>'")
    return value


def _text(value, key, path):
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(path, key, f"must be a non-empty text, got {value!r}")
    return value


def _year(value, key, path):
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise ParameterError(path, key, f"must be a year such as 2024, got {value!r}")
    return value


def _area_list(value, key, path):
    if not isinstance(value, list):
        raise ParameterError(path, key, f"must be a list of quoted area ids, got {value!r}",
                             'e.g. peers: ["09162000", "09564000"]')
    return [_area_id(v, f"{key}[{i}]", path) for i, v in enumerate(value)]


def _topics(value, key, path):
    if not isinstance(value, list) or not value or any(t not in REPORT_TOPICS for t in value):
        raise ParameterError(path, key, f"must be a non-empty list of {list(REPORT_TOPICS)}, "
                                        f"got {value!r}")
    return list(dict.fromkeys(value))


def _indicators(value, key, path):
    if not isinstance(value, dict) or set(value) - {"exclude"}:
        raise ParameterError(path, key, f"must be a mapping with the key 'exclude', got {value!r}",
                             "e.g. indicators: {exclude: [housing.owner_rate]}")
    exclude = value.get("exclude") or []
    known = {i.id for i in load_catalogue()}
    for i, ind in enumerate(exclude):
        if ind not in known:
            raise ParameterError(path, f"{key}.exclude[{i}]", f"unknown indicator {ind!r}",
                                 "see 'intmon catalogue' for the indicator ids")
    return {"exclude": list(exclude)}


TARGET_KEYS = {"value", "by", "direction", "group", "measure"}


def _targets(value, key, path):
    if not isinstance(value, dict):
        raise ParameterError(path, key, f"must be a mapping of indicator id to a goal, got {value!r}")
    catalogue = load_catalogue()
    out = {}
    for name, goal in value.items():
        where = f"{key}.{name}"
        measure = "gap" if str(name).endswith("_gap") else "value"
        ind_id = str(name)[:-4] if measure == "gap" else str(name)
        try:
            ind = catalogue.get(ind_id)
        except CatalogueError:
            raise ParameterError(path, where, "unknown indicator",
                                 "use a catalogue id, or '<id>_gap' for the gap between groups"
                                 ) from None
        if not isinstance(goal, dict) or not {"value", "by", "direction"} <= set(goal) \
                or set(goal) - TARGET_KEYS:
            raise ParameterError(path, where, f"needs value, by and direction (optional group), "
                                              f"got {goal!r}",
                                 "e.g. {value: 3.0, by: 2030, direction: below}")
        if isinstance(goal["value"], bool) or not isinstance(goal["value"], (int, float)):
            raise ParameterError(path, f"{where}.value", f"must be a number, got {goal['value']!r}")
        _year(goal["by"], f"{where}.by", path)
        if goal["direction"] not in ("below", "above"):
            raise ParameterError(path, f"{where}.direction", "must be 'below' or 'above'")
        default_group = next((g for g in ind.groups if g not in ("total", ind.reference_group)),
                             "total")
        group = goal.get("group", default_group)
        if group not in ind.groups:
            raise ParameterError(path, f"{where}.group", f"must be one of {list(ind.groups)}")
        if measure == "gap" and not ind.reference_group:
            raise ParameterError(path, where, "this indicator compares no groups, so it has no gap")
        out[name] = {"indicator_id": ind_id, "measure": measure, "group": group,
                     "value": float(goal["value"]), "by": goal["by"],
                     "direction": goal["direction"]}
    return out


def _commentary(value, key, path):
    _text(value, key, path)
    if Path(value).is_absolute() or ".." in Path(value).parts:
        raise ParameterError(path, key, "must be a folder below the parameter folder, relative "
                                        "to it", "e.g. commentary/09761000/")
    return value


def _language(value, key, path):
    if value not in ("de", "en"):
        raise ParameterError(path, key, f"must be 'de' or 'en', got {value!r}")
    return value


FIGURE_FORMATS = ("png", "svg")


def _figure_formats(value, key, path):
    if not isinstance(value, list) or "png" not in value or set(value) - set(FIGURE_FORMATS):
        raise ParameterError(path, key, f"must be a list with 'png' and optionally 'svg', "
                                        f"got {value!r}", "e.g. figure_formats: [png, svg]")
    return list(dict.fromkeys(value))


def _disclosure(value, key, path):
    if not isinstance(value, dict) or not value or set(value) - {"min_count", "min_cases"}:
        raise ParameterError(path, key, f"must be {{min_count: N, min_cases: M}}, got {value!r}")
    out = {"min_count": 3, "min_cases": 30, **value}
    for name, n in out.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ParameterError(path, f"{key}.{name}", f"must be a whole number >= 1, got {n!r}")
    return out


def thresholds(params: dict) -> tuple[int, int]:
    """(min_count, min_cases) of a parameter set: the key of its published tables."""
    return params["disclosure"]["min_count"], params["disclosure"]["min_cases"]


def _data_gaps(value, key, path):
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ParameterError(path, key, "must map a variable, group or indicator id to a reason text",
                             'e.g. with_migration_background: "MigraPro is not run in this Kreis"')
    return {str(k): v for k, v in value.items()}


SCHEMA = (
    Param("area_id", "text", "AGS (2, 3, 5 or 8 digits) or '<AGS>-<local code>', quoted", None,
          "Area monitored; also the output folder and the file name (<area_id>.yml).", _area_id),
    Param("name", "text", "any", None, "Name shown in reports.", _text),
    Param("year", "integer", "1990-2100", 2024, "Reporting year.", _year),
    Param("peers", "list of text", "area ids", [], "Comparison municipalities (peer group).",
          _area_list),
    Param("topics", "list", ", ".join(REPORT_TOPICS), list(REPORT_TOPICS),
          "Topic reports produced for this area.", _topics),
    Param("indicators", "mapping", "{exclude: [indicator ids]}", {"exclude": []},
          "Indicators the working group does not monitor (justify in the commentary).",
          _indicators),
    Param("targets", "mapping", "<indicator id or id_gap>: {value, by, direction: below|above, "
          "group}", {}, "Goals set by the working group; tracked in the goals section.", _targets),
    Param("commentary", "text", "folder relative to the parameter folder", "commentary/{area_id}/",
          "Folder with <topic>.md: interpretation and qualitative findings.", _commentary),
    Param("language", "text", "de, en", "de", "Language of the reports.", _language),
    Param("disclosure", "mapping", "{min_count: integer >= 1, min_cases: integer >= 1}",
          {"min_count": 3, "min_cases": 30},
          "Counts from 1 to min_count-1 are suppressed, with secondary suppression; survey shares "
          "resting on fewer than min_cases respondents are suppressed.", _disclosure),
    Param("figure_formats", "list", ", ".join(FIGURE_FORMATS), ["png"],
          "Files written for each figure in figures/. The PNG is also embedded in the HTML "
          "report; add svg for print layouts (it costs about a fifth of a second per figure).",
          _figure_formats),
    Param("data_gaps", "mapping", "<variable, group or indicator id>: reason", {},
          "Why data are missing here; shown where an indicator cannot be computed.", _data_gaps),
)
SCHEMA_BY_KEY = {p.key: p for p in SCHEMA}
REQUIRED = ("area_id", "name")


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(path, "(file)", f"is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(path, "(file)", "must be a YAML mapping of key: value")
    return data


def load_defaults(parameter_dir: Path) -> dict:
    path = Path(parameter_dir) / DEFAULTS_FILE
    raw = _read_yaml(path) if path.exists() else {}
    merged = {p.key: copy.deepcopy(p.default) for p in SCHEMA if p.default is not None}
    for key, value in raw.items():
        if key not in SCHEMA_BY_KEY or key in REQUIRED:
            raise ParameterError(path, key, "is not a shared default",
                                 f"allowed here: {[p.key for p in SCHEMA if p.key not in REQUIRED]}")
        merged[key] = SCHEMA_BY_KEY[key].check(value, key, path)
    return merged


def load_parameters(path: str | Path, defaults: dict | None = None) -> dict:
    """Load, merge over the defaults and validate one parameter file."""
    path = Path(path)
    if defaults is None:
        defaults = load_defaults(path.parent)
    raw = _read_yaml(path)
    for key in raw:
        if key not in SCHEMA_BY_KEY:
            close = [k for k in SCHEMA_BY_KEY if k[:3] == str(key)[:3]]
            raise ParameterError(path, key, "unknown key",
                                 f"did you mean {close[0]!r}?" if close else
                                 f"allowed keys: {list(SCHEMA_BY_KEY)}")
    for key in REQUIRED:
        if key not in raw:
            raise ParameterError(path, key, "is missing", "every parameter file needs area_id and name")
    params = copy.deepcopy(defaults)
    for key, value in raw.items():
        params[key] = SCHEMA_BY_KEY[key].check(value, key, path)
    if path.stem != params["area_id"]:
        raise ParameterError(path, "area_id", f"{params['area_id']!r} does not match the file name",
                             f"rename the file to {params['area_id']}.yml")
    # resolved here, so notebooks and runs find it wherever the parameter folder lives
    params["commentary"] = str(path.parent / params["commentary"].replace("{area_id}",
                                                                         params["area_id"]))
    params["parameter_file"] = str(path)
    return params


def discover(parameter_dir: str | Path) -> list[Path]:
    """Parameter files of a folder (every *.yml except defaults.yml), sorted."""
    parameter_dir = Path(parameter_dir)
    return sorted(p for p in parameter_dir.glob("*.yml") if p.name != DEFAULTS_FILE)


def reference_table() -> str:
    """Markdown reference of every parameter key, generated from ``SCHEMA``."""
    lines = ["# Parameter reference", "",
             "Generated from `intmon_utils/parameters.py` by `intmon docs`; do not edit by hand.",
             "", "Each municipality has `parameters/<area_id>.yml`; keys not given there come "
             "from `parameters/defaults.yml`, then from the defaults below. Unknown keys are "
             "errors.", "",
             "| key | type | allowed values | default | meaning |", "|---|---|---|---|---|"]
    for p in SCHEMA:
        default = "required" if p.key in REQUIRED else (
            f"`{yaml.safe_dump(p.default, default_flow_style=True, allow_unicode=True).strip()}`")
        lines.append(f"| `{p.key}` | {p.type} | {p.allowed} | {default} | {p.description} |")
    lines += ["", "Example:", "", "```yaml",
              'area_id: "99101000"', "name: Lindenhagen", "year: 2024",
              'peers: ["99102000", "99103000"]',
              "targets:", "  labor.unemployment_rate_gap: {value: 3.0, by: 2030, direction: below}",
              "disclosure: {min_count: 3}", "```", ""]
    return "\n".join(lines)


def safe_output_name(area_id: str) -> str:
    """Area ids are validated, so they are safe folder names; assert it once more."""
    if not re.fullmatch(r"[0-9A-Za-z-]+", area_id):
        raise ParameterError("(run)", "area_id", f"{area_id!r} cannot be a folder name")
    return area_id
