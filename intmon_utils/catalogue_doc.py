"""The working group's Indikatorenkatalog: the catalogue rendered for people.

``intmon catalogue --format md|html|xlsx`` writes, per topic and indicator: name, definition,
formula (numerator ÷ denominator with the multiplier), unit, direction, groups compared,
source, rationale, caveats, levels, references, and — where a data folder is given — which
areas have data for it and for which years.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import pages
from .availability import year_ranges
from .catalogue import Indicator, load_catalogue
from .cellsafety import neutralise_workbook
from .fileio import atomic_path, write_text
from .formatting import unit_label
from .statuses import VALUED_INDICATORS
from .texts import text
from .topics import TOPICS, topic_label
from .vocabulary import load_vocabulary

FIELD_KEYS = (
    "id",
    "indicator",
    "definition",
    "formula",
    "unit",
    "direction",
    "groups",
    "source",
    "rationale",
    "caveats",
    "levels",
    "references",
    "available",
)


def direction_label(direction: str, lang: str = "de") -> str:
    """``higher_is_better`` -> ``höher ist günstiger``."""
    return text(f"catalogue_direction_{direction}", lang)


def field_labels(lang: str = "de") -> list[str]:
    """The catalogue's column labels in ``lang``, in the order of ``FIELD_KEYS``."""
    return [text(f"catalogue_field_{key}", lang) for key in FIELD_KEYS]


def formula(ind: Indicator, lang: str = "de") -> str:
    """The indicator's formula in words: numerator ÷ denominator with the multiplier."""
    if ind.spatial:
        return _spatial_formula(ind.spatial, lang)
    if ind.survey:
        return text(
            "catalogue_formula_survey",
            lang,
            item=ind.survey.item,
            positive=list(ind.survey.positive),
        )
    factor = (
        text(f"catalogue_factor_{ind.unit}", lang) if ind.unit in ("percent", "per_1000") else ""
    )
    return text(
        "catalogue_formula_ratio",
        lang,
        numerator=_formula_side(ind.numerator, lang),
        denominator=_formula_side(ind.denominator, lang),
        factor=factor,
    )


def _spatial_formula(spatial: dict, lang: str) -> str:
    vocab = load_vocabulary()
    groups = " / ".join(vocab.label("group", g, lang) for g in (spatial.group, spatial.other) if g)
    measure = text(f"catalogue_measure_{spatial.measure}", lang)
    return text(
        "catalogue_formula_spatial",
        lang,
        measure=measure,
        groups=groups,
        variable=vocab.label("variable", spatial.variable, lang),
    )


def _formula_side(selectors, lang: str) -> str:
    """One side of a ratio: the variables with their age band, group and year offset."""
    vocab = load_vocabulary()
    parts = []
    for s in selectors:
        label = vocab.label("variable", s.variable, lang)
        extras = [vocab.label("age", s.age, lang)] if s.age != "total" else []
        if s.group:
            extras.append(vocab.label("group", s.group, lang))
        if s.year_offset == -1:
            extras.append(text("catalogue_previous_year", lang))
        parts.append(label + (f" ({', '.join(extras)})" if extras else ""))
    return " + ".join(parts)


def availability(
    table: pd.DataFrame, names: dict[str, str], areas_of_interest: list[str], lang: str = "de"
) -> dict[str, str]:
    """Per indicator: the areas of interest with values (and years), else a count of areas."""
    ok = table[table["status"].isin(VALUED_INDICATORS) & (table["sex"] == "total")]
    out = {}
    for ind_id, rows in ok.groupby("indicator_id"):
        listed = [
            f"{names.get(a, a)} ({year_ranges(r['year'])})"
            for a, r in rows.groupby("area_id")
            if a in areas_of_interest
        ]
        out[ind_id] = (
            "; ".join(listed)
            if listed
            else text("catalogue_areas_with_data", lang, count=rows["area_id"].nunique())
        )
    return out


def entries(lang: str = "de", available: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per indicator: its topic and every catalogue field labelled in ``lang``."""
    vocab = load_vocabulary()
    labels = field_labels(lang)
    rows = []
    for ind in load_catalogue():
        refs = "; ".join(f"{r.ref}: {getattr(r.note, lang)}" for r in ind.references)
        values = [
            ind.id,
            ind.text("name", lang),
            ind.text("description", lang),
            formula(ind, lang),
            unit_label(ind.unit, lang),
            direction_label(ind.direction, lang),
            ", ".join(vocab.label("group", g, lang) for g in ind.groups),
            ind.text("source", lang),
            ind.text("rationale", lang),
            ind.text("caveats", lang),
            ", ".join(vocab.label("area_level", lv, lang) for lv in ind.levels),
            refs,
            (available or {}).get(ind.id, "–" if available is not None else ""),
        ]
        rows.append({"topic": ind.topic, **dict(zip(labels, values))})
    return pd.DataFrame(rows)


def render(
    fmt: str,
    target: Path,
    lang: str = "de",
    available: dict[str, str] | None = None,
    synthetic: bool = False,
) -> Path:
    """Write the catalogue as ``md``, ``html`` or ``xlsx`` to ``target``."""
    df = entries(lang, available)
    labels = field_labels(lang)
    if available is None:
        df = df.drop(columns=labels[-1])
    title = text("catalogue_title", lang)
    note = text("catalogue_synthetic_note", lang) if synthetic else ""
    if fmt == "xlsx":
        return _write_xlsx(df, target, lang, note)
    if fmt == "md":
        return write_text(target, _markdown(df, labels, title, note, lang))
    return write_text(target, _html(df, labels, title, note, lang))


def _write_xlsx(df: pd.DataFrame, target: Path, lang: str, note: str) -> Path:
    """One sheet per topic; the synthetic-data note (if any) above the table; no text that
    Excel would run as a formula (``cellsafety``)."""
    with atomic_path(target) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for topic in TOPICS:
                sheet = topic_label(topic, lang)[:31]
                part = df[df["topic"] == topic].drop(columns="topic")
                part.to_excel(xl, sheet_name=sheet, index=False, startrow=2 if note else 0)
                if note:
                    xl.sheets[sheet].cell(row=1, column=1, value=note)
            neutralise_workbook(xl.book)
    return target


def _markdown(df: pd.DataFrame, labels: list[str], title: str, note: str, lang: str) -> str:
    lines = [f"# {title}\n"] + ([f"**{note}**\n"] if note else [])
    for topic in TOPICS:
        lines.append(f"## {topic_label(topic, lang)}\n")
        for _, row in df[df["topic"] == topic].iterrows():
            lines.append(f"### {row[labels[1]]} (`{row[labels[0]]}`)\n")
            lines += [f"- **{k}:** {row[k]}" for k in labels[2:] if k in row]
            lines.append("")
    return "\n".join(lines)


def _html(df: pd.DataFrame, labels: list[str], title: str, note: str, lang: str) -> str:
    """The catalogue page from ``templates/catalogue.html`` (escaped by the template)."""
    topics = []
    for topic in TOPICS:
        part = df[df["topic"] == topic]
        topics.append(
            {
                "label": topic_label(topic, lang),
                "entries": [
                    {
                        "id": row[labels[0]],
                        "name": row[labels[1]],
                        "fields": [(k, str(row[k])) for k in labels[2:] if k in row],
                    }
                    for _, row in part.iterrows()
                ],
            }
        )
    return pages.render("catalogue.html", lang=lang, title=title, note=note, topics=topics)
