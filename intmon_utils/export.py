"""Outputs besides the notebooks: HTML without code, the Excel workbook, the index page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

from .catalogue import REPORT_TOPICS, TOPIC_LABELS, load_catalogue
from .fileio import atomic_path, write_text
from .formatting import LEGEND, format_value
from .indicators import VALUED_STATUSES
from .vocabulary import load_vocabulary

_EXPORTER = None


SHARED_CSS = "report.css"
_HEAD_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", flags=re.S)


def notebook_to_html(nb, css_href: str) -> tuple[str, str]:
    """HTML of an executed notebook with every code cell's input hidden (in-process).

    The template's stylesheets (about 260 KB, the same for every report) are moved out of the
    page into one shared file that each report links as ``css_href``; returns ``(html, css)``.
    Figures stay embedded, so a single report file can still be sent on its own (it then
    loses only the page styling).
    """
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(template_name="lab", exclude_input=True,
                                 exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = _EXPORTER.from_notebook_node(nb)
    head_end = body.index("</head>")
    head = body[:head_end]
    css = "\n".join(re.sub(r"^<style[^>]*>|</style>\s*$", "", block.strip())
                    for block in _HEAD_STYLE.findall(head))
    link = f'<link rel="stylesheet" href="{html.escape(css_href)}">\n'
    page = _HEAD_STYLE.sub("", head).replace("</title>", "</title>\n" + link, 1) + body[head_end:]
    return page, css


def area_workbook(table: pd.DataFrame, area_id: str, area_name: str, path: Path,
                  synthetic: bool, lang: str = "de") -> Path:
    """All published indicator values of one area as an Excel workbook with German labels."""
    vocab, catalogue = load_vocabulary(), load_catalogue()
    names = {i.id: i.text("name", lang) for i in catalogue}
    topics = {i.id: TOPIC_LABELS[i.topic][lang] for i in catalogue}
    units = {i.id: i.unit for i in catalogue}
    t = table[table["area_id"] == area_id].sort_values(["indicator_id", "year", "group", "sex"])
    df = pd.DataFrame({
        "Themenfeld": t["indicator_id"].map(topics),
        "Indikator": t["indicator_id"].map(names),
        "Kennung": t["indicator_id"],
        "Jahr": t["year"],
        "Gruppe": t["group"].map(lambda g: vocab.label("group", g, lang)),
        "Geschlecht": t["sex"].map(lambda s: vocab.label("sex", s, lang)),
        "Wert": [format_value(v, s, units[i], lang) for v, s, i in
                 zip(t["value"], t["status"], t["indicator_id"])],
        "Wert (Zahl)": t["value"].where(t["status"].isin(VALUED_STATUSES)),
        "Zähler": t["numerator"], "Nenner": t["denominator"],
        "Status": t["status"],
    })
    notes = [LEGEND[lang], "Quelle: intmon, eigene Berechnungen auf Basis der gelieferten Daten."]
    if synthetic:
        notes.insert(0, "SYNTHETISCHE DEMODATEN – keine realen Werte.")
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            df.to_excel(xl, sheet_name="Indikatoren", index=False, startrow=len(notes) + 2)
            ws = xl.sheets["Indikatoren"]
            ws.cell(row=1, column=1, value=f"Integrationsmonitoring {area_name} ({area_id})")
            for i, note in enumerate(notes, start=2):
                ws.cell(row=i, column=1, value=note)
    return path


def write_manifest(path: Path, entries: list[dict]) -> None:
    write_text(path, json.dumps({"jobs": entries}, ensure_ascii=False, indent=2))


def index_page(year: int, entries: list[dict], names: dict, matrix: pd.DataFrame,
               synthetic: bool) -> str:
    """``outputs/<year>/index.html``: every report linked, failures marked, availability."""
    topics = ["overview", *REPORT_TOPICS]
    labels = {"overview": "Überblick", **{t: TOPIC_LABELS[t]["de"] for t in REPORT_TOPICS}}
    by_area: dict[str, dict] = {}
    for e in entries:
        by_area.setdefault(e["area_id"], {})[e["topic"]] = e
    rows = []
    for area in sorted(by_area):
        cells = []
        for topic in topics:
            e = by_area[area].get(topic)
            if e is None:
                cells.append("<td></td>")
            elif e["status"] == "ok" or e["status"] == "skipped":
                cells.append(f'<td><a href="{area}/{topic}.html">{labels[topic]}</a></td>')
            else:
                cells.append(f'<td class="failed" title="{html.escape(e.get("error") or "")}">'
                             f'Fehler: {labels.get(topic, topic)}</td>')
        xlsx = f'<a href="{area}/{area}_indicators.xlsx">Excel</a>'
        rows.append(f"<tr><th>{html.escape(names.get(area, area))}<br><small>{area}</small></th>"
                    + "".join(cells) + f"<td>{xlsx}</td></tr>")
    banner = ('<p style="border:3px solid #D55E00;padding:8px;font-weight:bold">SYNTHETISCHE '
              'DEMODATEN: alle Zahlen sind erfunden und beschreiben keine reale Kommune.</p>'
              if synthetic else "")
    m = matrix.reset_index()     # status.summary: indexed by area_id
    m.insert(0, "Gebiet", m["area_id"].map(lambda a: names.get(a, a)))
    m = m.rename(columns={"area_id": "Kennung", "demography": "Bevölkerung",
                          **{t: TOPIC_LABELS[t]["de"] for t in REPORT_TOPICS}})
    failed = sum(1 for e in entries if e["status"] == "failed")
    head = "".join(f"<th>{labels[t]}</th>" for t in topics)
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Integrationsmonitoring {year}</title>
<style>body{{font-family:sans-serif;margin:2em}} td,th{{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}}
.failed{{background:#fdd}} table{{border-collapse:collapse}}</style></head><body>
<h1>Integrationsmonitoring {year}</h1>
{banner}
<p>{len(entries)} Berichte, davon {failed} fehlgeschlagen. Details: <a href="manifest.json">manifest.json</a>.</p>
<table><tr><th>Gebiet</th>{head}<th>Tabellen</th></tr>
{''.join(rows)}
</table>
<h2>Datenverfügbarkeit {year}</h2>
<p>Anzahl der Indikatoren mit Wert je Themenfeld (verfügbar/im Katalog).</p>
{m.to_html(index=False, border=0)}
</body></html>
"""
