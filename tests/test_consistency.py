"""Consistency across imports (intmon_utils/consistency.py): totals from one source against
parts from another, ``intmon data check``, and roll-ups for areas without values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from intmon_utils.cli import main

AGS = "99105000"
PARTS_CSV = (
    "Nr;Einwohner;Wähler;Wahlberechtigte\n11;2000;900;1500\n12;1500;.;1200\n21;3000;1400;2400\n"
)
PARTS_MAPPING = {
    "table": "stadtteile",
    "municipality": {"id": AGS, "name": "Prüfstadt"},
    "areas": {"code_column": "Nr", "hierarchy": [{"kind": "stadtbezirk", "prefix": 1}]},
    "year": 2023,
    "layout": "wide",
    "columns": {
        "Einwohner": {"variable": "population"},
        "Wähler": {"variable": "voters_municipal"},
        "Wahlberechtigte": {"variable": "electorate_municipal"},
    },
}
# the city's and one Stadtbezirk's totals from another table of the city
TOTALS_CSV = "Nr;Einwohner\n0;10000\n1;3500\n"
TOTALS_MAPPING = {
    "table": "gesamtstadt",
    "municipality": {"id": AGS},
    "areas": {
        "code_column": "Nr",
        "hierarchy": [{"kind": "stadtbezirk", "prefix": 1}],
        "aggregates": [
            {"codes": ["0"], "level": "municipality"},
            {"codes": ["1"], "level": "stadtbezirk"},
        ],
    },
    "year": 2023,
    "layout": "wide",
    "columns": {"Einwohner": {"variable": "population"}},
}


def write(tmp_path: Path, name: str, text: str, mapping: dict) -> list[str]:
    data, m = tmp_path / f"{name}.csv", tmp_path / f"{name}.yml"
    data.write_text(text, encoding="utf-8")
    m.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return [str(data), "--mapping", str(m)]


def imported(tmp_path: Path, capsys) -> str:
    data = str(tmp_path / "data")
    assert (
        main(
            ["import", "district", *write(tmp_path, "p", PARTS_CSV, PARTS_MAPPING), "--data", data]
        )
        == 0
    )
    capsys.readouterr()
    return data


def test_a_rollup_mismatch_across_two_imports_is_a_warning(tmp_path, capsys):
    data = imported(tmp_path, capsys)
    args = ["import", "district", *write(tmp_path, "t", TOTALS_CSV, TOTALS_MAPPING), "--data", data]
    assert main(args) == 0
    err = capsys.readouterr().err
    # the city: 10,000 published; its Stadtbezirke: 1 published (3,500), 2 the sum of its
    # Stadtteil (3,000) from the other file
    assert "warning: after this import 1 total differs from the sum of the parts" in err
    assert (
        f"{AGS} Prüfstadt, 2023, population [total, total, total]: 10,000 published, 6,500" in err
    )
    assert "(-3,500, -35.0%;" in err
    # Stadtbezirk 1: 3,500 published against its Stadtteile 11 + 12 = 3,500: consistent
    assert f"{AGS}-1 " not in err
    assert main(["data", "check", "--data", data, "--format", "csv"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out), dtype={"area_id": str})
    city = table.set_index("area_id").loc[AGS]
    assert (city["published"], city["sum_of_parts"], city["difference"]) == (10000, 6500, -3500)
    assert set(table["area_id"]) == {AGS}


def test_data_check_on_a_consistent_store(tmp_path, capsys):
    data = imported(tmp_path, capsys)
    assert main(["data", "check", "--data", data]) == 0
    assert "every total agrees" in capsys.readouterr().out


def test_rollup_gives_the_city_its_turnout(tmp_path, capsys):
    data = imported(tmp_path, capsys)
    assert main(["data", "rollup", "--data", data]) == 0
    assert "source rollup (replace): " in capsys.readouterr().out
    obs = pd.read_parquet(Path(data) / "observations" / "rollup.parquet")
    got = obs.set_index(["area_id", "variable"])["value"].to_dict()
    # Stadtbezirk 1 (11, 12) and 2 (21) and the city from them; voters of 12 are secret:
    # no voters for Stadtbezirk 1 and the city (the sum would reveal the secret)
    assert got == {
        (f"{AGS}-1", "population"): 3500,
        (f"{AGS}-1", "electorate_municipal"): 2700,
        (f"{AGS}-2", "population"): 3000,
        (f"{AGS}-2", "electorate_municipal"): 2400,
        (f"{AGS}-2", "voters_municipal"): 1400,
        (AGS, "population"): 6500,
        (AGS, "electorate_municipal"): 5100,
    }
    assert set(obs["status"]) == {"derived"}
    assert main(["data", "rollup", "--data", data]) == 0  # again: nothing changes
    assert "0 added, 0 replaced, 7 unchanged, 0 removed" in capsys.readouterr().out
