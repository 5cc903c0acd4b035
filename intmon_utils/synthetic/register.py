"""A seeded synthetic person-level register extract (tests, benchmarks).

The table follows the column contract of :mod:`intmon_utils.migration.contract` and exercises
every rule of the two definitions (``docs/methods/migrapro.md``,
``docs/methods/einwanderungsgeschichte.md``). The shares are invented, not real.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..migration import GERMAN, MINOR_AGE

# Weights of citizenships / countries of birth used by the generator (not real shares).
_SYN_FOREIGN = {
    "TR": 16,
    "UA": 12,
    "SY": 10,
    "PL": 8,
    "RO": 8,
    "IT": 6,
    "HR": 5,
    "GR": 4,
    "AF": 4,
    "BG": 4,
    "RU": 3,
    "IQ": 3,
    "XK": 2,
    "US": 2,
    "XX": 1,
}
_SYN_AUSSIEDLER = {"KZ": 5, "RU": 4, "PL": 3, "RO": 2}
_SYN_EXPELLEE = {"PL": 6, "CZ": 3, "RU": 1}
_SYN_ABROAD = {"AT": 3, "CH": 2, "US": 2, "ES": 1, "FR": 1, "GB": 1}
_SYN_COUNTRIES = tuple(
    dict.fromkeys(["DE", *_SYN_FOREIGN, *_SYN_AUSSIEDLER, *_SYN_EXPELLEE, *_SYN_ABROAD])
)
# adult types: (name, base probability); the non-native ones are scaled per district
_ADULT_TYPES = (
    ("native", 0.60),
    ("foreign_immigrant", 0.18),
    ("foreign_born_here", 0.03),
    ("naturalised_immigrant", 0.06),
    ("naturalised_born_here", 0.01),
    ("option_german", 0.015),
    ("aussiedler", 0.05),
    ("german_born_abroad", 0.01),
    ("expellee", 0.015),
)
# family types of minors: how the (up to two) linked parents look
_MINOR_TYPES = (
    ("native_parents", 0.55),
    ("foreign_parents", 0.13),
    ("mixed_parents", 0.08),
    ("aussiedler_parents", 0.04),
    ("naturalised_parents", 0.05),
    ("single_native_parent", 0.07),
    ("single_foreign_parent", 0.03),
    ("no_parent_linked", 0.02),
    ("born_abroad_to_german_parents", 0.01),
    ("foreign_parents_born_here", 0.02),
)


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
    offset = np.floor(span * (u**2 if recent else u))
    return (high - offset) if recent else (low + offset)


def generate_register(
    n_persons: int, n_districts: int = 20, seed: int = 0, year: int = 2024
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
    parents = {k: np.full(n, na, dtype="int16") for k in ("p1_nat", "p1_cob", "p2_nat", "p2_cob")}

    def arrive(mask, low, high, recent=True):
        low = np.broadcast_to(np.asarray(low, dtype=float), (n,))[mask]
        arrival[mask] = _syn_arrival(
            rng, np.maximum(birth[mask], low), np.full(mask.sum(), float(high)), recent
        )

    # adults
    t = _syn_types(
        rng,
        district,
        tilt,
        _ADULT_TYPES,
        {"option_german": age < 35, "aussiedler": birth <= 2005, "expellee": birth <= 1944},
    )
    t[minor] = -1
    kind = {name: t == i for i, (name, _) in enumerate(_ADULT_TYPES)}
    born_abroad = (
        kind["foreign_immigrant"]
        | kind["naturalised_immigrant"]
        | kind["aussiedler"]
        | kind["german_born_abroad"]
        | kind["expellee"]
    )
    nat[kind["foreign_immigrant"] | kind["foreign_born_here"]] = foreign_x[
        kind["foreign_immigrant"] | kind["foreign_born_here"]
    ]
    cob[kind["foreign_immigrant"] | kind["naturalised_immigrant"]] = foreign_x[
        kind["foreign_immigrant"] | kind["naturalised_immigrant"]
    ]
    aus, exp, abroad_de = kind["aussiedler"], kind["expellee"], kind["german_born_abroad"]
    cob[aus] = _syn_draw(rng, _SYN_AUSSIEDLER, int(aus.sum()))
    cob[exp] = _syn_draw(rng, _SYN_EXPELLEE, int(exp.sum()))
    cob[abroad_de] = _syn_draw(rng, _SYN_ABROAD, int(abroad_de.sum()))
    nat_mask = kind["naturalised_immigrant"] | kind["naturalised_born_here"]
    naturalised[nat_mask] = rng.random(int(nat_mask.sum())) < np.where(
        kind["naturalised_born_here"][nat_mask], 0.7, 0.8
    )  # the flag is lost when moving
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
        with_foreign_p1 = foreign_parent | fam["mixed_parents"]
        parents[key][with_foreign_p1] = px[with_foreign_p1]
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
    cob[~born_abroad & (rng.random(n) < 0.005)] = na  # birthplace not recorded

    countries = list(_SYN_COUNTRIES)

    def category(codes):
        return pd.Categorical.from_codes(codes.astype("int64"), categories=countries)

    female = rng.random(n) < 0.49 + 0.12 * np.clip((age - 60) / 30, 0, 1)
    return pd.DataFrame(
        {
            "district": pd.Categorical.from_codes(
                district, categories=[f"{i + 1:02d}" for i in range(n_districts)]
            ),
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
        }
    )
