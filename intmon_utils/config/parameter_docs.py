"""The reference of the parameter keys (``docs/parameters.md``, written by ``intmon docs``),
generated from the model in :mod:`.parameters` and the descriptions below."""

from __future__ import annotations

import yaml

from ..topics import REPORT_TOPICS
from .loading import StrictModel
from .parameters import FIGURE_FORMATS, Parameters, WorkspaceSettings

DOC = {  # key: (type, allowed values, meaning) for docs/parameters.md
    "area_id": (
        "text",
        "AGS (2, 3, 5 or 8 digits) or '<AGS>-<local code>', quoted",
        "Area monitored; also the output folder and the file name (<area_id>.yml).",
    ),
    "name": ("text", "any", "Name shown in reports."),
    "year": ("integer", "1990-2100", "Reporting year."),
    "peers": ("list of text", "area ids", "Comparison municipalities (peer group)."),
    "topics": ("list", ", ".join(REPORT_TOPICS), "Topic reports produced for this area."),
    "indicators": (
        "mapping",
        "{exclude: [indicator ids], reasons: {indicator id: text}}",
        "Indicators the working group does not monitor, and why (intmon check warns about "
        "an exclusion without a reason).",
    ),
    "targets": (
        "mapping",
        "<indicator id or id_gap>: {value, by, direction: below|above, group}",
        "Goals set by the working group; tracked in the goals section.",
    ),
    "commentary": (
        "text",
        "folder relative to the parameter folder; {area_id} and {year} are filled in",
        "Folder with <topic>.md: interpretation and qualitative findings. Default "
        "commentary/{area_id}/; commentary/{area_id}/{year}/ keeps each year's texts apart "
        "(intmon new-commentary then starts the new year's folder).",
    ),
    "language": ("text", "de, en", "Language of the reports."),
    "disclosure": (
        "mapping",
        "{min_count: integer >= 1, min_cases: integer >= 1, reason: text}",
        "Counts from 1 to min_count-1 are suppressed, with secondary suppression; "
        "survey shares resting on fewer than min_cases respondents are suppressed. "
        "Merged key by key with defaults.yml. A cell shown in several reports is protected "
        "at the strictest threshold among them. Below 3 / 30 (in defaults.yml) or below "
        "the values of defaults.yml (in an area file), the same file must give `reason`; "
        "it is logged and printed in the reports.",
    ),
    "publication": (
        "mapping",
        "{title, subtitle, publisher, contact, date: YYYY-MM-DD, version, logo: image file "
        "below the parameter folder, licence, status: draft|released}",
        "Title page and imprint of the integrated report (<area_id>_report.html/.pdf). "
        "A report is marked 'Entwurf' (draft) on every page until it is released: with "
        "'intmon release' (recorded in releases/<area_id>-<year>.yml, flagged when data or "
        "commentary change afterwards) or with status: released; "
        "keys left out are not printed (the title defaults to 'Integrationsbericht <name> "
        "<year>').",
    ),
    "figure_formats": (
        "list",
        ", ".join(FIGURE_FORMATS),
        "Files written for each figure in figures/. The PNG is also embedded in "
        "the HTML report; add svg for print layouts (it costs about a fifth of a "
        "second per figure).",
    ),
    "data_gaps": (
        "mapping",
        "<variable, group or indicator id>: reason",
        "Why data are missing here; shown where an indicator cannot be computed.",
    ),
    "subarea_level": (
        "text",
        "a kind of area below this one in the register (stadtbezirk, stadtteil, "
        "planungsraum, gemeinde, …)",
        "The sub-area level of the report's spatial sections (table, figure, map, "
        "relations, segregation). Default: the finest level whose every area has data; "
        "the report names the level and how many of its areas have data.",
    ),
    "portal": (
        "mapping (defaults.yml only)",
        "{title, publisher, contact, enforcement, statement_date: YYYY-MM-DD, licence, "
        "ranking: true|false, series_areas: [area ids]}",
        "The portal of the whole workspace (outputs/<year>/index.html). contact is the "
        "feedback contact and enforcement the Land's enforcement body in the accessibility "
        "statement (BITV 2.0); licence of the downloads (dl-de/by-2-0, dl-de/zero-2-0, "
        "cc-by-4.0, cc0-1.0 or any text); ranking adds ranks and value order to the "
        "indicator pages (the IntMK report does not rank); series_areas are the areas of "
        "the time-series panels (default: the portal's areas if at most 12, else the 12 "
        "largest).",
    ),
}


def _default_text(name: str) -> str:
    field = {**WorkspaceSettings.model_fields, **Parameters.model_fields}[name]
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, StrictModel):
        value = value.model_dump(exclude_none=True)
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False)
    return f"`{dumped.strip().removesuffix('...').strip()}`"


def reference_table() -> str:
    """Markdown reference of every parameter key, generated from the model."""
    lines = [
        "# Parameter reference",
        "",
        "Generated from `intmon_utils/config/parameters.py` by `intmon docs`; do not edit by hand.",
        "",
        "Each municipality has `parameters/<area_id>.yml`; keys not given there come from "
        "`parameters/defaults.yml`, then from the defaults below. Mappings are merged key "
        "by key (an area file that sets `disclosure: {min_cases: 50}` keeps the "
        "`min_count` of `defaults.yml`); lists and single values are replaced whole. "
        "Unknown keys are errors.",
        "",
        "| key | type | allowed values | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for key in ("area_id", "name", *WorkspaceSettings.model_fields):
        kind, allowed, meaning = DOC[key]
        lines.append(f"| `{key}` | {kind} | {allowed} | {_default_text(key)} | {meaning} |")
    lines += [
        "",
        "Example:",
        "",
        "```yaml",
        'area_id: "99101000"',
        "name: Lindenhagen",
        "year: 2024",
        'peers: ["99102000", "99103000"]',
        "targets:",
        "  labor.unemployment_rate_gap: {value: 3.0, by: 2030, direction: below}",
        "disclosure: {min_count: 3}",
        "```",
        "",
    ]
    return "\n".join(lines)
