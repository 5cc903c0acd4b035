"""The controlled vocabulary of the observation store (``vocabulary.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import AfterValidator, model_validator

from .config.loading import StrictModel, parse, problem_at, suggest
from .errors import VocabularyError, VocabularyFileError

DIMENSIONS = ("group", "sex", "age")
ORIGIN = "intmon_utils/vocabulary.yml"
NOT_ADDITIVE = ("percent",)  # units whose values do not add up over areas or groups


@dataclass(frozen=True)
class Vocabulary:
    variables: dict
    groups: dict
    sexes: dict
    ages: dict
    partitions: dict
    area_levels: dict
    subsets: dict
    residuals: tuple = ()

    def _table(self, kind: str) -> dict:
        return {
            "variable": self.variables,
            "group": self.groups,
            "sex": self.sexes,
            "age": self.ages,
            "area_level": self.area_levels,
        }[kind]

    def label(self, kind: str, key: str, lang: str = "de") -> str:
        """German (or English) label of a variable, group, sex, age band or area level."""
        table = self._table(kind)
        if key not in table:
            raise VocabularyError(f"unknown {kind} '{key}'; known: {', '.join(sorted(table))}")
        return table[key][lang]

    def allowed(self, dimension: str) -> set[str]:
        """The words of ``variable``, ``group``, ``sex``, ``age`` or ``area_level``."""
        return set(self._table(dimension))

    def additive(self) -> set[str]:
        """The variables that are counts (persons, households, …): parts add up to totals."""
        return {v for v, d in self.variables.items() if d["unit"] not in NOT_ADDITIVE}

    def partition_pairs(self, dimension: str) -> list[tuple[str, tuple[str, ...]]]:
        """(parent, children) identities of one dimension: parent = sum of children."""
        return [
            (parent, tuple(children))
            for parent, splits in self.partitions.get(dimension, {}).items()
            for children in splits
        ]


class Label(StrictModel):
    de: str
    en: str


class VariableEntry(Label):
    unit: str
    reference_date: Label


class VocabularyFile(StrictModel):
    """``vocabulary.yml``: labels of every word, additive partitions, subsets, residuals."""

    variables: dict[str, VariableEntry]
    groups: dict[str, Label]
    sexes: dict[str, Label]
    ages: dict[str, Label]
    area_levels: dict[str, Label]
    partitions: dict[Literal[DIMENSIONS], dict[str, list[list[str]]]]
    subsets: dict[str, str] = {}
    residuals: list[str] = []

    @model_validator(mode="after")
    def _known_words(self) -> VocabularyFile:
        words = {"group": self.groups, "sex": self.sexes, "age": self.ages}
        for dim, parents in self.partitions.items():
            for parent, splits in parents.items():
                unknown = {parent, *(c for split in splits for c in split)} - set(words[dim])
                if unknown:
                    raise problem_at(
                        ("partitions", dim, parent),
                        f"names unknown values {sorted(unknown)} -> add them to "
                        f"{dim}s or correct them",
                    )
        for part, whole in self.subsets.items():
            if {part, whole} - set(self.variables):
                raise problem_at(("subsets", part), f"names unknown variables {part}/{whole}")
        return self


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The vocabulary, validated (a label with a comma needs quotes in the YAML file)."""
    text = resources.files("intmon_utils").joinpath("vocabulary.yml").read_text(encoding="utf-8")
    raw = parse(VocabularyFile, yaml.safe_load(text), ORIGIN, VocabularyFileError)
    data = raw.model_dump()
    return Vocabulary(
        data["variables"],
        data["groups"],
        data["sexes"],
        data["ages"],
        data["partitions"],
        data["area_levels"],
        data["subsets"],
        tuple(data["residuals"]),
    )


def check_word(dimension: str, value: str) -> str:
    """``value`` if it is a word of ``dimension`` (``variable``, ``group``, ``sex``, ``age``,
    ``area_level``), else a ``ValueError("problem -> hint")`` for ``config.parse``."""
    allowed = sorted(load_vocabulary().allowed(dimension))
    if value not in allowed:
        raise ValueError(
            f"{value!r} is not in the vocabulary -> {suggest(value, allowed)}"
            f"use one of {', '.join(allowed)} (intmon_utils/vocabulary.yml)"
        )
    return value


def in_vocabulary(dimension: str) -> AfterValidator:
    """A model field that must be a word of the vocabulary (``Annotated[str, ...]``)."""
    return AfterValidator(lambda value: check_word(dimension, value))
