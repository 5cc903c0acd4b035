"""The mapping of a district table as typed models, and :func:`load_mapping` (YAML → model).

A mapping file says how to read one table: the file format, where the area code is, which rows
are aggregates (Bezirk, whole city) or to be left out, the year, and which columns or labels
become which intmon variable. ``docs/district-tables.md`` documents every key; ``mappings/``
holds commented examples. Unknown keys and bad values raise
:class:`~intmon_utils.errors.MappingError` naming the mapping file and the dotted key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, PrivateAttr, field_validator, model_validator

from ...config.loading import describe, parse, problem_at, read_yaml
from ...derive import check_derivation
from ...errors import MappingError
from ...vocabulary import DIMENSIONS, check_word
from ..cells import SYMBOLS
from .fields import (
    DOCS,
    Choice,
    Column,
    ColumnLabels,
    Columns,
    Entries,
    OptColumn,
    OptText,
    Section,
    Text,
    Texts,
)
from .sections import AreaSpec, FileFormat, Municipality

TARGET_KEYS = ("variable", "group", "sex", "age")
# the top-level keys of each layout (how a layout turns rows into cells: layouts.LAYOUTS)
LAYOUT_KEYS = {
    "wide": ("columns",),
    "long": ("label_columns", "value_column", "value_columns", "labels"),
}


class Target(Section):
    """The intmon observation a column or a combination of labels holds."""

    variable: Text
    group: Text = "total"
    sex: Text = "total"
    age: Text = "total"

    @field_validator(*TARGET_KEYS)
    @classmethod
    def _in_vocabulary(cls, value: str, info) -> str:
        return check_word(info.field_name, value)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.variable, self.group, self.sex, self.age)


class Label(Target):
    """Long layout: a combination of labels (``match``) and the observation it names."""

    match: ColumnLabels  # compared without case and extra spaces
    optional: bool = False  # no error when no row of the file has these labels


class Derivation(Section):
    """A part the table does not publish, derived as whole − parts (``derive:`` entries):
    give the dimension of the part (``group``, ``sex`` or ``age``) with its value."""

    group: OptText = None
    sex: OptText = None
    age: OptText = None
    whole: Text = "total"
    minus: Texts

    @model_validator(mode="after")
    def _one_identity(self) -> Derivation:
        given = [d for d in DIMENSIONS if getattr(self, d) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of group, sex or age: the part to derive -> e.g. "
                "'group: german, minus: [foreign]'"
            )
        dim = given[0]
        for word in (getattr(self, dim), self.whole, *self.minus):
            check_word(dim, word)
        check_derivation(dim, getattr(self, dim), self.whole, self.minus)
        return self

    @property
    def dimension(self) -> str:
        return next(d for d in DIMENSIONS if getattr(self, d) is not None)

    @property
    def part(self) -> str:
        return getattr(self, self.dimension)


class ValueColumn(Section):
    """Long layout: a column holding values, and what names each value."""

    column: Column
    label_column: OptColumn = None  # its label read from this column …
    label: OptColumn = None  # … or a constant label

    @model_validator(mode="after")
    def _one_label(self) -> ValueColumn:
        if self.label_column is not None and self.label is not None:
            raise problem_at(("label",), "given together with label_column -> use one of the two")
        return self


class YearColumn(Section):
    """``year: {column: NAME}``: the year is read from a column."""

    column: Column


def _year(value: Any) -> int | YearColumn:
    if isinstance(value, dict):
        return YearColumn.model_validate(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise ValueError(
            f"must be a year such as 2022 or 'column: NAME', got {describe(value)} "
            f"-> write 'year: 2022' or 'year: {{column: JAHR}}'"
        )
    return value


def _column_keys(value: Any) -> dict:
    """Column names written as numbers (``2022:``) are their digits."""
    if not isinstance(value, dict):
        raise ValueError(
            f"must be a mapping of column names to targets, got {describe(value)} "
            f"-> write one 'column name: {{variable: …}}' line per column "
            f"(see {DOCS})"
        )
    return {
        str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v for k, v in value.items()
    }


Year = Annotated[int | YearColumn | None, BeforeValidator(_year)]
Publisher = Choice(*sorted(SYMBOLS))
LayoutName = Choice(*LAYOUT_KEYS)
ColumnTargets = Annotated[dict[Column, Target] | None, BeforeValidator(_column_keys)]


class DistrictMapping(Section):
    """A whole mapping file. ``origin`` names it in messages (the validation context's
    ``origin``; ``"mapping"`` when built without one)."""

    description: Text = ""
    source: Text = ""
    table: Text = ""  # the table's short name; with the AGS it names the source in the store
    format: FileFormat = FileFormat()
    publisher: Publisher = "municipal"
    decimal: Choice(",", ".") = ","
    empty_cells: Choice("error", "skip") = "error"
    municipality: Municipality = Municipality()
    areas: AreaSpec
    year: Year = None
    layout: LayoutName
    columns: ColumnTargets = None
    label_columns: Columns | None = None
    value_column: OptColumn = None
    value_columns: Entries(ValueColumn) | None = None
    labels: Entries(Label) | None = None
    derive: Entries(Derivation) = ()

    _origin: str = PrivateAttr(default="mapping")

    def model_post_init(self, context: Any, /) -> None:
        if isinstance(context, dict) and context.get("origin"):
            self._origin = str(context["origin"])

    @property
    def origin(self) -> str:
        return self._origin

    @property
    def constant_year(self) -> int | None:
        return self.year if isinstance(self.year, int) else None

    @property
    def year_column(self) -> str | None:
        return self.year.column if isinstance(self.year, YearColumn) else None

    @property
    def value_sources(self) -> tuple[ValueColumn, ...]:
        """Long layout: ``value_column`` as a value column, or the ``value_columns``."""
        if self.value_column is not None:
            return (ValueColumn(column=self.value_column),)
        return self.value_columns or ()

    @model_validator(mode="after")
    def _layout_keys(self) -> DistrictMapping:
        for owner, keys in LAYOUT_KEYS.items():
            for key in keys:
                if owner != self.layout and getattr(self, key) is not None:
                    raise problem_at(
                        (key,),
                        f"belongs to layout '{owner}', but layout is "
                        f"'{self.layout}' -> remove it or set layout: {owner}",
                    )
        _LAYOUT_CHECKS[self.layout](self)
        return self


# ---------------------------------------------------------------------------------------------
# the keys of each layout, checked together
# ---------------------------------------------------------------------------------------------


def _check_wide(m: DistrictMapping) -> None:
    if not m.columns:
        raise problem_at(
            ("columns",),
            "is missing or empty -> list the columns to import, e.g. "
            "'columns: {Gesamt: {variable: population}}'",
        )
    targets = [t.key for t in m.columns.values()]
    dup = [col for col, t in m.columns.items() if targets.count(t.key) > 1]
    if dup:
        raise problem_at(
            ("columns",),
            f"columns {dup} map to the same variable, group, sex and "
            f"age -> each column needs its own combination",
        )


def _check_long(m: DistrictMapping) -> None:
    if m.label_columns is None:
        raise problem_at(("label_columns",), f"is missing -> add it (see {DOCS})")
    if (m.value_column is None) == (m.value_columns is None):
        raise problem_at(
            ("value_column",),
            "give exactly one of value_column or value_columns "
            "-> value_column: WERT for one value column; value_columns: a list of "
            "{column, label_column or label} when a row holds several values",
        )
    values = m.value_sources
    if not values:
        raise problem_at(("value_columns",), "is empty -> list at least one value column")
    labelled = {v.label_column is not None or v.label is not None for v in values}
    if len(labelled) != 1:
        raise problem_at(
            ("value_columns",),
            "some value columns have a label and some do not "
            "-> give every value column a label_column or a label, or none of them",
        )
    _check_labels(m.labels or (), len(m.label_columns), labelled == {True})


def _check_labels(labels: tuple[Label, ...], label_columns: int, labelled: bool) -> None:
    width = label_columns + (1 if labelled else 0)
    named_by = "the label_columns" + (" and the value column's label" if labelled else "")
    seen = set()
    for i, label in enumerate(labels):
        if len(label.match) != width:
            raise problem_at(
                ("labels", i, "match"),
                f"has {len(label.match)} labels, but each "
                f"value is named by {width} ({named_by}) -> give one label per "
                f"label column, in the same order",
            )
        if label.match in seen:
            raise problem_at(
                ("labels", i, "match"),
                "the same labels are mapped twice -> keep one entry per combination of labels",
            )
        seen.add(label.match)
    # several combinations may name the same target (a denominator repeated in every row):
    # the importer keeps it once when the values agree
    if not labels:
        raise problem_at(
            ("labels",), "is missing or empty -> map at least one combination of labels"
        )


_LAYOUT_CHECKS = {"wide": _check_wide, "long": _check_long}


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def load_mapping(
    mapping: str | Path | dict | DistrictMapping, origin: str | None = None
) -> DistrictMapping:
    """Read and validate a mapping (a YAML file, or a dict with ``origin`` for messages).

    Problems raise :class:`~intmon_utils.errors.MappingError` (a ``DataError``) naming the
    file and the key; a missing or unreadable file names the file alone.
    """
    if isinstance(mapping, DistrictMapping):
        return mapping
    if isinstance(mapping, dict):
        raw, origin = mapping, origin or "mapping"
    else:
        origin = origin or str(mapping)
        raw = read_yaml(mapping, MappingError, "mapping file", "check the path given to --mapping")
    return parse(
        DistrictMapping,
        raw or {},
        origin,
        error=MappingError,
        docs=DOCS,
        context={"origin": origin},
    )
