"""Which cells of a GENESIS table are which intmon observation: the table mappings.

The mappings are data (``genesis_tables.yml`` beside this module, or a user's own file passed
with ``--mapping``), loaded into typed models and validated like every configuration file:
an unknown key, a regular expression that does not compile or a word outside the vocabulary
is an error naming the file and the key (``12411:ffcsv.cells[0].variable``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import yaml
from pydantic import AfterValidator, RootModel

from ..area_ids import bad_code_hint, official_level
from ..config.loading import StrictModel, parse, read_yaml
from ..errors import DataError, MappingError
from ..schema import OBSERVATION_COLUMNS
from ..vocabulary import in_vocabulary

BUNDLED = "genesis_tables.yml"


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(
            f"not a valid regular expression ({exc}) -> write a Python regular "
            f"expression that matches the whole label"
        ) from None
    return value


Pattern = Annotated[str, AfterValidator(_pattern)]


class CellRule(StrictModel):
    """Cells whose labels match the patterns (whole text) become this observation."""

    column: Pattern | None = None
    row: Pattern | None = None
    unit: Pattern | None = None
    variable: Annotated[str, in_vocabulary("variable")]
    group: Annotated[str, in_vocabulary("group")] = "total"
    sex: Annotated[str, in_vocabulary("sex")] = "total"
    age: Annotated[str, in_vocabulary("age")] = "total"


class TableMapping(StrictModel):
    source: str = "GENESIS"
    cells: list[CellRule]


class TableMappings(RootModel[dict[str, TableMapping]]):
    """A mapping file: ``"<table code>:<format>"`` -> its mapping."""


@lru_cache(maxsize=1)
def bundled_mappings() -> dict[str, TableMapping]:
    path = resources.files("intmon_utils.sources").joinpath(BUNDLED)
    raw = yaml.safe_load(path.read_text("utf-8"))
    return parse(TableMappings, raw, f"intmon_utils/sources/{BUNDLED}", MappingError).root


def load_mapping(table: str, fmt: str, mapping_file: str | Path | None = None) -> TableMapping:
    """The mapping for one table code and format, from a user file or the bundled ones."""
    if mapping_file:
        raw = read_yaml(
            mapping_file, MappingError, "mapping file", "check the path given to --mapping"
        )
        mappings = parse(TableMappings, raw, mapping_file, MappingError).root
    else:
        mappings = bundled_mappings()
    key = f"{table}:{fmt}"
    if key not in mappings:
        raise DataError(
            f"no mapping for GENESIS table {table} ({fmt}); known: "
            f"{', '.join(sorted(mappings))} -> add an entry '{key}' to a mapping file "
            f"(see intmon_utils/sources/{BUNDLED}) and pass --mapping"
        )
    return mappings[key]


def to_observations(
    raw: pd.DataFrame, entry: TableMapping, source: str
) -> tuple[pd.DataFrame, int]:
    """Apply the mapping rules; return canonical observations and the number of unmapped cells."""
    frames = []
    matched = np.zeros(len(raw), dtype=bool)
    for rule in entry.cells:
        mask = np.ones(len(raw), dtype=bool)
        for pattern, column in (
            (rule.column, "column_label"),
            (rule.row, "row_label"),
            (rule.unit, "unit"),
        ):
            if pattern is not None:
                mask &= raw[column].str.fullmatch(pattern).fillna(False).to_numpy()
        sub = raw[mask]
        matched |= mask
        frames.append(
            pd.DataFrame(
                {
                    "area_id": sub["area_code"],
                    "year": sub["year"],
                    "variable": rule.variable,
                    "origin_row": sub["row"],
                    "group": rule.group,
                    "sex": rule.sex,
                    "age": rule.age,
                    "value": sub["value"],
                    "status": sub["status"],
                }
            )
        )
    obs = pd.concat(frames, ignore_index=True)
    level = obs["area_id"].map(official_level)
    regierungsbezirk = obs["area_id"].str.fullmatch("[0-9]{3}")  # not monitored: left out
    bad = level.isna() & ~regierungsbezirk
    if bad.any():
        rows = obs.loc[bad, "origin_row"].iloc[0]
        raise DataError(
            f"{source}: {int(bad.sum())} values have an area code that is no official code "
            f"(first in row {rows}): {bad_code_hint(obs.loc[bad, 'area_id'])}; nothing was "
            f"imported"
        )
    obs = obs[~regierungsbezirk].assign(area_level=level[~regierungsbezirk])
    obs["source"] = source
    return obs[OBSERVATION_COLUMNS + ["origin_row"]], int((~matched).sum())
