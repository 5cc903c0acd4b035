"""The portal: every municipality and every indicator compared, downloads, and a manifest
that never loses a report.

One small run (a kreisfreie Stadt, a Landkreis and one of its Gemeinden: two area levels)
makes the reports the portal links; the values on the pages and in the downloads are checked
against the published indicator table, computed here independently of the portal's code.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from intmon_utils import published, runner
from intmon_utils.catalogue import load_catalogue
from intmon_utils.config.parameters import load_parameters
from intmon_utils.disclosure.policy import workspace_policy
from intmon_utils.errors import ParameterError
from intmon_utils.formatting import format_value
from intmon_utils.portal.site import NAVIGATION
from intmon_utils.portal.values import comparison_table, ranks
from intmon_utils.statuses import VALUED_INDICATORS

from conftest import make_project

AREAS = ["99101000", "99201", "99201001"]
UNEMPLOYMENT = "labor.unemployment_rate"


def _run(project, demo_store, **kw):
    return runner.run(
        project, demo_store.root, project / "parameters", project / "outputs", quiet=True, **kw
    )


@pytest.fixture(scope="module")
def site(demo_store, tmp_path_factory):
    """The portal of a run of the overview notebook for three areas, with the published
    indicator table it was built from."""
    project = make_project(tmp_path_factory.mktemp("portal"), AREAS)
    results, start = _run(project, demo_store, topics=["overview"])
    assert [r["status"] for r in results] == ["ok"] * 3, results
    policy = workspace_policy(project / "parameters", demo_store.read_areas())
    table = published.indicators(demo_store, policy)
    return {"project": project, "year_dir": start.parent, "start": start, "table": table}


def _page(site, path):
    return (site["year_dir"] / path).read_text(encoding="utf-8")


def _total(table, ind, area, year):
    rows = table[
        (table["indicator_id"] == ind)
        & (table["area_id"] == area)
        & (table["year"] == year)
        & (table["group"] == "total")
        & (table["sex"] == "total")
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_comparison_table_takes_values_gaps_and_changes_from_the_published_table(
    demo_store, demo_published
):
    _, table = demo_published
    comp = comparison_table(table, demo_store.read_areas(), AREAS, 2024)
    rows = comp[comp["indicator_id"] == UNEMPLOYMENT].set_index("area_id")
    # each portal area once, the Land as a reference row, nothing else
    assert sorted(rows.index) == sorted([*AREAS, "99"])
    assert rows.loc["99", "reference"] and not rows.loc[AREAS, "reference"].any()
    assert rows.loc["99201001", "level"] == "municipality"
    mine = table[(table["indicator_id"] == UNEMPLOYMENT) & (table["sex"] == "total")]
    city = mine[mine["area_id"] == "99101000"].set_index(["group", "year"])
    year = int(rows.loc["99101000", "year"])
    assert year == int(city[city["status"].isin(VALUED_INDICATORS)].index.get_level_values(1).max())
    assert rows.loc["99101000", "value"] == city.loc[("total", year), "value"]
    gap = city.loc[("foreign", year), "value"] - city.loc[("german", year), "value"]
    assert rows.loc["99101000", "gap"] == pytest.approx(gap)
    assert rows.loc["99101000", "gap_group"] == "foreign"
    change = city.loc[("total", year), "value"] - city.loc[("total", year - 5), "value"]
    assert rows.loc["99101000", "change_5"] == pytest.approx(change)
    # a value without a number passes no number on: no gap, no change
    missing = rows[~rows["status"].isin(VALUED_INDICATORS)]
    assert missing["gap"].isna().all() and missing["change_1"].isna().all()


def test_ranks_put_the_most_favourable_first_and_leave_out_references_and_symbols():
    rows = pd.DataFrame(
        {
            "value": [5.0, 3.0, 3.0, 9.0, None, 1.0],
            "status": ["ok", "ok", "ok", "ok", "suppressed", "ok"],
            "reference": [False, False, False, False, False, True],
        }
    )
    assert ranks(rows, "lower_is_better").tolist() == [3, 1, 1, 4, pd.NA, pd.NA]
    assert ranks(rows, "higher_is_better").tolist() == [2, 3, 3, 1, pd.NA, pd.NA]


def test_start_page_finds_every_area_and_links_every_indicator(site):
    page = _page(site, "index.html")
    for area in AREAS:
        assert f'<a href="{area}/index.html">' in page
        assert re.search(rf'data-search="[^"]* {area}"', page)
        assert (site["year_dir"] / area / "index.html").is_file()
    links = set(re.findall(r'href="(indicators/[^"]+\.html)"', page))
    assert len(links) == len(load_catalogue())
    assert all((site["year_dir"] / link).is_file() for link in links)
    assert "SYNTHETISCHE DEMODATEN" in page
    # every page of the navigation exists and is linked from the start page
    for name in NAVIGATION.values():
        assert f'href="{name[0]}"' in page and (site["year_dir"] / name[0]).is_file()


def test_indicator_page_shows_the_published_values_per_level_with_the_land_beneath(site):
    page = _page(site, f"indicators/{UNEMPLOYMENT}.html")
    table = site["table"]
    districts, municipalities = page.split('id="level-district"')[1].split(
        'id="level-municipality"'
    )
    for area in ("99101000", "99201"):
        row = re.search(
            rf'<tr><th scope="row" data-sort="[^"]*"><a href="../{area}/index.html">'
            r".*?</tr>",
            districts,
        ).group(0)
        year = int(re.search(r"(\d{4}), Gesamtbevölkerung", districts).group(1))
        r = _total(table, UNEMPLOYMENT, area, year)
        assert f">{format_value(r['value'], r['status'], 'percent', 'de')}<" in row
        assert f'data-sort="{float(r["value"])!r}"' in row
    land = districts.split('class="reference"')[1]
    assert "Land Wendenau" in land
    # the Gemeinde has no unemployment rate of its own: a symbol, and the section says why
    assert "99201001" in municipalities and 'class="gap-note"' in municipalities
    assert (site["year_dir"] / f"indicators/{UNEMPLOYMENT}_district.svg").is_file()
    # the map of the Kreise (the demo's synthetic boundaries), its alt text from the data
    the_map = re.search(rf'<img src="{UNEMPLOYMENT}_district_map.svg" alt="([^"]+)"', districts)
    assert the_map and "Karte Arbeitslosenquote" in the_map.group(1)
    svg = (site["year_dir"] / f"indicators/{UNEMPLOYMENT}_district_map.svg").read_text()
    assert svg.count("<path ") == 2 and "Synthetische Umrisse" in svg  # the two Kreise shown


def test_area_page_links_its_reports_and_shows_its_key_figures(site):
    page = _page(site, "99101000/index.html")
    assert 'href="overview.html"' in page
    r = _total(site["table"], "demography.foreign_share", "99101000", 2024)
    assert format_value(r["value"], r["status"], "percent", "de", with_unit=True) in page
    assert 'href="../indicators/demography.foreign_share.html"' in page
    # the key figures as a download too: the area and its Land, values rounded as shown
    assert 'href="key_figures_excel.csv"' in page
    keys = pd.read_csv(site["year_dir"] / "99101000/key_figures.csv", dtype={"area_id": str})
    assert set(keys["area_id"]) == {"99101000", "99"}
    share = keys[(keys["area_id"] == "99101000") & (keys["indicator_id"] == r["indicator_id"])]
    assert share["value"].iloc[0] == round(r["value"], 1)


def test_downloads_hold_every_published_value_as_shown_and_no_secret_number(site):
    downloads = site["year_dir"] / "downloads"
    with gzip.open(downloads / "values.csv.gz", "rt", encoding="utf-8") as f:
        series = pd.read_csv(f, dtype={"area_id": str})
    table = site["table"]
    shown = set(series["area_id"])
    assert set(AREAS) | {"99"} <= shown
    expected = table[table["area_id"].isin(shown)]
    assert len(series) == len(expected)
    secret = series[~series["status"].isin(VALUED_INDICATORS)]
    assert len(secret) and secret[["value", "numerator", "denominator"]].isna().all().all()
    assert (secret["symbol"].isin([".", "x", "/", "..."])).all()
    # values rounded as the pages show them (one decimal for percentages)
    pct = series[(series["unit"] == "percent") & series["value"].notna()]
    assert (pct["value"].round(1) == pct["value"]).all()
    assert series["data_origin"].str.contains("synthetic").all()
    # the Excel flavour: BOM, semicolons, decimal comma, numbers read back as numbers
    excel = next(downloads.glob("values_*_excel.csv"))
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    year_values = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert year_values["value"].dtype.kind == "f" and year_values["year"].nunique() == 1
    # the data package describes exactly these columns
    package = json.loads((site["year_dir"] / "datapackage.json").read_text(encoding="utf-8"))
    resource = package["resources"][0]
    assert [f["name"] for f in resource["schema"]["fields"]] == list(series.columns)
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    assert types["value"] == "number" and types["year"] == "integer"
    assert package["licenses"][0]["name"] == "dl-de/by-2-0"


def test_indicator_table_downloads_match_the_page(site):
    stem = site["year_dir"] / "indicators" / f"{UNEMPLOYMENT}_district"
    records = json.loads(Path(f"{stem}.json").read_text(encoding="utf-8"))
    machine = pd.read_csv(f"{stem}.csv", dtype={"area_id": str})
    assert [r["area_id"] for r in records] == machine["area_id"].tolist()
    assert {"99101000", "99201", "99"} <= set(machine["area_id"])


def test_partial_run_keeps_every_report_and_marks_stale_ones(site, demo_store):
    project, year_dir = site["project"], site["year_dir"]
    # area 99201's parameters change after its report was made: its report becomes stale
    changed = project / "parameters" / "99201.yml"
    before = changed.read_text(encoding="utf-8")
    changed.write_text(before + "language: en\n", encoding="utf-8")
    try:
        results, _ = _run(project, demo_store, areas=["99101000"], topics=["overview"])
        status = {(r["area_id"], r["topic"]): r["status"] for r in results}
        assert status[("99101000", "overview")] == "skipped"
        assert status[("99201", "overview")] == "stale"
        assert status[("99201001", "overview")] == "skipped"
        manifest = json.loads((year_dir / "manifest.json").read_text(encoding="utf-8"))["jobs"]
        assert {(e["area_id"], e["status"]) for e in manifest if e["topic"] == "overview"} == {
            ("99101000", "skipped"),
            ("99201", "stale"),
            ("99201001", "skipped"),
        }
        reports = _page(site, "reports.html")
        avail = pd.read_csv(site["year_dir"] / "downloads/availability.csv", dtype={"area_id": str})
        assert set(avail["area_id"]) == set(AREAS) and avail["available"].dtype.kind == "i"
        assert (avail["available"] <= avail["indicators"]).all()
        assert 'href="downloads/availability_excel.csv"' in reports
        for area in AREAS:
            assert f'href="{area}/overview.html"' in reports
        assert "veraltet" in reports
        assert "1 reports outside this run are stale" in runner.summary(results)
    finally:
        changed.write_text(before, encoding="utf-8")


def test_rerun_with_nothing_changed_rebuilds_nothing(site, demo_store):
    _run(site["project"], demo_store, topics=["overview"])
    pages = [site["start"], site["year_dir"] / "indicators" / f"{UNEMPLOYMENT}.html"]
    stamps = [p.stat().st_mtime_ns for p in pages]
    _run(site["project"], demo_store, topics=["overview"])
    assert [p.stat().st_mtime_ns for p in pages] == stamps


def test_portal_is_a_workspace_setting(tmp_path):
    project = make_project(tmp_path, ["99104000"])
    area = project / "parameters" / "99104000.yml"
    area.write_text(area.read_text() + "portal: {ranking: true}\n")
    with pytest.raises(ParameterError, match=r"portal.*whole workspace.*defaults.yml"):
        load_parameters(area)
    area.write_text(area.read_text().replace("portal: {ranking: true}\n", ""))
    defaults = project / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text() + "portal: {rankings: true}\n")
    with pytest.raises(ParameterError, match="rankings"):
        load_parameters(area)


def test_ranking_is_the_working_groups_choice(site, demo_store):
    defaults = site["project"] / "parameters" / "defaults.yml"
    before = defaults.read_text(encoding="utf-8")
    assert ">Rang<" not in _page(site, f"indicators/{UNEMPLOYMENT}.html")
    defaults.write_text(before + "portal: {ranking: true}\n", encoding="utf-8")
    try:
        _run(site["project"], demo_store, topics=["overview"])
        page = _page(site, f"indicators/{UNEMPLOYMENT}.html")
        districts = page.split('id="level-district"')[1].split('class="reference"')[0]
        ranked = re.findall(
            r'<tr><td data-sort="(\d+)"[^>]*>\d+</td><th scope="row"[^>]*>'
            r'<a href="../(\d+)/index.html">',
            districts,
        )
        assert [rank for rank, _ in ranked] == ["1", "2"]
        year = int(re.search(r"(\d{4}), Gesamtbevölkerung", districts).group(1))
        values = {a: _total(site["table"], UNEMPLOYMENT, a, year)["value"] for _, a in ranked}
        # unemployment: lower is better, so rank 1 has the lower rate
        assert values[ranked[0][1]] <= values[ranked[1][1]]
        assert "Ränge auszuweisen" in _page(site, "methods.html")
    finally:
        defaults.write_text(before, encoding="utf-8")


def test_easy_language_page_gives_an_example_as_x_of_100(site):
    page = _page(site, "leichte-sprache.html")
    r = _total(site["table"], "demography.foreign_share", "99101000", 2024)
    assert f"etwa {round(r['value'])} von 100 Menschen" in page
    assert "%" not in page.split("<main")[1]  # no percentages in Leichte Sprache
