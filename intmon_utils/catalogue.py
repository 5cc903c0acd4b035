"""The indicator catalogue: the single source of truth for every indicator.

How a new indicator plugs in: docs/architecture.md.

``catalogue.yml`` holds per indicator its definition, selectors for numerator and denominator,
unit, direction, groups, source, rationale, caveats and references, each text in German and
English. It loads into the typed models below, validated like every configuration file
(``intmon_utils.config``): a word outside the vocabulary, a missing language or an unknown
key fails at load, naming the key, not in the middle of a report run.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import BeforeValidator, Field, model_validator

from .config.loading import StrictModel, parse
from .errors import CatalogueError
from .topics import TOPICS
from .vocabulary import in_vocabulary

UNITS = {"percent": 100.0, "per_1000": 1000.0, "ratio": 1.0, "index": 100.0, "square_metres": 1.0}
DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
SPATIAL_MEASURES = ("dissimilarity", "segregation", "isolation", "concentration")
TEXT_FIELDS = ("name", "description", "source", "rationale", "caveats")
ORIGIN = "intmon_utils/catalogue.yml"
LIST = Field(strict=False)  # a YAML list is read into an immutable tuple


def _one_line(value):
    """A text as one line: YAML block scalars leave line breaks and indentation."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty text")
    return " ".join(value.split())


def _as_list(value):
    """A single mapping stands for a list of one."""
    return [value] if isinstance(value, dict) else value


Variable = Annotated[str, in_vocabulary("variable")]
Group = Annotated[str, in_vocabulary("group")]
AreaLevel = Annotated[str, in_vocabulary("area_level")]
Text = Annotated[str, BeforeValidator(_one_line)]


class Bilingual(StrictModel):
    de: Text
    en: Text


class Reference(StrictModel):
    """Which reference set (IntMK, Zaragoza, Settling In, municipal sets …) the indicator
    follows, and how it differs."""

    ref: Text
    note: Bilingual


class Selector(StrictModel):
    """Which observations feed one side of a fraction.

    ``group``/``sex`` fixed here override the row's group/sex (e.g. a share of foreigners in
    the total population); left empty they follow the row. ``year_offset=-1`` takes the
    previous year's value (stock at the end of the previous year).
    """

    variable: Variable
    group: Group | None = None
    sex: Annotated[str, in_vocabulary("sex")] | None = None
    age: Annotated[str, in_vocabulary("age")] = "total"
    year_offset: Literal[0, -1] = 0


Selectors = Annotated[tuple[Selector, ...], BeforeValidator(_as_list), LIST]


class SurveySpec(StrictModel):
    """A weighted share from survey microdata: answers in ``positive`` to ``item``."""

    item: str
    positive: Annotated[tuple[int | str, ...], LIST] = Field(min_length=1)


class SpatialSpec(StrictModel):
    """A measure over the sub-areas of an area (segregation and concentration)."""

    measure: Literal[SPATIAL_MEASURES]
    variable: Variable
    group: Group
    other: Group | None = None

    @model_validator(mode="after")
    def _pair(self) -> SpatialSpec:
        if self.measure == "dissimilarity" and self.other is None:
            raise ValueError("the dissimilarity index compares two groups -> give 'other'")
        return self


class Indicator(StrictModel):
    id: str
    topic: Literal[TOPICS]
    unit: Literal[tuple(UNITS)]
    direction: Literal[DIRECTIONS]
    numerator: Selectors = ()
    denominator: Selectors = ()
    groups: Annotated[tuple[Group, ...], LIST] = ("total",)
    reference_group: Group | None = None
    levels: Annotated[tuple[AreaLevel, ...], LIST] = Field(min_length=1)
    name: Bilingual
    description: Bilingual
    source: Bilingual
    rationale: Bilingual
    caveats: Bilingual
    references: Annotated[tuple[Reference, ...], LIST] = Field(min_length=1)
    key_figure: bool = False
    survey: SurveySpec | None = None
    spatial: SpatialSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if not self.id.startswith(f"{self.topic}."):
            raise ValueError(f"id '{self.id}' must start with its topic -> '{self.topic}.…'")
        kinds = [k for k in ("survey", "spatial") if getattr(self, k) is not None]
        if kinds and (self.numerator or self.denominator):
            raise ValueError(
                f"a {kinds[0]} indicator has no numerator/denominator -> remove "
                f"them, or the {kinds[0]} key"
            )
        if len(kinds) > 1:
            raise ValueError("an indicator is either survey or spatial -> keep one")
        if not kinds and not (self.numerator and self.denominator):
            raise ValueError("needs numerator and denominator (or survey, or spatial)")
        if self.reference_group is not None and self.reference_group not in self.groups:
            raise ValueError(
                f"reference_group '{self.reference_group}' must be one of its "
                f"groups {list(self.groups)}"
            )
        return self

    @property
    def multiplier(self) -> float:
        return UNITS[self.unit]

    @property
    def variables(self) -> set[str]:
        return {s.variable for s in (*self.numerator, *self.denominator)}

    def text(self, name: str, lang: str = "de") -> str:
        """One of ``TEXT_FIELDS`` in ``lang``."""
        return getattr(getattr(self, name), lang)


class Catalogue(StrictModel):
    indicators: Annotated[tuple[Indicator, ...], LIST] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        seen = set()
        for ind in self.indicators:
            if ind.id in seen:
                raise ValueError(f"indicator id '{ind.id}' occurs twice -> ids are unique")
            seen.add(ind.id)
        return self

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self):
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise CatalogueError(
            ORIGIN,
            None,
            f"unknown indicator '{indicator_id}'",
            "see 'intmon catalogue' for the ids",
        )

    def by_topic(self, topic: str) -> list[Indicator]:
        return [i for i in self.indicators if i.topic == topic]


def parse_catalogue(raw: dict, origin: str = ORIGIN) -> Catalogue:
    """Validate a catalogue (the content of ``catalogue.yml``) into :class:`Catalogue`."""
    return parse(Catalogue, raw, origin, CatalogueError, "docs/architecture.md")


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    text = resources.files("intmon_utils").joinpath("catalogue.yml").read_text(encoding="utf-8")
    return parse_catalogue(yaml.safe_load(text))
