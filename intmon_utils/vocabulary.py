"""The controlled vocabulary of the observation store (``vocabulary.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .errors import VocabularyError

DIMENSIONS = ("group", "sex", "age")


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

    def label(self, kind: str, key: str, lang: str = "de") -> str:
        """German (or English) label of a variable, group, sex, age band or area level."""
        table = {
            "variable": self.variables,
            "group": self.groups,
            "sex": self.sexes,
            "age": self.ages,
            "area_level": self.area_levels,
        }[kind]
        if key not in table:
            raise VocabularyError(f"unknown {kind} '{key}'; known: {', '.join(sorted(table))}")
        return table[key][lang]

    def allowed(self, dimension: str) -> set[str]:
        return set(
            {"variable": self.variables, "group": self.groups, "sex": self.sexes, "age": self.ages}[
                dimension
            ]
        )

    def partition_pairs(self, dimension: str) -> list[tuple[str, tuple[str, ...]]]:
        """(parent, children) identities of one dimension: parent = sum of children."""
        return [
            (parent, tuple(children))
            for parent, splits in self.partitions.get(dimension, {}).items()
            for children in splits
        ]


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    text = resources.files("intmon_utils").joinpath("vocabulary.yml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    vocab = Vocabulary(
        raw["variables"],
        raw["groups"],
        raw["sexes"],
        raw["ages"],
        raw["partitions"],
        raw["area_levels"],
        raw.get("subsets") or {},
        tuple(raw.get("residuals") or ()),
    )
    for part, whole in vocab.subsets.items():
        if part not in vocab.variables or whole not in vocab.variables:
            raise VocabularyError(f"vocabulary.yml: subsets names unknown variables {part}/{whole}")
    for section in ("variables", "groups", "sexes", "ages", "area_levels"):
        for name, spec in raw[section].items():
            unknown = set(spec) - {"de", "en", "unit", "reference_date"}
            if unknown:
                raise VocabularyError(
                    f"vocabulary.yml: {section}.{name} has unknown keys "
                    f"{sorted(unknown)} (a label with a comma needs quotes)"
                )
    for name, spec in vocab.variables.items():
        if not all(spec.get(k) for k in ("de", "en", "unit")) or not all(
            (spec.get("reference_date") or {}).get(lang) for lang in ("de", "en")
        ):
            raise VocabularyError(
                f"vocabulary.yml: variable '{name}' needs de, en, unit and "
                f"reference_date in de and en"
            )
    for dim in DIMENSIONS:
        known = vocab.allowed(dim)
        for parent, children in vocab.partition_pairs(dim):
            unknown = {parent, *children} - known
            if unknown:
                raise VocabularyError(
                    f"vocabulary.yml: partition of {dim} '{parent}' names "
                    f"unknown values {sorted(unknown)}"
                )
    return vocab
