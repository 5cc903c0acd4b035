"""The sub-area level a report and the spatial indicators use.

An area may have several levels below it: a city its Stadtbezirke and their Stadtteile (or
Planungsräume), a Landkreis its Gemeinden. Each level is the set of areas of one ``kind`` in
the register below the area. The level used is the one set in the parameters
(``subareas.level``), else the **finest complete level**: the deepest whose every area has
data; where no level is complete, the one with the most areas with data (the report says how
many it covers). Its name comes from the kind ("Stadtbezirk", "Stadtteil", "Planungsraum",
"Gemeinde"), never from the area level.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd
import yaml

from .errors import DataError


@lru_cache(maxsize=1)
def _kinds() -> dict[str, dict[str, tuple[str, str]]]:
    raw = yaml.safe_load(resources.files("intmon_utils").joinpath("kinds.yml").read_text())
    return {kind: {lang: tuple(v) for lang, v in labels.items()} for kind, labels in raw.items()}


def kind_label(kind: str, lang: str, plural: bool = False) -> str:
    """``stadtbezirk`` → "Stadtbezirk" / "Stadtbezirke" (an unknown kind: its word)."""
    labels = _kinds().get(kind)
    if labels is None:
        word = kind.replace("_", " ").capitalize()
        return word
    return labels[lang][1 if plural else 0]


# why a level is used (report texts report_level_<code>)
CHOSEN_BY = ("parameters", "finest_complete", "most_with_data")


@dataclass(frozen=True)
class SubareaLevel:
    """The areas of one kind below an area, and how many of them have data."""

    kind: str
    depth: int
    area_ids: tuple[str, ...]
    with_data: int
    chosen_by: str  # one of CHOSEN_BY

    @property
    def complete(self) -> bool:
        return self.with_data == len(self.area_ids)

    def label(self, lang: str, plural: bool = True) -> str:
        return kind_label(self.kind, lang, plural)


Hierarchy = tuple[dict[str, list[str]], dict[str, str]]  # children of each area; kinds


def hierarchy(areas: pd.DataFrame) -> Hierarchy:
    """The register as look-ups (build once when choosing levels for many areas)."""
    children = areas.groupby("parent_id")["area_id"].apply(list).to_dict()
    return children, areas.set_index("area_id")["kind"].to_dict()


def ancestors(ids: set[str], areas: pd.DataFrame) -> set[str]:
    """``ids`` and every area above them in the register."""
    parent = areas.set_index("area_id")["parent_id"].to_dict()
    out, todo = set(), list(ids)
    while todo:
        a = todo.pop()
        if a and a not in out:
            out.add(a)
            todo.append(parent.get(a, ""))
    return out


def descendants(ids: set[str], areas: pd.DataFrame) -> set[str]:
    """Every area below ``ids`` in the register, on every level (``ids`` not included)."""
    children = areas.groupby("parent_id")["area_id"].apply(list).to_dict()
    out, frontier = set(), set(ids)
    while frontier:
        frontier = {c for a in frontier for c in children.get(a, [])} - out
        out |= frontier
    return out


def levels(
    area_id: str, areas: pd.DataFrame, index: Hierarchy | None = None
) -> list[tuple[str, int, list[str]]]:
    """``(kind, depth, area ids)`` of every kind below ``area_id``, top level first."""
    children, kind = index or hierarchy(areas)
    found: dict[str, tuple[int, list[str]]] = {}
    frontier, depth = [area_id], 0
    while frontier:
        depth += 1
        frontier = [c for a in frontier for c in children.get(a, [])]
        for a in frontier:
            found.setdefault(kind.get(a, ""), (depth, []))[1].append(a)
    return sorted(((k, d, ids) for k, (d, ids) in found.items()), key=lambda x: x[1])


def choose(
    area_id: str,
    areas: pd.DataFrame,
    with_data: set[str],
    preferred: str | None = None,
    index: Hierarchy | None = None,
) -> SubareaLevel | None:
    """The level to use below ``area_id`` (None: no level with at least two areas with data).

    ``with_data``: the areas that have values; ``preferred``: the kind set in the parameters
    (an error naming the kinds there are if the area has no such level)."""
    found = [
        SubareaLevel(k, d, tuple(sorted(ids)), len(set(ids) & with_data), "")
        for k, d, ids in levels(area_id, areas, index)
    ]
    if preferred:
        match = [lv for lv in found if lv.kind == preferred]
        if not match:
            kinds = ", ".join(lv.kind for lv in found) or "none"
            raise DataError(
                f"subareas.level {preferred!r}: area {area_id} has no such level below it "
                f"(levels in the register: {kinds}) -> set one of them, or leave the key out"
            )
        return _with(match[0], "parameters")
    usable = [lv for lv in found if lv.with_data >= 2]
    complete = [lv for lv in usable if lv.complete]
    if complete:
        return _with(max(complete, key=lambda lv: lv.depth), "finest_complete")
    if usable:
        return _with(max(usable, key=lambda lv: (lv.with_data, lv.depth)), "most_with_data")
    return None


def _with(level: SubareaLevel, chosen_by: str) -> SubareaLevel:
    return SubareaLevel(level.kind, level.depth, level.area_ids, level.with_data, chosen_by)
