"""Municipal district tables (CSV or XLSX per Stadtteil/Planungsraum) read through a YAML mapping.

A city statistics office publishes tables with one row per sub-district (or one row per
sub-district and indicator). A small mapping file says how to read one: the file format, where
the area code is, which rows are aggregates (Bezirk, whole city) or to be left out, the year,
and which columns or labels become which intmon variable. ``docs/district-tables.md``
documents every key; ``mappings/`` holds commented examples.

Pipeline for one file (each step a small function):

1. ``load_mapping``: validate the YAML (unknown keys and bad values raise ``DataError`` naming
   the mapping file and key).
2. ``_read_grid`` → ``_make_table``: raw rows of text cells (CSV or XLSX), header, skipped
   rows and footer removed; every row keeps its row number in the file for error messages.
3. ``_classify_areas``: per row base area, aggregate (imported as its own area or dropped) or
   excluded; the intmon area ids and the area register with parents from the hierarchy rule.
4. the layout (``LAYOUTS``: ``wide`` or ``long``) turns rows into cells
   ``(row, area, year, variable, group, sex, age, column, text)``;
5. ``_parse_values``: ``sources.cells.parse_cells`` reads numbers and symbols;
   ``_merge_duplicates``; the canonical observation table is validated like the store does.

Aggregate rows are never summed with their parts: they become their own areas (a Bezirk, the
municipality itself) that the parts point to as parent, or they are dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import DataError
from ..store import (
    AREA_COLUMNS,
    KEY_COLUMNS,
    OBSERVATION_COLUMNS,
    ObservationStore,
    is_valid_area_id,
    validate_observations,
)
from ..validation import check_import
from ..vocabulary import load_vocabulary
from .cells import SYMBOLS, parse_cells

DOCS = "docs/district-tables.md"
MUNICIPALITY = "municipality"        # aggregate level keyword: the whole municipality
SUBDISTRICT = "subdistrict"          # area level of every area below the municipality
TARGET_KEYS = ("variable", "group", "sex", "age")
_MISSING = object()


# ---------------------------------------------------------------------------------------------
# mapping validation helpers
# ---------------------------------------------------------------------------------------------

def _describe(value) -> str:
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _norm(text: str) -> str:
    """Whitespace collapsed, stripped: how headers, names and labels are compared."""
    return " ".join(str(text).replace("\ufeff", "").split())


def _norm_opt(text: str | None) -> str | None:
    return None if text is None else _norm(text)


def _norm_label(text: str) -> str:
    return _norm(text).casefold()


class _Section:
    """One mapping of keys in the YAML file; every problem names the file and the dotted key."""

    def __init__(self, origin: str, path: str, raw):
        self.origin, self.path = origin, path
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise self.error(None, f"must be a mapping of keys, got {_describe(raw)}",
                             f"write 'key: value' lines indented under it (see {DOCS})")
        self.raw = raw

    def key(self, name) -> str:
        if name is None:
            return self.path or "(top level)"
        return f"{self.path}.{name}" if self.path else str(name)

    def error(self, name, problem: str, todo: str) -> DataError:
        return DataError(f"{self.origin}: key '{self.key(name)}': {problem} -> {todo}")

    def only(self, allowed) -> None:
        allowed = list(allowed)
        for k in self.raw:
            if k not in allowed:
                close = difflib.get_close_matches(str(k), allowed, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise self.error(k, "unknown key",
                                 f"{hint}allowed here: {', '.join(allowed)} (see {DOCS})")

    def has(self, name) -> bool:
        return self.raw.get(name) is not None

    def _default(self, name, default):
        if default is _MISSING:
            raise self.error(name, "missing", f"add it (see {DOCS})")
        return default

    def text(self, name, default=_MISSING, *, numbers_ok: bool = False):
        """Text; numbers are accepted only where leading zeros cannot matter (column names)."""
        if not self.has(name):
            return self._default(name, default)
        return _as_text(self, name, self.raw[name], numbers_ok)

    def integer(self, name, default=_MISSING, minimum: int = 0):
        if not self.has(name):
            return self._default(name, default)
        v = self.raw[name]
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise self.error(name, f"must be a whole number ≥ {minimum}, got {_describe(v)}",
                             "write a number without quotes")
        return v

    def choice(self, name, choices, default=_MISSING):
        v = self.text(name, default)
        if v not in choices:
            raise self.error(name, f"{v!r} is not allowed", f"use one of {', '.join(choices)}")
        return v

    def texts(self, name, default=_MISSING, *, numbers_ok: bool = False) -> list[str]:
        """A list of texts (a single text is a list of one)."""
        if not self.has(name):
            return self._default(name, default)
        v = self.raw[name]
        items = v if isinstance(v, list) else [v]
        return [_as_text(self, f"{name}[{i}]", x, numbers_ok) for i, x in enumerate(items)]

    def regex(self, name, default=_MISSING):
        text = self.text(name, default)
        if text is None:
            return None
        try:
            return re.compile(text)
        except re.error as exc:
            raise self.error(name, f"not a valid regular expression ({exc})",
                             "write a Python regular expression in single quotes, e.g. "
                             "'^\\d{2}$'") from None

    def section(self, name, required: bool = False) -> _Section:
        if required and not self.has(name):
            raise self.error(name, "missing", f"add it (see {DOCS})")
        return _Section(self.origin, self.key(name), self.raw.get(name))

    def sections(self, name) -> list[_Section]:
        """A list of mappings (empty when the key is absent)."""
        v = self.raw.get(name)
        if v is None:
            return []
        if not isinstance(v, list):
            raise self.error(name, f"must be a list ('- ' items), got {_describe(v)}",
                             f"write each entry on its own line starting with '- ' (see {DOCS})")
        return [_Section(self.origin, f"{self.key(name)}[{i}]", x) for i, x in enumerate(v)]

    def code_map(self, name) -> dict[str, str]:
        """``{code: text}`` or ``{text: code}``: codes must be quoted (leading zeros)."""
        v = self.raw.get(name)
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise self.error(name, f"must be a mapping, got {_describe(v)}",
                             "write one 'key: value' pair per line, e.g. '\"01\": Mitte'")
        return {_as_text(self, f"{name}.{k}", k, False): _as_text(self, f"{name}.{k}", x, False)
                for k, x in v.items()}


def _as_text(sec: _Section, name, value, numbers_ok: bool) -> str:
    if isinstance(value, str):
        return value
    if numbers_ok and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise sec.error(name, f"must be text in quotes, got {_describe(value)}",
                        f"write it as \"{value}\": YAML reads unquoted digits as a number and "
                        f"drops leading zeros (01100101 → 1100101, 01 → 1)")
    raise sec.error(name, f"must be text, got {_describe(value)}", "write it as text in quotes")


def _vocab_target(sec: _Section) -> tuple[str, str, str, str]:
    """``(variable, group, sex, age)`` from a section, every value checked in the vocabulary."""
    vocab = load_vocabulary()
    allowed = {"variable": vocab.variables, "group": vocab.groups, "sex": vocab.sexes,
               "age": vocab.ages}
    out = []
    for key in TARGET_KEYS:
        value = sec.text(key, _MISSING if key == "variable" else "total")
        if value not in allowed[key]:
            close = difflib.get_close_matches(value, list(allowed[key]), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise sec.error(key, f"{value!r} is not in the vocabulary",
                            f"{hint}use one of {', '.join(allowed[key])} "
                            f"(intmon_utils/vocabulary.yml)")
        out.append(value)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# the mapping
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileFormat:
    type: str | None                 # csv, xlsx, or None: from the file suffix
    sheet: str | int | None          # xlsx: sheet name or 1-based position
    separator: str
    quote: str
    encoding: str
    header: tuple[int, ...]          # 1-based row numbers forming the header
    skip_rows: frozenset[int]
    footer_lines: int
    stop_at: re.Pattern | None


@dataclass(frozen=True)
class Level:
    """A level of the hierarchy above the base areas (e.g. Berlin Bezirk)."""
    kind: str
    prefix: int | None               # parent code = first `prefix` characters of the code
    column: str | None               # or: parent code from this column
    width: int | None                # zero-pad codes read from `column`
    names: dict[str, str]


@dataclass(frozen=True)
class RowRule:
    """Recognises rows by code or name: an aggregate rule or an exclusion."""
    codes: frozenset[str]
    code_pattern: re.Pattern | None
    names: frozenset[str]
    name_pattern: re.Pattern | None
    level: str | None                # aggregates: a hierarchy kind or 'municipality'
    action: str                      # aggregates: import | drop; exclusions: exclude
    reason: str

    def matches(self, code: pd.Series | None, name: pd.Series | None, index) -> pd.Series:
        hit = pd.Series(False, index=index)
        if code is not None:
            hit |= code.isin(self.codes)
            if self.code_pattern is not None:
                hit |= code.map(lambda c: bool(self.code_pattern.fullmatch(c)))
        if name is not None:
            hit |= name.map(_norm_label).isin(self.names)
            if self.name_pattern is not None:
                hit |= name.map(lambda n: bool(self.name_pattern.fullmatch(n)))
        return hit


@dataclass(frozen=True)
class AreaSpec:
    code_column: str | None
    name_column: str | None
    code_by_name: dict[str, str]     # normalised name → code
    names: dict[str, str]            # code → name
    code_width: int | None
    code_pattern: re.Pattern | None
    kind: str
    hierarchy: tuple[Level, ...]     # top level first
    aggregates: tuple[RowRule, ...]
    exclude: tuple[RowRule, ...]


@dataclass(frozen=True)
class Municipality:
    id: str | None
    name: str | None
    level: str | None
    kind: str | None
    parent: str


@dataclass(frozen=True)
class DistrictMapping:
    origin: str
    description: str
    source: str
    fmt: FileFormat
    publisher: str
    decimal: str
    empty_cells: str
    municipality: Municipality
    areas: AreaSpec
    year: int | None
    year_column: str | None
    layout: WideLayout | LongLayout


_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


def _kind(sec: _Section, name: str, default=_MISSING) -> str:
    kind = sec.text(name, default)
    if not _KIND.match(kind) or kind == MUNICIPALITY:
        raise sec.error(name, f"{kind!r} is not a usable kind",
                        "use lower-case letters, digits and '_' (e.g. bezirk, planungsraum); "
                        "'municipality' is reserved")
    return kind


def _parse_format(sec: _Section) -> FileFormat:
    sec.only(["type", "sheet", "separator", "quote", "encoding", "header", "skip_rows",
              "footer_lines", "stop_at"])
    ftype = sec.choice("type", ["csv", "xlsx"], None) if sec.has("type") else None
    sheet = sec.raw.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, (str, int))
                              or (isinstance(sheet, int) and sheet < 1)):
        raise sec.error("sheet", f"must be a sheet name or a position ≥ 1, got "
                        f"{_describe(sheet)}",
                        "write the sheet's name in quotes, or 1 for the first sheet")
    separator = sec.text("separator", ";")
    separator = "\t" if separator in ("tab", "\\t") else separator
    if len(separator) != 1:
        raise sec.error("separator", f"must be one character, got {separator!r}",
                        "use ';', ',', '|' or tab")
    quote = sec.text("quote", '"')
    if len(quote) != 1:
        raise sec.error("quote", f"must be one character, got {quote!r}", "use '\"' or \"'\"")
    encoding = sec.text("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise sec.error("encoding", f"unknown encoding {encoding!r}",
                        "use utf-8, utf-8-sig, cp1252 or latin-1") from None
    header = sec.raw.get("header", 1)
    header = header if isinstance(header, list) else [header]
    if not header or any(isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in header):
        raise sec.error("header", f"must be a row number ≥ 1 or a list of them, got {header!r}",
                        "write e.g. 'header: 1' or 'header: [3, 4]' for a two-row header")
    skip = sec.raw.get("skip_rows", [])
    skip = skip if isinstance(skip, list) else [skip]
    if any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in skip):
        raise sec.error("skip_rows", f"must be a list of row numbers ≥ 1, got {skip!r}",
                        "write e.g. 'skip_rows: [5]' (rows counted from 1 as in the file)")
    return FileFormat(ftype, sheet, separator, quote, encoding, tuple(sorted(header)),
                      frozenset(skip), sec.integer("footer_lines", 0), sec.regex("stop_at", None))


def _parse_rule(sec: _Section, aggregate: bool, levels: list[str]) -> RowRule:
    keys = ["codes", "code_pattern", "names", "name_pattern", "reason"]
    sec.only(keys + (["level", "action"] if aggregate else []))
    codes = frozenset(sec.texts("codes", []))
    names = frozenset(_norm_label(n) for n in sec.texts("names", []))
    code_pattern, name_pattern = sec.regex("code_pattern", None), sec.regex("name_pattern", None)
    if not (codes or names or code_pattern or name_pattern):
        raise sec.error(None, "recognises no row",
                        "give codes, code_pattern, names or name_pattern")
    level, action = None, "exclude"
    if aggregate:
        action = sec.choice("action", ["import", "drop"], "import")
        if sec.has("level") or action == "import":
            level = sec.choice("level", [MUNICIPALITY, *levels])
    return RowRule(codes, code_pattern, names, name_pattern, level, action,
                   sec.text("reason", ""))


def _parse_level(sec: _Section) -> Level:
    sec.only(["kind", "prefix", "column", "width", "names"])
    prefix = sec.integer("prefix", None, minimum=1)
    column = sec.text("column", None, numbers_ok=True)
    if (prefix is None) == (column is None):
        raise sec.error(None, "needs exactly one of prefix or column",
                        "prefix: 2 takes the first 2 characters of the code as the parent's code; "
                        "column: NAME reads the parent's code from a column")
    return Level(_kind(sec, "kind"), prefix, _norm_opt(column),
                 sec.integer("width", None, minimum=1), sec.code_map("names"))


def _parse_areas(sec: _Section) -> AreaSpec:
    sec.only(["code_column", "name_column", "code_by_name", "names", "code_width",
              "code_pattern", "kind", "hierarchy", "aggregates", "exclude"])
    code_column = _norm_opt(sec.text("code_column", None, numbers_ok=True))
    name_column = _norm_opt(sec.text("name_column", None, numbers_ok=True))
    by_name = {_norm_label(k): v for k, v in sec.code_map("code_by_name").items()}
    if code_column is None and not (name_column and by_name):
        raise sec.error("code_column", "missing",
                        "name the column holding the area code, or give name_column together "
                        "with code_by_name (a list name: code)")
    if code_column is not None and by_name:
        raise sec.error("code_by_name", "given together with code_column",
                        "use code_by_name only for files without a code column")
    hierarchy = [_parse_level(s) for s in sec.sections("hierarchy")]
    kinds = [lv.kind for lv in hierarchy]
    base_kind = _kind(sec, "kind", "stadtteil")
    if len(set(kinds + [base_kind])) != len(kinds) + 1:
        raise sec.error("hierarchy", f"kinds must differ from each other and from kind "
                        f"'{base_kind}'", "give every level its own kind")
    return AreaSpec(code_column, name_column, by_name, sec.code_map("names"),
                    sec.integer("code_width", None, minimum=1), sec.regex("code_pattern", None),
                    base_kind, tuple(hierarchy),
                    tuple(_parse_rule(s, True, kinds) for s in sec.sections("aggregates")),
                    tuple(_parse_rule(s, False, kinds) for s in sec.sections("exclude")))


def _parse_municipality(sec: _Section) -> Municipality:
    sec.only(["id", "name", "level", "kind", "parent"])
    mid = sec.text("id", None)
    if mid is not None and not re.fullmatch(r"\d{8}", mid):
        raise sec.error("id", f"{mid!r} is not an 8-digit AGS",
                        "write the Gemeindeschlüssel in quotes, e.g. \"09162000\" (München)")
    levels = list(load_vocabulary().area_levels)
    level = sec.choice("level", levels, None) if sec.has("level") else None
    parent = sec.text("parent", "")
    if parent and not is_valid_area_id(parent):
        raise sec.error("parent", f"{parent!r} is not an area id",
                        "use the Land (\"09\"), Kreis (\"09162\") or leave it out")
    kind = _kind(sec, "kind") if sec.has("kind") else None
    return Municipality(mid, sec.text("name", None), level, kind, parent)


def _parse_year(top: _Section) -> tuple[int | None, str | None]:
    raw = top.raw.get("year")
    if raw is None:
        return None, None
    if isinstance(raw, dict):
        sec = top.section("year")
        sec.only(["column"])
        return None, _norm(sec.text("column", numbers_ok=True))
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1900 <= raw <= 2100:
        raise top.error("year", f"must be a year such as 2022 or 'column: NAME', got "
                        f"{_describe(raw)}", "write 'year: 2022' or 'year: {column: JAHR}'")
    return raw, None


def load_mapping(mapping: str | Path | dict | DistrictMapping, origin: str | None = None
                 ) -> DistrictMapping:
    """Read and validate a mapping (a YAML file, or a dict with ``origin`` for messages)."""
    if isinstance(mapping, DistrictMapping):
        return mapping
    if isinstance(mapping, dict):
        raw, origin = mapping, origin or "mapping"
    else:
        path = Path(mapping)
        origin = origin or str(path)
        if not path.exists():
            raise DataError(f"{origin}: mapping file not found -> check the path given to "
                            f"--mapping")
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise DataError(f"{origin}: not valid YAML ({exc}) -> fix the indentation or quoting "
                            f"at the position shown") from None
    top = _Section(origin, "", raw)
    layout_keys = {k for cls in LAYOUTS.values() for k in cls.keys}
    top.only(["description", "source", "format", "publisher", "decimal", "empty_cells",
              "municipality", "areas", "year", "layout", *sorted(layout_keys)])
    layout_name = top.choice("layout", list(LAYOUTS))
    layout_cls = LAYOUTS[layout_name]
    for k in sorted(layout_keys - set(layout_cls.keys)):
        if top.has(k):
            owner = next(n for n, c in LAYOUTS.items() if k in c.keys)
            raise top.error(k, f"belongs to layout '{owner}', but layout is '{layout_name}'",
                            f"remove it or set layout: {owner}")
    year, year_column = _parse_year(top)
    return DistrictMapping(
        origin=origin, description=top.text("description", ""), source=top.text("source", ""),
        fmt=_parse_format(top.section("format")),
        publisher=top.choice("publisher", sorted(SYMBOLS), "municipal"),
        decimal=top.choice("decimal", [",", "."], ","),
        empty_cells=top.choice("empty_cells", ["error", "skip"], "error"),
        municipality=_parse_municipality(top.section("municipality")),
        areas=_parse_areas(top.section("areas", required=True)),
        year=year, year_column=year_column, layout=layout_cls.parse(top))


# ---------------------------------------------------------------------------------------------
# layouts: how rows become cells (a registry: add a class with keys, parse, columns, extract)
# ---------------------------------------------------------------------------------------------

CELL_COLUMNS = ["_row", "area_id", "year", *TARGET_KEYS, "column", "text"]
# columns added to the file's columns while reading (file row number, area, level, year)
INTERNAL = ("_row", "_area_id", "_area_level", "_year")


def _cells(rows: pd.DataFrame, column: str, texts: pd.Series, target) -> pd.DataFrame:
    out = rows[["_row", "_area_id", "_year"]].rename(columns={"_area_id": "area_id",
                                                              "_year": "year"})
    for key, value in zip(TARGET_KEYS, target, strict=True):
        out[key] = value
    out["column"] = column
    out["text"] = texts.to_numpy()
    return out


@dataclass(frozen=True)
class WideLayout:
    """One row per area; one column per variable (``columns: {name: {variable, group, …}}``)."""
    columns_map: dict[str, tuple[str, str, str, str]]
    keys = ("columns",)

    @classmethod
    def parse(cls, top: _Section) -> WideLayout:
        raw = top.raw.get("columns")
        if not isinstance(raw, dict) or not raw:
            raise top.error("columns", "missing or empty",
                            "list the columns to import, e.g. "
                            "'columns: {Gesamt: {variable: population}}'")
        sec = top.section("columns")
        out = {}
        for name in raw:
            col = _as_text(sec, name, name, True)
            entry = sec.section(name, required=True)
            entry.only(TARGET_KEYS)
            out[_norm(col)] = _vocab_target(entry)
        if len(set(out.values())) != len(out):
            dup = [k for k, v in out.items() if list(out.values()).count(v) > 1]
            raise top.error("columns", f"columns {dup} map to the same variable, group, sex "
                            f"and age", "each column needs its own combination")
        return cls(out)

    def columns(self) -> list[str]:
        return list(self.columns_map)

    def extract(self, rows: pd.DataFrame, used: set[str]) -> tuple[pd.DataFrame, list[str]]:
        frames = [_cells(rows, col, rows[col], target) for col, target in self.columns_map.items()]
        ignored = [c for c in rows.columns
                   if c not in INTERNAL and c not in self.columns_map and c not in used]
        notes = [f"columns not imported: {', '.join(ignored)}"] if ignored else []
        return pd.concat(frames, ignore_index=True), notes


@dataclass(frozen=True)
class ValueColumn:
    column: str
    label_column: str | None          # its label read from this column …
    label: str | None                 # … or a constant label


@dataclass(frozen=True)
class LongLayout:
    """One row per area and indicator: label columns say what the value column(s) hold."""
    label_columns: tuple[str, ...]
    value_columns: tuple[ValueColumn, ...]
    labels: dict[tuple[str, ...], tuple[str, str, str, str]]   # normalised labels → target
    keys = ("label_columns", "value_column", "value_columns", "labels")

    @classmethod
    def parse(cls, top: _Section) -> LongLayout:
        label_columns = tuple(_norm(c) for c in top.texts("label_columns", numbers_ok=True))
        if top.has("value_column") == top.has("value_columns"):
            raise top.error("value_column", "give exactly one of value_column or value_columns",
                            "value_column: WERT for one value column; value_columns: a list of "
                            "{column, label_column or label} when a row holds several values")
        if top.has("value_column"):
            values = (ValueColumn(_norm(top.text("value_column", numbers_ok=True)), None, None),)
        else:
            values = tuple(_parse_value_column(s) for s in top.sections("value_columns"))
            if not values:
                raise top.error("value_columns", "empty", "list at least one value column")
        labelled = {v.label_column is not None or v.label is not None for v in values}
        if len(labelled) != 1:
            raise top.error("value_columns", "some value columns have a label and some do not",
                            "give every value column a label_column or a label, or none of them")
        width = len(label_columns) + (1 if labelled == {True} else 0)
        labels = {}
        for sec in top.sections("labels"):
            sec.only(["match", *TARGET_KEYS])
            match = tuple(_norm_label(x) for x in sec.texts("match", numbers_ok=True))
            if len(match) != width:
                named_by = "the label_columns" + (" and the value column's label"
                                                  if width > len(label_columns) else "")
                raise sec.error("match", f"has {len(match)} labels, but each value is named by "
                                f"{width} ({named_by})",
                                "give one label per label column, in the same order")
            if match in labels:
                raise sec.error("match", "the same labels are mapped twice",
                                "keep one entry per combination of labels")
            labels[match] = _vocab_target(sec)
        if not labels:
            raise top.error("labels", "missing or empty", "map at least one combination of labels")
        # several combinations may name the same target (a denominator repeated in every
        # row): _merge_duplicates keeps it once when the values agree
        return cls(label_columns, values, labels)

    def columns(self) -> list[str]:
        extra = [v.label_column for v in self.value_columns if v.label_column]
        return [*self.label_columns, *(v.column for v in self.value_columns), *extra]

    def extract(self, rows: pd.DataFrame, used: set[str]) -> tuple[pd.DataFrame, list[str]]:
        base = [rows[c].map(_norm).tolist() for c in self.label_columns]
        frames, skipped = [], Counter()
        for vc in self.value_columns:
            parts = list(base)
            if vc.label_column:
                parts.append(rows[vc.label_column].map(_norm).tolist())
            elif vc.label is not None:
                parts.append([_norm(vc.label)] * len(rows))
            shown = list(zip(*parts, strict=True)) if parts else [()] * len(rows)
            keys = pd.Series([tuple(x.casefold() for x in t) for t in shown], index=rows.index,
                             dtype=object)
            mapped = keys.map(lambda k: k in self.labels)
            skipped.update(" | ".join(t) for t, ok in zip(shown, mapped, strict=True)
                           if not ok)
            for key in dict.fromkeys(keys[mapped]):
                idx = keys.index[(keys == key).to_numpy() & mapped.to_numpy()]
                frames.append(_cells(rows.loc[idx], vc.column, rows.loc[idx, vc.column],
                                     self.labels[key]))
        notes = []
        if skipped:
            top = "; ".join(f"'{k}' ×{n}" for k, n in skipped.most_common(5))
            more = f" and {len(skipped) - 5} more combinations" if len(skipped) > 5 else ""
            notes.append(f"{sum(skipped.values())} values skipped because their labels are not "
                         f"mapped ({top}{more})")
        cells = pd.concat(frames, ignore_index=True) if frames else \
            pd.DataFrame(columns=CELL_COLUMNS)
        return cells, notes


def _parse_value_column(sec: _Section) -> ValueColumn:
    sec.only(["column", "label_column", "label"])
    label_column = sec.text("label_column", None, numbers_ok=True)
    label = sec.text("label", None, numbers_ok=True)
    if label_column is not None and label is not None:
        raise sec.error("label", "given together with label_column", "use one of the two")
    return ValueColumn(_norm(sec.text("column", numbers_ok=True)),
                       _norm(label_column) if label_column else None, label)


LAYOUTS: dict[str, type] = {"wide": WideLayout, "long": LongLayout}


# ---------------------------------------------------------------------------------------------
# reading the file into a table of text cells
# ---------------------------------------------------------------------------------------------

def _file_type(path: Path, fmt: FileFormat) -> str:
    if fmt.type:
        return fmt.type
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise DataError(f"{path}: cannot tell the format from the suffix '{suffix}' -> set "
                    f"format.type to csv or xlsx in the mapping (save .xls files as .xlsx)")


def _read_csv_grid(path: Path, fmt: FileFormat) -> list[tuple[int, list[str]]]:
    try:
        with open(path, encoding=fmt.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=fmt.separator, quotechar=fmt.quote)
            return [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise DataError(f"{path}: cannot be read as {fmt.encoding} (byte {byte:#04x} at position "
                        f"{exc.start}) -> set format.encoding in the mapping: cp1252 for "
                        f"Windows/Excel exports, utf-8-sig for UTF-8 with BOM") from None
    except csv.Error as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc}) -> check format.separator and "
                        f"format.quote in the mapping") from None


def _xlsx_text(value, decimal: str) -> str:
    """An Excel cell as the text the CSV would hold (numbers written with the mapping's decimal)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = np.format_float_positional(value, trim="-")
        return text.replace(".", ",") if decimal == "," else text
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _read_xlsx_grid(path: Path, fmt: FileFormat, decimal: str) -> list[tuple[int, list[str]]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataError(f"{path}: not a readable XLSX file ({exc}) -> save it as .xlsx from "
                        f"Excel/LibreOffice, or set format.type: csv if it is a text "
                        f"file") from None
    try:
        names = book.sheetnames
        sheet = fmt.sheet
        if sheet is None:
            ws = book[names[0]]
        elif isinstance(sheet, int):
            if sheet > len(names):
                raise DataError(f"{path}: has {len(names)} sheets, the mapping asks for sheet "
                                f"{sheet} -> set format.sheet to one of {names}")
            ws = book[names[sheet - 1]]
        elif sheet in names:
            ws = book[sheet]
        else:
            raise DataError(f"{path}: no sheet {sheet!r} -> set format.sheet to one of {names}")
        return [(i, [_xlsx_text(v, decimal) for v in row])
                for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _read_grid(path: Path, m: DistrictMapping) -> list[tuple[int, list[str]]]:
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if _file_type(path, m.fmt) == "xlsx":
        return _read_xlsx_grid(path, m.fmt, m.decimal)
    return _read_csv_grid(path, m.fmt)


def _header_names(rows: list[list[str]]) -> list[str]:
    """Column names from one or more header rows; upper rows are filled right (merged cells)."""
    width = max(len(r) for r in rows)
    filled = []
    for i, row in enumerate(rows):
        row = [_norm(c) for c in row] + [""] * (width - len(row))
        if i < len(rows) - 1:
            for j in range(1, width):
                row[j] = row[j] or row[j - 1]
        filled.append(row)
    names = [" / ".join(p for p in parts if p) or f"column_{j + 1}"
             for j, parts in enumerate(zip(*filled, strict=True))]
    seen: Counter = Counter()
    unique = []
    for n in names:
        seen[n] += 1
        unique.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return unique


def _make_table(grid: list[tuple[int, list[str]]], fmt: FileFormat, origin: str) -> pd.DataFrame:
    """Data rows as text with the file's row number in ``_row``."""
    by_number = dict(grid)
    missing = [h for h in fmt.header if h not in by_number]
    if missing:
        raise DataError(f"{origin}: header row {missing[0]} does not exist (the file has "
                        f"{len(grid)} rows) -> correct format.header in the mapping")
    header = _header_names([by_number[h] for h in fmt.header])
    data = [(n, r) for n, r in grid if n > max(fmt.header) and n not in fmt.skip_rows
            and any(c.strip() for c in r)]
    if fmt.stop_at is not None:
        for k, (_, r) in enumerate(data):
            first = next((c.strip() for c in r if c.strip()), "")
            if fmt.stop_at.search(first):
                data = data[:k]
                break
    if fmt.footer_lines:
        data = data[:-fmt.footer_lines] if fmt.footer_lines < len(data) else []
    width = len(header)
    for n, r in data:
        extra = [c for c in r[width:] if c.strip()]
        if extra:
            raise DataError(f"{origin}: row {n} has {len(r)} cells but the header has {width} "
                            f"({extra[0]!r} beyond the last column) -> check format.separator and "
                            f"format.quote, or drop footer lines with format.footer_lines/stop_at")
    if not data:
        raise DataError(f"{origin}: no data rows below the header (row {max(fmt.header)}) -> check "
                        f"format.header, format.skip_rows and format.footer_lines in the mapping")
    table = pd.DataFrame([(r + [""] * width)[:width] for _, r in data], columns=header,
                         dtype=object)
    table.insert(0, "_row", [n for n, _ in data])
    return table


def _require_columns(table: pd.DataFrame, needed: list[str], origin: str, mapping: str) -> None:
    have = [c for c in table.columns if c != "_row"]
    for col in needed:
        if col not in table.columns:
            close = difflib.get_close_matches(col, have, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise DataError(f"{origin}: column '{col}' named in {mapping} is not in the file -> "
                            f"{hint}the header has: {', '.join(have)}")


# ---------------------------------------------------------------------------------------------
# areas: base rows, aggregates, exclusions, hierarchy
# ---------------------------------------------------------------------------------------------

def _row_error(origin: str, rows: pd.DataFrame, mask, column: str, values: pd.Series,
               problem: str, todo: str) -> DataError:
    idx = rows.index[np.asarray(mask)]
    shown = "; ".join(f"row {rows.at[i, '_row']}: {values.at[i]!r}" for i in idx[:5])
    more = f" (and {len(idx) - 5} more rows)" if len(idx) > 5 else ""
    return DataError(f"{origin}: {problem} in column '{column}' ({shown}{more}) -> {todo}")


def _pad(code: str, width: int | None) -> str:
    return code.zfill(width) if width and code.isdigit() else code


def _default_name(kind: str, code: str) -> str:
    return f"{kind.replace('_', ' ').capitalize()} {code}"


@dataclass(frozen=True)
class _Context:
    origin: str
    ags: str
    mapping: DistrictMapping


def _row_codes(table: pd.DataFrame, ctx: _Context) -> tuple[pd.Series | None, pd.Series | None]:
    spec = ctx.mapping.areas
    code = table[spec.code_column].map(lambda c: str(c).strip()) if spec.code_column else None
    name = table[spec.name_column].map(_norm) if spec.name_column else None
    return code, name


def _code_of(table, code, name, mask, ctx: _Context, width: int | None) -> pd.Series:
    """Local codes of the rows in ``mask``: from the code column, or looked up by name."""
    spec = ctx.mapping.areas
    if code is not None:
        empty = code[mask] == ""
        if empty.any():
            raise _row_error(ctx.origin, table.loc[mask], empty.to_numpy(), spec.code_column,
                             code[mask], "empty area codes",
                             "fill in the code, or recognise these rows by name in an "
                             "aggregates or exclude rule")
        return code[mask].map(lambda c: _pad(c, width))
    found = name[mask].map(lambda n: spec.code_by_name.get(_norm_label(n)))
    if found.isna().any():
        raise _row_error(ctx.origin, table.loc[mask], found.isna(), spec.name_column,
                         name[mask], "area names not in areas.code_by_name",
                         "add them to code_by_name, or to an aggregates/exclude rule")
    return found.map(lambda c: _pad(c, width))


def _parent_code(level: Level, codes: pd.Series, table: pd.DataFrame, ctx: _Context) -> pd.Series:
    if level.prefix is not None:
        short = codes.str.len() <= level.prefix
        if short.any():
            raise _row_error(ctx.origin, table.loc[codes.index], short, "(area code)", codes,
                             f"codes too short for the {level.kind} prefix of {level.prefix} "
                             f"characters", "correct hierarchy prefix, or mark these rows as "
                             "aggregates or exclusions")
        return codes.str[:level.prefix]
    parent = table.loc[codes.index, level.column].map(lambda c: _pad(str(c).strip(), level.width))
    empty = parent == ""
    if empty.any():
        raise _row_error(ctx.origin, table.loc[codes.index], empty, level.column, parent,
                         f"empty {level.kind} code", "fill the column or mark the rows as "
                         "aggregates or exclusions")
    return parent


def _area_records(table, codes: pd.Series, depth: int, names: pd.Series | None, ctx: _Context
                  ) -> list[pd.DataFrame]:
    """Area records for rows whose own code sits at ``depth`` (len(hierarchy) = base areas)."""
    spec, ags = ctx.mapping.areas, ctx.ags
    kinds = [lv.kind for lv in spec.hierarchy] + [spec.kind]
    chain = [_parent_code(lv, codes, table, ctx) for lv in spec.hierarchy[:depth]] + [codes]
    out = []
    for i, level_codes in enumerate(chain):
        parent = (f"{ags}-" + chain[i - 1]) if i > 0 else pd.Series(ags, index=codes.index)
        rec = pd.DataFrame({"area_id": f"{ags}-" + level_codes, "code": level_codes,
                            "kind": kinds[i], "parent_id": parent,
                            "row_name": names if (names is not None and i == len(chain) - 1)
                            else None,
                            "_row": table.loc[codes.index, "_row"]})
        out.append(rec)
    return out


def _finish_areas(records: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """One register row per area id; names from the mapping, the file, or '<Kind> <code>'."""
    m = ctx.mapping
    bad = ~records["area_id"].map(is_valid_area_id)
    if bad.any():
        raise _row_error(ctx.origin, records.reset_index(drop=True), bad.to_numpy(),
                         "(area code)", records["code"].reset_index(drop=True),
                         "codes that give no valid area id '<AGS>-<1 to 12 letters or digits>'",
                         "strip other characters from the codes, or mark these rows as "
                         "aggregates or exclusions")
    clash = records.groupby("area_id").agg(kinds=("kind", "nunique"),
                                           parents=("parent_id", "nunique"))
    clash = clash[(clash["kinds"] > 1) | (clash["parents"] > 1)]
    if len(clash):
        raise DataError(f"{ctx.origin}: area ids {list(clash.index[:5])} get two different kinds "
                        f"or parents from the hierarchy rule -> check areas.hierarchy in "
                        f"{m.origin} (prefix lengths, parent columns)")
    explicit = {lv.kind: lv.names for lv in m.areas.hierarchy} | {m.areas.kind: m.areas.names}
    rows = []
    for area_id, grp in records.groupby("area_id", sort=True):
        kind, code = grp["kind"].iloc[0], grp["code"].iloc[0]
        seen = grp["row_name"].dropna()
        seen = seen[seen != ""]
        name = (explicit.get(kind, {}).get(code)
                or (Counter(seen).most_common(1)[0][0] if len(seen) else None)
                or _default_name(kind, code))
        rows.append((area_id, name, SUBDISTRICT, kind, grp["parent_id"].iloc[0], False))
    return pd.DataFrame(rows, columns=AREA_COLUMNS)


def _municipality_row(ctx: _Context) -> dict:
    mun = ctx.mapping.municipality
    kreisfrei = ctx.ags.endswith("000")
    return {"area_id": ctx.ags, "name": mun.name or ctx.ags,
            "level": mun.level or ("district" if kreisfrei else MUNICIPALITY),
            "kind": mun.kind or ("kreisfreie_stadt" if kreisfrei else "gemeinde"),
            "parent_id": mun.parent, "synthetic": False}


def _roles(code, name, spec: AreaSpec, index) -> tuple[pd.Series, dict[str, RowRule], list[str]]:
    """Per row: 'base', 'excluded' or the aggregate rule that recognises it (first match wins;
    exclusions are checked before aggregates)."""
    excluded = pd.Series(False, index=index)
    notes = []
    for rule in spec.exclude:
        hit = rule.matches(code, name, index) & ~excluded
        if hit.any():
            notes.append(f"{int(hit.sum())} rows excluded ({rule.reason or 'areas.exclude'})")
        excluded |= hit
    role = pd.Series("base", index=index, dtype=object)
    role[excluded] = "excluded"
    rules = {}
    for k, rule in enumerate(spec.aggregates):
        key = f"areas.aggregates[{k}]"
        role[rule.matches(code, name, index) & (role == "base")] = key
        rules[key] = rule
    return role, rules, notes


def _base_areas(table, code, name, mask, ctx: _Context) -> tuple[pd.Series, list[pd.DataFrame]]:
    """Area ids and register records of the base rows (codes checked against code_pattern)."""
    spec = ctx.mapping.areas
    codes = _code_of(table, code, name, mask, ctx, spec.code_width)
    if spec.code_pattern is not None:
        odd = ~codes.map(lambda c: bool(spec.code_pattern.fullmatch(c)))
        if odd.any():
            raise _row_error(ctx.origin, table.loc[mask], odd.to_numpy(),
                             spec.code_column or spec.name_column, codes,
                             f"codes that do not match areas.code_pattern "
                             f"'{spec.code_pattern.pattern}' and are not recognised as "
                             f"aggregates or exclusions",
                             "add an aggregates or exclude rule for these rows (totals must "
                             "never be summed with their parts), or correct code_pattern")
    records = _area_records(table, codes, len(spec.hierarchy),
                            name[mask] if name is not None else None, ctx)
    return f"{ctx.ags}-" + codes, records


def _level_areas(table, code, name, mask, rule: RowRule, ctx: _Context
                 ) -> tuple[pd.Series, list[pd.DataFrame]]:
    """Area ids and records of aggregate rows at a hierarchy level (e.g. Bezirk totals)."""
    spec = ctx.mapping.areas
    depth = [lv.kind for lv in spec.hierarchy].index(rule.level)
    lv = spec.hierarchy[depth]
    codes = _code_of(table, code, name, mask, ctx, lv.prefix or lv.width)
    if lv.prefix is not None:
        wrong = codes.str.len() != lv.prefix
        if wrong.any():
            raise _row_error(ctx.origin, table.loc[mask], wrong.to_numpy(), "(area code)", codes,
                             f"{lv.kind} totals whose codes do not have the {lv.prefix} "
                             f"characters of the hierarchy prefix",
                             "correct the aggregates rule (code_pattern/codes) or the prefix")
    records = _area_records(table, codes, depth, name[mask] if name is not None else None, ctx)
    return f"{ctx.ags}-" + codes, records


def _classify_areas(table: pd.DataFrame, ctx: _Context
                    ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """``(rows kept, with _area_id and _area_level; area register; notes)``.

    Base rows become sub-districts; aggregate rows become their own area (a hierarchy level or
    the municipality itself) or are dropped; excluded rows are dropped.
    """
    code, name = _row_codes(table, ctx)
    role, rules, notes = _roles(code, name, ctx.mapping.areas, table.index)
    mun = _municipality_row(ctx)
    area_id = pd.Series(None, index=table.index, dtype=object)
    level = pd.Series(SUBDISTRICT, index=table.index, dtype=object)
    records: list[pd.DataFrame] = []
    keep = role == "base"
    if keep.any():
        area_id[keep], found = _base_areas(table, code, name, keep, ctx)
        records += found
    for key, rule in rules.items():
        hit = role == key
        if not hit.any():
            continue
        if rule.action == "drop":
            notes.append(f"{int(hit.sum())} aggregate rows dropped ({rule.reason or key})")
            continue
        keep |= hit
        if rule.level == MUNICIPALITY:
            area_id[hit], level[hit] = ctx.ags, mun["level"]
        else:
            area_id[hit], found = _level_areas(table, code, name, hit, rule, ctx)
            records += found
    areas = _finish_areas(pd.concat(records, ignore_index=True), ctx) if records else \
        pd.DataFrame(columns=AREA_COLUMNS)
    areas = pd.concat([pd.DataFrame([mun]), areas], ignore_index=True)
    kept = table[keep].assign(_area_id=area_id[keep], _area_level=level[keep])
    return kept, areas, notes


# ---------------------------------------------------------------------------------------------
# years, values, duplicates
# ---------------------------------------------------------------------------------------------

def _years(rows: pd.DataFrame, m: DistrictMapping, year: int | None, origin: str) -> pd.Series:
    if m.year_column is None:
        chosen = m.year if m.year is not None else year
        if chosen is None:
            raise DataError(f"{origin}: the mapping {m.origin} gives no year -> add 'year: 2022' "
                            f"or 'year: {{column: NAME}}' to it, or pass --year")
        if m.year is not None and year is not None and year != m.year:
            raise DataError(f"{origin}: --year {year} contradicts 'year: {m.year}' in {m.origin} "
                            f"-> drop one of them")
        return pd.Series(chosen, index=rows.index, dtype="int64")
    text = rows[m.year_column].map(lambda c: str(c).strip())
    bad = ~text.str.fullmatch(r"(19|20)\d\d")
    if bad.any():
        raise _row_error(origin, rows, bad.to_numpy(), m.year_column, text,
                         "cells that are not a year", "the year column must hold years such as "
                         "2012; otherwise set a constant 'year:' in the mapping")
    return text.astype("int64")


def _parse_values(cells: pd.DataFrame, m: DistrictMapping, origin: str
                  ) -> tuple[pd.DataFrame, list[str]]:
    """Numbers and symbols via ``parse_cells``, one call per source column (errors name the row)."""
    value = pd.Series(np.nan, index=cells.index, dtype="float64")
    status = pd.Series("", index=cells.index, dtype=object)
    for column, part in cells.groupby("column", sort=False):
        rows = part["_row"].to_numpy()
        if pd.Index(rows).has_duplicates:   # one cell per row and column: parse position-wise
            raise DataError(f"{origin}: column '{column}' is mapped twice for one row")
        dense = pd.Series("", index=np.arange(rows.max()), dtype=object)
        dense.iloc[rows - 1] = part["text"].to_numpy()
        v, s = parse_cells(dense, m.publisher, m.decimal, origin=origin, column=column,
                           row_offset=1)
        value[part.index] = v.iloc[rows - 1].to_numpy()
        status[part.index] = s.iloc[rows - 1].to_numpy()
    cells = cells.assign(value=value, status=status)
    notes = []
    empty = cells["status"] == "missing"
    if empty.any():
        first = cells[empty].iloc[0]
        if m.empty_cells == "error":
            raise DataError(f"{origin}: {int(empty.sum())} empty cells (first: row "
                            f"{first['_row']}, column '{first['column']}') -> write the official "
                            f"symbol ('.' secret, '-' zero, 'x' not meaningful …) or set "
                            f"'empty_cells: skip' in {m.origin} to leave them out")
        notes.append(f"{int(empty.sum())} empty cells left out")
        cells = cells[~empty]
    negative = cells["value"] < 0
    if negative.any():
        first = cells[negative].iloc[0]
        raise DataError(f"{origin}: negative count in column '{first['column']}' (row "
                        f"{first['_row']}: {first['text'].strip()!r} = {first['value']:g}, "
                        f"{int(negative.sum())} cells in all) -> intmon stores counts; check the "
                        f"file or map this column to nothing")
    return cells, notes


def _merge_duplicates(cells: pd.DataFrame, origin: str) -> pd.DataFrame:
    """The same key twice: kept once if value and status agree (a repeated denominator)."""
    dup = cells.duplicated(KEY_COLUMNS, keep=False)
    if not dup.any():
        return cells
    groups = cells[dup].groupby(KEY_COLUMNS, sort=False)
    spread = groups.agg(values=("value", lambda v: v.fillna(-1).nunique()),
                        statuses=("status", "nunique"))
    conflict = spread[(spread["values"] > 1) | (spread["statuses"] > 1)]
    if len(conflict):
        key = conflict.index[0]
        rows = cells[(cells[KEY_COLUMNS] == pd.Series(key, index=KEY_COLUMNS)).all(axis=1)]
        shown = "; ".join(f"row {r['_row']} column '{r['column']}': {r['text'].strip()!r}"
                          for _, r in rows.head(5).iterrows())
        example = dict(zip(KEY_COLUMNS, key, strict=True))
        raise DataError(f"{origin}: {len(conflict)} observations get different values from "
                        f"several cells, e.g. {example} ({shown}) -> map only one of these "
                        f"columns/labels, or mark aggregate rows as aggregates")
    return cells.drop_duplicates(KEY_COLUMNS, keep="first")


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------

@dataclass
class DistrictTable:
    observations: pd.DataFrame
    areas: pd.DataFrame
    notes: list[str]


def _ags(m: DistrictMapping, area: str | None) -> str:
    mid = m.municipality.id
    if area is not None:
        if not re.fullmatch(r"\d{8}", str(area)):
            raise DataError(f"--area {area!r}: district tables need the 8-digit AGS of the "
                            f"municipality, e.g. 09162000")
        if mid is not None and mid != area:
            raise DataError(f"--area {area} contradicts municipality.id {mid} in {m.origin} -> "
                            f"drop one of them")
        return str(area)
    if mid is None:
        raise DataError(f"{m.origin}: key 'municipality.id': missing -> add the municipality's "
                        f"AGS in quotes (e.g. id: \"11000000\"), or pass --area")
    return mid


def read_district_report(path: str | Path, mapping, *, area: str | None = None,
                         year: int | None = None) -> DistrictTable:
    """Like :func:`read_district_table`, with notes on what was left out and why."""
    path = Path(path)
    m = load_mapping(mapping)
    origin = str(path)
    ctx = _Context(origin, _ags(m, area), m)
    table = _make_table(_read_grid(path, m), m.fmt, origin)
    spec = m.areas
    needed = [c for c in (spec.code_column, spec.name_column, m.year_column) if c]
    needed += [lv.column for lv in spec.hierarchy if lv.column] + m.layout.columns()
    _require_columns(table, needed, origin, m.origin)
    rows, areas, notes = _classify_areas(table, ctx)
    rows = rows.assign(_year=_years(rows, m, year, origin))
    cells, layout_notes = m.layout.extract(rows, set(needed))
    cells, value_notes = _parse_values(cells, m, origin)
    cells = _merge_duplicates(cells, origin)
    level = rows.drop_duplicates("_area_id").set_index("_area_id")["_area_level"]
    obs = cells.assign(area_level=cells["area_id"].map(level), origin_row=cells["_row"],
                       source=f"{m.source}: {path.name}" if m.source else path.name)
    obs = obs.sort_values(["area_id", "year", *TARGET_KEYS], ignore_index=True)
    obs = validate_observations(obs[[*OBSERVATION_COLUMNS, "origin_row"]], origin)
    return DistrictTable(obs, areas.reset_index(drop=True), notes + layout_notes + value_notes)


def read_district_table(path: str | Path, mapping, *, area: str | None = None,
                        year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one district table through a mapping: ``(observations, areas)`` in canonical form.

    ``mapping`` is a YAML file, a dict or a loaded :class:`DistrictMapping`. The observations
    have ``store.OBSERVATION_COLUMNS`` plus ``origin_row`` (the row in the file, for messages;
    the store does not keep it). ``areas`` (``store.AREA_COLUMNS``) holds the municipality,
    every base area and every hierarchy level with its ``parent_id``.
    """
    result = read_district_report(path, mapping, area=area, year=year)
    return result.observations, result.areas


def source_id(path: str | Path) -> str:
    """The store's source id for a file: its name without suffix, other characters as '_'."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", Path(path).stem)


def _check_overlap(store: ObservationStore, tables: dict[str, DistrictTable]) -> None:
    """Refuse observations that another source already holds (the store could not be read)."""
    frames = [t.observations[KEY_COLUMNS].assign(_source=sid) for sid, t in tables.items()]
    if store.observation_dir.exists():
        for p in sorted(store.observation_dir.glob("*.parquet")):
            if p.stem not in tables:
                frames.append(pd.read_parquet(p, columns=KEY_COLUMNS).assign(_source=p.stem))
    both = pd.concat(frames, ignore_index=True)
    dup = both[both.duplicated(KEY_COLUMNS, keep=False)]
    if len(dup):
        sources = sorted(dup["_source"].unique())
        first = dup.iloc[0]
        raise DataError(f"the same observations would come from several sources {sources} (e.g. "
                        f"{first['area_id']} {first['year']} {first['variable']}/{first['group']}) "
                        f"-> import only one of these files, or drop the other source's file "
                        f"from {store.observation_dir}; nothing was written")


def _merged_register(store: ObservationStore, areas: pd.DataFrame) -> pd.DataFrame:
    """The area register as ``store.merge_areas(areas)`` will leave it."""
    if not store.areas_path.exists():
        return areas[AREA_COLUMNS].reset_index(drop=True)
    old = store.read_areas()
    return pd.concat([old[~old["area_id"].isin(areas["area_id"])], areas[AREA_COLUMNS]],
                     ignore_index=True)


def _dry_run(tables: dict[str, DistrictTable], paths, register: pd.DataFrame) -> None:
    """Run the store's checks on every file before anything is written (warnings stay silent
    here; the store repeats the checks and reports them once while writing)."""
    logger = logging.getLogger("intmon")
    was = logger.disabled
    logger.disabled = True
    try:
        for t, p in zip(tables.values(), paths, strict=True):
            checked = validate_observations(t.observations, str(p), register)
            check_import(checked, str(p), register)
    finally:
        logger.disabled = was


def import_district_table(paths, store: ObservationStore, mapping=None, area: str | None = None,
                          year: int | None = None, **_) -> str:
    """Municipal district tables (CSV/XLSX per Stadtteil) read through a YAML mapping (--mapping).

    Every file is read and checked before anything is written; the areas (municipality,
    sub-districts, hierarchy levels) are added to the register, an existing municipality entry
    is kept as it is. Each file becomes one source named after the file.
    """
    if mapping is None:
        raise DataError("district tables need a mapping: pass --mapping FILE (a YAML file; "
                        f"examples in mappings/, every key in {DOCS})")
    m = load_mapping(mapping)
    paths = list(paths)
    tables: dict[str, DistrictTable] = {}
    for p in paths:
        sid = source_id(p)
        if sid in tables:
            raise DataError(f"{p}: two files give the source id '{sid}' -> rename one of them")
        tables[sid] = read_district_report(p, m, area=area, year=year)
    _check_overlap(store, tables)
    areas = pd.concat([t.areas for t in tables.values()], ignore_index=True)
    areas = areas.drop_duplicates("area_id", keep="first")
    register = store.read_areas() if store.areas_path.exists() else None
    if register is not None:
        known = register.set_index("area_id")["level"]
        keep_existing = areas["area_id"].isin(known.index) & (areas["level"] != SUBDISTRICT)
        for t in tables.values():   # the register's level wins for the municipality
            obs = t.observations
            mun = obs["area_level"] != SUBDISTRICT
            obs.loc[mun, "area_level"] = obs.loc[mun, "area_id"].map(known).fillna(
                obs.loc[mun, "area_level"])
        areas = areas[~keep_existing]
    _dry_run(tables, paths, _merged_register(store, areas))
    store.merge_areas(areas)
    messages = []
    for (sid, t), p in zip(tables.items(), paths, strict=True):
        target = store.write_observations(t.observations, sid, origin=str(p))
        n_areas = t.observations["area_id"].nunique()
        line = f"{p}: {len(t.observations)} observations of {n_areas} areas written to {target}"
        messages.append("; ".join([line, *t.notes]))
    messages.append(f"{len(areas)} areas added to or updated in {store.areas_path}")
    return "\n".join(messages)
