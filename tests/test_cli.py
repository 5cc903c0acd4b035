"""The intmon command end to end in a temporary project folder."""

import io
import json
import os
import sys

import pandas as pd
import pytest

from intmon_utils import cli

from conftest import intmon, make_project

pytestmark = pytest.mark.notebooks
TOPICS = ("overview", "education", "labor", "housing", "participation")


def test_run_two_areas_with_one_broken_parameter_file(demo_store, tmp_path):
    project = make_project(tmp_path, ["99104000", "99204"])
    # unquoted id: YAML reads a number, which must be rejected without stopping the others
    (project / "parameters" / "99103000.yml").write_text("area_id: 99103000\nname: Steinbrügge\n")
    proc = intmon(
        "--project",
        str(project),
        "run",
        "--area",
        "99104000",
        "99204",
        "99103000",
        "--jobs",
        "2",
        "--quiet",
        "--data",
        str(demo_store.root),
    )
    assert proc.returncode == 1, proc.stderr
    # per area: 5 topic reports and the publication
    assert "12 reports written, 0 unchanged (skipped), 1 failed" in proc.stdout
    assert "99103000.yml: key 'area_id'" in proc.stdout and "quote" in proc.stdout
    year_dir = project / "outputs" / "2024"
    manifest = json.loads((year_dir / "manifest.json").read_text())["jobs"]
    ok = {(j["area_id"], j["topic"]) for j in manifest if j["status"] == "ok"}
    assert ok == {(a, t) for a in ("99104000", "99204") for t in (*TOPICS, "publication")}
    failed = [j for j in manifest if j["status"] == "failed"]
    assert len(failed) == 1 and "99103000.yml" in failed[0]["error"]
    assert all(
        len(j["input_hash"]) == 16 and j["duration"] > 0 for j in manifest if j["status"] == "ok"
    )
    index = (year_dir / "reports.html").read_text()
    for area in ("99104000", "99204"):
        for topic in TOPICS:
            assert f'href="{area}/{topic}.html"' in index
            assert (year_dir / area / f"{topic}.html").stat().st_size > 10_000
        book = pd.read_excel(year_dir / area / f"{area}_indicators.xlsx", header=None)
        assert "SYNTHETISCHE DEMODATEN" in str(book.iloc[1, 0])
    assert "SYNTHETISCHE DEMODATEN" in index and "fehlgeschlagen" in index
    assert not list(year_dir.rglob("*.tmp*")), "temporary files left behind"


def test_values_prints_the_published_numbers(demo_store, demo_published, tmp_path):
    project = make_project(tmp_path, ["99104000"])
    proc = intmon(
        "--project",
        str(project),
        "values",
        "--area",
        "99104000",
        "--year",
        "2024",
        "--indicator",
        "labor.unemployment_rate",
        "--format",
        "csv",
        "--data",
        str(demo_store.root),
    )
    assert proc.returncode == 0, proc.stderr
    printed = pd.read_csv(io.StringIO(proc.stdout), dtype={"area_id": str})
    assert printed["area_id"].eq("99104000").all() and len(printed) >= 3
    _, table = demo_published
    expected = table[
        (table["indicator_id"] == "labor.unemployment_rate")
        & (table["area_id"] == "99104000")
        & (table["year"] == 2024)
    ]
    merged = printed.merge(expected, on=["group", "sex"], suffixes=("", "_engine"))
    assert len(merged) == len(expected)
    assert (merged["value"].fillna(-1) == merged["value_engine"].fillna(-1)).all()
    assert (printed["data_origin"] == "synthetic demo data (intmon), not real").all()


