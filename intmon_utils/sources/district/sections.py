"""The sections of a district-table mapping that say how to read the file and its areas:
``format``, ``municipality`` and ``areas`` (with the hierarchy, aggregate and exclusion rules).
Every key is documented in docs/district-tables.md."""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, field_validator, model_validator

from ...area_ids import is_valid_area_id
from ...config.loading import describe, problem_at
from ...vocabulary import load_vocabulary
from .fields import (
    DOCS,
    MUNICIPALITY,
    Choice,
    CodeMap,
    Count,
    Entries,
    Kind,
    NameLabels,
    OptChoice,
    OptColumn,
    OptKind,
    OptPositive,
    OptRegex,
    OptText,
    Section,
    Text,
    Texts,
    norm_label,
)

FileType = OptChoice(["csv", "xlsx"])
AreaLevel = OptChoice(lambda: load_vocabulary().area_levels)
Action = Choice("import", "drop")


# ---------------------------------------------------------------------------------------------
# format
# ---------------------------------------------------------------------------------------------


def _sheet(value: Any) -> str | int:
    if isinstance(value, str) or (
        isinstance(value, int) and not isinstance(value, bool) and value >= 1
    ):
        return value
    raise ValueError(
        f"must be a sheet name or a position ≥ 1, got {describe(value)} -> write "
        f"the sheet's name in quotes, or 1 for the first sheet"
    )


def _row_numbers(value: Any) -> list | None:
    rows = value if isinstance(value, list) else [value]
    ok = all(isinstance(r, int) and not isinstance(r, bool) and r >= 1 for r in rows)
    return rows if ok else None


def _header(value: Any) -> tuple[int, ...]:
    rows = _row_numbers(value)
    if not rows:
        raise ValueError(
            f"must be a row number ≥ 1 or a list of them, got {value!r} -> write "
            f"e.g. 'header: 1' or 'header: [3, 4]' for a two-row header"
        )
    return tuple(sorted(rows))


def _row_ranges(value: Any) -> frozenset[int]:
    """Row numbers: ``7``, ``"89-97"`` or a list of both."""
    rows: set[int] = set()
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, int) and not isinstance(item, bool) and item >= 1:
            rows.add(item)
            continue
        found = (
            re.fullmatch(r"\s*([0-9]+)\s*-\s*([0-9]+)\s*", item) if isinstance(item, str) else None
        )
        if not found or int(found[1]) > int(found[2]) or int(found[1]) < 1:
            raise ValueError(
                f"must be row numbers ≥ 1 or ranges, got {describe(item)} -> write e.g. "
                f"'rows: \"89-97\"' or 'rows: [5, \"10-12\"]' (rows counted from 1 as in the file)"
            )
        rows.update(range(int(found[1]), int(found[2]) + 1))
    return frozenset(rows)


class FileFormat(Section):
    """How to read the file (``format:``)."""

    type: FileType = None  # None: from the file suffix
    sheet: Annotated[str | int | None, BeforeValidator(_sheet)] = None  # xlsx: name or 1-based
    separator: Text = ";"
    quote: Text = '"'
    encoding: Text = "utf-8"
    header: Annotated[tuple[int, ...], BeforeValidator(_header)] = (1,)
    skip_rows: Annotated[frozenset[int], BeforeValidator(_row_ranges)] = frozenset()
    footer_lines: Count = 0
    stop_at: OptRegex = None

    @field_validator("separator")
    @classmethod
    def _one_separator(cls, value: str) -> str:
        value = "\t" if value in ("tab", "\\t") else value
        if len(value) != 1:
            raise ValueError(f"must be one character, got {value!r} -> use ';', ',', '|' or tab")
        return value

    @field_validator("quote")
    @classmethod
    def _one_quote(cls, value: str) -> str:
        if len(value) != 1:
            raise ValueError(f"must be one character, got {value!r} -> use '\"' or \"'\"")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(
                f"unknown encoding {value!r} -> use utf-8, utf-8-sig, cp1252 or latin-1"
            ) from None
        return value


# ---------------------------------------------------------------------------------------------
# municipality and areas
# ---------------------------------------------------------------------------------------------


class Municipality(Section):
    """The municipality the areas belong to (``municipality:``)."""

    id: OptText = None
    name: OptText = None
    level: AreaLevel = None
    kind: OptKind = None
    parent: Text = ""

    @field_validator("id")
    @classmethod
    def _ags(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9]{8}", value):
            raise ValueError(
                f"{value!r} is not an 8-digit AGS -> write the Gemeindeschlüssel in "
                f'quotes, e.g. "09162000" (München)'
            )
        return value

    @field_validator("parent")
    @classmethod
    def _area_id(cls, value: str) -> str:
        if value and not is_valid_area_id(value):
            raise ValueError(
                f'{value!r} is not an area id -> use the Land ("09"), Kreis '
                f'("09162") or leave it out'
            )
        return value


