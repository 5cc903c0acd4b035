"""``intmon import FILE…`` without a kind: files recognised by their content
(intmon_utils/sources/detect.py)."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from intmon_utils.cli import main
from intmon_utils.errors import DataError
from intmon_utils.sources.detect import detect_kind

from conftest import REALDATA, needs_realdata

FIRST_LINES = {
    "genesis": "GENESIS-Tabelle: 12411-01-01-4;;;\n",
    "ba": '\ufeff"Region";"Deutschland";"Regionsschlüssel:";"d"\n',
    "observations": "area_id,year,variable,group,sex,age,value\n",
    "areas": "area_id;name;level;kind;parent_id\n",
}


@pytest.mark.parametrize("kind", sorted(FIRST_LINES))
def test_text_files_are_recognised_by_their_first_line(tmp_path, kind):
    path = tmp_path / "renamed.txt"  # the name says nothing
    path.write_text(FIRST_LINES[kind] + "x;y\n", encoding="utf-8")
    assert detect_kind(path) == kind


def test_flat_file_parquet_and_gemeindeverzeichnis(tmp_path):
    flat = tmp_path / "flat.csv"
    flat.write_text(
        "\ufeffstatistics_code;time;1_variable_code;value;value_unit;value_variable_code\n",
        encoding="utf-8",
    )
    assert detect_kind(flat) == "genesis"
    table = tmp_path / "obs.parquet"
    pd.DataFrame({"area_id": ["01"], "year": [2020], "variable": ["x"], "value": [1]}).to_parquet(
        table
    )
    assert detect_kind(table) == "observations"
    book = openpyxl.Workbook()
    book.active.title = "Onlineprodukt_Gemeinden_311223"
    book.save(tmp_path / "gv.xlsx")
    assert detect_kind(tmp_path / "gv.xlsx") == "gv"


def test_a_municipal_table_needs_a_mapping(tmp_path, capsys):
    path = tmp_path / "stadtteile.csv"
    path.write_text("Nr;Stadtteil;Einwohner\n101;Altstadt;1000\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"cannot tell what this file is .*--mapping"):
        detect_kind(path)
    assert detect_kind(path, mapping="m.yml") == "district"
    assert main(["import", str(path), "--data", str(tmp_path / "d")]) == 2
    assert "docs/district-tables.md" in capsys.readouterr().err


@needs_realdata
def test_the_real_files_are_recognised():
    expected = {
        "01_destatis_regionalstatistik_classic": "genesis",
        "02_destatis_genesis_ffcsv": "genesis",
        "04_ba_statistik_migration": "ba",
    }
    for folder, kind in expected.items():
        for path in sorted((REALDATA / folder).glob("*.csv")):
            assert detect_kind(path) == kind, path
    assert detect_kind(REALDATA / "03_destatis_gemeindeverzeichnis/AuszugGV2QAktuell.xlsx") == "gv"
    with pytest.raises(DataError, match="needs a mapping"):
        detect_kind(REALDATA / "05_berlin_lor_einwohner/einwohnerbestand_06-2022_plr.csv")


@needs_realdata
def test_import_without_a_kind_and_genesis_for_a_flat_file(tmp_path, capsys):
    data = str(tmp_path / "data")
    flat = sorted((REALDATA / "02_destatis_genesis_ffcsv").glob("12411*.csv"))
    gv = REALDATA / "03_destatis_gemeindeverzeichnis/AuszugGV2QAktuell.xlsx"
    assert main(["import", str(gv), *map(str, flat), "--data", data]) == 0
    out = capsys.readouterr().out
    assert "recognised as gv" in out and "recognised as genesis" in out
    assert "source genesis_12411-01-01-4 (merge)" in out
    # the kind named: a flat file is a GENESIS table too (it used to be "not a GENESIS table")
    assert main(["import", "genesis", *map(str, flat), "--data", data, "--dry-run"]) == 0
    assert "0 added, 0 replaced" in capsys.readouterr().out


def test_an_option_the_recognised_kind_does_not_take_is_an_error(tmp_path, capsys):
    path = tmp_path / "register.csv"
    path.write_text(FIRST_LINES["areas"] + '"09";Bayern;state;land;\n', encoding="utf-8")
    assert main(["import", str(path), "--year", "2024", "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "intmon import areas does not take --year (areas: no options)" in err
    assert not (tmp_path / "d").exists()
