"""Counts of a person table by sub-district, group, sex and age band (intmon's long format).

:func:`count_cube` counts every person once into the finest cells (sub-district x sex x age
interval x migration background x immigration history) and sums them into the published groups,
sexes and age bands with membership matrices; :func:`aggregate` turns the cube into
observations and area-register rows. Groups combine the two definitions
(``docs/methods/migrapro.md``, ``docs/methods/einwanderungsgeschichte.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..schema import AREA_COLUMNS, OBSERVATION_COLUMNS
from .contract import SEX_CODES, _factorize
from .immigration_history import IMMIGRATION_HISTORY, immigration_history_codes
from .migrapro import MIGRATION_BACKGROUND, migration_background_codes

SEXES = {"total": ("f", "m"), "female": ("f",), "male": ("m",)}
AGE_BANDS = ("total", "0-64", "65+", "0-14", "0-2", "3-5", "6-14", "15-64", "15-24", "25-64")
_MB, _IH = MIGRATION_BACKGROUND, IMMIGRATION_HISTORY
# group -> (migration-background categories, immigration-history categories) it covers
GROUPS = {
    "total": (_MB, _IH),
    "german": (_MB[1:], _IH),
    "foreign": (_MB[:1], _IH),
    "with_migration_background": (_MB[:2], _IH),
    "without_migration_background": (_MB[2:], _IH),
    "german_with_migration_background": (_MB[1:2], _IH),
    "german_without_migration_background": (_MB[2:], _IH),
    "with_immigration_history": (_MB, _IH[:2]),
    "immigrated": (_MB, _IH[:1]),
    "descendants": (_MB, _IH[1:2]),
    "one_sided_immigration_history": (_MB, _IH[2:3]),
    "without_immigration_history": (_MB, _IH[3:]),
}
DEFAULT_SOURCE = (
    "Melderegister extract (person level); MH after MigraPro, "
    "Einwanderungsgeschichte from register links"
)


def band_bounds(label: str) -> tuple[float, float]:
    """Age band label -> [lower, upper) in years: 'total', '15-24', '65+'."""
    if label == "total":
        return 0.0, np.inf
    if label.endswith("+"):
        return float(label[:-1]), np.inf
    low, high = label.split("-")
    return float(low), float(high) + 1


def _age_leaves(bands=AGE_BANDS) -> tuple[np.ndarray, np.ndarray]:
    """The finest age intervals (their lower edges) and the band x interval membership matrix."""
    bounds = [band_bounds(b) for b in bands]
    edges = np.array(sorted({lo for lo, _ in bounds} | {hi for _, hi in bounds if np.isfinite(hi)}))
    upper = np.append(edges[1:], np.inf)
    matrix = np.array([(edges >= lo) & (upper <= hi) for lo, hi in bounds], dtype="int64")
    return edges, matrix


def _group_matrix() -> np.ndarray:
    """Group x (migration background, immigration history) membership, 12 x 12."""
    rows = []
    for mbs, ihs in GROUPS.values():
        rows.append([(mb in mbs) and (ih in ihs) for mb in _MB for ih in _IH])
    return np.array(rows, dtype="int64")


def _sex_matrix() -> np.ndarray:
    return np.array(
        [[code in codes for code in ("f", "m")] for codes in SEXES.values()], dtype="int64"
    )


def _district_codes(persons: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Sub-district index per person and the sorted district codes (text)."""
    column = persons["district"]
    if isinstance(column.dtype, pd.CategoricalDtype):  # validated frames: reuse the codes
        column = column.cat.remove_unused_categories()
        names = pd.Index(column.cat.categories.astype(str))
        order = np.argsort(np.asarray(names), kind="stable")
        rank = np.empty(len(order), dtype="int64")
        rank[order] = np.arange(len(order))
        return rank[column.cat.codes.to_numpy()], names[order]
    codes, districts = pd.factorize(column.astype(str), sort=True)
    return np.asarray(codes), pd.Index(districts)


def _sex_index(persons: pd.DataFrame) -> np.ndarray:
    codes, uniques = _factorize(persons["sex"])
    lut = pd.Index(uniques.astype(str)).str.lower().map(SEX_CODES)
    return (np.asarray(lut) == "m").astype("int64")[codes]


def _category_codes(series: pd.Series, categories: tuple[str, ...], name: str) -> np.ndarray:
    codes = pd.Categorical(series, categories=list(categories)).codes.astype("int64")
    if (codes < 0).any():
        raise DataError(
            f"{name}: values outside {list(categories)} -> pass the result of "
            f"derive_{name}(persons)"
        )
    return codes


