"""How one published number was made (``intmon trace``): the value as the reports show it,
its definition, the observations and imports it comes from, the computation, the disclosure
control and the report files, as one tidy, JSON-ready structure (rendered by
:mod:`intmon_utils.trace_render`).

Secrecy: a trace of the published tables holds only what they hold. For a suppressed value
it holds the symbol and no count at all, not even of the visible inputs (they could help to
recover the secret one), and it never says whether a suppression is primary or secondary
(the published tables do not know). A survey share says its number of respondents only when
it reaches ``min_cases``. ``internal=True`` reads the unprotected tables instead, for the
statistics office's own checks (:data:`intmon_utils.published.INTERNAL`).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from .catalogue import Indicator, Selector, load_catalogue
from .changes import KEY_COLUMNS
from .errors import IntmonError
from .formatting import format_value
from .statuses import VALUED_INDICATORS, VALUED_OBSERVATIONS, symbol
from .vocabulary import load_vocabulary

SUPPRESSED = "suppressed"
LOG_FIELDS = "time origin origin_sha256 mode added replaced unchanged removed rows warnings".split()


def number(value) -> float | None:
    """A float for JSON, None for a missing value."""
    return None if value is None or pd.isna(value) else float(value)


# -- the request ---------------------------------------------------------------------------------
def _did_you_mean(word: str, choices, n: int = 3) -> str:
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.5)
    return f"did you mean {', '.join(close)}? " if close else ""


def find_indicator(indicator_id: str) -> Indicator:
    catalogue = load_catalogue()
    ids = [i.id for i in catalogue]
    if indicator_id in ids:
        return catalogue.get(indicator_id)
    tails = {i.split(".", 1)[1]: i for i in ids}
    hint = _did_you_mean(indicator_id, ids) or (
        f"did you mean {tails[indicator_id]}? " if indicator_id in tails else ""
    )
    raise IntmonError(
        f"unknown indicator '{indicator_id}' -> {hint}'intmon catalogue' lists every id "
        f"(topic.name, e.g. demography.foreign_share)"
    )


def find_area(area_id: str, areas: pd.DataFrame) -> str:
    """The area's name; a clear error for an id not in the register."""
    names = areas.set_index("area_id")["name"]
    if area_id in names.index:
        return str(names[area_id])
    by_name = {str(n).casefold(): a for a, n in names.items()}
    if area_id.casefold() in by_name:
        hint = f"'{area_id}' is the name of area {by_name[area_id.casefold()]}: "
    else:
        close = difflib.get_close_matches(area_id, list(names.index), n=3, cutoff=0.6)
        close += [by_name[n] for n in difflib.get_close_matches(area_id.casefold(), by_name, n=2)]
        close = list(dict.fromkeys(close))[:3]
        hint = f"did you mean {', '.join(f'{a} ({names[a]})' for a in close)}? " if close else ""
    raise IntmonError(
        f"area '{area_id}' is not in the area register -> {hint}use the area id (AGS as text, "
        f"e.g. 09761000); 'intmon data status' lists the areas with data"
    )


def indicator_rows(table: pd.DataFrame, ind: Indicator, area_id: str, year: int) -> pd.DataFrame:
    """The table's rows of one indicator, area and year; a clear error naming the years
    there are when there are none."""
    of_area = table[(table["indicator_id"] == ind.id) & (table["area_id"] == area_id)]
    rows = of_area[of_area["year"] == year]
    if rows.empty:
        years = sorted(int(y) for y in of_area["year"].unique())
        if years:
            near = min(years, key=lambda y: abs(y - year))
            what = f"it exists for {years[0]}–{years[-1]} -> did you mean {near}? years: {years}"
        else:
            what = (
                f"the area has no value of it in any year (levels: {', '.join(ind.levels)}) "
                f"-> 'intmon data status indicators --area {area_id}' shows what exists"
            )
        raise IntmonError(f"no value of {ind.id} for area {area_id} in {year}: {what}")
    return rows


def _select(rows: pd.DataFrame, column: str, wanted: str | None) -> pd.DataFrame:
    if wanted is None:
        return rows
    if wanted not in set(rows[column]):
        known = sorted(set(rows[column]))
        raise IntmonError(
            f"--{column} {wanted!r}: not among this value's rows -> "
            f"{_did_you_mean(wanted, known, 1)}choose one of {known}"
        )
    return rows[rows[column] == wanted]


