"""Column contract of a person-level register extract: reading and validating persons.

A statistics office extracts one row per resident (Hauptwohnsitz) from the municipal population
register at the reference date (31 Dec of ``year``), as CSV (``,`` or ``;``, UTF-8) or Parquet.
:func:`read_register` reads such an extract, :func:`validate_persons` checks a table against
the contract below and returns it with canonical dtypes; the definitions in
:mod:`intmon_utils.migration.migrapro` and :mod:`intmon_utils.migration.immigration_history`
expect such a validated table, in which a missing value is NA. The specifications are in
``docs/methods/migrapro.md`` and ``docs/methods/einwanderungsgeschichte.md``.

Column contract of the person table
-----------------------------------
Every required column must be present (a nullable column may be empty, but not absent: an
absent column would silently change the definitions). Any other column is an error. Text codes
are read as text, so leading zeros survive (``"01"`` stays ``"01"``).

=============================  ========  =====================================================
column                         required  content
=============================  ========  =====================================================
``district``                   yes       sub-district code (Stadtteil), text of 1–12 letters or
                                         digits; the area id becomes ``"<AGS>-<district>"``
``age``                        yes       completed years at the reference date, 0–130
``sex``                        yes       ``f`` (or ``w``) female, ``m`` male. ``divers`` / ``ohne
                                         Angabe`` must be assigned to ``f``/``m`` beforehand, as
                                         Destatis does (randomly)
``nationality``                yes       first citizenship, ISO-3166 alpha-2; ``DE`` = German.
                                         Use ``XX`` for stateless or unclear (counted as
                                         foreign). A German citizenship is always the first one.
``second_nationality``         yes       second citizenship (ISO alpha-2), nullable
``country_of_birth``           yes       ISO alpha-2, ``DE`` = born in Germany; nullable (unknown)
``year_of_arrival``            yes       year of immigration to Germany (last move-in from
                                         abroad), nullable; not after ``year``, not before birth
``naturalised``                yes       flag "eingebürgert" (kind of German citizenship);
                                         ``1/0``, ``true/false``, ``ja/nein``; empty = false
``parent1_nationality``        yes       first parent from the household generation (HHGen):
``parent1_country_of_birth``   yes       citizenship and country of birth, ISO alpha-2; empty
``parent2_nationality``        yes       when no parent is linked (always for adults in
``parent2_country_of_birth``   yes       today's registers)
``district_name``              no        name of the sub-district (one name per code)
``moved_in_from_aussiedler_area``  no    flag: last move-in came from a typical Aussiedler
                                         origin area (MigraPro's Aussiedler estimate, step 4)
``parent1_naturalised``        no        flag: the linked parent is naturalised
``parent2_naturalised``        no        (MigraPro passes the parent's full MH to the child)
``person_id``                  no        ignored
=============================  ========  =====================================================
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..reading import read_table_file

GERMAN = "DE"
MAX_AGE = 130

PARENTS = ("parent1", "parent2")
REQUIRED_COLUMNS = (
    "district",
    "age",
    "sex",
    "nationality",
    "second_nationality",
    "country_of_birth",
    "year_of_arrival",
    "naturalised",
    "parent1_nationality",
    "parent1_country_of_birth",
    "parent2_nationality",
    "parent2_country_of_birth",
)
OPTIONAL_COLUMNS = (
    "district_name",
    "moved_in_from_aussiedler_area",
    "parent1_naturalised",
    "parent2_naturalised",
    "person_id",
)
COUNTRY_COLUMNS = (
    "nationality",
    "second_nationality",
    "country_of_birth",
    "parent1_nationality",
    "parent1_country_of_birth",
    "parent2_nationality",
    "parent2_country_of_birth",
)
FLAG_COLUMNS = (
    "naturalised",
    "moved_in_from_aussiedler_area",
    "parent1_naturalised",
    "parent2_naturalised",
)

SEX_CODES = {"f": "f", "w": "f", "m": "m"}

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DISTRICT = re.compile(r"^[0-9A-Za-z]{1,12}$")
_TRUE = {"1", "true", "t", "yes", "y", "ja", "j", "wahr", "x"}
_FALSE = {"0", "false", "no", "n", "nein", "falsch", ""}
_CONTRACT = "see the column contract in docs/methods/migrapro.md (Inputs)"


def read_register(path: str | Path, year: int) -> pd.DataFrame:
    """Read a register extract (CSV or Parquet); return it validated (:func:`validate_persons`)."""
    raw = read_table_file(path, "register extract")
    return validate_persons(raw, str(path), year)


def _row_error(origin: str, rows: np.ndarray, column: str, shown, problem: str, todo: str):
    """Raise a DataError naming the origin, the first rows (1-based data rows) and the column."""
    first = rows[:5]
    examples = "; ".join(f"row {i + 1}: {column}={shown(i)!r}" for i in first)
    more = f" (and {len(rows) - len(first)} more rows)" if len(rows) > len(first) else ""
    raise DataError(f"{origin}: {problem} in column '{column}' ({examples}{more}) -> {todo}")


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 for missing) and distinct values: every check runs on the distinct values."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes), pd.Index(np.asarray(uniques, dtype=object))


def _fail_uniques(origin, column, codes, uniques, bad_unique, problem, todo):
    bad_unique = np.asarray(bad_unique, dtype=bool)
    if bad_unique.any():
        rows = np.flatnonzero((codes >= 0) & bad_unique[np.maximum(codes, 0)])
        _row_error(origin, rows, column, lambda i: uniques[codes[i]], problem, todo)


def _text(series: pd.Series, origin: str, column: str, upper: bool) -> tuple[np.ndarray, pd.Index]:
    """Strip (and upper-case) text codes; empty text is missing.

    Returns (codes, sorted categories).
    """
    codes, uniques = _factorize(series)
    not_text = np.array([not isinstance(u, str) for u in uniques], dtype=bool)
    _fail_uniques(
        origin,
        column,
        codes,
        uniques,
        not_text,
        "codes stored as numbers",
        "store the column as text (numbers lose leading zeros)",
    )
    clean = pd.Index(uniques.astype(str)).str.strip()
    if upper:
        clean = clean.str.upper()
    clean = clean.where(clean != "", None)
    new_codes, categories = pd.factorize(clean, sort=True, use_na_sentinel=True)
    lut = np.append(new_codes, -1)  # position -1 maps missing to missing
    return lut[codes], pd.Index(categories)


def _category(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=categories)


def _whole_numbers(series: pd.Series, origin: str, column: str, todo: str) -> np.ndarray:
    """Float array (NaN = missing) of whole numbers; text cells are parsed once per value."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isnan(values) & (values % 1 != 0)
        if bad.any():
            _row_error(
                origin,
                np.flatnonzero(bad),
                column,
                lambda i: series.iloc[i],
                "not a whole number",
                todo,
            )
        return values
    codes, uniques = _factorize(series)
    text = pd.Series(uniques.astype(str)).str.strip()
    parsed = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")
    bad = (text.to_numpy() != "") & (np.isnan(parsed) | (parsed % 1 != 0))
    _fail_uniques(origin, column, codes, uniques, bad, "not a whole number", todo)
    return np.append(parsed, np.nan)[codes]


