"""intmon's long format through ``intmon import``: ids stay text, errors name the row."""

import subprocess
import sys

from intmon_utils.store import ObservationStore


def intmon(*args):
    return subprocess.run(
        [sys.executable, "-m", "intmon_utils.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_long_csv(tmp_path):
    (tmp_path / "areas.csv").write_text(
        "area_id;name;level;kind;parent_id\n01001000;Flensburg;district;kreisfreie_stadt;\n"
    )
    (tmp_path / "unemployed.csv").write_text(
        "area_id,year,variable,group,sex,age,value,status\n"
        "01001000,2023,unemployed,total,total,total,4000,ok\n"
        "01001000,2023,unemployed,foreign,total,total,,secret\n"
        "01001000,2023,unemployed,german,total,total,0,\n"
    )
    data = tmp_path / "data"
    assert (
        intmon("import", "areas", str(tmp_path / "areas.csv"), "--data", str(data)).returncode == 0
    )
    proc = intmon("import", "observations", str(tmp_path / "unemployed.csv"), "--data", str(data))
    assert proc.returncode == 0, proc.stderr
    back = ObservationStore(data).read_observations().set_index("group")
    assert back["area_id"].eq("01001000").all()
    assert back.loc["foreign", "status"] == "secret" and back.loc["total", "value"] == 4000
    assert back.loc["total", "source"] == "unemployed.csv"


def test_import_of_missing_file_or_unknown_kind_is_a_clear_error(tmp_path):
    proc = intmon("import", "genesis", str(tmp_path / "nope.csv"), "--data", str(tmp_path / "d"))
    assert (
        proc.returncode == 2 and "file not found" in proc.stderr and "Traceback" not in proc.stderr
    )
    proc = intmon("import", "genisis", str(tmp_path / "nope.csv"), "--data", str(tmp_path / "d"))
    assert proc.returncode == 2 and "unknown import kind 'genisis'" in proc.stderr
    assert "did you mean 'genesis'?" in proc.stderr


def test_import_error_names_file_row_and_column(tmp_path):
    (tmp_path / "areas.csv").write_text(
        "area_id,name,level,kind,parent_id\n01001000,Flensburg,district,kreisfreie_stadt,\n"
    )
    (tmp_path / "bad.csv").write_text(
        "area_id,year,variable,group,sex,age,value\n"
        "01001000,2023,unemployed,total,total,total,4000\n"
        "01001000,2023,unemployed,auslaender,total,total,12\n"
    )
    data = tmp_path / "data"
    intmon("import", "areas", str(tmp_path / "areas.csv"), "--data", str(data))
    proc = intmon("import", "observations", str(tmp_path / "bad.csv"), "--data", str(data))
    assert proc.returncode == 2
    assert "bad.csv" in proc.stderr and "row 2" in proc.stderr and "'group'" in proc.stderr
    assert not (data / "observations" / "bad.parquet").exists()