# -- definition ----------------------------------------------------------------------------------
def _selector(sel: Selector, lang: str) -> dict:
    """One term of a fraction; ``group``/``sex`` None: the row's own."""
    return sel.model_dump() | {"label": load_vocabulary().label("variable", sel.variable, lang)}


def definition(ind: Indicator, lang: str) -> dict:
    texts = {k: ind.text(k, lang) for k in ("name", "description", "source", "caveats")}
    return {
        "id": ind.id,
        "kind": "survey" if ind.survey else "spatial" if ind.spatial else "register",
        **texts,
        "unit": ind.unit,
        "scale": ind.multiplier,
        "numerator": [_selector(s, lang) for s in ind.numerator],
        "denominator": [_selector(s, lang) for s in ind.denominator],
        "groups": list(ind.groups),
        "reference_group": ind.reference_group,
        "survey": ind.survey.model_dump() if ind.survey else None,
        "spatial": ind.spatial.model_dump() if ind.spatial else None,
    }


# -- inputs --------------------------------------------------------------------------------------
def _stored_source_ids(store, area_ids: list[str]) -> pd.DataFrame:
    """The observation keys of these areas with the stored source (file) that holds each."""
    frames = [
        pd.read_parquet(p, columns=KEY_COLUMNS, filters=[("area_id", "in", area_ids)]).assign(
            source_id=p.stem
        )
        for p in sorted(store.observation_dir.glob("*.parquet"))
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEY_COLUMNS)


def _inputs(wanted: pd.DataFrame, obs: pd.DataFrame, hidden: bool) -> list[dict]:
    """The cells ``wanted`` (``side`` and the key columns) as the table holds them, with the
    stored source of each; without status and value when ``hidden``."""
    columns = [*KEY_COLUMNS, "value", "status", "source", "source_id"]
    out = []
    for r in wanted.merge(obs[columns], on=KEY_COLUMNS, how="left").to_dict("records"):
        entry = {k: r[k] for k in ("side", *KEY_COLUMNS)} | {"present": pd.notna(r["status"])}
        if entry["present"]:
            entry |= {"source_id": r["source_id"], "source": r["source"]}
        if entry["present"] and not hidden:
            valued = r["status"] in VALUED_OBSERVATIONS
            value = number(r["value"]) if valued else None
            entry |= {"value": value, "status": r["status"], "symbol": symbol(r["status"])}
        out.append(entry)
    return out


def register_inputs(ind: Indicator, row, obs: pd.DataFrame, hidden: bool) -> list[dict]:
    """The observations one row of a numerator/denominator indicator is computed from (the
    selection of :func:`intmon_utils.indicators.compute_indicator`)."""
    wanted = [
        {
            "side": side,
            "area_id": row["area_id"],
            "year": int(row["year"]) + sel.year_offset,
            "variable": sel.variable,
            "group": sel.group or row["group"],
            "sex": sel.sex or row["sex"],
            "age": sel.age,
        }
        for side, selectors in (("numerator", ind.numerator), ("denominator", ind.denominator))
        for sel in selectors
    ]
    return _inputs(pd.DataFrame(wanted), obs, hidden)


def spatial_inputs(ind: Indicator, row, obs: pd.DataFrame, areas: pd.DataFrame) -> list[dict]:
    """The sub-area counts a segregation or concentration measure is computed over."""
    from .spatial import subarea_members

    spec, members = ind.spatial, subarea_members(obs, areas, parents=[row["area_id"]])
    cells = obs[
        obs["area_id"].isin(members["area_id"])
        & (obs["year"] == row["year"])
        & (obs["variable"] == spec.variable)
        & obs["group"].isin([spec.group, spec.other or "total"])
        & (obs["sex"] == "total")
        & (obs["age"] == "total")
    ].sort_values(["area_id", "group"])
    return _inputs(cells[KEY_COLUMNS].assign(side="subarea"), obs, False)