def count_cube(
    persons: pd.DataFrame,
    strict_migrapro: bool = False,
    migration_background: pd.Series | None = None,
    immigration_history: pd.Series | None = None,
) -> tuple[np.ndarray, pd.Index]:
    """Counts per (district, group, sex, age band) in the order of GROUPS, SEXES, AGE_BANDS.

    One ``np.bincount`` over the finest cells (district x sex x age interval x MH x EWG), then
    matrix products with the membership matrices give every group, sex and band. The two
    definitions are derived here unless already derived results are passed.
    """
    district, districts = _district_codes(persons)
    edges, age_matrix = _age_leaves()
    age = np.searchsorted(edges, persons["age"].to_numpy(), side="right") - 1
    mb = (
        migration_background_codes(persons, strict_migrapro).astype("int64")
        if migration_background is None
        else _category_codes(migration_background, MIGRATION_BACKGROUND, "migration_background")
    )
    ih = (
        immigration_history_codes(persons).astype("int64")
        if immigration_history is None
        else _category_codes(immigration_history, IMMIGRATION_HISTORY, "immigration_history")
    )
    n_d, n_a, n_c = len(districts), len(edges), len(_MB) * len(_IH)
    cell = ((district * 2 + _sex_index(persons)) * n_a + age) * n_c + mb * len(_IH) + ih
    fine = np.bincount(cell, minlength=n_d * 2 * n_a * n_c).reshape(n_d, 2, n_a, n_c)
    cube = np.einsum("gc,xs,ba,dsac->dgxb", _group_matrix(), _sex_matrix(), age_matrix, fine)
    return cube, districts


def aggregate(
    persons: pd.DataFrame,
    municipality: str,
    year: int,
    *,
    source: str = DEFAULT_SOURCE,
    municipality_level: str = "district",
    strict_migrapro: bool = False,
    migration_background: pd.Series | None = None,
    immigration_history: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Population counts in intmon's long format, and area-register rows for the sub-districts.

    Observations (``store.OBSERVATION_COLUMNS``): variable ``population`` for every group in
    ``GROUPS`` x sex in ``SEXES`` x band in ``AGE_BANDS``, per sub-district (area id
    ``"<municipality>-<district>"``, level ``subdistrict``) and for the municipality as their
    sum (area id ``municipality``, level ``municipality_level``); zeros carry status ``zero``.
    Areas (``store.AREA_COLUMNS``): one ``stadtteil`` per sub-district, parent = municipality,
    name from ``district_name`` where given, else the code. ``migration_background`` and
    ``immigration_history`` may pass results already derived for ``persons``.
    """
    cube, districts = count_cube(
        persons, strict_migrapro, migration_background, immigration_history
    )
    cube = np.concatenate([cube.sum(axis=0, keepdims=True), cube])
    sub_ids = [f"{municipality}-{d}" for d in districts]
    area_ids = np.array([municipality, *sub_ids], dtype=object)
    levels = np.array([municipality_level] + ["subdistrict"] * len(sub_ids), dtype=object)
    n_areas, n_groups, n_sexes, n_bands = cube.shape
    per_area = n_groups * n_sexes * n_bands
    area = np.repeat(np.arange(n_areas), per_area)
    value = cube.reshape(-1).astype("float64")
    obs = pd.DataFrame(
        {
            "area_id": area_ids[area],
            "area_level": levels[area],
            "year": np.full(len(value), int(year), dtype="int64"),
            "variable": "population",
            "group": np.tile(
                np.repeat(np.array(list(GROUPS), dtype=object), n_sexes * n_bands), n_areas
            ),
            "sex": np.tile(
                np.repeat(np.array(list(SEXES), dtype=object), n_bands), n_areas * n_groups
            ),
            "age": np.tile(np.array(AGE_BANDS, dtype=object), n_areas * n_groups * n_sexes),
            "value": value,
            "status": np.where(value == 0, "zero", "ok").astype(object),
            "source": source,
        }
    )[OBSERVATION_COLUMNS]
    return obs, _subdistrict_areas(persons, municipality, districts, sub_ids)


def _subdistrict_areas(persons, municipality, districts, sub_ids) -> pd.DataFrame:
    names = pd.Series(list(districts), index=districts, dtype=object)
    if "district_name" in persons:
        given = (
            persons[["district", "district_name"]]
            .dropna()
            .drop_duplicates("district")
            .astype(str)
            .set_index("district")["district_name"]
        )
        names = given.reindex(names.index).fillna(names)
    return pd.DataFrame(
        {
            "area_id": sub_ids,
            "name": names.to_numpy(dtype=object),
            "level": "subdistrict",
            "kind": "stadtteil",
            "parent_id": municipality,
            "synthetic": False,
        }
    )[AREA_COLUMNS]
