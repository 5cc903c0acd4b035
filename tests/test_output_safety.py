"""Reliability and security under bad input: what intmon writes and what it deletes.

- No text from an imported file runs as a formula in a CSV or Excel file intmon writes
  (intmon_utils/cellsafety.py, after OWASP's advice on CSV injection), while numbers stay
  numbers and the official symbols stay as they are; a data package still round-trips.
- A run removes only the temporary files intmon itself left behind, only in its own folders
  (intmon_utils/runner/leftovers.py).
"""

from __future__ import annotations

import csv
import os
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook

from intmon_utils.cellsafety import neutralise, neutralise_frame, restore, restore_frame
from intmon_utils.fileio import TEMP_NAME, atomic_path
from intmon_utils.package import read_package, write_package
from intmon_utils.report.context import ReportContext
from intmon_utils.runner.leftovers import remove_leftovers
from intmon_utils.runner.plan import Job
from intmon_utils.tabellenband import write_tabellenband, write_values

EVIL = '=HYPERLINK("http://evil","x")'
AREA = "99101000"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (EVIL, "'" + EVIL),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("--", "'--"),
        ("'=1+1", "''=1+1"),  # a quote already there: one more, so that reading is exact
        # the official symbols stay
        ("-", "-"),
        (".", "."),
        ("x", "x"),
        ("/", "/"),
        ("...", "..."),
        ("–", "–"),
        # numbers written as text in a formatted table stay
        ("-1,2", "-1,2"),
        ("+0,3", "+0,3"),
        ("-1.234,5", "-1.234,5"),
        ("-1,234.5", "-1,234.5"),
        ("-3.5", "-3.5"),
        ("+12,5 %", "+12,5 %"),
        ("-1,2 Pp.", "-1,2 Pp."),
        ("-0.4 pp", "-0.4 pp"),
        # other texts and numbers stored as numbers are not touched
        ("Lindenhagen", "Lindenhagen"),
        ("'quoted'", "'quoted'"),
        ("", ""),
        (-3.5, -3.5),
        (-7, -7),
        (None, None),
    ],
)
def test_neutralise_prefixes_only_texts_a_spreadsheet_would_run(value, written):
    assert neutralise(value) == written
    assert restore(written) == value  # the exact inverse


def test_a_frame_keeps_its_numbers_and_dtypes():
    df = pd.DataFrame(
        {
            "name": [EVIL, "Lindenhagen", None],
            "change": ["-1,2", "-", "+0,3"],
            "value": [-3.5, 0.0, 2.0],
            "mixed": pd.Series(["@x", -4, None], dtype=object).to_numpy(),
        },
        index=pd.Index(["=i", "b", "c"], name="area_id"),
    ).rename(columns={"change": "=change"})
    out = neutralise_frame(df)
    assert out["name"].tolist()[:2] == ["'" + EVIL, "Lindenhagen"] and pd.isna(out["name"].iloc[2])
    assert out["'=change"].tolist() == ["-1,2", "-", "+0,3"]
    assert out["mixed"].tolist() == ["'@x", -4, None]
    assert out.index.tolist() == ["'=i", "b", "c"]
    assert out.dtypes.tolist() == df.dtypes.tolist()
    assert out["value"].tolist() == [-3.5, 0.0, 2.0]
    assert df["name"].iloc[0] == EVIL  # the frame given is not changed
    pd.testing.assert_frame_equal(restore_frame(out), df)


def _indicator_table() -> pd.DataFrame:
    row = {
        "indicator_id": "labor.unemployment_rate",
        "topic": "labor",
        "area_id": AREA,
        "year": 2024,
        "group": "total",
        "sex": "total",
        "value": -3.5,
        "numerator": 1207.0,
        "denominator": 20000.0,
        "unit": "percent",
        "status": "ok",
        "reason": "",
        "detail": EVIL,
        "ci_low": None,
        "ci_high": None,
        "n_cases": None,
    }
    return pd.DataFrame([row])


def test_the_tabellenband_holds_no_formula_and_numbers_as_numbers(tmp_path):
    path = tmp_path / f"{AREA}_indicators.xlsx"
    write_tabellenband(_indicator_table(), AREA, EVIL, path, False, "de", EVIL)
    book = load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + EVIL in {c.value for c in cells}  # the disclosure paragraph, a cell of its own
    assert book["Inhalt"]["A1"].value == f"Integrationsmonitoring {EVIL} ({AREA})"
    numbers = [c.value for c in cells if c.data_type == "n" and c.value is not None]
    assert -3.5 in numbers and 1207 in numbers

    (csv_path, _) = write_values(_indicator_table(), AREA, tmp_path / "values", False)
    with open(csv_path, encoding="utf-8", newline="") as fh:
        (record,) = list(csv.DictReader(fh))
    assert record["detail"] == "'" + EVIL
    assert float(record["value"]) == -3.5 and float(record["numerator"]) == 1207


