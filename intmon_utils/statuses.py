"""Value statuses and the official symbols they are published with: defined here, once.

An **observation** (one count of the store) has one of ``OBSERVATION_SYMBOLS``; an
**indicator value** has one of ``INDICATOR_SYMBOLS``. A value is never shown without its
status: a secret cell shows ``.``, an exact zero ``-``, a blocked cell ``x``, an uncertain one
``/``, one not yet available ``...`` (the symbols of German official statistics).
"""

from __future__ import annotations

# observation status -> published symbol
OBSERVATION_SYMBOLS = {
    "ok": "",
    "zero": "-",
    "secret": ".",
    "not_meaningful": "x",
    "uncertain": "/",
    "not_yet_available": "...",
    "estimated": "",
    "not_applicable": "x",
    "derived": "",  # computed from the table's own counts (total − foreign): intmon_utils/derive.py
}
# observations that carry a usable number (a zero is a number)
VALUED_OBSERVATIONS = ("ok", "zero", "estimated", "derived")
# ... of which exact counts (no estimate), and those whose value field must hold a number
EXACT_OBSERVATIONS = ("ok", "zero", "derived")
NUMBER_REQUIRED = ("ok", "estimated", "derived")
# observations that carry no number at all: the value field must be empty
SYMBOL_ONLY = frozenset(
    {"secret", "not_meaningful", "uncertain", "not_yet_available", "not_applicable"}
)

# indicator status -> published symbol
INDICATOR_SYMBOLS = {
    "ok": "",
    "estimated": "",
    "suppressed": ".",
    "missing_input": ".",
    "not_applicable": "x",
    "not_yet_available": "...",
    "uncertain": "/",
}
# indicator values that carry a number a reader may see
VALUED_INDICATORS = ("ok", "estimated")
# the status an observation passes on to an indicator computed from it
INDICATOR_STATUS_OF_INPUT = {
    "ok": "ok",
    "zero": "ok",
    "derived": "ok",  # exact; the report's sources name the derivation
    "estimated": "estimated",
    "secret": "suppressed",
    "uncertain": "uncertain",
    "not_yet_available": "not_yet_available",
    "not_meaningful": "not_applicable",
    "not_applicable": "not_applicable",
}
# precedence when inputs of different status meet: the higher rank wins
STATUS_RANK = {
    "ok": 0,
    "estimated": 1,
    "not_applicable": 2,
    "uncertain": 3,
    "not_yet_available": 4,
    "suppressed": 5,
    "missing_input": 6,
}
# reason codes of values without a number (their texts are in intmon_utils/texts)
REASON_BY_STATUS = {
    "uncertain": "uncertain",
    "not_yet_available": "not_yet_available",
    "not_applicable": "not_meaningful",
}


def symbol(status: str) -> str:
    """The published symbol of an indicator or observation status (unknown: ``.``)."""
    return INDICATOR_SYMBOLS.get(status, OBSERVATION_SYMBOLS.get(status, "."))
