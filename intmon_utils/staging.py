"""What an import transaction has checked and will write (:class:`Staging`), and the data-log
entries it writes with it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .changes import SCOPE_COLUMNS, Change
from .errors import DataError


@dataclass
class Staging:
    """The area register, each source's whole new content, survey files, and the
    :class:`~intmon_utils.changes.Change` of every write; sources removed, log notes and the
    warnings of each origin."""

    replace: bool = False
    areas: pd.DataFrame | None = None
    sources: dict[str, pd.DataFrame] = field(default_factory=dict)
    surveys: dict[str, tuple[pd.DataFrame, str]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (origin, text)
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

    def log_entries(self) -> list[dict]:
        """One data-log entry per source and survey written and per note, each with its
        origin's warnings (an origin with warnings but no entry gets one of its own)."""
        entries = (
            [
                {"origin": c.origin, **c.log_entry(), "rows": len(self.sources[c.source_id])}
                for c in self.changes
            ]
            + [
                {"origin": origin, "source": f"survey:{sid}", "rows": len(frame)}
                for sid, (frame, origin) in self.surveys.items()
            ]
            + self.notes
        )
        by_origin: dict[str, list[str]] = {}
        for origin, text in self.warnings:
            by_origin.setdefault(origin, []).append(text)
        out = [{**e, "warnings": "; ".join(by_origin.pop(e["origin"], []))} for e in entries]
        return out + [{"origin": o, "warnings": "; ".join(t)} for o, t in by_origin.items()]
