"""Area ids: text, end to end, so that the leading zeros of an AGS survive.

``DG`` is Germany, 2 digits a Land, 3 a Regierungsbezirk, 5 a Kreis, 8 a Gemeinde (the
Amtlicher Gemeindeschlüssel); areas below a municipality are ``<AGS>-<local code>`` with up to
12 letters or digits (``09162000-0101``). Every id that reaches a file name or an output
folder has passed :func:`is_valid_area_id`, so no id can point outside ``outputs/``.
"""

from __future__ import annotations

import re

# official codes: Germany, Land, Regierungsbezirk, Kreis, Gemeinde
OFFICIAL_CODE = r"DG|\d{2}|\d{3}|\d{5}|\d{8}"
OFFICIAL_CODE_PATTERN = re.compile(rf"^({OFFICIAL_CODE})$")
# and areas below a municipality: "<AGS>-<local code>"
AREA_ID_PATTERN = re.compile(rf"^({OFFICIAL_CODE})(-[0-9A-Za-z]{{1,12}})?$")
AREA_ID_HINT = "use 'DG', an AGS of 2, 3, 5 or 8 digits as text, or '<AGS>-<local code>'"
QUOTE_HINT = (
    'quote it: area ids are text, e.g. area_id: "09761000" (unquoted, YAML reads a '
    "number with a leading 0 as octal: 01001000 becomes 262656)"
)


def is_valid_area_id(value) -> bool:
    """True for a text id of one of the documented forms."""
    return isinstance(value, str) and bool(AREA_ID_PATTERN.match(value))


def official_level(code: str) -> str | None:
    """The level of an official area code (``DG``, Land, Kreis, Gemeinde); ``None`` for a
    Regierungsbezirk (3 digits), which intmon does not import."""
    if code == "DG":
        return "country"
    return {2: "state", 5: "district", 8: "municipality"}.get(len(code))


def official_parent(code: str) -> str:
    """The parent of an official area code: Gemeinde -> Kreis -> Land -> ``DG``."""
    if code == "DG":
        return ""
    if len(code) == 2:
        return "DG"
    if len(code) == 5:
        return code[:2]
    return code[:5]
