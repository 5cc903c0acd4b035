"""The trace of one value (:mod:`intmon_utils.trace`) as text for people or JSON for tools.

The renderer adds nothing to the structure: what a trace of the published tables does not
hold (a suppressed value's inputs, whether a suppression is primary) cannot be printed. A
trace of the unprotected tables marks every line :data:`intmon_utils.published.INTERNAL`.
"""

from __future__ import annotations

import json
import textwrap

from .formatting import format_number, format_value, legend, unit_label
from .published import INTERNAL
from .texts import text
from .vocabulary import load_vocabulary

WIDTH = 100


def label(key: str, lang: str, **values) -> str:
    """The trace's text ``key`` (``texts/trace.yml``)."""
    return text(f"trace_{key}", lang, **values)


def _count(value, lang: str) -> str:
    """A count or sum as printed: whole numbers without decimals."""
    if value in (None, ""):
        return "–"
    value = float(value)
    return format_number(value, 0 if value.is_integer() else 2, lang)


def _wrap(head: str, body: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(
        f"{head}: {body}",
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent * 3,
        break_on_hyphens=False,
    )


def _row_name(row: dict, lang: str) -> str:
    vocab = load_vocabulary()
    return f"{vocab.label('group', row['group'], lang)} / {vocab.label('sex', row['sex'], lang)}"


def _state(row: dict, lang: str, why: bool = False) -> str:
    """Published or not; ``why``: with the reason of a value without a number (never for a
    suppressed value: its symbol and the one text only)."""
    if row["status"] == "suppressed":
        return f"{row['symbol']}  {label('suppressed', lang)}"
    words = label(row["state"], lang)
    if why and row.get("reason"):
        words += " – " + text(f"report_reason_{row['reason']}", lang, detail=row.get("detail", ""))
    return words


def _value_section(trace: dict, lang: str) -> list[str]:
    unit, out = trace["indicator"]["unit"], [label("s_value", lang)]
    out.append(f"  {trace['indicator']['name']} ({trace['indicator']['id']})")
    for row in trace["rows"]:
        shown = format_value(row["value"], row["status"], unit, lang, with_unit=True)
        out.append(f"  {_row_name(row, lang)}: {shown}  [{_state(row, lang)}]")
        if "internal" in row:
            i = row["internal"]
            value = format_value(i["value"], i["status"], unit, lang, with_unit=True)
            out.append(f"    {label('internal_value', lang)}: {value} ({i['status']})")
    return out


def _selector(sel: dict, lang: str) -> str:
    vocab = load_vocabulary()
    parts = [
        vocab.label("group", sel["group"], lang) if sel["group"] else label("row_group", lang),
        vocab.label("sex", sel["sex"], lang) if sel["sex"] else label("row_sex", lang),
        vocab.label("age", sel["age"], lang),
    ]
    if sel["year_offset"]:
        parts.append(label("previous_year", lang))
    return f"{sel['label']} ({', '.join(parts)})"


def _definition_section(d: dict, lang: str) -> list[str]:
    vocab = load_vocabulary()
    out = [label("s_definition", lang), f"  {d['name']}"]
    out += _wrap(label("description", lang), d["description"])
    scale = _count(d["scale"], lang)
    if d["kind"] == "register":
        out.append("  " + label("formula", lang, scale=scale))
        for side in ("numerator", "denominator"):
            terms = " + ".join(_selector(s, lang) for s in d[side])
            out.append(f"    {label(side, lang)}: {terms}")
    elif d["kind"] == "survey":
        positive = ", ".join(map(str, d["survey"]["positive"]))
        item = d["survey"]["item"]
        out.append("  " + label("survey_formula", lang, positive=positive, item=item, scale=scale))
    else:
        s = d["spatial"]
        groups = " / ".join(vocab.label("group", g, lang) for g in (s["group"], s["other"]) if g)
        out.append(
            "  "
            + label(
                "spatial_formula",
                lang,
                measure=label(s["measure"], lang),
                variable=vocab.label("variable", s["variable"], lang),
                group=groups,
            )
        )
    out.append(f"  {label('unit', lang)}: {unit_label(d['unit'], lang)}")
    groups = ", ".join(vocab.label("group", g, lang) for g in d["groups"])
    if d["reference_group"]:
        ref = vocab.label("group", d["reference_group"], lang)
        groups += f"; {label('reference_group', lang)}: {ref}"
    out.append(f"  {label('groups', lang)}: {groups}")
    out += _wrap(label("source", lang), d["source"])
    out += _wrap(label("caveats", lang), d["caveats"])
    return out


def _input_line(i: dict, lang: str) -> str:
    vocab = load_vocabulary()
    where = i["area_id"] + " · " if i["side"] == "subarea" else ""
    cell = (
        f"{where}{vocab.label('variable', i['variable'], lang)} · "
        f"{vocab.label('group', i['group'], lang)} · {vocab.label('sex', i['sex'], lang)} · "
        f"{vocab.label('age', i['age'], lang)} · {i['year']}"
    )
    if not i["present"]:
        return f"    {label(i['side'], lang)}: {cell}: {label('missing', lang)}"
    shown = ""
    if "status" in i:
        shown = ": " + (_count(i["value"], lang) if i["value"] is not None else i["symbol"])
        shown += f" ({i['status']})"
    return f"    {label(i['side'], lang)}: {cell}{shown} · {i['source_id']}"


def _inputs_section(trace: dict, lang: str) -> list[str]:
    out = [label("s_inputs", lang)]
    for row in trace["rows"]:
        out.append(f"  {_row_name(row, lang)}:")
        if row.get("inputs_hidden"):
            out.append(f"    {label('hidden_inputs', lang)}")
        out += [_input_line(i, lang) for i in row["inputs"]]
        if row.get("survey_sources"):
            out.append(f"    {label('survey', lang)}: {', '.join(row['survey_sources'])}")
            if "computation" in row:
                n = _count(row["computation"]["respondents"], lang)
            else:
                n = label("respondents_below", lang, n=row.get("respondents_below", "?"))
            out.append(f"    {label('respondents', lang)}: {n}")
    out.append("  " + label("sources", lang) + ":")
    for source in trace["sources"] + trace["survey_sources"]:
        texts = sorted(
            {
                i["source"]
                for r in trace["rows"]
                for i in r["inputs"]
                if i.get("source_id") == source["source_id"]
            }
        )
        head = f"    {label('stored_source', lang)} {source['source_id']}"
        out.append(head + (": " + "; ".join(f"„{t}“" for t in texts) if texts else ""))
        out += [f"      {_import(e, lang)}" for e in source["imports"]]
        if not source["imports"]:
            out.append(f"      {label('no_import', lang)}")
    return out


def _import(e: dict, lang: str) -> str:
    if e.get("mode"):
        counts = label(
            "counts",
            lang,
            **{k: _count(e.get(k), lang) for k in ("added", "replaced", "unchanged", "removed")},
        )
    else:
        counts = label("rows", lang, rows=_count(e.get("rows"), lang))
    sha = e.get("origin_sha256") or "–"
    return label(
        "import",
        lang,
        time=e["time"],
        origin=e["origin"],
        sha=sha,
        mode=e.get("mode") or "–",
        counts=counts,
    )


def _computation(row: dict, trace: dict, lang: str) -> str:
    d, c = trace["indicator"], row.get("computation")
    unit = d["unit"]
    if row["status"] == "suppressed" and "internal" not in row:
        return f"{row['symbol']}  {label('suppressed', lang)}"
    if c is None:
        return _state(row, lang, why=True)
    result = format_value(c["result"], "ok", unit, lang, with_unit=True)
    scale = _count(d["scale"], lang)
    if d["kind"] == "register":
        exact = format_number(c["exact"], 4, lang) if c["exact"] is not None else "–"
        num, den = _count(c["numerator"], lang), _count(c["denominator"], lang)
        return f"{num} ÷ {den} × {scale} = {exact} → {result}"
    if d["kind"] == "survey":
        low = format_value(c["ci_low"], "ok", unit, lang, with_unit=True)
        high = format_value(c["ci_high"], "ok", unit, lang, with_unit=True)
        share = f"{_count(c['weighted_positive'], lang)} ÷ {_count(c['weighted_total'], lang)}"
        return f"Σw·y ÷ Σw × {scale} = {share} × {scale} → {result}; " + label(
            "ci", lang, low=low, high=high
        )
    n = label("subareas_used", lang, n=_count(c["subareas"], lang))
    return f"{label(c['measure'], lang)} ({n}) → {result}"


def _computation_section(trace: dict, lang: str) -> list[str]:
    vocab, unit = load_vocabulary(), trace["indicator"]["unit"]
    gap_unit = "percentage_points" if unit == "percent" else unit
    out = [label("s_computation", lang)]
    for row in trace["rows"]:
        out.append(f"  {_row_name(row, lang)}: {_computation(row, trace, lang)}")
        gap = row.get("gap")
        if gap:
            group = vocab.label("group", gap["reference_group"], lang)
            reference = format_value(gap["reference_value"], "ok", unit, lang, with_unit=True)
            shown = format_value(
                gap["gap"], gap["status"], gap_unit, lang, with_unit=True, sign=True
            )
            out.append("    " + label("gap", lang, group=group, reference=reference, gap=shown))
    return out


def _disclosure_section(trace: dict, lang: str) -> list[str]:
    out = [label("s_disclosure", lang), "  " + label("thresholds", lang, **trace["disclosure"])]
    out += [f"  {_row_name(row, lang)}: {_state(row, lang)}" for row in trace["rows"]]
    return out


def _reports_section(trace: dict, lang: str) -> list[str]:
    from .topics import topic_label

    out = [label("s_reports", lang)]
    for r in trace["reports"]:
        topic = topic_label(r["topic"], lang) if r["topic"] != "publication" else r["topic"]
        files = ", ".join(r["files"]) or label("no_files", lang)
        out.append(
            "  "
            + label(
                "report", lang, files=files, year=r["report_year"], topic=topic, status=r["status"]
            )
        )
    if not trace["reports"]:
        out.append("  " + label("no_reports", lang))
    return out


def render_text(trace: dict) -> str:
    lang = trace["lang"]
    area = trace["area"]
    lines = [
        label("title", lang),
        f"{label('area', lang)}: {area['name']} ({area['id']}) · {label('indicator', lang)}: "
        f"{trace['indicator']['id']} · {label('year', lang)}: {trace['year']}",
    ]
    if trace["synthetic"]:
        lines.append(label("synthetic", lang))
    for section in (
        _value_section,
        _definition_section,
        _inputs_section,
        _computation_section,
        _disclosure_section,
        _reports_section,
    ):
        lines.append("")
        lines += (
            section(trace["indicator"], lang)
            if section is _definition_section
            else section(trace, lang)
        )
    lines += ["", *textwrap.wrap(legend(lang), WIDTH)]
    if trace["classification"]:
        lines = [f"{line}  [{INTERNAL}]" if line else f"[{INTERNAL}]" for line in lines]
    return "\n".join(lines)


def _clean(value):
    """JSON-safe: NaN as null, numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def render_json(trace: dict) -> str:
    return json.dumps(_clean(trace), ensure_ascii=False, indent=2)
