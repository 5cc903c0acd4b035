"""Configuration as data: YAML files loaded into typed models, validated at the boundary.

One style for every configuration file (parameter files, ``defaults.yml``, district
mappings): :func:`read_yaml` reads the file, a pydantic model (subclass of
:class:`StrictModel`) describes it, and :func:`parse` turns the first validation problem into
a :class:`~intmon_utils.errors.ConfigError` that names the file and the dotted key, says what
is wrong and what to do ("did you mean ...?" for a misspelt key).
"""

from .loading import (
    StrictModel,
    deep_merge,
    describe,
    parse,
    problem_at,
    read_yaml,
    reject_unknown_keys,
    suggest,
)

__all__ = [
    "StrictModel",
    "deep_merge",
    "describe",
    "parse",
    "problem_at",
    "read_yaml",
    "reject_unknown_keys",
    "suggest",
]
