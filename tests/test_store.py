"""Observation store: validation with clear errors, atomic writes, DuckDB access."""

import pandas as pd
import pytest

from intmon_utils.errors import DataError
from intmon_utils.fileio import write_text
from intmon_utils.schema import validate_observations
from intmon_utils.store import ObservationStore

from conftest import obs

AREAS = pd.DataFrame(
    {
        "area_id": ["01001000"],
        "name": ["Flensburg"],
        "level": ["district"],
        "kind": ["kreisfreie_stadt"],
        "parent_id": [""],
        "synthetic": [False],
    }
)


@pytest.mark.parametrize(
    "change, column, words",
    [
        ({"status": "geheim"}, "status", "vocabulary"),
        ({"variable": "unemployment"}, "variable", "vocabulary"),
        ({"value": -4}, "value", "negative"),
        ({"value": "12,5"}, "value", "not a number"),
        ({"area_id": "1001000"}, "area_id", "malformed"),
        ({"status": "secret"}, "value", "symbol status"),
    ],
)
def test_bad_observations_name_row_and_column(change, column, words):
    df = obs(
        [
            ("01001000", 2020, "unemployed", "total", "total", "total", 5),
            ("01001000", 2020, "unemployed", "foreign", "total", "total", 2),
        ]
    )
    for k, v in change.items():
        df[k] = df[k].astype(object)
        df.loc[1, k] = v
    with pytest.raises(DataError) as err:
        validate_observations(df, "upload.csv")
    msg = str(err.value)
    assert "upload.csv" in msg and f"'{column}'" in msg and "row 2" in msg and words in msg


def test_duplicate_key_rejected():
    df = obs([("01001000", 2020, "unemployed", "total", "total", "total", 5)] * 2)
    with pytest.raises(DataError, match="duplicate"):
        validate_observations(df, "x")


def test_roundtrip_keeps_ids_as_text_and_duckdb_reads_it(tmp_path):
    store = ObservationStore(tmp_path)
    store.write_areas(AREAS)
    store.write_observations(
        obs([("01001000", 2020, "unemployed", "total", "total", "total", 5)]), "test"
    )
    back = store.read_observations()
    assert back["area_id"].tolist() == ["01001000"]
    con = store.connect()
    assert con.execute("SELECT area_id, value FROM observations").fetchall() == [("01001000", 5.0)]
    log = pd.read_csv(tmp_path / "imports.csv", dtype=str)
    assert log["rows"].tolist() == ["1"]
    store.write_observations(
        obs([("01001000", 2021, "unemployed", "total", "total", "total", 6)]), "test"
    )
    ids = pd.read_csv(tmp_path / "imports.csv", dtype=str)["import_id"]
    assert ids.str.fullmatch("[0-9a-f]{12}").all() and ids.is_unique  # each import its id


def test_unknown_area_rejected_and_nothing_written(tmp_path):
    store = ObservationStore(tmp_path)
    store.write_areas(AREAS)
    store.write_observations(
        obs([("01001000", 2020, "unemployed", "total", "total", "total", 5)]), "good"
    )
    with pytest.raises(DataError, match="area register"):
        store.write_observations(
            obs([("09999000", 2020, "unemployed", "total", "total", "total", 5)]), "good"
        )
    assert store.read_observations()["area_id"].tolist() == ["01001000"]  # old file intact


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    write_text(target, "old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left


def test_missing_store_says_what_to_do(tmp_path):
    with pytest.raises(DataError, match="intmon demo-data"):
        ObservationStore(tmp_path).read_observations()


@pytest.mark.parametrize(
    "area_id, valid",
    [
        ("09761000", True),
        ("09761000-04", True),
        ("DG", True),
        ("09761000\n", False),  # a line break carried over from a file
        ("9761000", False),  # a leading zero lost
        ("٠٩٧٦١٠٠٠", False),  # Arabic-Indic digits
        ("09761000-", False),
        ("0976100O", False),
    ],
)
def test_area_ids_have_exactly_the_documented_forms(area_id, valid):
    from intmon_utils.area_ids import is_valid_area_id

    assert is_valid_area_id(area_id) is valid
