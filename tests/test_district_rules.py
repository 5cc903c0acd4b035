"""Mapping rules for real municipal tables (docs/district-tables.md §5): levels by row
position, names on two levels, aggregate codes normalised, row ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from intmon_utils.errors import DataError, MappingError
from intmon_utils.sources.district import read_district_table

AGS = "99104000"

# sub-districts coded 101–202 (first digit = Stadtbezirk), then the Stadtbezirk totals coded
# 001–002, then the city; Stadtbezirk 1 is called "Altstadt" like sub-district 101
CODED_CSV = (
    "Nr;Gebiet;Einwohner;Ausländer\n"
    "101;Altstadt;1000;100\n"
    "102;Hafen;2000;300\n"
    "201;Nord;1500;150\n"
    "001;Altstadt;3000;400\n"
    "002;Nord;1500;150\n"
    ";Stadt insgesamt;4500;550\n"
)
CODED_MAPPING = {
    "municipality": {"id": AGS, "name": "Zweistufen"},
    "areas": {
        "code_column": "Nr",
        "name_column": "Gebiet",
        "code_pattern": r"[1-9]\d\d",
        "hierarchy": [{"kind": "stadtbezirk", "prefix": 1}],
        "aggregates": [
            {"names": ["Stadt insgesamt"], "level": "municipality"},
            {
                "code_pattern": r"00\d",
                "level": "stadtbezirk",
                "normalise": {"strip_zeros": True},
            },
        ],
    },
    "year": 2023,
    "layout": "wide",
    "columns": {
        "Einwohner": {"variable": "population"},
        "Ausländer": {"variable": "population", "group": "foreign"},
    },
}

# the same table with names only and no level column: the rows say the level
NAMES_CSV = (
    "Gebiet;Einwohner;Ausländer\n"
    "Altstadt;1000;100\n"
    "Hafen;2000;300\n"
    "Nord;1500;150\n"
    "Stadtbezirke;;\n"
    "Altstadt;3000;400\n"
    "Nord;1500;150\n"
    "Stadt insgesamt;4500;550\n"
)
NAMES_MAPPING = {
    **CODED_MAPPING,
    "areas": {
        "name_column": "Gebiet",
        "code_by_name": {"Altstadt": "101", "Hafen": "102", "Nord": "201"},
        "hierarchy": [
            {"kind": "stadtbezirk", "prefix": 1, "code_by_name": {"Altstadt": "1", "Nord": "2"}}
        ],
        "exclude": [{"names": ["Stadtbezirke"], "reason": "heading"}],
        "aggregates": [
            {"names": ["Stadt insgesamt"], "level": "municipality"},
            {"after": "^Stadtbezirke$", "level": "stadtbezirk"},
        ],
    },
}


def write(tmp_path: Path, text: str, mapping: dict) -> tuple[Path, Path]:
    data, m = tmp_path / "table.csv", tmp_path / "mapping.yml"
    data.write_text(text, encoding="utf-8")
    m.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return data, m


def populations(obs) -> dict[str, float]:
    total = obs[obs["group"] == "total"]
    return dict(zip(total["area_id"], total["value"], strict=True))


EXPECTED = {
    f"{AGS}-101": 1000,
    f"{AGS}-102": 2000,
    f"{AGS}-201": 1500,
    f"{AGS}-1": 3000,
    f"{AGS}-2": 1500,
    AGS: 4500,
}


def test_aggregate_codes_with_leading_zeros_are_normalised(tmp_path):
    obs, areas = read_district_table(*write(tmp_path, CODED_CSV, CODED_MAPPING))
    assert populations(obs) == EXPECTED
    reg = areas.set_index("area_id")
    assert reg.loc[f"{AGS}-1", ["name", "kind"]].tolist() == ["Altstadt", "stadtbezirk"]
    assert reg.loc[f"{AGS}-101", ["name", "parent_id"]].tolist() == ["Altstadt", f"{AGS}-1"]
    # without the normalisation the totals cannot be placed, and the message says why
    plain = {**CODED_MAPPING, "areas": {**CODED_MAPPING["areas"]}}
    plain["areas"]["aggregates"] = [
        CODED_MAPPING["areas"]["aggregates"][0],
        {"code_pattern": r"00\d", "level": "stadtbezirk"},
    ]
    with pytest.raises(DataError, match="do not have the 1 characters"):
        read_district_table(*write(tmp_path, CODED_CSV, plain))


def test_levels_by_row_order_with_names_on_two_levels(tmp_path):
    obs, areas = read_district_table(*write(tmp_path, NAMES_CSV, NAMES_MAPPING))
    assert populations(obs) == EXPECTED
    reg = areas.set_index("area_id")
    assert reg.loc[f"{AGS}-1", "kind"] == "stadtbezirk"
    assert reg.loc[f"{AGS}-101", "kind"] == "stadtteil"


def test_row_ranges_say_the_level(tmp_path):
    mapping = {**NAMES_MAPPING, "areas": {**NAMES_MAPPING["areas"]}}
    mapping["areas"]["aggregates"] = [
        {"names": ["Stadt insgesamt"], "level": "municipality"},
        {"rows": "6-7", "level": "stadtbezirk"},
    ]
    obs, _ = read_district_table(*write(tmp_path, NAMES_CSV, mapping))
    assert populations(obs) == EXPECTED
    # a row rule restricts a name rule: only the "Altstadt" in rows 6-7 is the Stadtbezirk
    mapping["areas"]["aggregates"][1] = {"names": ["Altstadt"], "rows": [6], "level": "stadtbezirk"}
    mapping["areas"]["exclude"] = [{"rows": [5, 7], "reason": "heading, Nord"}]
    obs, _ = read_district_table(*write(tmp_path, NAMES_CSV, mapping))
    assert set(populations(obs)) == {f"{AGS}-101", f"{AGS}-102", f"{AGS}-201", f"{AGS}-1", AGS}


def test_code_lookup_and_prefix(tmp_path):
    text = "Nr;Einwohner\nSB101;10\nSB102;20\nX;5\n"
    mapping = {
        "municipality": {"id": AGS},
        "areas": {
            "code_column": "Nr",
            "normalise": {"strip_prefix": "SB", "lookup": {"X": "999"}},
        },
        "year": 2023,
        "layout": "wide",
        "columns": {"Einwohner": {"variable": "population"}},
    }
    obs, _ = read_district_table(*write(tmp_path, text, mapping))
    assert populations(obs) == {f"{AGS}-101": 10, f"{AGS}-102": 20, f"{AGS}-999": 5}


@pytest.mark.parametrize("rows", ["9-3", "a-b", [0], True])
def test_bad_row_ranges_name_the_key(tmp_path, rows):
    mapping = {**NAMES_MAPPING, "areas": {**NAMES_MAPPING["areas"]}}
    mapping["areas"]["aggregates"] = [{"rows": rows, "level": "municipality"}]
    with pytest.raises(MappingError, match=r"areas\.aggregates\[0\]\.rows"):
        read_district_table(*write(tmp_path, NAMES_CSV, mapping))


# -- derived complements -----------------------------------------------------------------------

DERIVE_CSV = "Nr;Einwohner;Ausländer\n101;1000;100\n102;2000;.\n103;500;500\n"
DERIVE_MAPPING = {
    "source": "Stadt Zweistufen, Einwohnerstatistik",
    "municipality": {"id": AGS},
    "areas": {"code_column": "Nr"},
    "year": 2023,
    "layout": "wide",
    "columns": {
        "Einwohner": {"variable": "population"},
        "Ausländer": {"variable": "population", "group": "foreign"},
    },
    "derive": [{"group": "german", "minus": ["foreign"]}],
}


def test_a_table_with_only_total_and_foreign_gets_german_derived(tmp_path):
    obs, _ = read_district_table(*write(tmp_path, DERIVE_CSV, DERIVE_MAPPING))
    german = obs[obs["group"] == "german"].set_index("area_id")
    # 102: foreign is secret, so German cannot be derived (it would reveal the secret)
    assert german["value"].to_dict() == {f"{AGS}-101": 900, f"{AGS}-103": 0}
    assert set(german["status"]) == {"derived"}
    assert (
        german["source"]
        .str.endswith(
            "abgeleitet: Deutsche = Insgesamt − Ausländerinnen und Ausländer "
            "(einschl. Staatsangehörigkeit ohne Angabe)"
        )
        .all()
    )


def test_derived_counts_enter_indicators_and_the_store(tmp_path):
    from intmon_utils.indicators import compute_indicators
    from intmon_utils.sources.district import import_district_table
    from intmon_utils.store import ObservationStore

    data, mapping = write(tmp_path, DERIVE_CSV, DERIVE_MAPPING)
    store = ObservationStore(tmp_path / "data")
    message = import_district_table([data], store, mapping)
    assert "2 values of group german derived as total − foreign" in message
    table = compute_indicators(store.read_observations())
    share = table[(table["indicator_id"] == "demography.foreign_share")].set_index("area_id")
    assert share.loc[f"{AGS}-101", "value"] == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"group": "german", "minus": ["with_migration_background"]}, "not an identity"),
        ({"group": "german", "sex": "male", "minus": ["foreign"]}, "exactly one of"),
        ({"group": "deutsch", "minus": ["foreign"]}, "not in the vocabulary"),
    ],
)
def test_a_derivation_that_is_no_identity_names_the_key(tmp_path, entry, problem):
    mapping = {**DERIVE_MAPPING, "derive": [entry]}
    with pytest.raises(MappingError, match=rf"derive\[0\].*{problem}"):
        read_district_table(*write(tmp_path, DERIVE_CSV, mapping))