def survey_inputs(store, ind: Indicator, row) -> tuple[list[str], dict]:
    """The stored survey sources with answers to the item in this area and year, and the
    weighted share of the row's group recomputed from them (Σ w·y, Σ w, respondents)."""
    from .survey import GROUPS

    item, where = ind.survey.item, [("area_id", "==", row["area_id"]), ("year", "==", row["year"])]
    parts = {
        p.stem: pd.read_parquet(p, filters=where)
        for p in sorted(store.survey_dir.glob("*.parquet"))
    }
    parts = {s: m[m[item].notna()] for s, m in parts.items() if item in m and m[item].notna().any()}
    if not parts:
        return [], {}
    micro, selector = pd.concat(parts.values(), ignore_index=True), GROUPS[row["group"]]
    if selector is not None:
        micro = micro[micro[selector[0]] == selector[1]]
    y = micro[item].isin(list(ind.survey.positive))
    w = micro["weight"]
    sums = {"weighted_positive": float((w * y).sum()), "weighted_total": float(w.sum())}
    return list(parts), sums | {"respondents": len(micro)}


def internal_rows(store, ind: Indicator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unprotected observations and this indicator's rows computed from them, as
    :func:`intmon_utils.published.internal_tables` computes every indicator (no threshold)."""
    from .catalogue import Catalogue
    from .indicators import compute_indicators
    from .spatial import spatial_indicators
    from .survey import survey_indicators

    one, raw = Catalogue(indicators=(ind,)), store.read_observations()
    if ind.survey:
        return raw, survey_indicators(store.read_surveys(), one, 1)
    if ind.spatial:
        return raw, spatial_indicators(raw, store.read_areas(), one)
    return raw, compute_indicators(raw, one)


# -- the trace -----------------------------------------------------------------------------------
def _row(ind, row, pub, obs, areas, store, ctx) -> dict:
    internal, min_cases = ctx["internal"], ctx["thresholds"][1]
    status, pub_status = row["status"], pub["status"]
    hidden = not internal and pub_status == SUPPRESSED
    out = {
        "group": row["group"],
        "sex": row["sex"],
        "status": pub_status,
        "symbol": symbol(pub_status),
        "shown": format_value(pub["value"], pub_status, ind.unit, ctx["lang"]),
        "value": number(pub["value"]) if pub_status in VALUED_INDICATORS else None,
        "state": "published" if pub_status in VALUED_INDICATORS else pub_status,
    }
    if not hidden and pub_status not in VALUED_INDICATORS and pub_status != SUPPRESSED:
        out["reason"], out["detail"] = pub["reason"] or "", pub["detail"] or ""
    if internal:
        out["internal"] = {"value": number(row["value"]), "status": status}
    valued = status in VALUED_INDICATORS
    if ind.survey:
        sources, sums = survey_inputs(store, ind, row)
        out["survey_sources"] = sources
        n = row["n_cases"]
        if sources and not hidden and (internal or (pd.notna(n) and n >= min_cases)):
            out["computation"] = {
                **sums,
                "scale": ind.multiplier,
                "result": number(row["value"]),
                "ci_low": number(row["ci_low"]),
                "ci_high": number(row["ci_high"]),
            }
        elif sources:
            out["respondents_below"] = min_cases  # the count itself is not said
        out["inputs"] = []
        return out
    if ind.spatial:
        out["inputs"] = [] if hidden else spatial_inputs(ind, row, obs, areas)
        if valued:
            out["computation"] = {
                "measure": ind.spatial.measure,
                "subareas": number(row["n_cases"]),
                "detail": row["detail"] or "",
                "result": number(row["value"]),
            }
        return out
    out["inputs"], out["inputs_hidden"] = register_inputs(ind, row, obs, hidden), hidden
    if valued and not hidden:
        num, den = number(row["numerator"]), number(row["denominator"])
        out["computation"] = {
            "numerator": num,
            "denominator": den,
            "scale": ind.multiplier,
            "result": number(row["value"]),
            "exact": num / den * ind.multiplier if num is not None and den else None,
        }
    return out


def _gaps(ind: Indicator, table: pd.DataFrame) -> dict:
    """(group, sex) -> the gap to the reference group (in the indicator's unit)."""
    from .catalogue import Catalogue
    from .comparisons import gaps

    if not ind.reference_group:
        return {}
    g = gaps(table, Catalogue(indicators=(ind,)))
    return {
        (r["group"], r["sex"]): {"reference_group": r["reference_group"], "status": r["status"]}
        | {c: number(r[c]) for c in ("reference_value", "gap")}
        for _, r in g.iterrows()
    }


def _sources(store, source_ids: list[str]) -> list[dict]:
    """Each stored source used with its imports from the data log (oldest first)."""
    log = pd.read_csv(store.log_path, dtype=str) if store.log_path.is_file() else pd.DataFrame()
    log = log.reindex(columns=["source", *LOG_FIELDS]).fillna("")
    return [
        {"source_id": sid, "imports": log.loc[log["source"] == sid, LOG_FIELDS].to_dict("records")}
        for sid in source_ids
    ]


def report_files(outputs: Path, project: Path, area_id: str, ind: Indicator, year: int):
    """The reports of the area that show the indicator (its topic, the overview, the
    publication) in ``outputs/<report year>/manifest.json`` of the data year and later."""
    from . import manifest
    from .publication import PUBLICATION
    from .topics import OVERVIEW

    topics = {ind.topic, PUBLICATION} | ({OVERVIEW} if ind.key_figure else set())
    out = []
    years = [d for d in outputs.glob("*") if d.name.isdigit() and int(d.name) >= year]
    for year_dir in sorted(years):
        for e in manifest.read(year_dir / manifest.FILE):
            if e.get("area_id") != area_id or e.get("topic") not in topics:
                continue
            paths = [year_dir / area_id / str(name) for name in e.get("outputs") or []]
            files = [str(p.relative_to(project) if p.is_relative_to(project) else p) for p in paths]
            out.append(
                {"report_year": int(year_dir.name), "topic": e["topic"], "status": e.get("status")}
                | {"files": [f for f, p in zip(files, paths, strict=True) if p.exists()]}
            )
    return out


def build_trace(store, parameter_dir, outputs: Path, project: Path, request: dict) -> dict:
    """The trace of ``request`` (area, indicator, year, lang, internal, group, sex)."""
    from . import published
    from .disclosure.policy import workspace_policy
    from .subareas import descendants

    area_id, year, lang = request["area"], int(request["year"]), request.get("lang", "de")
    internal = bool(request.get("internal"))
    store.require()
    areas = store.read_areas()
    ind = find_indicator(request["indicator"])
    name = find_area(area_id, areas)
    policy = workspace_policy(parameter_dir, areas)
    published_rows = indicator_rows(published.indicators(store, policy), ind, area_id, year)
    pub_rows = _select(published_rows, "group", request.get("group"))
    pub_rows = _select(pub_rows, "sex", request.get("sex"))
    ids = [area_id, *sorted(descendants({area_id}, areas))] if ind.spatial else [area_id]
    if internal:
        observations, table = internal_rows(store, ind)
        observations = observations[observations["area_id"].isin(ids)]
        table = indicator_rows(table, ind, area_id, year)
    else:
        observations = published.load(store, policy).for_areas(ids)[0]
        table = published_rows
    obs = observations.merge(_stored_source_ids(store, ids), on=KEY_COLUMNS, how="left")
    ctx = {"internal": internal, "thresholds": policy.of_area(area_id), "lang": lang}
    keys = ["group", "sex"]
    rows = pub_rows.merge(table, on=keys, suffixes=("_pub", ""))
    rows = rows.sort_values(keys, key=lambda s: s.map(_order(s.name, ind)))
    traced, gaps = [], _gaps(ind, table)
    for _, r in rows.iterrows():
        pub = {c: r[f"{c}_pub"] for c in ("status", "value", "reason", "detail")}
        t = _row(ind, r, pub, obs, areas, store, ctx)
        gap = gaps.get((r["group"], r["sex"]))
        if gap and (internal or t["status"] in VALUED_INDICATORS):
            t["gap"] = gap
        traced.append(t)
    used = sorted({i["source_id"] for t in traced for i in t["inputs"] if i.get("source_id")})
    used_surveys = sorted({s for t in traced for s in t.get("survey_sources", [])})
    return {
        "area": {"id": area_id, "name": name},
        "indicator": definition(ind, lang),
        "year": year,
        "lang": lang,
        "classification": published.INTERNAL if internal else "",
        "synthetic": store.is_synthetic(),
        "rows": traced,
        "sources": _sources(store, used),
        "survey_sources": _sources(store, [f"survey:{s}" for s in used_surveys]),
        "disclosure": dict(zip(("min_count", "min_cases"), ctx["thresholds"], strict=True)),
        "reports": report_files(outputs, project, area_id, ind, year),
    }


def _order(column: str, ind: Indicator):
    """Rows in the catalogue's order of groups, then total, female, male."""
    order = list(ind.groups) if column == "group" else ["total", "female", "male"]
    return lambda value: order.index(value) if value in order else len(order)
