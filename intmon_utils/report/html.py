"""HTML building blocks of the report sections: every text is escaped here, once."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..formatting import legend
from ..texts import text

STYLE = """<style>
.intmon-table {border-collapse: collapse; font-size: 0.9em}
.intmon-table th, .intmon-table td {text-align: left !important; padding: 3px 8px;
  vertical-align: top}
.intmon-table .num {text-align: right !important}
.intmon-table td.num {white-space: nowrap}
.intmon-gap {color: #8a4b00}
.intmon-hint {color: #555; font-size: 0.85em}
@media print {details.figure-data {display: none}}
.intmon-commentary {border-left: 4px solid #0072B2; padding: 0 0 0 12px; margin: 12px 0}
</style>"""


@dataclass
class Section:
    """One report section: a heading, HTML body, and the data behind it."""

    title: str
    body: str
    data: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)
    level: int = 2

    def _repr_html_(self) -> str:
        return f"<h{self.level}>{html.escape(self.title)}</h{self.level}>\n{self.body}"

    def __repr__(self) -> str:
        """The plain-text form Jupyter stores beside the HTML in an executed notebook: the
        title only, never the data, files or figures behind the section."""
        return self.title


def paragraph(text: str, cls: str = "") -> str:
    """``<p>`` with the escaped text (and a CSS class)."""
    return f'<p class="{cls}">{html.escape(text)}</p>' if cls else f"<p>{html.escape(text)}</p>"


def gap_note(text: str) -> str:
    """A paragraph that says what is missing and why."""
    return paragraph(text, "intmon-gap")


def heading(text: str, level: int = 3) -> str:
    return f"<h{level}>{html.escape(text)}</h{level}>"


def table(df: pd.DataFrame, lang: str) -> str:
    """The table with escaped cells, ``.`` for empty ones, and the legend of the symbols.

    Columns of numbers and symbols are right-aligned and never wrapped (class ``num``). A
    table wider than ``MAX_COLUMNS`` is split into parts that each repeat its leading text
    columns (indicator, group, year), so that no column is cut off on an A4 page."""
    cells = df.astype(object).where(df.notna(), ".").astype(str)
    numeric = [_is_numeric(cells[c]) for c in cells.columns]
    keys = next((i for i, n in enumerate(numeric) if n), len(numeric))
    while keys < len(numeric) and cells.iloc[:, keys].str.fullmatch(r"\d{4}").all():
        keys += 1  # the year a row is "as of" belongs to its label
    keys = min(keys, 3)
    rest = list(range(keys, len(cells.columns)))
    width = MAX_COLUMNS - keys
    chunks = [rest[i : i + width] for i in range(0, len(rest), width)] or [[]]
    parts = []
    for n, chunk in enumerate(chunks, start=1):
        columns = [*range(keys), *chunk]
        part = text("report_table_part", lang, n=n, of=len(chunks))
        note = paragraph(part, "intmon-part-note") if len(chunks) > 1 else ""
        parts.append(note + _table_html(cells, columns, numeric))
    return (
        "".join(parts) + f'<p class="intmon-legend"><small>{html.escape(legend(lang))}</small></p>'
    )


MAX_COLUMNS = 8
NUMERIC_CELL = re.compile(r"[+\-−–]?\d[\d.,]*\s?(%|Pp\.|pp|m²|‰)?( ¹)?|[.\-x/]|\.\.\.|\d+ / \d+|")


def _is_numeric(column: pd.Series) -> bool:
    return bool(column.map(lambda v: bool(NUMERIC_CELL.fullmatch(v.strip()))).all())


def _table_html(cells: pd.DataFrame, columns: list[int], numeric: list[bool]) -> str:
    head = "".join(
        f'<th scope="col"{_num(numeric[i])}>{html.escape(str(cells.columns[i]))}</th>'
        for i in columns
    )
    rows = "".join(
        "<tr>"
        + "".join(f"<td{_num(numeric[i])}>{html.escape(row[i])}</td>" for i in columns)
        + "</tr>"
        for row in cells.itertuples(index=False)
    )
    return (
        f'<table class="intmon-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _num(numeric: bool) -> str:
    return ' class="num"' if numeric else ""


def definition_list(items: list[tuple[str, str]]) -> str:
    """``<dl>`` of (term, description) pairs; terms in bold."""
    return (
        "<dl>"
        + "".join(f"<dt><b>{html.escape(k)}</b></dt><dd>{html.escape(v)}</dd>" for k, v in items)
        + "</dl>"
    )


def commentary_block(label: str, body: str) -> str:
    """The working group's interpretation of what precedes it, set off by a rule on the
    left; ``body`` is already sanitised HTML. The label is left out when the text begins
    with a heading of its own."""
    own_heading = re.match(r"\s*<h[1-6]>", body)
    title = "" if own_heading else f"<p><strong>{html.escape(label)}</strong></p>"
    return f'<div class="intmon-commentary">{title}{body}</div>'


def figure_data(label: str, table_html: str) -> str:
    """The data behind a figure, folded under it (shown on request, not printed)."""
    return (
        f'<details class="figure-data"><summary>{html.escape(label)}</summary>'
        f"{table_html}</details>"
    )


def banner(text: str) -> str:
    """The framed warning at the top of a report made from synthetic data."""
    return (
        f'<div class="intmon-synthetic" style="border:3px solid #D55E00;padding:8px;'
        f'font-weight:bold">{html.escape(text)}</div>'
    )


def missing(title: str, message: str) -> Section:
    """A section that only says why it has nothing to show."""
    return Section(title, gap_note(message))