def test_a_reader_that_closes_the_output_early_gets_no_traceback(demo_store, tmp_path, monkeypatch):
    """Defect: `intmon values … | grep -q X` (or `| head`) ended in a BrokenPipeError
    traceback when the reader closed the pipe before intmon had written everything."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone
    closed = io.TextIOWrapper(os.fdopen(write_end, "wb"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", closed)
    project = make_project(tmp_path, ["99104000"])
    args = ["--project", str(project), "values", "--area", "99104000", "--year", "2024"]
    code = cli.main([*args, "--format", "csv", "--data", str(demo_store.root)])
    assert code == 1


def test_values_rejects_unknown_indicator_clearly(demo_store, tmp_path):
    project = make_project(tmp_path, [])
    proc = intmon(
        "--project",
        str(project),
        "values",
        "--area",
        "99104000",
        "--year",
        "2024",
        "--indicator",
        "labor.nope",
        "--data",
        str(demo_store.root),
    )
    assert proc.returncode == 2 and "unknown indicator 'labor.nope'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_data_status_shows_what_each_area_lacks(demo_store):
    proc = intmon(
        "data",
        "status",
        "--level",
        "district",
        "--year",
        "2024",
        "--format",
        "csv",
        "--data",
        str(demo_store.root),
    )
    assert proc.returncode == 0, proc.stderr
    status = pd.read_csv(io.StringIO(proc.stdout), dtype=str).set_index("area_id")
    city, landkreis = status.loc["99101000"], status.loc["99201"]
    have = lambda s: int(s.split("/")[0])  # noqa: E731
    assert have(city["housing"]) > have(landkreis["housing"])  # no survey in the Kreis
    assert have(city["demography"]) > have(landkreis["demography"])  # no migration background
    assert city["labor"] == landkreis["labor"]
    proc = intmon("data", "status", "variables", "--area", "99201", "--data", str(demo_store.root))
    assert "2014–2024" in proc.stdout and "survey_persons" not in proc.stdout


def test_catalogue_renders_every_indicator_with_availability(demo_store, tmp_path):
    from intmon_utils.catalogue import load_catalogue

    project = make_project(tmp_path, ["99101000", "99201"])
    for fmt in ("md", "xlsx"):
        proc = intmon(
            "--project", str(project), "catalogue", "--format", fmt, "--data", str(demo_store.root)
        )
        assert proc.returncode == 0, proc.stderr
    md = (project / "outputs" / "indikatorenkatalog.md").read_text(encoding="utf-8")
    for ind in load_catalogue():
        assert f"(`{ind.id}`)" in md
    assert "SYNTHETISCHEN" in md and "Lindenhagen (2014–2024)" in md
    # the Landkreis has no migration background: not listed for that indicator
    section = md.split("(`demography.migration_background_share`)")[1].split("### ")[0]
    assert "Lindenhagen" in section and "Hohe Wende" not in section
    book = pd.read_excel(project / "outputs" / "indikatorenkatalog.xlsx", sheet_name=None, header=2)
    assert len(book) == 5 and sum(len(s) for s in book.values()) == len(load_catalogue())


def test_rerun_skips_unchanged_reports_and_redoes_changed_ones(demo_store, tmp_path):
    project = make_project(tmp_path, ["99104000"])
    args = (
        "--project",
        str(project),
        "run",
        "--topic",
        "labor",
        "housing",
        "--quiet",
        "--jobs",
        "1",
        "--data",
        str(demo_store.root),
    )
    first = intmon(*args)
    assert first.returncode == 0 and "2 reports written, 0 unchanged" in first.stdout
    html = project / "outputs/2024/99104000/labor.html"
    before = html.stat().st_mtime_ns
    second = intmon(*args)
    assert "0 reports written, 2 unchanged (skipped)" in second.stdout
    assert html.stat().st_mtime_ns == before
    manifest = json.loads((project / "outputs/2024/manifest.json").read_text())["jobs"]
    assert {j["status"] for j in manifest} == {"skipped"}
    # new commentary for labor: only that report is redone
    commentary = project / "parameters/commentary/99104000"
    commentary.mkdir(parents=True)
    (commentary / "labor.md").write_text("## Interpretation\n\nNeu.\n", encoding="utf-8")
    third = intmon(*args)
    assert "1 reports written, 1 unchanged (skipped)" in third.stdout
    assert "Neu." in html.read_text(encoding="utf-8")
    # a run killed before the report was complete leaves no stamp: the next run redoes it
    (project / "outputs/2024/99104000/.housing.inputs").unlink()
    assert "1 reports written, 1 unchanged" in intmon(*args).stdout
    assert "2 reports written, 0 unchanged" in intmon(*args, "--force").stdout
