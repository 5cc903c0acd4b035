"""Cell parsing shared by every reader: German numbers and the official status symbols.

One symbol can mean different things per publisher (docs/assumptions.md): ``*`` is a
secrecy mark for the Bundesagentur für Arbeit but "cannot occur" for others, so every reader
names its publisher. Parsing is vectorised over a column of text cells and returns a value and
a status per cell; a cell that is neither a number nor a known symbol is an error naming the
file, row and column.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import DataError

_COMMON = {
    "-": "zero",
    "–": "zero",
    "—": "zero",  # hyphen, en dash (AfS Berlin-Brandenburg), em dash
    ".": "secret",
    "x": "not_meaningful",
    "X": "not_meaningful",
    "/": "uncertain",
    "...": "not_yet_available",
    "…": "not_yet_available",
}
SYMBOLS = {
    "destatis": dict(_COMMON),  # GENESIS, Regionaldatenbank, Länder offices
    "ba": {**_COMMON, "*": "secret"},  # BA: values 1, 2 and back-calculable cells
    "municipal": dict(_COMMON),  # city statistics offices (AfS style)
    # Koblenz: "kommt aus sachlogischen Gründen nicht in Frage"
    "koblenz": {**_COMMON, "*": "not_meaningful"},
}
_NUMBER = re.compile(r"^[+-]?\s*([0-9]{1,3}([ .\u00a0\u202f][0-9]{3})+|[0-9]+)(,[0-9]+)?$")
_PLAIN = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$")


def parse_cells(
    cells: pd.Series,
    publisher: str = "destatis",
    decimal: str = ",",
    origin: str = "",
    column: str = "",
    row_offset: int = 1,
) -> tuple[pd.Series, pd.Series]:
    """Turn text cells into ``(value, status)``.

    ``decimal=","``: German numbers — ``1.234,5``, ``1 234,5``, ``-  23``, padded cells.
    ``decimal="."``: plain machine numbers (``1234.5``). Empty cells become status
    ``missing`` (callers decide whether that is allowed). ``row_offset`` maps the Series
    position to the file's row number in error messages.
    """
    if publisher not in SYMBOLS:
        raise DataError(f"unknown publisher {publisher!r}; known: {sorted(SYMBOLS)}")
    symbols = SYMBOLS[publisher]
    text = cells.astype("string").fillna("").str.strip().str.strip('"').str.strip()
    status = text.map(symbols).astype("object")
    is_empty = text == ""
    status[is_empty] = "missing"
    numeric = status.isna()
    candidates = text[numeric]
    if decimal == ",":
        ok = candidates.str.match(_NUMBER)
        cleaned = candidates.str.replace(r"[ .\u00a0\u202f]", "", regex=True).str.replace(
            ",", ".", regex=False
        )
    else:
        ok = candidates.str.match(_PLAIN)
        cleaned = candidates
    bad = numeric.copy()
    bad[numeric] = ~ok.fillna(False).astype(bool)
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())[:5]
        examples = "; ".join(f"row {p + row_offset}: {text.iloc[p]!r}" for p in positions)
        raise DataError(
            f"{origin}: column '{column}' has cells that are neither numbers nor "
            f"symbols of publisher '{publisher}' ({examples}) -> correct the file, or "
            f"choose the right publisher/decimal mark in the mapping"
        )
    value = pd.Series(np.nan, index=cells.index, dtype="float64")
    value[numeric] = pd.to_numeric(cleaned[ok.fillna(False).astype(bool)], errors="raise")
    status[numeric] = np.where(value[numeric] == 0, "zero", "ok")
    value[status == "zero"] = 0.0
    return value, status.astype(str)
