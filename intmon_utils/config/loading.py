"""Reading YAML and validating it into pydantic models with messages a user can act on."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, RootModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..errors import ConfigError
from ..reading import SMALL_FILE_LIMIT, load_yaml, read_text

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every configuration model: unknown keys are errors, values are not coerced
    (a YAML number is not silently turned into text, which would lose leading zeros), and a
    loaded model is immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def describe(value: Any) -> str:
    """How a YAML value reads to a user: ``the number 9101000``, ``the text 'x'``, ``a list``."""
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def suggest(word: str, allowed) -> str:
    """``"did you mean 'columns'? "`` for a misspelt key or value, else ``""``."""
    close = difflib.get_close_matches(str(word), [str(a) for a in allowed], n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def read_yaml(
    path: str | Path,
    error: type[ConfigError] = ConfigError,
    what: str = "file",
    missing_hint: str = "check the path",
) -> dict:
    """A YAML file that must hold a mapping (an empty file is an empty mapping). Problems of
    the whole file raise ``error`` without a key: ``<path>: <what> not found -> <hint>``."""
    path = Path(path)
    if not path.is_file() and not path.is_dir():
        raise error(path, None, f"{what} not found", missing_hint)
    text = read_text(path, what, error, max_bytes=SMALL_FILE_LIMIT)
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise error(
            path,
            None,
            f"not valid YAML ({exc})",
            "correct the file at the position shown",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(
            path,
            "(top level)",
            f"must be a mapping of keys, got {describe(data)}",
            "write 'key: value' lines",
        )
    return data


def deep_merge(base: dict, override: dict) -> dict:
    """``override`` over ``base``; nested mappings are merged key by key, so a partial
    override (``disclosure: {min_cases: 50}``) keeps the other keys of the base
    (``min_count``). Lists and scalars are replaced whole. Neither input is changed."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _dotted(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if item == "[key]":
            continue
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that owns the last key of ``loc`` (for the allowed keys of a
    misspelt one)."""
    current: Any = _unwrap_root(model)
    for item in loc[:-1]:
        if isinstance(item, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        field = current.model_fields.get(str(item))
        if field is None:  # a key of a mapping of models (``columns.Einwohner``)
            continue
        current = _unwrap_root(_inner_model(field.annotation))
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap_root(model: Any) -> Any:
    """The model inside a ``RootModel`` (a file that is a mapping of entries), else ``model``."""
    if isinstance(model, type) and issubclass(model, RootModel):
        return _inner_model(model.model_fields["root"].annotation)
    return model


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside ``X``, ``list[X]``, ``dict[str, X]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def parse(
    model: type[M],
    data: dict,
    origin: str | Path,
    error: type[ConfigError] = ConfigError,
    docs: str = "",
    context: dict | None = None,
) -> M:
    """Validate ``data`` into ``model``; the first problem becomes ``error(origin, key, …)``.

    Validators raise ``ValueError("problem -> hint")`` (or pydantic's ``PydanticCustomError``)
    to give their own message; a ``->`` separates the problem from what to do.
    ``docs`` names the document a user reads for the keys.
    """
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # a misspelt required key gives "missing" and "unknown key": the latter helps more
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(err["loc"])
        key = _dotted(loc)
        see = f" (see {docs})" if docs else ""
        kind = err["type"]
        if kind == "extra_forbidden":
            owner = _model_at(model, loc)
            allowed = list(owner.model_fields) if owner else []
            raise error(
                origin,
                key,
                "unknown key",
                f"{suggest(str(loc[-1]), allowed)}allowed here: {', '.join(allowed)}{see}",
            ) from None
        if kind == "missing":
            raise error(origin, key, "is missing", f"add it{see}") from None
        message = err["msg"]
        if kind == "value_error":
            message = message.removeprefix("Value error, ")
        if "->" in message:
            problem, hint = (part.strip() for part in message.split("->", 1))
        else:
            problem = (
                f"{message}, got {describe(err.get('input'))}"
                if kind.endswith("_type")
                else message
            )
            hint = f"see {docs}" if docs else ""
        raise error(origin, key, problem, hint) from None


def reject_unknown_keys(model: type[BaseModel], data: Any) -> None:
    """Report keys ``model`` does not have before anything else.

    Call it from a ``mode="before"`` model validator: pydantic reports a missing key before an
    unknown one, so a misspelt required key (``varable``) would read "'variable' is missing"
    instead of "unknown key -> did you mean 'variable'?". :func:`parse` words the error.
    """
    if not isinstance(data, dict):
        return
    known = {name for name in model.model_fields}
    known |= {f.alias for f in model.model_fields.values() if f.alias}
    unknown = [key for key in data if key not in known]
    if unknown:
        raise ValidationError.from_exception_data(
            model.__name__,
            [
                InitErrorDetails(type="extra_forbidden", loc=(str(key),), input=data[key])
                for key in unknown
            ],
        )


def problem_at(loc: tuple, message: str, value: Any = None) -> ValidationError:
    """An error at ``loc`` below the value being validated, for a validator to raise.

    A check that spans several keys runs in a model validator, where a ``ValueError`` would
    name the whole model; raising ``problem_at(("labels", 0, "match"), "problem -> hint")``
    names the key the user has to change. Pydantic prefixes the location of the model, so
    :func:`parse` reports the full dotted key.
    """
    kind = PydanticCustomError("value_error", message)
    return ValidationError.from_exception_data(
        "configuration", [InitErrorDetails(type=kind, loc=tuple(loc), input=value)]
    )
