"""The Tabellenband: every published indicator value of one municipality as an Excel workbook
a German statistics office would publish, and the same values machine-readable.

- a contents sheet (title, area, data origin, thresholds, symbols, source, one link per topic
  sheet and the indicators on it);
- one sheet per topic with a frozen header row and one block per indicator: a title row, then
  the values by group, sex and year with unit, numerator, denominator, confidence interval and
  case count where they exist;
- numbers stored as numbers, values rounded to their unit's decimals as the reports show
  them, with display formats (German Excel shows the decimal comma and the thousands point);
  an exact zero shows as ``-``;
  a value without a number shows its official symbol, and the note column says why
  ("geheim zu halten" and "für dieses Gebiet nicht erhoben" are told apart);
- the symbol legend, the thresholds and the source at the foot of every sheet; a banner on
  every sheet for synthetic data.

Written atomically. The machine-readable copy (:func:`write_values`) is CSV (UTF-8, ``,``,
decimal point) and Parquet with one row per value. Texts a spreadsheet would run as a formula
get a ``'`` in front in the workbook and the CSV (``cellsafety``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from .catalogue import load_catalogue
from .cellsafety import neutralise_frame, neutralise_workbook
from .fileio import atomic_path
from .formatting import UNIT_DECIMALS, legend, unit_label
from .statuses import VALUED_INDICATORS, symbol
from .texts import text
from .topics import TOPICS, topic_label, topic_short_label
from .vocabulary import load_vocabulary

COLUMNS = (  # key of the text page_workbook_<key>, column width
    ("year", 8),
    ("group", 34),
    ("sex", 12),
    ("value", 12),
    ("unit", 16),
    ("numerator", 14),
    ("denominator", 14),
    ("ci_low", 11),
    ("ci_high", 11),
    ("n_cases", 11),
    ("note", 34),
)
COUNT_FORMAT = "#,##0"
BOLD = Font(bold=True)
BANNER = PatternFill("solid", fgColor="FFF2CC")
# why a value has no number, by reason code (else by status): texts page_workbook_note_<key>
NOTE_BY_REASON = {
    "secret": "secret",
    "secret_source": "secret",
    "missing_numerator": "not_collected",
    "missing_denominator": "not_collected",
    "zero_denominator": "not_meaningful",
    "not_meaningful": "not_meaningful",
    "too_few_cases": "uncertain",
    "uncertain": "uncertain",
    "not_yet_available": "not_yet_available",
}


def number_format(unit: str) -> str:
    """Display format of a value in ``unit``: its decimals, and ``-`` for an exact zero."""
    decimals = UNIT_DECIMALS.get(unit, 1)
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f'{body};-{body};"-"'


def _rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of one indicator's block: years with at least one published number (an
    indicator never collected here keeps one row that says so)."""
    shown = table["status"].isin(VALUED_INDICATORS)
    years = set(table.loc[shown, "year"])
    if not years:
        return table.sort_values("year").tail(1)
    return table[table["year"].isin(years)]


def _note(row, lang: str) -> str:
    if row["status"] in VALUED_INDICATORS:
        return ""
    key = NOTE_BY_REASON.get(row["reason"] or row["status"], "not_collected")
    return text(f"page_workbook_note_{key}", lang)


def _sheet_rows(table: pd.DataFrame, ind, lang: str) -> list[list]:
    vocab = load_vocabulary()
    order = {g: i for i, g in enumerate(ind.groups)}
    t = _rows(table).assign(_g=lambda d: d["group"].map(order), _s=lambda d: d["sex"].ne("total"))
    decimals = UNIT_DECIMALS.get(ind.unit, 1)

    def number(r, column, digits=None):
        v = r.get(column)
        if r["status"] not in VALUED_INDICATORS or pd.isna(v):
            return None
        return round(float(v), digits) if digits is not None else float(v)

    rows = []
    for _, r in t.sort_values(["_g", "_s", "sex", "year"]).iterrows():
        value = number(r, "value", decimals)  # published rounded, as shown
        rows.append(
            [
                int(r["year"]),
                vocab.label("group", r["group"], lang),
                vocab.label("sex", r["sex"], lang),
                symbol(r["status"]) if value is None else value,
                unit_label(ind.unit, lang),
                number(r, "numerator"),
                number(r, "denominator"),
                number(r, "ci_low", decimals),
                number(r, "ci_high", decimals),
                number(r, "n_cases"),
                _note(r, lang),
            ]
        )
    return rows


def _feet(lang: str, synthetic: bool, disclosure: str) -> list[str]:
    notes = [legend(lang), *filter(None, [disclosure]), text("page_workbook_source", lang)]
    return ([text("page_workbook_synthetic", lang)] if synthetic else []) + notes


