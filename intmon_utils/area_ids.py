"""Area ids: text, end to end, so that the leading zeros of an AGS survive.

``DG`` is Germany, 2 digits a Land, 3 a Regierungsbezirk, 5 a Kreis, 8 a Gemeinde (the
Amtlicher Gemeindeschlüssel); areas below a municipality are ``<AGS>-<local code>`` with up to
12 letters or digits (``09162000-0101``). Every id that reaches a file name or an output
folder has passed :func:`is_valid_area_id`, so no id can point outside ``outputs/``.
"""

from __future__ import annotations

import re

# official codes: Germany, Land, Regierungsbezirk, Kreis, Gemeinde
OFFICIAL_CODE = r"DG|[0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{8}"
OFFICIAL_CODE_PATTERN = re.compile(rf"^({OFFICIAL_CODE})\Z")
# and areas below a municipality: "<AGS>-<local code>"
AREA_ID_PATTERN = re.compile(rf"^({OFFICIAL_CODE})(-[0-9A-Za-z]{{1,12}})?\Z")
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


def lost_zero(code: str) -> str | None:
    """``'9761000'`` -> ``'09761000'``: an official code that lost its leading zero (a
    spreadsheet read it as a number), or None."""
    if code.isascii() and code.isdigit() and len(code) + 1 in (2, 5, 8):
        return "0" + code
    return None


def bad_code_hint(codes) -> str:
    """The codes that are no official code, each with "did you mean" where it lost its leading
    zero, and what to do: ``'9761000' (did you mean '09761000'?) -> …``."""
    codes = list(dict.fromkeys(codes))
    shown = ", ".join(
        f"'{c}'" + (f" (did you mean '{lost_zero(c)}'?)" if lost_zero(c) else "") for c in codes[:5]
    )
    more = f" and {len(codes) - 5} more" if len(codes) > 5 else ""
    return f"{shown}{more} -> {area_id_hint(codes)}"


def area_id_hint(codes) -> str:
    """What to do about malformed area ids: the lost leading zero where that is the cause."""
    if any(lost_zero(str(c)) for c in codes):
        return (
            "the codes lost their leading zero (the file went through a spreadsheet that read "
            "them as numbers): download it again, or open it with the code column as text"
        )
    return AREA_ID_HINT
