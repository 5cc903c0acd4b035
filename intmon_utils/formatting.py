"""German number formatting and the official status symbols (domain reference §5.1).

A value is never shown without its status: a secret cell shows ``.``, an exact zero ``-``,
a blocked cell ``x``. ``LEGEND`` is printed under every table.
"""

from __future__ import annotations

import math

import pandas as pd

# Observation statuses (DESIGN §2) and the symbol each is published with.
OBSERVATION_STATUSES = {
    "ok": "",
    "zero": "-",
    "secret": ".",
    "not_meaningful": "x",
    "uncertain": "/",
    "not_yet_available": "...",
    "estimated": "",
    "not_applicable": "x",
}

# Indicator statuses and their symbols.
INDICATOR_STATUSES = {
    "ok": "",
    "estimated": "",
    "suppressed": ".",
    "missing_input": ".",
    "not_applicable": "x",
    "not_yet_available": "...",
    "uncertain": "/",
}

LEGEND = {
    "de": ("Zeichenerklärung: - = genau null; . = Zahlenwert unbekannt oder geheim zu halten; "
           "x = Tabellenfach gesperrt, weil Aussage nicht sinnvoll; / = keine Angabe, da Zahlenwert "
           "nicht sicher genug; ... = Angabe fällt später an."),
    "en": ("Symbols: - = exactly zero; . = value unknown or confidential; x = cell blocked because "
           "a value would not be meaningful; / = no value, not reliable enough; ... = value not yet "
           "available."),
}

UNIT_DECIMALS = {"percent": 1, "per_1000": 1, "ratio": 2, "index": 1, "square_metres": 1,
                 "percentage_points": 1, "persons": 0}
UNIT_SUFFIX = {
    "de": {"percent": " %", "per_1000": " ‰", "square_metres": " m²", "percentage_points": " Pp."},
    "en": {"percent": " %", "per_1000": " ‰", "square_metres": " m²", "percentage_points": " pp"},
}
UNIT_LABEL = {
    "de": {"percent": "%", "per_1000": "je 1.000", "ratio": "Verhältnis", "index": "Index",
           "square_metres": "m² je Person", "percentage_points": "Prozentpunkte"},
    "en": {"percent": "%", "per_1000": "per 1,000", "ratio": "ratio", "index": "index",
           "square_metres": "m² per person", "percentage_points": "percentage points"},
}


def format_number(value: float, decimals: int = 1, lang: str = "de", sign: bool = False) -> str:
    """``1234.5`` -> ``'1.234,5'`` (de) or ``'1,234.5'`` (en); no sign on a rounded zero."""
    if round(value, decimals) == 0:
        value, sign = 0.0, False
    text = f"{value:{'+' if sign else ''},.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_value(value, status: str, unit: str = "percent", lang: str = "de",
                 with_unit: bool = False, sign: bool = False) -> str:
    """Cell text for one indicator value: a German-formatted number or the status symbol."""
    symbol = INDICATOR_STATUSES.get(status, OBSERVATION_STATUSES.get(status, "."))
    if symbol:
        return symbol
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "."
    if value == 0 and not sign:
        return "-"
    text = format_number(float(value), UNIT_DECIMALS.get(unit, 1), lang, sign=sign)
    return text + (UNIT_SUFFIX[lang].get(unit, "") if with_unit else "")

