"""``intmon trace``: how one published number was made, on the synthetic demo Land.

The trace must print the number ``intmon values`` prints, recompute it from the inputs it
prints, name the data log's imports, and never print more than the published tables hold:
no input count of a suppressed value, no word on primary or secondary suppression, no
number of respondents below ``min_cases``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil

import pandas as pd
import pytest

from intmon_utils import datalog
from intmon_utils.catalogue import load_catalogue
from intmon_utils.cli import main
from intmon_utils.formatting import format_value
from intmon_utils.published import INTERNAL
from intmon_utils.store import ObservationStore

from conftest import PROJECT

AREA, INDICATOR, YEAR = "99101000", "labor.marginal_only_share", "2023"  # two denominators
SECRECY_WORDS = ("primär", "sekundär", "primary", "secondary", "secret_source", "hält den Wert")


def _project(root):
    (root / "parameters").mkdir(parents=True)
    shutil.copy(PROJECT / "parameters" / "defaults.yml", root / "parameters")
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return _project(tmp_path_factory.mktemp("trace"))


def run(capsys, project, store, *args):
    """``intmon … --data <store>`` in this process: (exit code, stdout, stderr)."""
    command, *rest = args
    code = main(["--project", str(project), command, "--data", str(store.root), *rest])
    out = capsys.readouterr()
    return code, out.out, out.err


def trace_json(capsys, project, store, *args):
    code, out, err = run(capsys, project, store, "trace", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_trace_prints_the_published_value_and_recomputes_it(capsys, project, demo_store):
    ids = ("--area", AREA, "--indicator", INDICATOR, "--year", YEAR)
    code, out, _ = run(capsys, project, demo_store, "values", *ids, "--format", "csv")
    assert code == 0
    values = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    trace = trace_json(capsys, project, demo_store, *ids)
    code, text, err = run(capsys, project, demo_store, "trace", *ids)
    assert code == 0 and "synthetic demo data" in err

    shown = {(r["group"], r["sex"]): r["shown"] for r in trace["rows"]}
    assert shown == dict(zip(zip(values["group"], values["sex"]), values["shown"], strict=True))
    ind = load_catalogue().get(INDICATOR)
    valued = [r for r in trace["rows"] if r["state"] == "published"]
    assert len(valued) == 3  # total, German, foreign
    for row in valued:
        sides = {
            s: [i["value"] for i in row["inputs"] if i["side"] == s]
            for s in ("numerator", "denominator")
        }
        assert len(sides["numerator"]) == 1 and len(sides["denominator"]) == 2
        num, den = sum(sides["numerator"]), sum(sides["denominator"])
        recomputed = format_value(num / den * ind.multiplier, "ok", ind.unit)
        assert (
            recomputed
            == row["shown"]
            == values.set_index(["group", "sex"]).loc[(row["group"], row["sex"]), "shown"]
        )
        assert (row["computation"]["numerator"], row["computation"]["denominator"]) == (num, den)
        # the text prints the same inputs and the same value
        for value in (num, den, *sides["denominator"]):
            assert f"{value:,.0f}".replace(",", ".") in text
        assert f": {row['shown']} %  [veröffentlicht]" in text
    # the gap of foreign nationals to Germans, in percentage points
    foreign = next(r for r in valued if r["group"] == "foreign")
    german = next(r for r in valued if r["group"] == "german")
    assert foreign["gap"]["reference_group"] == "german"
    assert foreign["gap"]["gap"] == pytest.approx(foreign["value"] - german["value"])
    assert re.search(r"Abstand zur Referenzgruppe \(Deutsche: [\d,]+ %\): \+[\d,]+ Pp\.", text)
    for heading in ("1 Veröffentlichter Wert", "2 Definition", "3 Eingangsdaten", "4 Berechnung"):
        assert heading in text
    assert ind.text("name", "de") in text and "Zeichenerklärung" in text


def test_english_labels(capsys, project, demo_store):
    ids = ("--area", AREA, "--indicator", INDICATOR, "--year", YEAR, "--group", "total")
    code, text, _ = run(capsys, project, demo_store, "trace", *ids, "--lang", "en")
    assert code == 0
    assert "1 Published value" in text and "Numerator" in text and "Zähler" not in text
    assert load_catalogue().get(INDICATOR).text("name", "en") in text


@pytest.fixture(scope="module")
def imported(tmp_path_factory, demo_store):
    """A copy of the demo store with one real import (a file with a hash in the data log)
    and a parameter folder whose ``min_cases`` lies just above the foreign respondents'
    count in Lindenhagen 2023 (one rebuild of the published tables for both)."""
    root = tmp_path_factory.mktemp("trace_imported")
    shutil.copytree(
        demo_store.root, root / "data", ignore=shutil.ignore_patterns("derived", ".lock")
    )
    store = ObservationStore(root / "data")
    micro = store.read_surveys()
    foreign = micro[
        (micro["area_id"] == AREA) & (micro["year"] == 2023) & micro["belonging"].notna()
    ]
    n_foreign = int((foreign["nationality"] == "foreign").sum())
    project = _project(root / "project")
    (project / "parameters" / "defaults.yml").write_text(
        (PROJECT / "parameters" / "defaults.yml")
        .read_text(encoding="utf-8")
        .replace(
            "disclosure: {min_count: 3}",
            f"disclosure: {{min_count: 3, min_cases: {n_foreign + 1}}}",
        ),
        encoding="utf-8",
    )
    origin = root / "migration_background_99201.csv"
    origin.write_text(
        "area_id,year,variable,group,sex,age,value,source\n"
        "99201,2023,population,with_migration_background,total,total,41234,Melderegister HW\n",
        encoding="utf-8",
    )
    code = main(
        [
            "--project",
            str(project),
            "import",
            "observations",
            str(origin),
            "--data",
            str(store.root),
        ]
    )
    assert code == 0
    return project, store, origin, n_foreign


def test_sources_and_hashes_are_those_of_the_data_log(capsys, imported):
    project, store, origin, _ = imported
    args = (
        "--area",
        "99201",
        "--indicator",
        "demography.migration_background_share",
        "--year",
        "2023",
    )
    trace = trace_json(capsys, project, store, *args, "--sex", "total")
    (row,) = trace["rows"]
    assert row["state"] == "published"
    by_side = {i["side"]: i for i in row["inputs"]}
    assert by_side["numerator"]["value"] == 41234 and by_side["numerator"]["source_id"].startswith(
        "obs_"
    )
    assert by_side["denominator"]["source_id"] == "synthetic_demo"

    log = pd.read_csv(store.log_path, dtype=str).fillna("")
    traced = {s["source_id"]: s["imports"] for s in trace["sources"]}
    assert set(traced) == {by_side["numerator"]["source_id"], "synthetic_demo"}
    for source, imports in traced.items():
        entries = log[log["source"] == source]
        assert [i["origin_sha256"] for i in imports] == list(entries["origin_sha256"])
        assert [(i["time"], i["origin"]) for i in imports] == list(
            zip(entries["time"], entries["origin"], strict=True)
        )
    (ours,) = traced[by_side["numerator"]["source_id"]]
    assert ours["origin"] == str(origin)
    assert ours["origin_sha256"] == hashlib.sha256(origin.read_bytes()).hexdigest()

    code, text, _ = run(capsys, project, store, "trace", *args, "--sex", "total")
    assert code == 0 and ours["origin_sha256"] in text and str(origin) in text
    assert datalog.as_of(store.log_path) in text  # the import time


def test_survey_respondents_below_min_cases_are_not_printed(capsys, imported):
    project, store, _, n_foreign = imported
    args = ("--area", AREA, "--indicator", "participation.belonging", "--year", YEAR)
    trace = trace_json(capsys, project, store, *args)
    rows = {r["group"]: r for r in trace["rows"]}
    few = rows["foreign"]
    assert (few["status"], few["shown"]) == ("uncertain", "/")
    assert "computation" not in few and few["respondents_below"] == n_foreign + 1
    assert few["survey_sources"] == ["synthetic_demo_survey"]
    assert [s["source_id"] for s in trace["survey_sources"]] == ["survey:synthetic_demo_survey"]
    many = rows["total"]
    assert many["computation"]["respondents"] >= n_foreign + 1
    c = many["computation"]
    assert format_value(c["weighted_positive"] / c["weighted_total"] * 100, "ok") == many["shown"]

    code, text, _ = run(capsys, project, store, "trace", *args, "--group", "foreign")
    assert code == 0 and f"weniger als {n_foreign + 1}" in text
    assert not re.search(rf"(?<![\d.,]){n_foreign}(?![\d.,])", text)


def _a_suppressed_row(demo_published):
    _, table = demo_published
    register = {i.id for i in load_catalogue() if not (i.survey or i.spatial)}
    cells = table[(table["status"] == "suppressed") & table["indicator_id"].isin(register)]
    return cells.sort_values(["indicator_id", "area_id", "year", "group", "sex"]).iloc[0]


def _ids(row):
    return (
        *("--area", row["area_id"], "--indicator", row["indicator_id"]),
        *("--year", str(row["year"]), "--group", row["group"], "--sex", row["sex"]),
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_suppressed_value_shows_no_inputs_and_no_kind_of_suppression(
    capsys, project, demo_store, demo_published, lang
):
    cell = _a_suppressed_row(demo_published)
    ids = (*_ids(cell), "--lang", lang)
    trace = trace_json(capsys, project, demo_store, *ids)
    (row,) = trace["rows"]
    assert (row["status"], row["symbol"], row["shown"], row["value"]) == (
        "suppressed",
        ".",
        ".",
        None,
    )
    assert "computation" not in row and "reason" not in row and "gap" not in row
    assert row["inputs"] and all("value" not in i and "status" not in i for i in row["inputs"])

    code, text, _ = run(capsys, project, demo_store, "trace", *ids)
    assert code == 0
    said = "gesperrt (Geheimhaltung)" if lang == "de" else "suppressed (disclosure control)"
    assert f".  {said}" in text
    side = ("Zähler", "Nenner") if lang == "de" else ("Numerator", "Denominator")
    inputs = [line for line in text.splitlines() if line.strip().startswith(side)]
    assert inputs and not any(re.search(r": [\d.,]+ \(", line) for line in inputs), inputs
    assert "÷" not in text.split("4 ")[-1].split("5 ")[0]  # no computation of it
    for word in SECRECY_WORDS:
        assert word not in text.casefold() and word not in json.dumps(trace).casefold()


def test_internal_marks_every_line(capsys, project, demo_store, demo_published):
    ids = _ids(_a_suppressed_row(demo_published))
    code, text, err = run(capsys, project, demo_store, "trace", *ids, "--internal")
    assert code == 0 and INTERNAL in err
    lines = text.rstrip("\n").splitlines()
    assert lines and all(INTERNAL in line for line in lines)
    trace = trace_json(capsys, project, demo_store, *ids, "--internal")
    (row,) = trace["rows"]
    assert trace["classification"] == INTERNAL and row["shown"] == "."
    assert row["internal"]["value"] is not None  # the unprotected value, for the office only
    assert all("value" in i for i in row["inputs"])


@pytest.mark.parametrize(
    "change, expected",
    [
        (("--area", "9910100"), "did you mean 99101000 (Lindenhagen)"),
        (("--area", "Lindenhagen"), "is the name of area 99101000"),
        (("--indicator", "labor.marginal_only_shar"), "did you mean labor.marginal_only_share"),
        (("--indicator", "marginal_only_share"), "did you mean labor.marginal_only_share"),
        (("--year", "2031"), "did you mean 2024?"),
        (("--group", "foreigners"), "did you mean foreign?"),
    ],
)
def test_bad_ids_give_a_clear_error(capsys, project, demo_store, change, expected):
    args = dict(zip(["--area", "--indicator", "--year"], [AREA, INDICATOR, YEAR], strict=True))
    args[change[0]] = change[1]
    code, out, err = run(
        capsys, project, demo_store, "trace", *[x for kv in args.items() for x in kv]
    )
    assert code == 2 and out == ""
    assert expected in err and err.startswith("intmon: error:") and "Traceback" not in err


def test_the_reports_that_show_the_value(capsys, tmp_path, demo_store):
    project = _project(tmp_path)
    folder = project / "outputs" / "2024" / AREA
    folder.mkdir(parents=True)
    (folder / "labor.html").write_text("<html></html>")
    jobs = [
        {"job": f"{AREA}/labor", "area_id": AREA, "topic": "labor", "year": 2024, "status": "ok"}
        | {"outputs": ["labor.ipynb", "labor.html"]},
        {"job": f"{AREA}/housing", "area_id": AREA, "topic": "housing", "status": "ok"}
        | {"outputs": ["housing.html"]},
    ]
    (folder.parent / "manifest.json").write_text(json.dumps({"jobs": jobs}))
    ids = ("--area", AREA, "--indicator", INDICATOR, "--year", YEAR, "--group", "total")
    trace = trace_json(capsys, project, demo_store, *ids)
    assert trace["reports"] == [
        {
            "report_year": 2024,
            "topic": "labor",
            "status": "ok",
            "files": [f"outputs/2024/{AREA}/labor.html"],
        }
    ]
    code, text, _ = run(capsys, project, demo_store, "trace", *ids)
    assert code == 0 and f"outputs/2024/{AREA}/labor.html (Berichtsjahr 2024" in text