class Level(Section):
    """A level of the hierarchy above the base areas (e.g. Berlin Bezirk)."""

    kind: Kind
    prefix: OptPositive = None  # parent code = first `prefix` characters of the code
    column: OptColumn = None  # or: parent code from this column
    width: OptPositive = None  # zero-pad codes read from `column`
    names: CodeMap = {}
    code_by_name: CodeMap = {}  # totals of this level found by name (names on two levels)

    @field_validator("code_by_name")
    @classmethod
    def _names_as_compared(cls, value: dict[str, str]) -> dict[str, str]:
        return {norm_label(k): v for k, v in value.items()}

    @model_validator(mode="after")
    def _prefix_or_column(self) -> Level:
        if (self.prefix is None) == (self.column is None):
            raise ValueError(
                "needs exactly one of prefix or column -> prefix: 2 takes the first "
                "2 characters of the code as the parent's code; column: NAME reads "
                "the parent's code from a column"
            )
        return self


class CodeRules(Section):
    """How codes as the file writes them become the codes intmon uses (``normalise:``):
    a lookup table first; otherwise a prefix stripped, then leading zeros stripped."""

    lookup: CodeMap = {}  # code in the file → code to use
    strip_prefix: Text = ""  # e.g. "SB" of "SB01"
    strip_zeros: bool = False  # "001" → "1"

    def apply(self, code: str) -> str:
        if code in self.lookup:
            return self.lookup[code]
        if self.strip_prefix and code.startswith(self.strip_prefix):
            code = code[len(self.strip_prefix) :]
        if self.strip_zeros and code.isdigit():
            code = code.lstrip("0") or "0"
        return code


class RowRule(Section):
    """Recognises rows by code or name (any of these conditions), and/or by position:
    ``rows`` (row numbers in the file) and ``after`` (rows below the first row whose first
    cell matches) restrict the rule to those rows, or alone select them."""

    codes: Texts = ()
    code_pattern: OptRegex = None
    names: NameLabels = ()  # compared without case and extra spaces
    name_pattern: OptRegex = None
    rows: Annotated[frozenset[int], BeforeValidator(_row_ranges)] = frozenset()
    after: OptRegex = None
    reason: Text = ""

    @property
    def by_content(self) -> bool:
        return bool(self.codes or self.names or self.code_pattern or self.name_pattern)

    @model_validator(mode="after")
    def _recognises_rows(self) -> RowRule:
        if not (self.by_content or self.rows or self.after):
            raise ValueError(
                "recognises no row -> give codes, code_pattern, names, name_pattern, rows or after"
            )
        return self


class Exclusion(RowRule):
    """Rows to leave out (an entry of ``areas.exclude``)."""


class Aggregate(RowRule):
    """Total rows (an entry of ``areas.aggregates``): imported as their own area, or dropped."""

    level: OptText = None  # a hierarchy kind or 'municipality'
    action: Action = "import"
    normalise: CodeRules = CodeRules()  # codes of these rows (e.g. totals coded 001 for 1)


class AreaSpec(Section):
    """Area codes, names, totals, exclusions and the hierarchy (``areas:``)."""

    code_column: OptColumn = None
    name_column: OptColumn = None
    code_by_name: CodeMap = {}  # name → code (names normalised by the validator)
    names: CodeMap = {}  # code → name
    code_width: OptPositive = None
    code_pattern: OptRegex = None
    normalise: CodeRules = CodeRules()
    kind: Kind = "stadtteil"
    hierarchy: Entries(Level) = ()  # top level first
    aggregates: Entries(Aggregate) = ()
    exclude: Entries(Exclusion) = ()

    @field_validator("code_by_name")
    @classmethod
    def _names_as_compared(cls, value: dict[str, str]) -> dict[str, str]:
        return {norm_label(k): v for k, v in value.items()}

    @model_validator(mode="after")
    def _consistent(self) -> AreaSpec:
        if self.code_column is None and not (self.name_column and self.code_by_name):
            raise problem_at(
                ("code_column",),
                "is missing -> name the column holding the area "
                "code, or give name_column together with code_by_name (a list "
                "name: code)",
            )
        if self.code_column is not None and self.code_by_name:
            raise problem_at(
                ("code_by_name",),
                "given together with code_column -> use "
                "code_by_name only for files without a code column",
            )
        kinds = [lv.kind for lv in self.hierarchy]
        if len({*kinds, self.kind}) != len(kinds) + 1:
            raise problem_at(
                ("hierarchy",),
                f"kinds must differ from each other and from kind "
                f"'{self.kind}' -> give every level its own kind",
            )
        _check_aggregate_levels(self.aggregates, [MUNICIPALITY, *kinds])
        return self


def _check_aggregate_levels(aggregates: tuple[Aggregate, ...], levels: list[str]) -> None:
    """An imported total row names its area: the municipality or a hierarchy kind."""
    for k, rule in enumerate(aggregates):
        if rule.level is None and rule.action == "import":
            raise problem_at(("aggregates", k, "level"), f"is missing -> add it (see {DOCS})")
        if rule.level is not None and rule.level not in levels:
            raise problem_at(
                ("aggregates", k, "level"),
                f"{rule.level!r} is not allowed -> use one of {', '.join(levels)}",
                rule.level,
            )
