"""Areas of a district table: which rows are base areas, aggregates (imported as their own
area or dropped) or excluded; the intmon area ids; and the area register with each area's
parent from the hierarchy rule.

Aggregate rows are never summed with their parts: they become their own areas (a Bezirk, the
municipality itself) that the parts point to as parent, or they are dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from ...area_ids import is_valid_area_id
from ...errors import DataError
from ...schema import AREA_COLUMNS
from .fields import MUNICIPALITY, norm_column, norm_label
from .grid import row_error
from .mapping import DistrictMapping
from .sections import AreaSpec, CodeRules, Level, RowRule

SUBDISTRICT = "subdistrict"  # area level of every area below the municipality


@dataclass(frozen=True)
class Context:
    """What every step needs for ids and messages: the file, the municipality's AGS, the
    mapping."""

    origin: str
    ags: str
    mapping: DistrictMapping


def _pad(code: str, width: int | None) -> str:
    return code.zfill(width) if width and code.isdigit() else code


def _default_name(kind: str, code: str) -> str:
    return f"{kind.replace('_', ' ').capitalize()} {code}"


def _first_cells(table: pd.DataFrame) -> pd.Series:
    """Per row: its first non-empty cell (what an ``after`` marker is matched against)."""
    cells = table.drop(columns="_row").map(lambda c: str(c).strip())
    return cells.apply(lambda r: next((c for c in r if c), ""), axis=1)


def _position(rule: RowRule, table: pd.DataFrame) -> pd.Series:
    """Per row: is it where ``rule`` looks (its ``rows`` and below its ``after`` marker)?"""
    where = pd.Series(True, index=table.index)
    if rule.rows:
        where &= table["_row"].isin(rule.rows)
    if rule.after is not None:
        marker = _first_cells(table).map(lambda c: bool(rule.after.search(c)))
        below = marker.cumsum().shift(fill_value=0) > 0
        where &= below.to_numpy()
    return where


def rule_matches(
    rule: RowRule, table: pd.DataFrame, code: pd.Series | None, name: pd.Series | None
) -> pd.Series:
    """Per row: does ``rule`` recognise it: by code or name (any condition), within its
    position (``rows``, ``after``), or by position alone?"""
    index = table.index
    where = _position(rule, table)
    if not rule.by_content:
        return where
    hit = pd.Series(False, index=index)
    if code is not None:
        hit |= code.isin(rule.codes)
        if rule.code_pattern is not None:
            hit |= code.map(lambda c: bool(rule.code_pattern.fullmatch(c)))
    if name is not None:
        hit |= name.map(norm_label).isin(rule.names)
        if rule.name_pattern is not None:
            hit |= name.map(lambda n: bool(rule.name_pattern.fullmatch(n)))
    return hit & where


def _row_codes(table: pd.DataFrame, ctx: Context) -> tuple[pd.Series | None, pd.Series | None]:
    spec = ctx.mapping.areas
    code = (
        norm_column(table[spec.code_column], lambda c: str(c).strip()) if spec.code_column else None
    )
    name = norm_column(table[spec.name_column]) if spec.name_column else None
    return code, name


def _code_of(
    table, code, name, mask, ctx: Context, width: int | None, rules: CodeRules, by_name: dict
) -> pd.Series:
    """Local codes of the rows in ``mask``: from the code column (normalised by ``rules``),
    or looked up by name in ``by_name``."""
    spec = ctx.mapping.areas
    if code is not None:
        empty = code[mask] == ""
        if empty.any():
            raise row_error(
                ctx.origin,
                table.loc[mask],
                empty.to_numpy(),
                spec.code_column,
                code[mask],
                "empty area codes",
                "fill in the code, or recognise these rows by name in an "
                "aggregates or exclude rule",
            )
        return norm_column(code[mask], lambda c: _pad(rules.apply(c), width))
    found = name[mask].map(lambda n: by_name.get(norm_label(n)))
    if found.isna().any():
        raise row_error(
            ctx.origin,
            table.loc[mask],
            found.isna(),
            spec.name_column,
            name[mask],
            "area names not in code_by_name",
            "add them to areas.code_by_name (or the level's code_by_name for totals), or "
            "to an aggregates/exclude rule",
        )
    return found.map(lambda c: _pad(c, width))


def _parent_code(level: Level, codes: pd.Series, table: pd.DataFrame, ctx: Context) -> pd.Series:
    if level.prefix is not None:
        short = codes.str.len() <= level.prefix
        if short.any():
            raise row_error(
                ctx.origin,
                table.loc[codes.index],
                short,
                "(area code)",
                codes,
                f"codes too short for the {level.kind} prefix of {level.prefix} characters",
                "correct hierarchy prefix, or mark these rows as aggregates or exclusions",
            )
        return codes.str[: level.prefix]
    parent = table.loc[codes.index, level.column].map(lambda c: _pad(str(c).strip(), level.width))
    empty = parent == ""
    if empty.any():
        raise row_error(
            ctx.origin,
            table.loc[codes.index],
            empty,
            level.column,
            parent,
            f"empty {level.kind} code",
            "fill the column or mark the rows as aggregates or exclusions",
        )
    return parent


def _area_records(
    table, codes: pd.Series, depth: int, names: pd.Series | None, ctx: Context
) -> list[pd.DataFrame]:
    """Area records for rows whose own code sits at ``depth`` (len(hierarchy) = base areas)."""
    spec, ags = ctx.mapping.areas, ctx.ags
    kinds = [lv.kind for lv in spec.hierarchy] + [spec.kind]
    chain = [_parent_code(lv, codes, table, ctx) for lv in spec.hierarchy[:depth]] + [codes]
    out = []
    for i, level_codes in enumerate(chain):
        parent = (f"{ags}-" + chain[i - 1]) if i > 0 else pd.Series(ags, index=codes.index)
        rec = pd.DataFrame(
            {
                "area_id": f"{ags}-" + level_codes,
                "code": level_codes,
                "kind": kinds[i],
                "parent_id": parent,
                "row_name": names if (names is not None and i == len(chain) - 1) else None,
                "_row": table.loc[codes.index, "_row"],
            }
        )
        out.append(rec)
    return out


def _finish_areas(records: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """One register row per area id; names from the mapping, the file, or '<Kind> <code>'."""
    m = ctx.mapping
    bad = ~records["area_id"].map(is_valid_area_id)
    if bad.any():
        raise row_error(
            ctx.origin,
            records.reset_index(drop=True),
            bad.to_numpy(),
            "(area code)",
            records["code"].reset_index(drop=True),
            "codes that give no valid area id '<AGS>-<1 to 12 letters or digits>'",
            "strip other characters from the codes, or mark these rows as aggregates or exclusions",
        )
    clash = records.groupby("area_id").agg(
        kinds=("kind", "nunique"), parents=("parent_id", "nunique")
    )
    clash = clash[(clash["kinds"] > 1) | (clash["parents"] > 1)]
    if len(clash):
        raise DataError(
            f"{ctx.origin}: area ids {list(clash.index[:5])} get two different kinds "
            f"or parents from the hierarchy rule -> check areas.hierarchy in "
            f"{m.origin} (prefix lengths, parent columns)"
        )
    explicit = {lv.kind: lv.names for lv in m.areas.hierarchy} | {m.areas.kind: m.areas.names}
    rows = []
    for area_id, grp in records.groupby("area_id", sort=True):
        kind, code = grp["kind"].iloc[0], grp["code"].iloc[0]
        seen = grp["row_name"].dropna()
        seen = seen[seen != ""]
        name = (
            explicit.get(kind, {}).get(code)
            or (Counter(seen).most_common(1)[0][0] if len(seen) else None)
            or _default_name(kind, code)
        )
        rows.append((area_id, name, SUBDISTRICT, kind, grp["parent_id"].iloc[0], False))
    return pd.DataFrame(rows, columns=AREA_COLUMNS)


def _municipality_row(ctx: Context) -> dict:
    mun = ctx.mapping.municipality
    kreisfrei = ctx.ags.endswith("000")
    return {
        "area_id": ctx.ags,
        "name": mun.name or ctx.ags,
        "level": mun.level or ("district" if kreisfrei else MUNICIPALITY),
        "kind": mun.kind or ("kreisfreie_stadt" if kreisfrei else "gemeinde"),
        "parent_id": mun.parent,
        "synthetic": False,
    }


def _roles(table, code, name, spec: AreaSpec) -> tuple[pd.Series, dict[str, RowRule], list[str]]:
    """Per row: 'base', 'excluded' or the aggregate rule that recognises it (first match wins;
    exclusions are checked before aggregates)."""
    index = table.index
    excluded = pd.Series(False, index=index)
    notes = []
    for rule in spec.exclude:
        hit = rule_matches(rule, table, code, name) & ~excluded
        if hit.any():
            notes.append(f"{int(hit.sum())} rows excluded ({rule.reason or 'areas.exclude'})")
        excluded |= hit
    role = pd.Series("base", index=index, dtype=object)
    role[excluded] = "excluded"
    rules = {}
    for k, rule in enumerate(spec.aggregates):
        key = f"areas.aggregates[{k}]"
        role[rule_matches(rule, table, code, name) & (role == "base")] = key
        rules[key] = rule
    return role, rules, notes


def _base_areas(table, code, name, mask, ctx: Context) -> tuple[pd.Series, list[pd.DataFrame]]:
    """Area ids and register records of the base rows (codes checked against code_pattern)."""
    spec = ctx.mapping.areas
    codes = _code_of(
        table, code, name, mask, ctx, spec.code_width, spec.normalise, spec.code_by_name
    )
    if spec.code_pattern is not None:
        odd = ~codes.map(lambda c: bool(spec.code_pattern.fullmatch(c)))
        if odd.any():
            raise row_error(
                ctx.origin,
                table.loc[mask],
                odd.to_numpy(),
                spec.code_column or spec.name_column,
                codes,
                f"codes that do not match areas.code_pattern "
                f"'{spec.code_pattern.pattern}' and are not recognised as "
                f"aggregates or exclusions",
                "add an aggregates or exclude rule for these rows (totals must "
                "never be summed with their parts), or correct code_pattern",
            )
    records = _area_records(
        table, codes, len(spec.hierarchy), name[mask] if name is not None else None, ctx
    )
    return f"{ctx.ags}-" + codes, records


def _level_areas(
    table, code, name, mask, rule: RowRule, ctx: Context
) -> tuple[pd.Series, list[pd.DataFrame]]:
    """Area ids and records of aggregate rows at a hierarchy level (e.g. Bezirk totals)."""
    spec = ctx.mapping.areas
    depth = [lv.kind for lv in spec.hierarchy].index(rule.level)
    lv = spec.hierarchy[depth]
    by_name = lv.code_by_name or spec.code_by_name
    codes = _code_of(table, code, name, mask, ctx, lv.prefix or lv.width, rule.normalise, by_name)
    if lv.prefix is not None:
        wrong = codes.str.len() != lv.prefix
        if wrong.any():
            raise row_error(
                ctx.origin,
                table.loc[mask],
                wrong.to_numpy(),
                "(area code)",
                codes,
                f"{lv.kind} totals whose codes do not have the {lv.prefix} "
                f"characters of the hierarchy prefix",
                "correct the aggregates rule (code_pattern/codes) or the prefix",
            )
    records = _area_records(table, codes, depth, name[mask] if name is not None else None, ctx)
    return f"{ctx.ags}-" + codes, records


def classify_areas(
    table: pd.DataFrame, ctx: Context
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """``(rows kept, with _area_id and _area_level; area register; notes)``.

    Base rows become sub-districts; aggregate rows become their own area (a hierarchy level or
    the municipality itself) or are dropped; excluded rows are dropped.
    """
    code, name = _row_codes(table, ctx)
    role, rules, notes = _roles(table, code, name, ctx.mapping.areas)
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
    areas = (
        _finish_areas(pd.concat(records, ignore_index=True), ctx)
        if records
        else pd.DataFrame(columns=AREA_COLUMNS)
    )
    areas = pd.concat([pd.DataFrame([mun]), areas], ignore_index=True)
    kept = table[keep].assign(_area_id=area_id[keep], _area_level=level[keep])
    return kept, areas, notes
