"""The working group's Indikatorenkatalog: the catalogue rendered for people.

``intmon catalogue --format md|html|xlsx`` writes, per topic and indicator: name, definition,
formula (numerator ÷ denominator with the multiplier), unit, direction, groups compared,
source, rationale, caveats, levels, references, and — where a data folder is given — which
areas have data for it and for which years.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from .catalogue import TOPIC_LABELS, TOPICS, Indicator, load_catalogue
from .fileio import atomic_path, write_text
from .formatting import UNIT_LABEL
from .indicators import VALUED_STATUSES
from .status import year_ranges
from .vocabulary import load_vocabulary

DIRECTIONS = {"higher_is_better": {"de": "höher ist günstiger", "en": "higher is better"},
              "lower_is_better": {"de": "niedriger ist günstiger", "en": "lower is better"},
              "neutral": {"de": "neutral (Kontext)", "en": "neutral (context)"}}
FIELDS = {
    "de": ["Kennung", "Indikator", "Definition", "Formel", "Einheit", "Richtung", "Gruppen",
           "Quelle", "Begründung", "Hinweise", "Ebenen", "Bezüge", "Daten vorhanden"],
    "en": ["Id", "Indicator", "Definition", "Formula", "Unit", "Direction", "Groups", "Source",
           "Rationale", "Caveats", "Levels", "References", "Data available"],
}


def formula(ind: Indicator, lang: str = "de") -> str:
    vocab = load_vocabulary()
    if ind.spatial:
        sp = ind.spatial
        groups = " / ".join(vocab.label("group", g, lang) for g in (sp["group"], sp.get("other")) if g)
        return (f"{sp['measure']} über die Teilgebiete: {groups} ({vocab.label('variable', sp['variable'], lang)})"
                if lang == "de" else
                f"{sp['measure']} over the sub-areas: {groups} ({vocab.label('variable', sp['variable'], lang)})")
    if ind.survey:
        return (f"gewichteter Anteil der gültigen Antworten '{ind.survey['item']}' in "
                f"{ind.survey['positive']} × 100 (Befragung, 95-%-Konfidenzintervall)" if lang == "de"
                else f"weighted share of valid answers '{ind.survey['item']}' in "
                     f"{ind.survey['positive']} × 100 (survey, 95 % confidence interval)")

    def side(selectors):
        parts = []
        for s in selectors:
            text = vocab.label("variable", s.variable, lang)
            extras = [vocab.label("age", s.age, lang)] if s.age != "total" else []
            if s.group:
                extras.append(vocab.label("group", s.group, lang))
            if s.year_offset == -1:
                extras.append("Vorjahr" if lang == "de" else "previous year")
            parts.append(text + (f" ({', '.join(extras)})" if extras else ""))
        return " + ".join(parts)

    factor = {"percent": " × 100", "per_1000": " × 1.000" if lang == "de" else " × 1,000"}.get(ind.unit, "")
    return f"{side(ind.numerator)} ÷ {side(ind.denominator)}{factor}"


def availability(table: pd.DataFrame, names: dict[str, str], areas_of_interest: list[str]
                 ) -> dict[str, str]:
    """Per indicator: the areas of interest with values (and years), else a count by level."""
    ok = table[table["status"].isin(VALUED_STATUSES) & (table["sex"] == "total")]
    out = {}
    for ind_id, rows in ok.groupby("indicator_id"):
        listed = [f"{names.get(a, a)} ({year_ranges(r['year'])})"
                  for a, r in rows.groupby("area_id") if a in areas_of_interest]
        out[ind_id] = "; ".join(listed) if listed else f"{rows['area_id'].nunique()} areas"
    return out


def entries(lang: str = "de", available: dict[str, str] | None = None) -> pd.DataFrame:
    vocab = load_vocabulary()
    rows = []
    for ind in load_catalogue():
        refs = "; ".join(f"{r['ref']}: {r['note'][lang]}" for r in ind.references)
        values = [ind.id, ind.text("name", lang), ind.text("description", lang), formula(ind, lang),
                  UNIT_LABEL[lang][ind.unit], DIRECTIONS[ind.direction][lang],
                  ", ".join(vocab.label("group", g, lang) for g in ind.groups),
                  ind.text("source", lang), ind.text("rationale", lang), ind.text("caveats", lang),
                  ", ".join(vocab.label("area_level", lv, lang) for lv in ind.levels), refs,
                  (available or {}).get(ind.id, "–" if available is not None else "")]
        rows.append({"topic": ind.topic, **dict(zip(FIELDS[lang], values))})
    return pd.DataFrame(rows)


def render(fmt: str, target: Path, lang: str = "de", available: dict[str, str] | None = None,
           synthetic: bool = False) -> Path:
    df = entries(lang, available)
    if available is None:
        df = df.drop(columns=FIELDS[lang][-1])
    title = "Indikatorenkatalog" if lang == "de" else "Indicator catalogue"
    note = ("Datenverfügbarkeit aus SYNTHETISCHEN Demodaten." if lang == "de" else
            "Data availability from SYNTHETIC demo data.") if synthetic else ""
    if fmt == "xlsx":
        with atomic_path(target) as tmp:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for topic in TOPICS:
                    part = df[df["topic"] == topic].drop(columns="topic")
                    part.to_excel(xl, sheet_name=TOPIC_LABELS[topic][lang][:31], index=False,
                                  startrow=2 if note else 0)
                    if note:
                        xl.sheets[TOPIC_LABELS[topic][lang][:31]].cell(row=1, column=1, value=note)
        return target
    lines = []
    for topic in TOPICS:
        part = df[df["topic"] == topic]
        if fmt == "md":
            lines.append(f"## {TOPIC_LABELS[topic][lang]}\n")
            for _, row in part.iterrows():
                lines.append(f"### {row[FIELDS[lang][1]]} (`{row[FIELDS[lang][0]]}`)\n")
                lines += [f"- **{k}:** {row[k]}" for k in FIELDS[lang][2:] if k in row]
                lines.append("")
        else:
            lines.append(f"<h2>{html.escape(TOPIC_LABELS[topic][lang])}</h2>")
            for _, row in part.iterrows():
                lines.append(f"<h3>{html.escape(row[FIELDS[lang][1]])} "
                             f"<code>{html.escape(row[FIELDS[lang][0]])}</code></h3><dl>")
                lines += [f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(row[k]))}</dd>"
                          for k in FIELDS[lang][2:] if k in row]
                lines.append("</dl>")
    if fmt == "md":
        text = f"# {title}\n\n" + (f"**{note}**\n\n" if note else "") + "\n".join(lines)
    else:
        text = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}'
                f'</title><style>body{{font-family:sans-serif;margin:2em;max-width:60em}}'
                f'dt{{font-weight:bold}}</style></head><body><h1>{title}</h1>'
                + (f"<p><b>{note}</b></p>" if note else "") + "\n".join(lines) + "</body></html>")
    return write_text(target, text)
