"""Person-level register extract (Melderegister) -> population by migration background and
immigration history (domain reference §4.1, §4.3, §4.4).

A statistics office extracts one row per resident (Hauptwohnsitz) from the municipal population
register at the reference date (31 Dec of ``year``), as CSV (``,`` or ``;``, UTF-8) or Parquet.
This module validates the extract, derives two definitions per person and counts them by
sub-district, sex and age band in intmon's long format:

* **Migration background after MigraPro** (KOSIS-Gemeinschaft HHSTAT / VDSt; §4.4):
  :func:`migrapro_step`, :func:`derive_migration_background`.
* **Einwanderungsgeschichte** (Fachkommission Integrationsfähigkeit; Destatis since 2023; §4.3):
  :func:`derive_immigration_history`.

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
                                         Use ``XX`` for stateless or unclear (counted as foreign,
                                         §4.1). A German citizenship is always the first one.
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
                                         origin area (MigraPro's Aussiedler estimate, §4.4 field 5)
``parent1_naturalised``        no        flag: the linked parent is naturalised
``parent2_naturalised``        no        (MigraPro passes the parent's full MH to the child)
``person_id``                  no        ignored
=============================  ========  =====================================================

The derivation functions expect a validated table (:func:`validate_persons`,
:func:`read_register`, or :func:`generate_register`), in which a missing value is NA.

Definitional choices (documented once, used everywhere below)
------------------------------------------------------------
* **Born abroad** = ``country_of_birth`` known and not ``DE``. Where the country of birth is
  unknown, a recorded ``year_of_arrival`` or the Aussiedler flag counts as evidence of birth
  abroad; otherwise an unknown birthplace counts as born in Germany.
* **MigraPro step 4 with two Destatis exclusions** (§4.2), applied only where the register shows
  them: a German born abroad has *no* migration background if (a) he or she arrived before 1950
  (post-war expellees; the older MZ wording and the MighEV require immigration after 1949), or
  (b) both parents are linked and neither has a migration background (Destatis: "Germans born
  abroad to parents without MH" are excluded). ``strict_migrapro=True`` switches both off and
  reproduces the plain MigraPro rule (every German born abroad has MH), e.g. for comparison with
  other cities' MigraPro figures.
* **A parent has a migration background** if the parent's citizenship or country of birth is
  known and not ``DE``, or the parent is flagged naturalised. **A parent immigrated** if the
  parent's country of birth is known and not ``DE`` (the parent's year of arrival is not in the
  register; immigration since 1950 is assumed).
* **Step 5 (familiärer MH)** applies to minors (under 18) only, as in MigraPro. A child without
  linked parents, or whose linked parents have no MH, has no MH. Adults born in Germany to
  immigrant parents are therefore not identified: register MH is lower than MZ MH (§4.4).
* **Einwanderungsgeschichte**: *immigrated* = born abroad and arrived in 1950 or later; a person
  born abroad with a **missing year of arrival counts as immigrated** (nearly all persons born
  abroad who live here today arrived after 1949; the alternative would hide them entirely).
  Born abroad and arrived before 1950 = without immigration history. Persons not born abroad:
  *descendants* if both linked parents immigrated, *one-sided* if exactly one did (also when the
  second parent is not linked), else *without*. Parent links are used at any age where they
  exist, but registers hold them for minors only, so **descendants (the second generation) are
  underestimated**, as in the Zensus 2022 register-based figures (§4.3). Citizenship plays no
  role: a German born abroad to German parents who moved here is *immigrated*.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..store import AREA_COLUMNS, KEY_COLUMNS, OBSERVATION_COLUMNS, ObservationStore

GERMAN = "DE"
MINOR_AGE = 18                # MigraPro step 5: under-18s inherit a parent's MH
FIRST_IMMIGRATION_YEAR = 1950  # Einwanderungsgeschichte counts immigration since 1950
MAX_AGE = 130

PARENTS = ("parent1", "parent2")
REQUIRED_COLUMNS = (
    "district", "age", "sex", "nationality", "second_nationality", "country_of_birth",
    "year_of_arrival", "naturalised",
    "parent1_nationality", "parent1_country_of_birth",
    "parent2_nationality", "parent2_country_of_birth",
)
OPTIONAL_COLUMNS = ("district_name", "moved_in_from_aussiedler_area", "parent1_naturalised",
                    "parent2_naturalised", "person_id")
COUNTRY_COLUMNS = ("nationality", "second_nationality", "country_of_birth",
                   "parent1_nationality", "parent1_country_of_birth",
                   "parent2_nationality", "parent2_country_of_birth")
FLAG_COLUMNS = ("naturalised", "moved_in_from_aussiedler_area", "parent1_naturalised",
                "parent2_naturalised")

MIGRAPRO_STEPS = {
    1: "foreign (first citizenship not German)",
    2: "German with a non-German second citizenship",
    3: "German, naturalised",
    4: "German born abroad, or moved in from an Aussiedler origin area",
    5: "German minor with a parent with migration background (familiärer MH)",
    6: "German without migration background",
}
MIGRATION_BACKGROUND = ("foreign", "german_with_migration_background",
                        "german_without_migration_background")
IMMIGRATION_HISTORY = ("immigrated", "descendants", "one_sided_immigration_history",
                       "without_immigration_history")
SEX_CODES = {"f": "f", "w": "f", "m": "m"}
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
DEFAULT_SOURCE = ("Melderegister extract (person level); MH after MigraPro, "
                  "Einwanderungsgeschichte from register links")

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DISTRICT = re.compile(r"^[0-9A-Za-z]{1,12}$")
_AGS = re.compile(r"^\d{8}$")
_TRUE = {"1", "true", "t", "yes", "y", "ja", "j", "wahr", "x"}
_FALSE = {"0", "false", "no", "n", "nein", "falsch", ""}
_CONTRACT = "see the column contract in intmon_utils/sources/register.py"


# -- reading and validation ----------------------------------------------------------------

def read_register(path: str | Path, year: int) -> pd.DataFrame:
    """Read a register extract (CSV or Parquet) and return it validated (:func:`validate_persons`)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.suffix.lower() == ".parquet":
        raw = pd.read_parquet(path)
    else:
        with open(path, encoding="utf-8-sig") as fh:
            header = fh.readline()
        sep = ";" if header.count(";") > header.count(",") else ","
        raw = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
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
    """Strip (and upper-case) text codes; empty text is missing. Returns (codes, sorted categories)."""
    codes, uniques = _factorize(series)
    not_text = np.array([not isinstance(u, str) for u in uniques], dtype=bool)
    _fail_uniques(origin, column, codes, uniques, not_text, "codes stored as numbers",
                  "store the column as text (numbers lose leading zeros)")
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
            _row_error(origin, np.flatnonzero(bad), column, lambda i: series.iloc[i],
                       "not a whole number", todo)
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
    _fail_uniques(origin, column, codes, uniques, bad, "not a yes/no flag",
                  "write 1/0, true/false or ja/nein (empty = no)")
    return np.append(text.isin(_TRUE), False)[codes]