def test_a_report_table_csv_neutralises_an_area_name(tmp_path):
    # ReportContext.write_csv reads only these attributes of its context
    context = SimpleNamespace(output_dir=tmp_path, topic="labor", lang="de", synthetic=False)
    shown = pd.DataFrame(
        {"Gebiet": [EVIL, "Lindenhagen"], "Veränderung": ["-1,2 %", "-"], "Jahr": [2024, 2023]}
    )
    path = ReportContext.write_csv(context, shown, "comparison")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows == [
        ["Gebiet", "Veränderung (%)", "Jahr"],
        ["'" + EVIL, "-1,2", "2024"],
        ["Lindenhagen", "-", "2023"],
    ]


def test_a_csv_data_package_neutralises_and_round_trips(tmp_path):
    areas = pd.DataFrame(
        [
            {"area_id": "99", "name": "Demoland", "level": "land", "kind": "", "parent_id": ""},
            {"area_id": AREA, "name": EVIL, "level": "municipality", "kind": "", "parent_id": "99"},
        ]
    ).assign(synthetic=True)
    observations = pd.DataFrame(
        [
            {
                "area_id": AREA,
                "area_level": "municipality",
                "year": 2024,
                "variable": "population",
                "group": "total",
                "sex": "total",
                "age": "total",
                "value": -3.5,
                "status": "ok",
                "source": "@source",
                "source_id": "test",
            }
        ]
    )
    target = tmp_path / "paket"
    write_package(target, observations, areas, fmt="csv", licence=("x", "X", None))
    raw = (target / "data" / "areas.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw
    obs, read_areas, _ = read_package(target)
    assert read_areas.set_index("area_id").loc[AREA, "name"] == EVIL
    assert obs["source"].tolist() == ["@source"] and obs["value"].tolist() == [-3.5]


# -- clean-up of a killed run's temporary files ---------------------------------------------


def _job(topic: str, area: str = AREA) -> Job:
    return Job(area, topic, 2024, f"parameters/{area}.yml", "", f"outputs/2024/{area}", "h")


def test_the_temporary_name_pattern_matches_what_atomic_path_makes(tmp_path):
    with atomic_path(tmp_path / "report.html") as tmp:
        assert TEMP_NAME.match(tmp.name), tmp.name


def test_a_run_removes_only_its_own_leftovers(tmp_path):
    project = tmp_path
    report = project / "outputs" / "2024" / AREA
    own = [
        report / ".report.html.abc12345.tmp",
        report / ".labor.tmp.ipynb",
        report / "figures" / ".labor_gaps.svg.x_y12345.tmp",
        report / "tables" / ".labor_gaps.csv.0000zzzz.tmp",
        report.parent / ".manifest.json.abcdefgh.tmp",
        report.parent / "downloads" / ".values.csv.abcdefgh.tmp",
    ]
    users = [
        project / ".env.tmpl",
        project / "outputs" / ".env.tmpl",
        project / "outputs" / ".data.csv.abc12345.tmp",  # the root is never walked
        report / ".env.tmpl",
        report / ".notes.tmp.txt",
        report / ".report.html.abc1234.tmp",  # 7 random characters: not mkstemp's
        report / ".report.html.ABC12345.tmp",  # upper case: not mkstemp's
        report / ".education.tmp.ipynb",  # a topic not planned here
        report / "private" / ".report.html.abc12345.tmp",  # not a folder a report writes
        project / "outputs" / "2024" / "99999" / ".report.html.abc12345.tmp",  # not planned
    ]
    for path in own + users:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (report / ".folder.abc12345.tmp").mkdir()  # a folder is never removed
    os.symlink(project / ".env.tmpl", report / ".link.abc12345.tmp")  # nor a link

    removed = remove_leftovers(project, [_job("labor"), _job("publication")])

    assert sorted(removed) == sorted(own)
    assert not [p for p in own if p.exists()]
    assert all(p.exists() for p in users)
    assert (report / ".folder.abc12345.tmp").is_dir()
    assert (report / ".link.abc12345.tmp").is_symlink() and (project / ".env.tmpl").exists()


def test_the_clean_up_of_a_first_run_finds_no_folders(tmp_path):
    assert remove_leftovers(tmp_path, [_job("labor")]) == []
    assert not (tmp_path / "outputs").exists()  # nothing is created either
