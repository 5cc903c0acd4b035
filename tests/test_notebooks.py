"""Notebooks end to end through papermill: a city, a data-poor Landkreis, ids as text."""

import json
import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from intmon_utils import runner
from intmon_utils.store import ObservationStore

from conftest import PROJECT, make_project

pytestmark = pytest.mark.notebooks


def _job(project, area, topic):
    return runner.Job(
        area,
        topic,
        2024,
        f"parameters/{area}.yml",
        f"notebooks/{topic}.ipynb",
        f"outputs/2024/{area}",
        "test",
    )


def _text(html_doc):
    body = re.sub(r"<style.*?</style>|<script.*?</script>|<img[^>]*>", " ", html_doc, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def executed(demo_store, tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("nb"), ["99101000", "99201"])
    results = {
        area: runner.execute(_job(project, area, "labor"), str(project), str(demo_store.root))
        for area in ("99101000", "99201")
    }
    return project, results


def test_city_report(executed, demo_published):
    project, results = executed
    assert results["99101000"]["status"] == "ok", results["99101000"]
    out = project / "outputs/2024/99101000"
    doc = (out / "labor.html").read_text(encoding="utf-8")
    text = _text(doc)
    # no code: neither the calls nor the parameters cell appear
    assert "open_report" not in doc and "parameter_file =" not in doc
    assert 'class="jp-InputArea' not in doc
    # the template's stylesheet is shared, not inlined in every report
    assert '<link rel="stylesheet" href="../report.css">' in doc
    # nothing is loaded from the network; the page says its language and title
    loads = re.findall(r'<(?:script|link|img|iframe)[^>]*(?:src|href)="(https?:[^"]*)"', doc)
    assert loads == [], loads
    assert '<html lang="de">' in doc
    title = "Integrationsmonitoring Lindenhagen 2024: Arbeitsmarkt und Lebensunterhalt"
    assert f"<title>{title}</title>" in doc
    assert "<style" not in doc[: doc.index("</head>")]
    assert (out.parent / "report.css").stat().st_size > 100_000
    assert "SYNTHETISCHE DEMODATEN" in text
    assert (
        "Stichtage und Zeiträume: " in text
        and "Arbeitslose (Jahresdurchschnitt): Jahresdurchschnitt" in text
    )
    for heading in (
        "Kennzahlen",
        "Entwicklung im Zeitverlauf",
        "Kleinräumige Unterschiede",
        "Gesperrte Werte 2024",
        "Ziele",
        "Interpretation und qualitative Befunde",
        "Datenverfügbarkeit",
        "Methoden und Quellen",
    ):
        assert heading in text, heading
    # the key-figures table shows the same number the engine computed
    _, table = demo_published
    r = table[
        (table["indicator_id"] == "labor.unemployment_rate")
        & (table["area_id"] == "99101000")
        & (table["year"] == 2024)
        & (table["group"] == "foreign")
        & (table["sex"] == "total")
    ]
    shown = f"{r['value'].iloc[0]:.1f}".replace(".", ",") + " %"
    assert shown in text
    assert (out / "tables/labor_key_figures.csv").read_bytes().startswith(b"\xef\xbb\xbfIndikator;")
    key = pd.read_csv(out / "tables/labor_key_figures.csv", sep=";", dtype=str)
    # numbers as numbers for Excel: the unit in a column of its own (shares and gaps mix)
    row = key[key["Wert"] == shown.removesuffix(" %")]
    assert len(row) and row["Wert: Einheit"].tolist()[0] == "%"
    numbers = pd.read_csv(out / "tables/labor_key_figures.csv", sep=";", decimal=",")
    assert float(shown.removesuffix(" %").replace(",", ".")) in numbers["Wert"].tolist()
    assert set(key["Stand"]) == {"2024"}  # labour data are annual
    assert (key["data_origin"] == "synthetic demo data (intmon), not real").all()
    # the commentary file of the demo city is shown; the goal is tracked
    assert "Anerkennung ausländischer Berufsabschlüsse" in text
    assert any(s in text for s in ("auf Kurs", "nicht auf Kurs", "erreicht"))
    assert "Trendgerade der letzten fünf Jahre" in text
    # topic-specific sections: women and men; relation across the Stadtteile with its r
    assert "Frauen und Männer" in text
    subs = table[
        table["area_id"].str.startswith("99101000-")
        & (table["year"] == 2024)
        & (table["sex"] == "total")
        & (table["group"] == "total")
    ]
    x = subs[subs["indicator_id"] == "demography.foreign_share"].set_index("area_id")["value"]
    y = subs[subs["indicator_id"] == "labor.sgb2_rate"].set_index("area_id")["value"]
    r = np.corrcoef(x, y.reindex(x.index))[0, 1]
    assert (
        f"{len(x)} Teilgebiete, Stand 2024; Korrelationskoeffizient r = {r:+.2f}".replace(".", ",")
        in text
    )
    assert (out / "figures/labor_relation_demography.foreign_share_labor.sgb2_rate.png").exists()
    assert (out / "figures/labor_time_series.png").stat().st_size > 10_000
    # this city asks for vector figures too (figure_formats); the Landkreis gets PNG only
    assert (out / "figures/labor_subdistricts.svg").read_text().startswith("<?xml")
    assert not list((project / "outputs/2024/99201/figures").glob("*.svg"))


def test_data_poor_landkreis_says_what_is_missing(executed):
    project, results = executed
    assert results["99201"]["status"] == "ok", results["99201"]
    text = _text((project / "outputs/2024/99201/labor.html").read_text(encoding="utf-8"))
    assert "Kennzahlen" in text and "Arbeitslosenquote" in text
    # Landkreis: no sub-districts, but its Gemeinden; no survey; reasons are given
    assert "Gemeinde" in text
    nb = nbformat.read(project / "outputs/2024/99201/labor.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_ags_with_leading_zero_survives_into_the_notebook(demo_store, tmp_path):
    # the demo city renamed to the real-looking AGS 01001000 (octal trap if unquoted)
    store = ObservationStore(tmp_path / "data")
    areas = demo_store.read_areas()
    observations = demo_store.read_observations()
    rename = lambda s: s.str.replace(r"^99101000", "01001000", regex=True)  # noqa: E731
    areas["area_id"], areas["parent_id"] = rename(areas["area_id"]), rename(areas["parent_id"])
    observations["area_id"] = rename(observations["area_id"])
    store.write_areas(areas)
    store.write_observations(observations, "renamed")
    project = make_project(tmp_path, [])
    (project / "parameters/01001000.yml").write_text('area_id: "01001000"\nname: Testdorf\n')
    result = runner.execute(_job(project, "01001000", "overview"), str(project), str(store.root))
    assert result["status"] == "ok", result
    nb = nbformat.read(project / "outputs/2024/01001000/overview.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'area_id = "01001000"' in injected.source
    html_doc = (project / "outputs/2024/01001000/overview.html").read_text(encoding="utf-8")
    assert "01001000" in html_doc and "262656" not in html_doc


def test_notebooks_are_stored_clean():
    for path in (PROJECT / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert len(tagged) == 1, path
        for c in nb["cells"]:
            if c["cell_type"] == "code":
                assert c["outputs"] == [] and c["execution_count"] is None, path
                assert "groupby" not in "".join(c["source"]), path  # notebooks never compute


def test_jupytext_pairs_are_in_sync():
    import jupytext

    from conftest import PROJECT

    for path in (PROJECT / "notebooks").glob("*.ipynb"):
        pair = path.with_suffix(".py")
        assert pair.exists(), f"{pair} missing: run jupytext --sync {path}"
        a = [(c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells]
        b = [(c.cell_type, c.source) for c in jupytext.read(pair).cells]
        assert a == b, f"{path} and {pair} differ: run jupytext --sync notebooks/*.ipynb"


def test_explore_widget_follows_the_selection(demo_store):
    from intmon_utils.explore import Explorer

    ex = Explorer(demo_store.root, PROJECT / "parameters")
    ex.area.value = "99104000"
    ex.indicator.value = "labor.unemployment_rate"
    rows = ex.selection()
    assert set(rows["area_id"]) == {"99104000"} and set(rows["group"]) == {
        "total",
        "german",
        "foreign",
    }
    ex.compare.value = ("99",)
    assert set(ex.selection()["area_id"]) == {"99104000", "99"}
    fig, table = ex.render()
    assert fig is not None and {"99104000", "99"} == set(table.index.get_level_values(0))
    assert 2024 in table.columns and table.loc[("99104000", "foreign"), 2024].endswith(
        tuple("0123456789")
    )
