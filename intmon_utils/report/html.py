"""HTML building blocks of the report sections: every text is escaped here, once."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..formatting import legend

STYLE = """<style>
.intmon-table {border-collapse: collapse; font-size: 0.9em}
.intmon-table th, .intmon-table td {text-align: left !important; padding: 3px 8px;
  vertical-align: top}
.intmon-table td + td + td {text-align: right !important; white-space: nowrap}
.intmon-gap {color: #8a4b00}
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
    """The table with escaped cells, ``.`` for empty ones, and the legend of the symbols."""
    body = df.to_html(index=False, escape=True, border=0, classes="intmon-table", na_rep=".")
    return body + f'<p class="intmon-legend"><small>{html.escape(legend(lang))}</small></p>'


def definition_list(items: list[tuple[str, str]]) -> str:
    """``<dl>`` of (term, description) pairs; terms in bold."""
    return (
        "<dl>"
        + "".join(f"<dt><b>{html.escape(k)}</b></dt><dd>{html.escape(v)}</dd>" for k, v in items)
        + "</dl>"
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
