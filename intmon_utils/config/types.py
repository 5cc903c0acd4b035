"""The value types of the configuration files: validated at the boundary, with messages that
say what to write instead."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BeforeValidator, Field

from ..area_ids import QUOTE_HINT, bad_code_hint, is_valid_area_id
from .loading import describe


def _area_id(value):
    if not isinstance(value, str):
        raise ValueError(
            f"must be a quoted text id, YAML read {value!r} "
            f"({type(value).__name__}) -> {QUOTE_HINT}"
        )
    if not is_valid_area_id(value):
        raise ValueError(f"malformed area id {bad_code_hint([value])}")
    return value


def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty text, got {describe(value)}")
    return value


def _year(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise ValueError(
            f"must be a year such as 2024, got {describe(value)} -> write the year "
            f"as a number without quotes"
        )
    return value


def _iso_date(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    _text(value)
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"must be a date such as 2025-03-31, got {describe(value)}") from None


AreaId = Annotated[str, BeforeValidator(_area_id)]
Text = Annotated[str, BeforeValidator(_text)]
Year = Annotated[int, BeforeValidator(_year)]
Count = Annotated[int, Field(ge=1)]
IsoDate = Annotated[str, BeforeValidator(_iso_date)]
