"""What an import changes in the store: observations added, replaced, unchanged and removed.

A **source** is one publisher table (a GENESIS table code, a BA export of one indicator, a
city's district table described by one mapping, a register of one municipality); its id is
derived from what the file contains, not from the file's name. An import of a source
**replaces exactly what it covers**: for every area, year and variable in the file, the
source's stored observations of that area, year and variable give way to the file's; all else
stays. So a new year's file adds a year, a republished file replaces its years, several files
of one table (one per topic) add up, and a file cut short cannot wipe what it does not
contain.

Within what a file covers, a stored observation the file lacks (a group, sex or age class) is
**removed**. An import that would remove more than it adds, or drop a whole group, sex or age
class, stops with a message saying what would be lost, unless the user passes ``--replace``;
``--replace`` makes the source exactly the file (years and variables not in the file are
removed too) and is reported with the same counts. ``intmon import --dry-run`` prints the
change and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .errors import DataError

KEY_COLUMNS = ["area_id", "year", "variable", "group", "sex", "age"]
SCOPE_COLUMNS = ["area_id", "year", "variable"]  # what an import of a source covers
BREAKDOWNS = ("group", "sex", "age")  # dimensions whose loss stops an import


@dataclass
class Change:
    """The effect of writing ``new`` over the stored observations ``old`` of one source."""

    source_id: str
    origin: str
    replace: bool
    added: int
    replaced: int
    unchanged: int
    removed: int
    dropped: dict[str, list[str]] = field(default_factory=dict)  # dimension -> values lost
    years_added: list[int] = field(default_factory=list)
    years_removed: list[int] = field(default_factory=list)
    result: pd.DataFrame | None = field(default=None, repr=False)
    areas: frozenset[str] = frozenset()  # the areas the file covers

    @property
    def mode(self) -> str:
        return "replace" if self.replace else "merge"

    def blocked_because(self) -> list[str]:
        """Why this change must not happen without ``--replace`` (empty: it may)."""
        if self.replace:
            return []
        reasons = [
            f"it drops every {dim} value {', '.join(map(str, values[:6]))}"
            + (f" and {len(values) - 6} more" if len(values) > 6 else "")
            for dim, values in self.dropped.items()
        ]
        if self.removed > self.added:
            reasons.append(f"it removes {self.removed:,} observations and adds only {self.added:,}")
        return reasons

    def check(self) -> None:
        reasons = self.blocked_because()
        if reasons:
            raise DataError(
                f"{self.origin}: this import would lose data of source '{self.source_id}': "
                f"{'; '.join(reasons)} (it covers the areas, years and variables in the file, and "
                f"the store holds more for them). Nothing was written -> check that the file is "
                f"complete (a cut-off download, a filter left on in the export); run "
                f"'intmon import --dry-run …' to see the change; if the loss is intended, "
                f"import again with --replace"
            )

    def summary(self) -> str:
        parts = [
            f"{self.added:,} added",
            f"{self.replaced:,} replaced",
            f"{self.unchanged:,} unchanged",
            f"{self.removed:,} removed",
        ]
        line = f"source {self.source_id} ({self.mode}): " + ", ".join(parts)
        if self.years_added:
            line += f"; new years {', '.join(map(str, self.years_added))}"
        if self.years_removed:
            line += f"; years removed {', '.join(map(str, self.years_removed))}"
        for dim, values in self.dropped.items():
            line += f"; {dim} dropped: {', '.join(map(str, values[:6]))}"
        return line

    def log_entry(self) -> dict:
        return {
            "source": self.source_id,
            "mode": self.mode,
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


def _keys(df: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(df[KEY_COLUMNS].astype({"year": "int64"}))


def plan_change(
    old: pd.DataFrame | None, new: pd.DataFrame, source_id: str, origin: str, replace: bool
) -> Change:
    """The change of writing ``new`` (validated observations) into source ``source_id`` that
    holds ``old`` (None: a new source); ``result`` is what the source will hold."""
    if old is None or old.empty:
        return Change(
            source_id,
            origin,
            replace,
            added=len(new),
            replaced=0,
            unchanged=0,
            removed=0,
            years_added=sorted(int(y) for y in new["year"].unique()),
            result=new.sort_values(KEY_COLUMNS, ignore_index=True),
            areas=frozenset(new["area_id"]),
        )
    if replace:
        covered = pd.Series(True, index=old.index)
    else:
        scope = pd.MultiIndex.from_frame(new[SCOPE_COLUMNS].drop_duplicates())
        covered = pd.Series(
            pd.MultiIndex.from_frame(old[SCOPE_COLUMNS]).isin(scope), index=old.index
        )
    kept, in_scope = old[~covered], old[covered]
    new_keys, old_keys = _keys(new), _keys(in_scope)
    both = new_keys.isin(old_keys)
    matched = in_scope.set_index(_keys(in_scope))[["value", "status"]].reindex(new_keys[both])
    incoming = new[both]
    same = (matched["status"].to_numpy() == incoming["status"].to_numpy()) & (
        (matched["value"].to_numpy() == incoming["value"].to_numpy())
        | (matched["value"].isna().to_numpy() & incoming["value"].isna().to_numpy())
    )
    lost = in_scope[~old_keys.isin(new_keys)]
    dropped = {}
    for dim in BREAKDOWNS:
        gone = sorted(set(in_scope[dim]) - set(new[dim]))
        if gone:
            dropped[dim] = gone
    result = pd.concat([kept, new], ignore_index=True)
    old_years, new_years = set(old["year"]), set(result["year"])
    return Change(
        source_id,
        origin,
        replace,
        added=int((~both).sum()),
        replaced=int((~same).sum()),
        unchanged=int(same.sum()),
        removed=len(lost),
        dropped=dropped,
        years_added=sorted(int(y) for y in new_years - old_years),
        years_removed=sorted(int(y) for y in old_years - new_years),
        result=result.sort_values(KEY_COLUMNS, ignore_index=True),
        areas=frozenset(new["area_id"]),
    )


def overlap_error(new: pd.DataFrame, other: pd.DataFrame, source_id: str, origin: str) -> None:
    """Refuse observations another source already holds (two sources for one count)."""
    clash = _keys(new).isin(_keys(other))
    if clash.any():
        first = new[clash].iloc[0]
        others = sorted(other["source_id"].unique()) if "source_id" in other else []
        raise DataError(
            f"{origin}: {int(clash.sum()):,} observations of source '{source_id}' are "
            f"already held by source {others} (e.g. {first['area_id']} {first['year']} "
            f"{first['variable']}/{first['group']}). Nothing was written -> import only one "
            f"of them, or remove the other source with 'intmon data remove SOURCE'"
        )
