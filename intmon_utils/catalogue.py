"""The indicator catalogue: the single source of truth for every indicator.

How a new indicator plugs in: docs/architecture.md.

``catalogue.yml`` holds per indicator its definition, selectors for numerator and denominator,
unit, direction, groups, source, rationale, caveats and references, each text in German and
English. ``load_catalogue`` validates it against the vocabulary so that a typo fails at load,
not in the middle of a report run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from .errors import CatalogueError
from .texts import LANGUAGES
from .topics import TOPICS
from .vocabulary import load_vocabulary

UNITS = {"percent": 100.0, "per_1000": 1000.0, "ratio": 1.0, "index": 100.0, "square_metres": 1.0}
DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
SPATIAL_MEASURES = ("dissimilarity", "segregation", "isolation", "concentration")
TEXT_FIELDS = ("name", "description", "source", "rationale", "caveats")


@dataclass(frozen=True)
class Selector:
    """Which observations feed one side of a fraction.

    ``group``/``sex`` fixed here override the row's group/sex (e.g. a share of foreigners in
    the total population); left empty they follow the row. ``year_offset=-1`` takes the
    previous year's value (stock at the end of the previous year).
    """

    variable: str
    group: str | None = None
    sex: str | None = None
    age: str = "total"
    year_offset: int = 0


@dataclass(frozen=True)
class Indicator:
    id: str
    topic: str
    unit: str
    direction: str
    numerator: tuple[Selector, ...]
    denominator: tuple[Selector, ...]
    groups: tuple[str, ...]
    reference_group: str | None
    levels: tuple[str, ...]
    texts: dict
    references: tuple[dict, ...] = ()
    key_figure: bool = False
    survey: dict | None = None  # {item, positive}: a weighted share from survey microdata
    spatial: dict | None = None  # {measure, variable, group[, other]}: over the sub-areas
    extra: dict = field(default_factory=dict)

    @property
    def multiplier(self) -> float:
        return UNITS[self.unit]

    @property
    def variables(self) -> set[str]:
        return {s.variable for s in (*self.numerator, *self.denominator)}

    def text(self, name: str, lang: str = "de") -> str:
        return self.texts[name][lang]


@dataclass(frozen=True)
class Catalogue:
    indicators: tuple[Indicator, ...]

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self):
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise CatalogueError(
            f"unknown indicator '{indicator_id}'; see 'intmon catalogue' or "
            f"intmon_utils/catalogue.yml for the ids"
        )

    def by_topic(self, topic: str) -> list[Indicator]:
        return [i for i in self.indicators if i.topic == topic]


def _selectors(raw, where: str) -> tuple[Selector, ...]:
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        unknown = set(item) - {"variable", "group", "sex", "age", "year_offset"}
        if unknown or "variable" not in item:
            raise CatalogueError(
                f"{where}: a selector needs 'variable' and may have group, sex, "
                f"age, year_offset; got {sorted(item)}"
            )
        out.append(Selector(**item))
    return tuple(out)


def parse_catalogue(raw: dict, origin: str = "catalogue.yml") -> Catalogue:
    vocab = load_vocabulary()
    seen = set()
    indicators = []
    for pos, entry in enumerate(raw.get("indicators") or [], start=1):
        where = f"{origin}: indicator #{pos} ({entry.get('id', '?')})"
        ind_id = entry.get("id")
        if not ind_id or ind_id in seen:
            raise CatalogueError(f"{where}: missing or duplicate id")
        seen.add(ind_id)
        topic = entry.get("topic")
        if topic not in TOPICS or not ind_id.startswith(f"{topic}."):
            raise CatalogueError(f"{where}: topic must be one of {TOPICS} and prefix the id")
        if entry.get("unit") not in UNITS:
            raise CatalogueError(f"{where}: unit must be one of {sorted(UNITS)}")
        if entry.get("direction") not in DIRECTIONS:
            raise CatalogueError(f"{where}: direction must be one of {DIRECTIONS}")
        texts = {}
        for name in TEXT_FIELDS:
            value = entry.get(name) or {}
            for lang in LANGUAGES:
                if not str(value.get(lang, "")).strip():
                    raise CatalogueError(f"{where}: text '{name}' lacks language '{lang}'")
            texts[name] = {lang: " ".join(str(value[lang]).split()) for lang in LANGUAGES}
        references = tuple(entry.get("references") or ())
        if not references:
            raise CatalogueError(f"{where}: give at least one reference")
        for ref in references:
            if not ref.get("ref") or any(
                not (ref.get("note") or {}).get(lang) for lang in LANGUAGES
            ):
                raise CatalogueError(f"{where}: each reference needs 'ref' and a note in de and en")
        survey, spatial = entry.get("survey"), entry.get("spatial")
        if spatial is not None:
            if (
                entry.get("numerator")
                or entry.get("denominator")
                or survey
                or spatial.get("measure") not in SPATIAL_MEASURES
                or spatial.get("variable") not in vocab.variables
                or spatial.get("group") not in vocab.groups
                or (spatial.get("other") is not None and spatial["other"] not in vocab.groups)
            ):
                raise CatalogueError(
                    f"{where}: a spatial indicator has spatial: {{measure: one of "
                    f"{SPATIAL_MEASURES}, variable, group[, other]}} and no "
                    f"numerator/denominator"
                )
            num = den = ()
        elif survey is not None:
            if (
                entry.get("numerator")
                or entry.get("denominator")
                or not isinstance(survey.get("item"), str)
                or not isinstance(survey.get("positive"), list)
                or not survey["positive"]
            ):
                raise CatalogueError(
                    f"{where}: a survey indicator has survey: {{item, positive: "
                    f"[codes]}} and no numerator/denominator"
                )
            num = den = ()
        else:
            num = _selectors(entry.get("numerator"), f"{where} numerator")
            den = _selectors(entry.get("denominator"), f"{where} denominator")
        groups = tuple(entry.get("groups") or ("total",))
        for sel in (*num, *den):
            if sel.variable not in vocab.variables:
                raise CatalogueError(f"{where}: variable '{sel.variable}' is not in vocabulary.yml")
            for dim, value in (("group", sel.group), ("sex", sel.sex), ("age", sel.age)):
                if value is not None and value not in vocab.allowed(dim):
                    raise CatalogueError(f"{where}: {dim} '{value}' is not in vocabulary.yml")
        unknown_groups = set(groups) - set(vocab.groups)
        if unknown_groups:
            raise CatalogueError(f"{where}: unknown groups {sorted(unknown_groups)}")
        ref_group = entry.get("reference_group")
        if ref_group is not None and ref_group not in groups:
            raise CatalogueError(
                f"{where}: reference_group '{ref_group}' must be one of its groups"
            )
        levels = tuple(entry.get("levels") or ())
        if not levels or set(levels) - set(vocab.area_levels):
            raise CatalogueError(
                f"{where}: levels must be a non-empty list of {sorted(vocab.area_levels)}"
            )
        indicators.append(
            Indicator(
                id=ind_id,
                topic=topic,
                unit=entry["unit"],
                direction=entry["direction"],
                numerator=num,
                denominator=den,
                groups=groups,
                reference_group=ref_group,
                levels=levels,
                texts=texts,
                references=references,
                key_figure=bool(entry.get("key_figure", False)),
                survey=survey,
                spatial=spatial,
            )
        )
    if not indicators:
        raise CatalogueError(f"{origin}: no indicators")
    return Catalogue(tuple(indicators))


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    text = resources.files("intmon_utils").joinpath("catalogue.yml").read_text(encoding="utf-8")
    return parse_catalogue(yaml.safe_load(text))