def _check_columns(df: pd.DataFrame, origin: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{origin}: missing columns {missing} -> add them (a nullable column may be "
                        f"empty, but must be present); {_CONTRACT}")
    unknown = [c for c in df.columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise DataError(f"{origin}: unknown columns {unknown} -> drop them or rename them to the "
                        f"contract names {list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}; {_CONTRACT}")
    if len(df) == 0:
        raise DataError(f"{origin}: the register extract has no persons")


def _check_consistency(out: pd.DataFrame, origin: str, year: int) -> None:
    """Cross-column rules: German citizenship comes first; no arrival before birth."""
    second_de = (out["second_nationality"] == GERMAN).to_numpy() & \
        (out["nationality"] != GERMAN).to_numpy()
    if second_de.any():
        _row_error(origin, np.flatnonzero(second_de), "second_nationality",
                   lambda i: out["second_nationality"].iloc[i],
                   "German citizenship given as the second one",
                   "put DE into 'nationality' and the other citizenship into 'second_nationality' "
                   "(Germans with a second citizenship are Germans, §4.1)")
    arrival = out["year_of_arrival"].to_numpy(dtype="float64", na_value=np.nan)
    before_birth = arrival < year - out["age"].to_numpy() - 1
    if before_birth.any():
        _row_error(origin, np.flatnonzero(before_birth), "year_of_arrival",
                   lambda i: f"{out['year_of_arrival'].iloc[i]} (age {out['age'].iloc[i]})",
                   "year of arrival before the year of birth",
                   "check the year of arrival and the age at the reference date")


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
    _fail_uniques(origin, "district", codes, cats, ~cats.str.match(_DISTRICT),
                  "malformed sub-district code", "use 1–12 letters or digits, e.g. '01'")
    if (codes < 0).any():
        _row_error(origin, np.flatnonzero(codes < 0), "district", lambda i: df["district"].iloc[i],
                   "missing sub-district", "every person needs a sub-district code")
    out["district"] = _category(codes, cats)

    age = _whole_numbers(df["age"], origin, "age", "give the age in completed years, e.g. 42")
    for bad, problem in ((np.isnan(age), "missing age"), (age < 0, "negative age"),
                         (age > MAX_AGE, f"age above {MAX_AGE}")):
        if bad.any():
            _row_error(origin, np.flatnonzero(bad), "age", lambda i: df["age"].iloc[i], problem,
                       "give the age in completed years at the reference date (0 to 130)")
    out["age"] = age.astype("int64")

    codes, cats = _text(df["sex"], origin, "sex", upper=False)
    lower = cats.str.lower()
    _fail_uniques(origin, "sex", codes, cats, ~lower.isin(list(SEX_CODES)), "unknown sex code",
                  "use f (or w) for female and m for male; assign 'divers'/'ohne Angabe' "
                  "to f or m beforehand (Destatis assigns them randomly)")
    if (codes < 0).any():
        _row_error(origin, np.flatnonzero(codes < 0), "sex", lambda i: df["sex"].iloc[i],
                   "missing sex", "use f (or w) for female and m for male")
    sex_codes = np.append(np.asarray(lower.map(SEX_CODES)) == "m", -1).astype("int64")[codes]
    out["sex"] = _category(sex_codes, pd.Index(["f", "m"]))

    for column in COUNTRY_COLUMNS:
        codes, cats = _text(df[column], origin, column, upper=True)
        _fail_uniques(origin, column, codes, cats, ~cats.str.match(_COUNTRY),
                      "not an ISO-3166 alpha-2 country code",
                      "use two letters such as DE, TR, UA (XX for stateless or unclear)")
        if column == "nationality" and (codes < 0).any():
            _row_error(origin, np.flatnonzero(codes < 0), column, lambda i, c=column: df[c].iloc[i],
                       "missing citizenship", "use XX for stateless or unclear (counted as foreign)")
        out[column] = _category(codes, cats)

    arrival = _whole_numbers(df["year_of_arrival"], origin, "year_of_arrival",
                             "give a four-digit year or leave the cell empty")
    future = arrival > year
    if future.any():
        _row_error(origin, np.flatnonzero(future), "year_of_arrival",
                   lambda i: df["year_of_arrival"].iloc[i], f"year of arrival after {year}",
                   f"check the year, or pass the right reference year (--year, now {year})")
    out["year_of_arrival"] = pd.array(arrival, dtype="Float64").astype("Int64")

    for column in FLAG_COLUMNS:
        out[column] = (_flag(df[column], origin, column) if column in df
                       else np.zeros(len(df), dtype=bool))
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
        _row_error(origin, rows, "district_name", lambda i: persons["district_name"].iloc[i],
                   "several names for one sub-district code", "give each code exactly one name")


# -- person-level definitions -------------------------------------------------------------

def _is(series: pd.Series, value: str) -> np.ndarray:
    return (series == value).to_numpy(dtype=bool, na_value=False)


def _known_not(series: pd.Series, value: str) -> np.ndarray:
    """Known and different from ``value`` (missing counts as not known)."""
    return series.notna().to_numpy() & ~_is(series, value)


def _flags(persons: pd.DataFrame, column: str) -> np.ndarray:
    if column not in persons:
        return np.zeros(len(persons), dtype=bool)
    return persons[column].to_numpy(dtype=bool, na_value=False)


def _arrival(persons: pd.DataFrame) -> np.ndarray:
    return persons["year_of_arrival"].to_numpy(dtype="float64", na_value=np.nan)


def born_abroad(persons: pd.DataFrame) -> np.ndarray:
    """Born outside Germany: country of birth known and not DE; where it is unknown, a recorded
    year of arrival or the Aussiedler flag is taken as evidence of birth abroad."""
    cob = persons["country_of_birth"]
    unknown = cob.isna().to_numpy()
    evidence = ~np.isnan(_arrival(persons)) | _flags(persons, "moved_in_from_aussiedler_area")
    return _known_not(cob, GERMAN) | (unknown & evidence)


def parent_linked(persons: pd.DataFrame, parent: str) -> np.ndarray:
    """A parent is linked (household generation) if its citizenship or birthplace is given."""
    return (persons[f"{parent}_nationality"].notna().to_numpy()
            | persons[f"{parent}_country_of_birth"].notna().to_numpy())


def parent_has_migration_background(persons: pd.DataFrame, parent: str) -> np.ndarray:
    """The linked parent is not German, was born abroad, or is flagged naturalised (§4.4)."""
    return (_known_not(persons[f"{parent}_nationality"], GERMAN)
            | _known_not(persons[f"{parent}_country_of_birth"], GERMAN)
            | _flags(persons, f"{parent}_naturalised"))


def parent_immigrated(persons: pd.DataFrame, parent: str) -> np.ndarray:
    """The linked parent was born abroad (immigration since 1950 assumed; year not registered)."""
    return _known_not(persons[f"{parent}_country_of_birth"], GERMAN)


def migrapro_step(persons: pd.DataFrame, strict_migrapro: bool = False) -> np.ndarray:
    """The MigraPro rule (1–6, see ``MIGRAPRO_STEPS``) that classifies each person (§4.4).

    1 not German; 2 German with a non-German second citizenship; 3 German, naturalised;
    4 German born abroad or moved in from an Aussiedler area; 5 German minor with ≥ 1 linked
    parent with MH (familiärer MH); 6 otherwise. The first rule that applies wins. Unless
    ``strict_migrapro``, step 4 leaves out Germans born abroad who arrived before 1950 or whose
    two linked parents have no MH (Destatis exclusions, §4.2; module docstring).
    """
    german = _is(persons["nationality"], GERMAN)
    second_foreign = _known_not(persons["second_nationality"], GERMAN)
    naturalised = _flags(persons, "naturalised")
    abroad = born_abroad(persons)
    parent_mb = [parent_has_migration_background(persons, p) for p in PARENTS]
    if not strict_migrapro:
        before_1950 = _arrival(persons) < FIRST_IMMIGRATION_YEAR
        both_linked = parent_linked(persons, "parent1") & parent_linked(persons, "parent2")
        parents_without_mb = both_linked & ~parent_mb[0] & ~parent_mb[1]
        abroad = abroad & ~before_1950 & ~parents_without_mb
    step4 = abroad | _flags(persons, "moved_in_from_aussiedler_area")
    familial = (persons["age"].to_numpy() < MINOR_AGE) & (parent_mb[0] | parent_mb[1])
    step = np.full(len(persons), 6, dtype="int8")
    # assign from the last rule to the first, so that the first rule that applies wins
    for number, applies in ((5, familial), (4, step4), (3, naturalised), (2, second_foreign)):
        step[applies] = number
    step[~german] = 1
    return step


_STEP_TO_MB = np.array([-1, 0, 1, 1, 1, 1, 2], dtype="int8")


def derive_migration_background(persons: pd.DataFrame, strict_migrapro: bool = False
                                ) -> pd.Series:
    """Migration background after MigraPro (§4.4; choices in the module docstring).

    Categorical Series with the categories ``foreign``, ``german_with_migration_background``
    (steps 2–5, familiärer MH included) and ``german_without_migration_background``. Every
    foreigner has a migration background, so *with MH* = foreign + German with MH.
    """
    codes = _STEP_TO_MB[migrapro_step(persons, strict_migrapro)]
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(MIGRATION_BACKGROUND)),
                     index=persons.index, name="migration_background")