def _flag(series: pd.Series, origin: str, column: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=bool, na_value=False)
    codes, uniques = _factorize(series)
    text = pd.Index(uniques.astype(str)).str.strip().str.lower()
    bad = ~text.isin(_TRUE | _FALSE)
    _fail_uniques(
        origin,
        column,
        codes,
        uniques,
        bad,
        "not a yes/no flag",
        "write 1/0, true/false or ja/nein (empty = no)",
    )
    return np.append(text.isin(_TRUE), False)[codes]


def _check_columns(df: pd.DataFrame, origin: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"{origin}: missing columns {missing} -> add them (a nullable column "
            f"may be empty, but must be present); {_CONTRACT}"
        )
    unknown = [c for c in df.columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise DataError(
            f"{origin}: unknown columns {unknown} -> drop them or rename them to the "
            f"contract names {list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}; {_CONTRACT}"
        )
    if len(df) == 0:
        raise DataError(f"{origin}: the register extract has no persons")


def _check_consistency(out: pd.DataFrame, origin: str, year: int) -> None:
    """Cross-column rules: German citizenship comes first; no arrival before birth."""
    second_de = (out["second_nationality"] == GERMAN).to_numpy() & (
        out["nationality"] != GERMAN
    ).to_numpy()
    if second_de.any():
        _row_error(
            origin,
            np.flatnonzero(second_de),
            "second_nationality",
            lambda i: out["second_nationality"].iloc[i],
            "German citizenship given as the second one",
            "put DE into 'nationality' and the other citizenship into 'second_nationality' "
            "(Germans with a second citizenship are Germans)",
        )
    arrival = out["year_of_arrival"].to_numpy(dtype="float64", na_value=np.nan)
    before_birth = arrival < year - out["age"].to_numpy() - 1
    if before_birth.any():
        _row_error(
            origin,
            np.flatnonzero(before_birth),
            "year_of_arrival",
            lambda i: f"{out['year_of_arrival'].iloc[i]} (age {out['age'].iloc[i]})",
            "year of arrival before the year of birth",
            "check the year of arrival and the age at the reference date",
        )


def validate_persons(df: pd.DataFrame, origin: str, year: int) -> pd.DataFrame:
    """Check a person table against the column contract; return it with canonical dtypes.

    Text codes become categoricals (stripped; country codes upper-case; empty = missing), ``sex``
    becomes ``f``/``m``, ``age`` int64, ``year_of_arrival`` Int64, flags bool (absent optional
    flags become False). Errors name the origin, the 1-based data row and the column, and say
    what to do.
    """
    _check_columns(df, origin)
    df = df.reset_index(drop=True)
    year = int(year)
    out = {}
    codes, cats = _text(df["district"], origin, "district", upper=False)
    _fail_uniques(
        origin,
        "district",
        codes,
        cats,
        ~cats.str.match(_DISTRICT),
        "malformed sub-district code",
        "use 1–12 letters or digits, e.g. '01'",
    )
    if (codes < 0).any():
        _row_error(
            origin,
            np.flatnonzero(codes < 0),
            "district",
            lambda i: df["district"].iloc[i],
            "missing sub-district",
            "every person needs a sub-district code",
        )
    out["district"] = _category(codes, cats)

    age = _whole_numbers(df["age"], origin, "age", "give the age in completed years, e.g. 42")
    for bad, problem in (
        (np.isnan(age), "missing age"),
        (age < 0, "negative age"),
        (age > MAX_AGE, f"age above {MAX_AGE}"),
    ):
        if bad.any():
            _row_error(
                origin,
                np.flatnonzero(bad),
                "age",
                lambda i: df["age"].iloc[i],
                problem,
                "give the age in completed years at the reference date (0 to 130)",
            )
    out["age"] = age.astype("int64")

    codes, cats = _text(df["sex"], origin, "sex", upper=False)
    lower = cats.str.lower()
    _fail_uniques(
        origin,
        "sex",
        codes,
        cats,
        ~lower.isin(list(SEX_CODES)),
        "unknown sex code",
        "use f (or w) for female and m for male; assign 'divers'/'ohne Angabe' "
        "to f or m beforehand (Destatis assigns them randomly)",
    )
    if (codes < 0).any():
        _row_error(
            origin,
            np.flatnonzero(codes < 0),
            "sex",
            lambda i: df["sex"].iloc[i],
            "missing sex",
            "use f (or w) for female and m for male",
        )
    sex_codes = np.append(np.asarray(lower.map(SEX_CODES)) == "m", -1).astype("int64")[codes]
    out["sex"] = _category(sex_codes, pd.Index(["f", "m"]))

    for column in COUNTRY_COLUMNS:
        codes, cats = _text(df[column], origin, column, upper=True)
        _fail_uniques(
            origin,
            column,
            codes,
            cats,
            ~cats.str.match(_COUNTRY),
            "not an ISO-3166 alpha-2 country code",
            "use two letters such as DE, TR, UA (XX for stateless or unclear)",
        )
        if column == "nationality" and (codes < 0).any():
            _row_error(
                origin,
                np.flatnonzero(codes < 0),
                column,
                lambda i, c=column: df[c].iloc[i],
                "missing citizenship",
                "use XX for stateless or unclear (counted as foreign)",
            )
        out[column] = _category(codes, cats)

    arrival = _whole_numbers(
        df["year_of_arrival"],
        origin,
        "year_of_arrival",
        "give a four-digit year or leave the cell empty",
    )
    future = arrival > year
    if future.any():
        _row_error(
            origin,
            np.flatnonzero(future),
            "year_of_arrival",
            lambda i: df["year_of_arrival"].iloc[i],
            f"year of arrival after {year}",
            f"check the year, or pass the right reference year (--year, now {year})",
        )
    out["year_of_arrival"] = pd.array(arrival, dtype="Float64").astype("Int64")

    for column in FLAG_COLUMNS:
        out[column] = (
            _flag(df[column], origin, column) if column in df else np.zeros(len(df), dtype=bool)
        )
    if "district_name" in df:
        codes, cats = _text(df["district_name"], origin, "district_name", upper=False)
        out["district_name"] = _category(codes, cats)
    result = pd.DataFrame(out)
    _check_consistency(result, origin, year)
    if "district_name" in result:
        _check_district_names(result, origin)
    return result


def _check_district_names(persons: pd.DataFrame, origin: str) -> None:
    pairs = persons[["district", "district_name"]].drop_duplicates().dropna()
    clash = pairs["district"].duplicated(keep=False)
    if clash.any():
        rows = np.flatnonzero(persons["district"].isin(pairs.loc[clash, "district"]).to_numpy())
        _row_error(
            origin,
            rows,
            "district_name",
            lambda i: persons["district_name"].iloc[i],
            "several names for one sub-district code",
            "give each code exactly one name",
        )
