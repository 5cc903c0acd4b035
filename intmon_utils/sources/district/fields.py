"""Building blocks of the mapping schema: the base of its sections and the field types (how a
YAML value becomes text, a column name, a number, a regular expression or a code map), with
messages that say what to write instead.

Every type is ``Annotated[...]`` with a validator that raises ``ValueError("problem -> hint")``;
:func:`intmon_utils.config.loading.parse` turns it into an error naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import pandas as pd
from pydantic import AfterValidator, BeforeValidator, PlainValidator, model_validator

from ...config.loading import StrictModel, describe, problem_at, reject_unknown_keys

DOCS = "docs/district-tables.md"
MUNICIPALITY = "municipality"  # aggregate level keyword: the whole municipality
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


# ---------------------------------------------------------------------------------------------
# text as it is compared
# ---------------------------------------------------------------------------------------------


def norm(text: Any) -> str:
    """Whitespace collapsed, stripped: how headers, names and labels are compared."""
    return " ".join(str(text).replace("\ufeff", "").split())


def norm_column(values: pd.Series, fn: Callable[[Any], str] = norm) -> pd.Series:
    """``fn`` applied to a column, once per distinct value (a column of 2 million cells holds
    a few hundred labels)."""
    distinct = pd.unique(values)
    return values.map(dict(zip(distinct, map(fn, distinct), strict=True)))


def norm_label(text: Any) -> str:
    """Like :func:`norm`, case ignored: how area names and labels are matched."""
    return norm(text).casefold()


# ---------------------------------------------------------------------------------------------
# conversions (each raises ValueError("problem -> hint"))
# ---------------------------------------------------------------------------------------------


def as_text(value: Any, numbers_ok: bool = False) -> str:
    """Text; numbers are accepted only where leading zeros cannot matter (column names)."""
    if isinstance(value, str):
        return value
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if numbers_ok and is_number and isinstance(value, int):
        return str(value)
    if is_number:
        raise ValueError(
            f"must be text in quotes, got {describe(value)} -> write it as "
            f'"{value}": YAML reads unquoted digits as a number and drops '
            f"leading zeros (01100101 → 1100101, 01 → 1)"
        )
    raise ValueError(f"must be text, got {describe(value)} -> write it as text in quotes")


def column_name(value: Any) -> str:
    """A column name as the header holds it (a number is its digits), whitespace collapsed."""
    return norm(as_text(value, numbers_ok=True))


def listed(value: Any) -> tuple:
    """A list as a tuple; a single value is a list of one."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def entries(value: Any) -> tuple:
    """A list of mappings ('- ' items) as a tuple."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    raise ValueError(
        f"must be a list ('- ' items), got {describe(value)} -> write each entry "
        f"on its own line starting with '- ' (see {DOCS})"
    )


def whole_number(minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(
                f"must be a whole number ≥ {minimum}, got {describe(value)} -> "
                f"write a number without quotes"
            )
        return value

    return check


def one_of(allowed: Iterable[str] | Callable[[], Iterable[str]]) -> Callable[[str], str]:
    """A check that the text is one of ``allowed`` (or of what ``allowed()`` returns)."""

    def check(value: str) -> str:
        choices = list(allowed() if callable(allowed) else allowed)
        if value not in choices:
            raise ValueError(f"{value!r} is not allowed -> use one of {', '.join(choices)}")
        return value

    return check


def compile_regex(value: Any) -> re.Pattern:
    try:
        return re.compile(as_text(value))
    except re.error as exc:
        raise ValueError(
            f"not a valid regular expression ({exc}) -> write a Python regular "
            f"expression in single quotes, e.g. '^\\d{{2}}$'"
        ) from None


def usable_kind(value: str) -> str:
    if not _KIND.match(value) or value == MUNICIPALITY:
        raise ValueError(
            f"{value!r} is not a usable kind -> use lower-case letters, digits and "
            f"'_' (e.g. bezirk, planungsraum); 'municipality' is reserved"
        )
    return value


def code_map(value: Any) -> dict[str, str]:
    """``{code: text}`` or ``{text: code}``: both sides text, codes quoted (leading zeros)."""
    if not isinstance(value, dict):
        raise ValueError(
            f"must be a mapping, got {describe(value)} -> write one 'key: value' "
            f"pair per line, e.g. '\"01\": Mitte'"
        )
    out = {}
    for key, text in value.items():
        try:
            out[as_text(key)] = as_text(text)
        except ValueError as exc:
            raise problem_at((str(key),), str(exc), key) from None
    return out


def _labels(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(norm_label(v) for v in values)


# ---------------------------------------------------------------------------------------------
# the types
# ---------------------------------------------------------------------------------------------

Text = Annotated[str, BeforeValidator(as_text)]
OptText = Annotated[str | None, BeforeValidator(as_text)]
Column = Annotated[str, BeforeValidator(column_name)]
OptColumn = Annotated[str | None, BeforeValidator(column_name)]
Columns = Annotated[tuple[Column, ...], BeforeValidator(listed)]
Texts = Annotated[tuple[Text, ...], BeforeValidator(listed)]
NameLabels = Annotated[tuple[Text, ...], BeforeValidator(listed), AfterValidator(_labels)]
ColumnLabels = Annotated[tuple[Column, ...], BeforeValidator(listed), AfterValidator(_labels)]
Count = Annotated[int, BeforeValidator(whole_number(0))]
OptPositive = Annotated[int | None, BeforeValidator(whole_number(1))]
OptRegex = Annotated[re.Pattern | None, PlainValidator(compile_regex)]
Kind = Annotated[str, BeforeValidator(as_text), AfterValidator(usable_kind)]
OptKind = Annotated[str | None, BeforeValidator(as_text), AfterValidator(usable_kind)]
CodeMap = Annotated[dict[str, str], PlainValidator(code_map)]


def Choice(*allowed: str):
    """Text that must be one of ``allowed``."""
    return Annotated[str, BeforeValidator(as_text), AfterValidator(one_of(allowed))]


def OptChoice(allowed):
    """Optional text that must be one of ``allowed`` (a list, or a function giving one)."""
    return Annotated[str | None, BeforeValidator(as_text), AfterValidator(one_of(allowed))]


def Entries(model):
    """A list of mappings, each validated by ``model``."""
    return Annotated[tuple[model, ...], BeforeValidator(entries)]


# ---------------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------------


class Section(StrictModel):
    """A mapping of keys in the file. A key left empty (``key:``) counts as not given; an
    unknown key is reported before anything else (a misspelt key is not "missing")."""

    @model_validator(mode="before")
    @classmethod
    def _given_keys(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, dict):
            reject_unknown_keys(cls, data)
            return {k: v for k, v in data.items() if v is not None}
        if isinstance(data, cls):
            return data
        raise ValueError(
            f"must be a mapping of keys, got {describe(data)} -> write 'key: value' "
            f"lines indented under it (see {DOCS})"
        )