def _topic_sheet(wb, topic, indicators, table, lang, synthetic, disclosure, title):
    ws = wb.create_sheet(topic_short_label(topic, lang))
    ws.append([title + " – " + topic_label(topic, lang)])
    ws["A1"].font = Font(bold=True, size=13)
    if synthetic:
        ws.append([text("page_workbook_synthetic", lang)])
        ws["A2"].fill = BANNER
        ws["A2"].font = BOLD
    ws.append([text(f"page_workbook_{key}", lang) for key, _ in COLUMNS])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{header + 1}"  # (ws.cell() would create a row)
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for ind in indicators:
        rows = _sheet_rows(table[table["indicator_id"] == ind.id], ind, lang)
        if not rows:
            continue
        ws.append([f"{ind.text('name', lang)} ({ind.id})"])
        ws.cell(row=ws.max_row, column=1).font = BOLD
        value_format = number_format(ind.unit)
        for row in rows:
            ws.append(row)
            r = ws.max_row
            ws.cell(row=r, column=4).number_format = value_format
            ws.cell(row=r, column=4).alignment = Alignment(horizontal="right")
            for col in (6, 7, 10):
                ws.cell(row=r, column=col).number_format = COUNT_FORMAT
            for col in (8, 9):
                ws.cell(row=r, column=col).number_format = value_format
        ws.append([])
    for note in _feet(lang, synthetic, disclosure):
        ws.append([note])
    return ws


def write_tabellenband(
    table: pd.DataFrame,
    area_id: str,
    area_name: str,
    path: Path,
    synthetic: bool,
    lang: str = "de",
    disclosure: str = "",
    provenance: list[tuple[str, str]] = (),
) -> Path:
    """The Tabellenband of ``area_id`` from the published indicator table; ``disclosure`` is
    the paragraph on the thresholds (``formatting.disclosure_note``), ``provenance`` the
    (label, text) pairs of how it was made (:func:`intmon_utils.provenance.lines`), listed
    at the end of the contents sheet."""
    catalogue = load_catalogue()
    mine = table[table["area_id"] == area_id]
    title = text("page_workbook_title", lang, name=area_name, area_id=area_id)
    wb = Workbook()
    contents = wb.active
    contents.title = text("page_workbook_contents", lang)[:31]
    contents.append([title])
    contents["A1"].font = Font(bold=True, size=14)
    contents.column_dimensions["A"].width = 60
    contents.column_dimensions["B"].width = 70
    for note in _feet(lang, synthetic, disclosure):
        contents.append([note])
        contents.cell(row=contents.max_row, column=1).alignment = Alignment(wrap_text=True)
    if synthetic:
        contents["A2"].fill = BANNER
        contents["A2"].font = BOLD
    contents.append([])
    contents.append([text("page_workbook_topic", lang), text("page_workbook_indicator", lang)])
    for cell in contents[contents.max_row]:
        cell.font = BOLD
    for topic in TOPICS:
        indicators = [i for i in catalogue.by_topic(topic) if (mine["indicator_id"] == i.id).any()]
        if not indicators:
            continue
        ws = _topic_sheet(wb, topic, indicators, mine, lang, synthetic, disclosure, title)
        for k, ind in enumerate(indicators):
            contents.append([topic_label(topic, lang) if k == 0 else "", ind.text("name", lang)])
            link = contents.cell(row=contents.max_row, column=1 if k == 0 else 2)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{ws.title}'!A1")
            link.style = "Hyperlink"
    if provenance:
        contents.append([])
        contents.append([text("provenance_title", lang)])
        contents.cell(row=contents.max_row, column=1).font = BOLD
        for label, value in provenance:
            contents.append([label, value])
    neutralise_workbook(wb)  # texts from imported files never run as formulas
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def value_rows(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """Published values as machines read them, one per row: a value without a number has
    its symbol and no numerator or denominator; demo data say so in every row."""
    t = table.copy()
    t["symbol"] = t["status"].map(symbol)
    t.loc[~t["status"].isin(VALUED_INDICATORS), ["value", "numerator", "denominator"]] = None
    if synthetic:
        t["data_origin"] = text("report_data_origin", "en")
    return t


def write_values(table: pd.DataFrame, area_id: str, stem: Path, synthetic: bool) -> list[Path]:
    """Every published value of ``area_id``, one row per value, as ``<stem>.csv`` (UTF-8,
    ``,``, decimal point) and ``<stem>.parquet``; values without a number carry their
    symbol."""
    t = value_rows(table[table["area_id"] == area_id], synthetic)
    written = []
    for suffix, write in (
        (".csv", lambda p: neutralise_frame(t).to_csv(p, index=False, encoding="utf-8")),
        (".parquet", lambda p: t.to_parquet(p, index=False)),
    ):
        path = stem.with_suffix(suffix)
        with atomic_path(path) as tmp:
            write(tmp)
        written.append(path)
    return written