def immigration_history_codes(persons: pd.DataFrame) -> np.ndarray:
    """Index into ``IMMIGRATION_HISTORY`` per person (§4.3; choices in the module docstring)."""
    abroad = born_abroad(persons)
    arrived_since_1950 = ~(_arrival(persons) < FIRST_IMMIGRATION_YEAR)  # missing year: since 1950
    n_parents = sum(parent_immigrated(persons, p).astype("int8") for p in PARENTS)
    code = np.full(len(persons), 3, dtype="int8")
    code[~abroad & (n_parents == 1)] = 2
    code[~abroad & (n_parents == 2)] = 1
    code[abroad & arrived_since_1950] = 0
    return code


def derive_immigration_history(persons: pd.DataFrame) -> pd.Series:
    """Einwanderungsgeschichte (Fachkommission Integrationsfähigkeit / Destatis, §4.3).

    Categorical Series: ``immigrated`` (born abroad, arrived since 1950, missing year counted
    as since 1950), ``descendants`` (not born abroad, both parents immigrated),
    ``one_sided_immigration_history`` (not born abroad, exactly one linked parent immigrated),
    ``without_immigration_history``. *With immigration history* = immigrated + descendants.
    Registers link parents for minors only, so descendants are underestimated (as in the
    Zensus 2022 register-based derivation).
    """
    codes = immigration_history_codes(persons)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(IMMIGRATION_HISTORY)),
                     index=persons.index, name="immigration_history")


