"""Survey-based indicators: weighted shares, confidence intervals, case minimum, SPSS import."""

import math

import pandas as pd
import pytest

from intmon_utils.catalogue import parse_catalogue
from intmon_utils.errors import DataError
from intmon_utils.sources import IMPORTERS
from intmon_utils.store import ObservationStore
from intmon_utils.survey import survey_indicators, validate_survey

TEXTS = {
    f: {"de": "x", "en": "y"} for f in ("name", "description", "source", "rationale", "caveats")
}
CATALOGUE = parse_catalogue(
    {
        "indicators": [
            {
                **TEXTS,
                "id": "participation.belonging",
                "topic": "participation",
                "unit": "percent",
                "direction": "higher_is_better",
                "survey": {"item": "belonging", "positive": [1, 2]},
                "groups": ["total", "with_migration_background", "without_migration_background"],
                "reference_group": "without_migration_background",
                "levels": ["district"],
                "references": [{"ref": "r", "note": {"de": "a", "en": "b"}}],
            }
        ]
    }
)


def micro(answers, weights, mb=None):
    n = len(answers)
    return validate_survey(
        pd.DataFrame(
            {
                "area_id": "09761000",
                "year": 2023,
                "weight": weights,
                "sex": ["f", "m"] * (n // 2) + ["f"] * (n % 2),
                "nationality": "german",
                "migration_background": mb or ["without"] * n,
                "belonging": answers,
            }
        ),
        "test",
    )


def row(table, group="total"):
    r = table[table["group"] == group]
    assert len(r) == 1
    return r.iloc[0]


def test_weighted_share_and_linearised_interval_hand_computed():
    t = survey_indicators(micro([1, 3, 2, 4], [1, 1, 2, 4]), CATALOGUE, min_cases=1)
    r = row(t)
    assert r["value"] == pytest.approx(37.5)  # (1 + 2) / 8
    se = math.sqrt((1 * 0.625**2 + 1 * 0.375**2 + 4 * 0.625**2 + 16 * 0.375**2) / 64)
    assert r["ci_low"] == pytest.approx(max(0, 0.375 - 1.959964 * se) * 100)
    assert r["ci_high"] == pytest.approx((0.375 + 1.959964 * se) * 100)
    assert r["n_cases"] == 4 and r["status"] == "estimated"


def test_unweighted_share_uses_wilson_and_missing_answers_are_excluded():
    answers = [1] * 5 + [4] * 5 + [-1, None]  # two missing answers
    t = survey_indicators(micro(answers, [1.0] * 12), CATALOGUE, min_cases=1)
    r = row(t)
    assert r["n_cases"] == 10 and r["value"] == pytest.approx(50.0)
    assert r["ci_low"] == pytest.approx(23.66, abs=0.01) and r["ci_high"] == pytest.approx(
        76.34, abs=0.01
    )


def test_groups_and_case_minimum():
    mb = ["with"] * 4 + ["without"] * 40
    t = survey_indicators(micro([1] * 44, [1.0] * 44, mb), CATALOGUE, min_cases=30)
    assert row(t, "without_migration_background")["status"] == "estimated"
    small = row(t, "with_migration_background")
    # not reliable enough: the official "/", not the "." of secrecy
    assert small["status"] == "uncertain" and small["reason"] == "too_few_cases"
    assert math.isnan(small["value"]) and math.isnan(small["ci_low"]) and small["n_cases"] == 4


def test_validation_names_row_and_column():
    df = pd.DataFrame(
        {
            "area_id": ["09761000"] * 2,
            "year": [2023, 2023],
            "weight": [1, 1],
            "sex": ["f", "m"],
            "nationality": ["german", "foreign"],
            "migration_background": ["with", "without"],
            "belonging": [1, 2],
        }
    )
    with pytest.raises(DataError, match=r"umfrage.csv: .*'migration_background' \(row 2"):
        validate_survey(df, "umfrage.csv")
    df.loc[1, "migration_background"] = "with"
    df.loc[0, "weight"] = 0
    with pytest.raises(DataError, match=r"'weight' \(row 1"):
        validate_survey(df, "umfrage.csv")


def test_spss_import_roundtrip(tmp_path):
    import pyreadstat

    df = pd.DataFrame(
        {
            "area_id": ["09761000"] * 3,
            "year": [2023.0] * 3,
            "weight": [1.0, 2.0, 1.5],
            "sex": ["f", "m", "f"],
            "nationality": ["german"] * 3,
            "migration_background": ["with", "without", "without"],
            "belonging": [1.0, 3.0, -9.0],
        }
    )
    path = tmp_path / "buergerumfrage.sav"
    pyreadstat.write_sav(df, str(path))
    store = ObservationStore(tmp_path / "data")
    IMPORTERS["survey"]([path], store)
    back = store.read_surveys()
    assert back["area_id"].tolist() == ["09761000"] * 3
    assert back["belonging"].isna().tolist() == [False, False, True]  # -9 = missing
    numeric = df.assign(area_id=[9761000.0] * 3)
    pyreadstat.write_sav(numeric, str(tmp_path / "numeric.sav"))
    with pytest.raises(DataError, match="string variable"):
        IMPORTERS["survey"]([tmp_path / "numeric.sav"], store)


def test_demo_survey_indicators(demo_published):
    _, table = demo_published
    s = table[
        (table["indicator_id"] == "participation.belonging")
        & (table["sex"] == "total")
        & (table["year"] == 2023)
    ]
    city = s[s["area_id"] == "99101000"].set_index("group")
    assert (city["status"] == "estimated").all() and (city["n_cases"] >= 30).all()
    assert ((city["ci_low"] <= city["value"]) & (city["value"] <= city["ci_high"])).all()
    assert city.loc["foreign", "value"] < city.loc["german", "value"]  # gap direction
    assert not s["area_id"].isin(["99201", "99201001"]).any()  # no survey in the Kreis
