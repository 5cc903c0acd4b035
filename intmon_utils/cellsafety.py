"""Text cells a spreadsheet would run as a formula, neutralised in every CSV and Excel file
intmon writes for people.

Texts such as area names come from imported files. A spreadsheet reads a cell that begins
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula, so a name like
``=HYPERLINK("http://x","y")`` would become a live link or worse (CSV or formula injection).
OWASP recommends prefixing such a cell with a single quote:
https://owasp.org/www-community/attacks/CSV_Injection

The rule (:func:`neutralise`): a text whose first character after any leading ``'`` is one
of those triggers gets one ``'`` more in front, except

- the official symbols (``-`` is "exactly zero"; ``.``, ``x``, ``/``, ``...``, ``–``), and
- a plain number written as text, in German or English format, with an optional unit
  (``-1,2``, ``+1.234,5 %``, ``-0.5 pp``): a formatted table shows negative changes so.

Numbers stored as numbers are never touched. Because leading quotes are looked through, a
text that already begins with ``'`` before a trigger gets one more, and :func:`restore`
(strip exactly one ``'`` where :func:`neutralise` added one) is the exact inverse: a data
package round-trips through ``intmon import`` unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

QUOTE = "'"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
OFFICIAL_SYMBOLS = frozenset({"-", ".", "x", "/", "...", "–"})
_NUMBER = re.compile(
    r"[-+]?(?:\d{1,3}(?:\.\d{3})*(?:,\d+)?"  # German: 1.234,5
    r"|\d{1,3}(?:,\d{3})*(?:\.\d+)?"  # English: 1,234.5
    r"|\d+(?:[.,]\d+)?)"  # plain: 1234,5 or 1234.5
    r"(?: ?(?:%|‰|Pp\.|pp))?"  # the units a formatted table shows
)
_STARTS = (*TRIGGERS, QUOTE)  # the first characters of a text that may need a change


def _runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` (after its leading quotes) as a formula."""
    payload = text.lstrip(QUOTE)
    return (
        payload.startswith(TRIGGERS)
        and payload not in OFFICIAL_SYMBOLS
        and _NUMBER.fullmatch(payload) is None
    )


def neutralise(value):
    """``value`` with a ``'`` in front where it is a text a spreadsheet would run as a
    formula; everything else (numbers, symbols, formatted numbers, other texts) unchanged."""
    if isinstance(value, str) and _runs_as_formula(value):
        return QUOTE + value
    return value


def restore(value):
    """The inverse of :func:`neutralise`: the ``'`` it added removed, nothing else."""
    if isinstance(value, str) and value.startswith(QUOTE) and _runs_as_formula(value):
        return value[1:]
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell, column name and index label neutralised
    (object and string columns only; numeric columns are not touched)."""
    return _apply(df, neutralise)


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`neutralise_frame`."""
    return _apply(df, restore)


def neutralise_workbook(book) -> None:
    """Neutralise every text cell of an openpyxl workbook in place (a text beginning with
    ``=`` was taken for a formula when it was written; it becomes text again)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = neutralise(cell.value)
                    if safe is not cell.value:
                        cell.value = safe


def _apply(df: pd.DataFrame, cell: Callable) -> pd.DataFrame:
    out = df.copy()
    out.columns = _labels(out.columns, cell)
    out.index = _labels(out.index, cell)
    for i in range(out.shape[1]):
        out.isetitem(i, _column(out.iloc[:, i], cell))
    return out


def _column(column: pd.Series, cell: Callable) -> pd.Series:
    if isinstance(column.dtype, pd.StringDtype):  # vectorised: most texts need no change
        hit = column.str.startswith(_STARTS, na=False)
        if not hit.any():
            return column
        column = column.copy()
        column[hit] = column[hit].map(cell)
        return column
    if column.dtype == object:
        return column.map(cell)
    return column


def _labels(index: pd.Index, cell: Callable) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_labels(level, cell) for level in index.levels])
    if index.dtype == object or isinstance(index.dtype, pd.StringDtype):
        return index.map(cell)
    return index