# -- aggregation ----------------------------------------------------------------------------

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
    return np.array([[code in codes for code in ("f", "m")] for codes in SEXES.values()],
                    dtype="int64")


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
        raise DataError(f"{name}: values outside {list(categories)} -> pass the result of "
                        f"derive_{name}(persons)")
    return codes


def count_cube(persons: pd.DataFrame, strict_migrapro: bool = False,
               migration_background: pd.Series | None = None,
               immigration_history: pd.Series | None = None) -> tuple[np.ndarray, pd.Index]:
    """Counts per (district, group, sex, age band) in the order of GROUPS, SEXES, AGE_BANDS.

    One ``np.bincount`` over the finest cells (district x sex x age interval x MH x EWG), then
    matrix products with the membership matrices give every group, sex and band. The two
    definitions are derived here unless already derived results are passed.
    """
    district, districts = _district_codes(persons)
    edges, age_matrix = _age_leaves()
    age = np.searchsorted(edges, persons["age"].to_numpy(), side="right") - 1
    mb = (_STEP_TO_MB[migrapro_step(persons, strict_migrapro)].astype("int64")
          if migration_background is None else
          _category_codes(migration_background, MIGRATION_BACKGROUND, "migration_background"))
    ih = (immigration_history_codes(persons).astype("int64") if immigration_history is None else
          _category_codes(immigration_history, IMMIGRATION_HISTORY, "immigration_history"))
    n_d, n_a, n_c = len(districts), len(edges), len(_MB) * len(_IH)
    cell = ((district * 2 + _sex_index(persons)) * n_a + age) * n_c + mb * len(_IH) + ih
    fine = np.bincount(cell, minlength=n_d * 2 * n_a * n_c).reshape(n_d, 2, n_a, n_c)
    cube = np.einsum("gc,xs,ba,dsac->dgxb", _group_matrix(), _sex_matrix(), age_matrix, fine)
    return cube, districts


