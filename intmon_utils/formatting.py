"""Number formatting of indicator values with their status symbols (German by default).

A value is never shown without its status (``intmon_utils.statuses``); the legend of the
symbols (:func:`legend`) is printed under every table. Unit names and suffixes are texts
(``texts/formatting.yml``).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from .statuses import symbol
from .texts import text

UNIT_DECIMALS = {
    "percent": 1,
    "per_1000": 1,
    "ratio": 2,
    "index": 1,
    "square_metres": 1,
    "percentage_points": 1,
    "persons": 0,
}
# (thousands separator, decimal separator) per report language
SEPARATORS = {"de": (".", ","), "en": (",", ".")}


def legend(lang: str) -> str:
    """The explanation of the official symbols, printed under every table."""
    return text("legend", lang)


def disclosure_note(
    lang: str, counts: tuple[int, int], min_cases: int, reason: str | None = None
) -> str:
    """The disclosure-control paragraph of a report or workbook: the thresholds in force
    (``counts``: the smallest and largest ``min_count`` of the areas shown), the procedure
    in plain words, and the reason for a threshold below the usual one."""
    low, high = counts
    if high <= 1:
        parts = [text("disclosure_counts_none", lang)]
    elif low == high:
        parts = [text("disclosure_counts", lang, threshold=high)]
    else:
        parts = [text("disclosure_counts_range", lang, low=low, high=high)]
    parts.append(text("disclosure_procedure", lang, min_cases=min_cases))
    if reason:
        parts.append(text("disclosure_reason", lang, reason=reason))
    return " ".join(parts)


def unit_label(unit: str, lang: str) -> str:
    """The name of a unit: ``je 1.000``, ``Prozentpunkte`` …"""
    return text(f"unit_label_{unit}", lang)


def unit_suffix(unit: str, lang: str) -> str:
    """What follows a number of this unit: `` %``, `` ‰``, `` Pp.`` or nothing."""
    return text(f"unit_suffix_{unit}", lang)


def format_number(value: float, decimals: int = 1, lang: str = "de", sign: bool = False) -> str:
    """``1234.5`` -> ``'1.234,5'`` (de) or ``'1,234.5'`` (en); no sign on a rounded zero."""
    if round(value, decimals) == 0:
        value, sign = 0.0, False
    thousands, decimal = SEPARATORS[lang]
    plain = f"{value:{'+' if sign else ''},.{decimals}f}"
    return plain.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def format_value(
    value,
    status: str,
    unit: str = "percent",
    lang: str = "de",
    with_unit: bool = False,
    sign: bool = False,
) -> str:
    """Cell text for one indicator value: a formatted number or the status symbol."""
    shown = symbol(status)
    if shown:
        return shown
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "."
    if value == 0 and not sign:
        return "-"
    number = format_number(float(value), UNIT_DECIMALS.get(unit, 1), lang, sign=sign)
    return number + (unit_suffix(unit, lang) if with_unit else "")


SHOWN_NUMBER = re.compile(r"([+\-−]?)(\d[\d.,]*)(?:\s?(%|‰|m²|Pp\.|pp))?(?=\s|$)")


def parse_shown(cell: str, lang: str) -> tuple[float | None, str, str]:
    """The inverse of :func:`format_value` for one table cell: ``'+1.234,5 Pp.'`` ->
    ``(1234.5, 'Pp.', '')``, ``'89,3 % (KI 87,3–91,3)'`` -> ``(89.3, '%', '(KI 87,3–91,3)')``;
    ``(None, '', '')`` for a symbol or a text."""
    cell = cell.strip()
    m = SHOWN_NUMBER.match(cell)
    if not m:
        return None, "", ""
    thousands, decimal = SEPARATORS[lang]
    digits = m.group(2).replace(thousands, "").replace(decimal, ".")
    try:
        value = float(digits)
    except ValueError:
        return None, "", ""
    note = cell[m.end() :].strip()
    if note and not note.startswith(("(", "¹")):
        return None, "", ""  # "4 / 4" is a rank, not a number with a note
    sign = -1.0 if m.group(1) in ("-", "−") else 1.0
    return sign * value, m.group(3) or "", note