def aggregate(persons: pd.DataFrame, municipality: str, year: int, *,
              source: str = DEFAULT_SOURCE, municipality_level: str = "district",
              strict_migrapro: bool = False, migration_background: pd.Series | None = None,
              immigration_history: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Population counts in intmon's long format, and area-register rows for the sub-districts.

    Observations (``store.OBSERVATION_COLUMNS``): variable ``population`` for every group in
    ``GROUPS`` x sex in ``SEXES`` x band in ``AGE_BANDS``, per sub-district (area id
    ``"<municipality>-<district>"``, level ``subdistrict``) and for the municipality as their
    sum (area id ``municipality``, level ``municipality_level``); zeros carry status ``zero``.
    Areas (``store.AREA_COLUMNS``): one ``stadtteil`` per sub-district, parent = municipality,
    name from ``district_name`` where given, else the code. ``migration_background`` and
    ``immigration_history`` may pass results already derived for ``persons``.
    """
    cube, districts = count_cube(persons, strict_migrapro, migration_background,
                                 immigration_history)
    cube = np.concatenate([cube.sum(axis=0, keepdims=True), cube])
    sub_ids = [f"{municipality}-{d}" for d in districts]
    area_ids = np.array([municipality, *sub_ids], dtype=object)
    levels = np.array([municipality_level] + ["subdistrict"] * len(sub_ids), dtype=object)
    n_areas, n_groups, n_sexes, n_bands = cube.shape
    per_area = n_groups * n_sexes * n_bands
    area = np.repeat(np.arange(n_areas), per_area)
    value = cube.reshape(-1).astype("float64")
    obs = pd.DataFrame({
        "area_id": area_ids[area],
        "area_level": levels[area],
        "year": np.full(len(value), int(year), dtype="int64"),
        "variable": "population",
        "group": np.tile(np.repeat(np.array(list(GROUPS), dtype=object), n_sexes * n_bands),
                         n_areas),
        "sex": np.tile(np.repeat(np.array(list(SEXES), dtype=object), n_bands),
                       n_areas * n_groups),
        "age": np.tile(np.array(AGE_BANDS, dtype=object), n_areas * n_groups * n_sexes),
        "value": value,
        "status": np.where(value == 0, "zero", "ok").astype(object),
        "source": source,
    })[OBSERVATION_COLUMNS]
    return obs, _subdistrict_areas(persons, municipality, districts, sub_ids)


def _subdistrict_areas(persons, municipality, districts, sub_ids) -> pd.DataFrame:
    names = pd.Series(list(districts), index=districts, dtype=object)
    if "district_name" in persons:
        given = (persons[["district", "district_name"]].dropna().drop_duplicates("district")
                 .astype(str).set_index("district")["district_name"])
        names = given.reindex(names.index).fillna(names)
    return pd.DataFrame({"area_id": sub_ids, "name": names.to_numpy(dtype=object),
                         "level": "subdistrict", "kind": "stadtteil", "parent_id": municipality,
                         "synthetic": False})[AREA_COLUMNS]


# -- importer -------------------------------------------------------------------------------

def source_id_for(path: str | Path) -> str:
    """Source id of an extract: ``register_<file stem>``, other characters replaced by '_'."""
    return "register_" + re.sub(r"[^A-Za-z0-9_.-]", "_", Path(path).stem)


def _municipality(store: ObservationStore, ags: str) -> tuple[str, pd.DataFrame]:
    """(level of the municipality, area rows to add): it is created if the register lacks it."""
    if store.areas_path.exists():
        areas = store.read_areas()
        known = areas.loc[areas["area_id"] == ags, "level"]
        if len(known):
            return str(known.iloc[0]), areas.iloc[0:0][AREA_COLUMNS]
    kreisfrei = ags.endswith("000")  # Gemeinde part 000: kreisfreie Stadt / Stadtstaat
    row = {"area_id": ags, "name": ags, "level": "district" if kreisfrei else "municipality",
           "kind": "kreisfreie_stadt" if kreisfrei else "gemeinde",
           "parent_id": ags[:2] if kreisfrei else ags[:5], "synthetic": False}
    return row["level"], pd.DataFrame([row])[AREA_COLUMNS]


def _check_other_sources(store: ObservationStore, obs: pd.DataFrame, source_id: str) -> None:
    """Refuse to write counts that another source file already holds (keys would clash)."""
    keys = obs[KEY_COLUMNS]
    year = int(obs["year"].iloc[0])
    for path in sorted(store.observation_dir.glob("*.parquet")):
        if path.stem == source_id:
            continue
        other = pd.read_parquet(path, columns=KEY_COLUMNS, filters=[
            ("area_id", "in", list(keys["area_id"].unique())), ("year", "==", year),
            ("variable", "==", "population")])
        if len(other) and len(other.merge(keys, on=KEY_COLUMNS)):
            raise DataError(f"{path}: already holds population counts of {obs['area_id'].iloc[0]} "
                            f"for {year} -> delete that source file, or re-import the register "
                            f"under the same file name so that it replaces its own rows")


def import_register(paths, store: ObservationStore, area=None, year=None, **_) -> str:
    """Person-level register extract (CSV/Parquet): derives migration background and immigration history.

    One extract per call: ``area`` is the municipality's AGS (``--area``), ``year`` the
    reference year (``--year``). The municipality is created in the area register if it is not
    there; the sub-districts are merged into it; the counts are written as source
    ``register_<file stem>``, so a re-import of the same file replaces its rows.
    """
    if area is None or year is None:
        raise DataError("a register extract needs the municipality and the reference year -> "
                        "pass --area <AGS> (e.g. --area 09162000) and --year <year> (e.g. --year 2024)")
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if len(paths) != 1:
        raise DataError(f"{len(paths)} files given -> import one register extract per municipality "
                        f"and year at a time (concatenate split exports first)")
    ags = str(area)
    if not _AGS.match(ags):
        raise DataError(f"--area {ags!r}: not an 8-digit Gemeinde key -> pass the AGS as text, "
                        f"e.g. --area 09162000")
    path, year = Path(paths[0]), int(year)
    persons = read_register(path, year)
    level, municipality_rows = _municipality(store, ags)
    source_id = source_id_for(path)
    obs, sub_areas = aggregate(persons, ags, year, municipality_level=level,
                               source=f"Melderegister extract {path.name}: MH after MigraPro, "
                                      f"Einwanderungsgeschichte from register links")
    _check_other_sources(store, obs, source_id)
    store.merge_areas(pd.concat([municipality_rows, sub_areas], ignore_index=True))
    target = store.write_observations(obs, source_id, origin=str(path))
    total = obs[(obs["area_id"] == ags) & (obs["sex"] == "total") & (obs["age"] == "total")]
    share = total.set_index("group")["value"] / len(persons)
    return (f"{path}: {len(persons):,} persons in {len(sub_areas)} sub-districts of {ags} ({year}); "
            f"foreign {share['foreign']:.1%}, with migration background "
            f"{share['with_migration_background']:.1%}, with immigration history "
            f"{share['with_immigration_history']:.1%} -> {len(obs):,} observations written to "
            f"{target}")


# -- synthetic register -----------------------------------------------------------------------
# Weights of citizenships / countries of birth used by the generator (not real shares).
_SYN_FOREIGN = {"TR": 16, "UA": 12, "SY": 10, "PL": 8, "RO": 8, "IT": 6, "HR": 5, "GR": 4,
                "AF": 4, "BG": 4, "RU": 3, "IQ": 3, "XK": 2, "US": 2, "XX": 1}
_SYN_AUSSIEDLER = {"KZ": 5, "RU": 4, "PL": 3, "RO": 2}
_SYN_EXPELLEE = {"PL": 6, "CZ": 3, "RU": 1}
_SYN_ABROAD = {"AT": 3, "CH": 2, "US": 2, "ES": 1, "FR": 1, "GB": 1}
_SYN_COUNTRIES = tuple(dict.fromkeys(["DE", *_SYN_FOREIGN, *_SYN_AUSSIEDLER, *_SYN_EXPELLEE,
                                      *_SYN_ABROAD]))
# adult types: (name, base probability); the non-native ones are scaled per district
_ADULT_TYPES = (("native", 0.60), ("foreign_immigrant", 0.18), ("foreign_born_here", 0.03),
                ("naturalised_immigrant", 0.06), ("naturalised_born_here", 0.01),
                ("option_german", 0.015), ("aussiedler", 0.05), ("german_born_abroad", 0.01),
                ("expellee", 0.015))
# family types of minors: how the (up to two) linked parents look
_MINOR_TYPES = (("native_parents", 0.55), ("foreign_parents", 0.13), ("mixed_parents", 0.08),
                ("aussiedler_parents", 0.04), ("naturalised_parents", 0.05),
                ("single_native_parent", 0.07), ("single_foreign_parent", 0.03),
                ("no_parent_linked", 0.02), ("born_abroad_to_german_parents", 0.01),
                ("foreign_parents_born_here", 0.02))


def _syn_draw(rng, weights: dict, n: int) -> np.ndarray:
    """Country indices into _SYN_COUNTRIES drawn with the given weights."""
    keys = [_SYN_COUNTRIES.index(k) for k in weights]
    p = np.array(list(weights.values()), dtype=float)
    return np.array(keys, dtype="int16")[rng.choice(len(keys), n, p=p / p.sum())]


def _syn_ages(rng, n: int) -> np.ndarray:
    a = np.arange(100)
    w = np.where(a < 18, 0.95, 1.15) + np.where((a >= 50) & (a < 65), 0.3, 0.0)
    w = np.where(a >= 65, 1.3 * np.exp(-(a - 65) / 11.0), w)
    return rng.choice(100, n, p=w / w.sum()).astype("int64")


def _syn_types(rng, district, tilt, types, eligible) -> np.ndarray:
    """Type index per person; non-native types scaled by the district's tilt; ineligible -> 0."""
    base = np.array([p for _, p in types])
    out = np.zeros(len(district), dtype="int8")
    u = rng.random(len(district))
    for d, t in enumerate(tilt):
        p = base * np.r_[1.0, np.full(len(base) - 1, np.exp(t))]
        cdf = np.cumsum(p / p.sum())
        idx = np.flatnonzero(district == d)
        out[idx] = np.minimum(np.searchsorted(cdf, u[idx], side="right"), len(base) - 1)
    names = [name for name, _ in types]
    for name, ok in eligible.items():
        code = names.index(name)
        out[(out == code) & ~ok] = 0
    return out


def _syn_arrival(rng, low, high, recent: bool) -> np.ndarray:
    """Arrival year in [low, high] (float arrays), skewed to recent years if ``recent``."""
    u = rng.random(len(low))
    span = np.maximum(high - low, 0) + 1
    offset = np.floor(span * (u ** 2 if recent else u))
    return (high - offset) if recent else (low + offset)


def generate_register(n_persons: int, n_districts: int = 20, seed: int = 0, year: int = 2024
                      ) -> pd.DataFrame:
    """A seeded synthetic register extract following the column contract (tests, benchmarks).

    Structure (not real shares): district sizes and migration shares vary by sub-district;
    about 20 % foreigners (immigrants and foreigners born here), naturalised Germans (some
    keep their old citizenship as a second one, some lost the flag by moving), Optionsdeutsche,
    Aussiedler born in KZ/RU/PL/RO (arrived 1988–2005; some with only the move-in flag), a few
    Germans born abroad to German parents, post-war expellees (arrived 1945–1949), and minors
    with 0, 1 or 2 linked parents of every kind. About 3 % of persons born abroad have no year
    of arrival. Columns are categoricals (text codes), ``age`` int64, ``year_of_arrival`` Int64.
    Deterministic per seed.
    """
    rng = np.random.default_rng(seed)
    n = int(n_persons)
    size = rng.lognormal(0.0, 0.5, n_districts)
    tilt = rng.normal(0.0, 0.45, n_districts)
    district = rng.choice(n_districts, n, p=size / size.sum())
    age = _syn_ages(rng, n)
    birth = (year - age).astype(float)
    minor = age < MINOR_AGE
    foreign_x = _syn_draw(rng, _SYN_FOREIGN, n)
    de, na = _SYN_COUNTRIES.index(GERMAN), -1
    nat = np.full(n, de, dtype="int16")
    second = np.full(n, na, dtype="int16")
    cob = np.full(n, de, dtype="int16")
    naturalised = np.zeros(n, dtype=bool)
    aussiedler_flag = np.zeros(n, dtype=bool)
    arrival = np.full(n, np.nan)
    parents = {k: np.full(n, na, dtype="int16") for k in
               ("p1_nat", "p1_cob", "p2_nat", "p2_cob")}

    def arrive(mask, low, high, recent=True):
        low = np.broadcast_to(np.asarray(low, dtype=float), (n,))[mask]
        arrival[mask] = _syn_arrival(rng, np.maximum(birth[mask], low),
                                     np.full(mask.sum(), float(high)), recent)

    # adults
    t = _syn_types(rng, district, tilt, _ADULT_TYPES, {
        "option_german": age < 35, "aussiedler": birth <= 2005, "expellee": birth <= 1944})
    t[minor] = -1
    kind = {name: t == i for i, (name, _) in enumerate(_ADULT_TYPES)}
    born_abroad = (kind["foreign_immigrant"] | kind["naturalised_immigrant"] | kind["aussiedler"]
                   | kind["german_born_abroad"] | kind["expellee"])
    nat[kind["foreign_immigrant"] | kind["foreign_born_here"]] = \
        foreign_x[kind["foreign_immigrant"] | kind["foreign_born_here"]]
    cob[kind["foreign_immigrant"] | kind["naturalised_immigrant"]] = \
        foreign_x[kind["foreign_immigrant"] | kind["naturalised_immigrant"]]
    aus, exp, abroad_de = kind["aussiedler"], kind["expellee"], kind["german_born_abroad"]
    cob[aus] = _syn_draw(rng, _SYN_AUSSIEDLER, int(aus.sum()))
    cob[exp] = _syn_draw(rng, _SYN_EXPELLEE, int(exp.sum()))
    cob[abroad_de] = _syn_draw(rng, _SYN_ABROAD, int(abroad_de.sum()))
    nat_mask = kind["naturalised_immigrant"] | kind["naturalised_born_here"]
    naturalised[nat_mask] = rng.random(int(nat_mask.sum())) < np.where(
        kind["naturalised_born_here"][nat_mask], 0.7, 0.8)  # the flag is lost when moving
    keeps = kind["naturalised_immigrant"] & (rng.random(n) < 0.25)
    second[keeps | kind["option_german"]] = foreign_x[keeps | kind["option_german"]]
    arrive(kind["foreign_immigrant"], np.maximum(birth + 16, 1955), year)  # from 1955 on
    arrive(kind["naturalised_immigrant"], 1960, year - 6)
    arrive(aus, 1988, 2005, recent=False)
    arrive(abroad_de, -np.inf, year, recent=False)
    arrive(exp, 1945, 1949, recent=False)
    aussiedler_flag[aus] = rng.random(int(aus.sum())) < 0.6
    cob[aus & aussiedler_flag & (rng.random(n) < 0.15)] = na  # birthplace not recorded

    # minors and their linked parents
    f = _syn_types(rng, district, tilt, _MINOR_TYPES, {})
    f[~minor] = -1
    fam = {name: f == i for i, (name, _) in enumerate(_MINOR_TYPES)}
    px = _syn_draw(rng, _SYN_FOREIGN, n)  # the foreign parents' citizenship and birth country
    ax = _syn_draw(rng, _SYN_AUSSIEDLER, n)
    for column in parents.values():
        column[minor & ~fam["no_parent_linked"]] = de
    for key in ("p2_nat", "p2_cob"):
        parents[key][fam["single_native_parent"] | fam["single_foreign_parent"]] = na
    foreign_parent = fam["foreign_parents"] | fam["single_foreign_parent"]
    for key in ("p1_nat", "p1_cob"):
        parents[key][foreign_parent | fam["mixed_parents"]] = px[foreign_parent | fam["mixed_parents"]]
    for key in ("p2_nat", "p2_cob"):
        parents[key][fam["foreign_parents"]] = px[fam["foreign_parents"]]
    for key in ("p1_cob", "p2_cob"):
        parents[key][fam["aussiedler_parents"]] = ax[fam["aussiedler_parents"]]
        parents[key][fam["naturalised_parents"]] = px[fam["naturalised_parents"]]
    for key in ("p1_nat", "p2_nat"):
        parents[key][fam["foreign_parents_born_here"]] = px[fam["foreign_parents_born_here"]]
    # the child: born abroad more often the older it is, in immigrant families
    immigrant_family = foreign_parent | (fam["no_parent_linked"] & (rng.random(n) < 0.3))
    child_abroad = immigrant_family & (rng.random(n) < np.minimum(0.8, 0.1 + age / 25))
    child_foreign = immigrant_family & (child_abroad | (rng.random(n) < 0.7))
    child_foreign |= fam["foreign_parents_born_here"] & (rng.random(n) < 0.6)
    nat[child_foreign] = px[child_foreign]
    cob[child_abroad] = px[child_abroad]
    ius_soli = (immigrant_family | fam["foreign_parents_born_here"]) & ~child_foreign
    mixed_second = fam["mixed_parents"] & (rng.random(n) < 0.4)
    second[ius_soli | mixed_second] = px[ius_soli | mixed_second]
    to_germans = fam["born_abroad_to_german_parents"]
    cob[to_germans] = _syn_draw(rng, _SYN_ABROAD, int(to_germans.sum()))
    arrive(child_abroad, -np.inf, year)
    arrive(to_germans, -np.inf, year, recent=False)
    born_abroad |= child_abroad | to_germans
    arrival[born_abroad & (rng.random(n) < 0.03)] = np.nan  # arrival year not recorded
    cob[~born_abroad & (rng.random(n) < 0.005)] = na          # birthplace not recorded

    countries = list(_SYN_COUNTRIES)

    def category(codes):
        return pd.Categorical.from_codes(codes.astype("int64"), categories=countries)

    female = rng.random(n) < 0.49 + 0.12 * np.clip((age - 60) / 30, 0, 1)
    return pd.DataFrame({
        "district": pd.Categorical.from_codes(district, categories=[
            f"{i + 1:02d}" for i in range(n_districts)]),
        "age": age,
        "sex": pd.Categorical.from_codes(np.where(female, 0, 1), categories=["f", "m"]),
        "nationality": category(nat),
        "second_nationality": category(second),
        "country_of_birth": category(cob),
        "year_of_arrival": pd.array(arrival, dtype="Float64").astype("Int64"),
        "naturalised": naturalised,
        "moved_in_from_aussiedler_area": aussiedler_flag,
        "parent1_nationality": category(parents["p1_nat"]),
        "parent1_country_of_birth": category(parents["p1_cob"]),
        "parent2_nationality": category(parents["p2_nat"]),
        "parent2_country_of_birth": category(parents["p2_cob"]),
    })
