"""The standing audit of everything a demo run publishes, as a careful attacker would read it.

A workspace of the demo Land where one municipality (Falkenried, 99102000) protects at
``min_count: 5`` and the others at 3, and one report is in English, is run in full. Then every
output is read: the CSV tables, the workbooks, the HTML reports, the executed notebooks, the
manifest and ``intmon values``. The audit fails on

- a count below the threshold of its area (numerators and denominators of count indicators),
- any output that tells primary from secondary suppression (codes or words),
- a number in a workbook or in ``intmon values`` that is not in the one protected table,
- an object dump behind a notebook output (``text/plain`` data frames, server paths),
- a suppressed cell whose feasible interval, by linear programming over everything
  published (every identity across groups, sexes, ages, areas and years), is narrower than
  1 or cannot reach the threshold: shares, rates and changes are functions of published
  cells, and no indicator is computed from a suppressed one (``test_disclosure``).
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from intmon_utils import published
from intmon_utils.catalogue import load_catalogue
from intmon_utils.disclosure import CELL_KEYS, audit, cell_state, is_count
from intmon_utils.disclosure.policy import workspace_policy
from intmon_utils.formatting import UNIT_DECIMALS, format_value
from intmon_utils.vocabulary import load_vocabulary

from conftest import intmon

pytestmark = pytest.mark.slow

STRICT_AREA, ENGLISH_AREA, CITY = "99102000", "99103000", "99101000"
# words and codes that would tell a reader which suppressions are small counts
TELLS_KIND = re.compile(
    r"secret_primary|secret_secondary|primary suppression|secondary suppression|"
    r"primäre Sperr|sekundäre Sperr|Primärsperr|Sekundärsperr|Geheimhaltungsschwelle|"
    r"Fallzahl liegt unter|below the disclosure threshold|count is below",
    re.IGNORECASE,
)
NOTEBOOK_MIME = {"text/html", "image/png", "text/plain", "image/svg+xml"}


@pytest.fixture(scope="module")
def run(demo_store, tmp_path_factory):
    """The demo workspace with two thresholds and an English report, run in full."""
    project = tmp_path_factory.mktemp("audit") / "workspace"
    init = intmon("init", str(project), "--demo")
    assert init.returncode == 0, init.stderr
    params = project / "parameters"
    with open(params / f"{STRICT_AREA}.yml", "a", encoding="utf-8") as f:
        f.write("disclosure: {min_count: 5}\n")
    with open(params / f"{ENGLISH_AREA}.yml", "a", encoding="utf-8") as f:
        f.write("language: en\n")
    proc = intmon(
        "--project", str(project), "run", "--data", str(demo_store.root), "--quiet", "--jobs", "2"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    areas = demo_store.read_areas()
    policy = workspace_policy(params, areas)
    observations, table = published.build(demo_store, policy)
    return project, policy, observations, table


def _text_files(root):
    return [p for p in root.rglob("*") if p.suffix in {".html", ".csv", ".json", ".ipynb"}]


def test_the_workspace_has_two_thresholds(run):
    _, policy, observations, _ = run
    # Falkenried's report shows the Land, Germany and its peers: they are protected at 5
    for area in (STRICT_AREA, "99", "DG", CITY):
        assert policy.of_area(area)[0] == 5, area
    assert policy.of_area(f"{CITY}-01")[0] == 3  # shown by the city's report only
    value, known, _ = cell_state(observations)
    counts = known & is_count(observations)
    land = observations["area_id"].isin(["99", "DG"]).to_numpy()
    assert not (counts & land & (value > 0) & (value < 5)).any()


def test_no_output_tells_primary_from_secondary(run):
    project, *_ = run
    files = _text_files(project / "outputs")
    assert len(files) > 200
    for path in files:
        found = TELLS_KIND.search(path.read_text(encoding="utf-8"))
        assert not found, f"{path.relative_to(project)}: {found.group(0)!r}"
    for path in (project / "outputs").rglob("*.xlsx"):
        for row in load_workbook(path, read_only=True).active.iter_rows(values_only=True):
            for cell in row:
                assert not (isinstance(cell, str) and TELLS_KIND.search(cell)), (path, cell)


def test_executed_notebooks_carry_no_object_dumps_or_paths(run, demo_store):
    project, *_ = run
    notebooks = list((project / "outputs").rglob("*.ipynb"))
    assert len(notebooks) >= 60
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                assert set(data) <= NOTEBOOK_MIME, (path.name, set(data))
                plain = "".join(data.get("text/plain", ""))
                assert len(plain) < 300 and "DataFrame" not in plain, (path.name, plain[:80])
                blob = json.dumps(out)
                for secret_place in (str(project), str(demo_store.root)):
                    assert secret_place not in blob, (path.name, secret_place)


def _count_indicators() -> set[str]:
    """Indicators whose numerator and denominator are sums of counts (persons, households)."""
    vocab = load_vocabulary()
    counts = {v for v, spec in vocab.variables.items() if spec["unit"] in {"persons", "households"}}
    return {i.id for i in load_catalogue() if i.variables and i.variables <= counts}


def _assert_counts_protected(rows: pd.DataFrame, policy, where: str) -> int:
    rows = rows[rows["indicator_id"].isin(_count_indicators())]
    threshold = policy.min_count(rows["area_id"])
    checked = 0
    for column in ("numerator", "denominator"):
        v = pd.to_numeric(rows[column], errors="coerce").to_numpy()
        bad = (v > 0) & (v < threshold)
        assert not bad.any(), f"{where}: {column} below threshold: {rows[bad].head(3)}"
        checked += int(np.isfinite(v).sum())
    return checked


def _tabellenband_rows(path, lang) -> pd.DataFrame:
    """Every value row of a Tabellenband's topic sheets, with the indicator of its block."""
    vocab = load_vocabulary()
    groups = {vocab.label("group", g, lang): g for g in vocab.groups}
    sexes = {vocab.label("sex", s, lang): s for s in vocab.sexes}
    rows, indicator = [], None
    for ws in load_workbook(path, read_only=True).worksheets[1:]:
        for row in ws.iter_rows(values_only=True):
            first = row[0] if row else None
            if isinstance(first, str) and first.endswith(")") and row[1] is None:
                indicator = first.rsplit("(", 1)[1][:-1]  # a block's title: "Name (id)"
            elif isinstance(first, int) and indicator:
                rows.append([indicator, first, groups[row[1]], sexes[row[2]], *row[3:7]])
            elif first is None:
                indicator = None
    columns = ["indicator_id", "year", "group", "sex", "value", "unit", "numerator", "denominator"]
    return pd.DataFrame(rows, columns=columns)


def test_tabellenbaende_show_only_the_protected_table(run):
    project, policy, _, table = run
    checked = 0
    for path in (project / "outputs").rglob("*_indicators.xlsx"):
        area = path.stem.removesuffix("_indicators")
        lang = "en" if area == ENGLISH_AREA else "de"
        book = _tabellenband_rows(path, lang).assign(area_id=area)
        assert len(book) > 100, path.name
        key = ["indicator_id", "year", "group", "sex"]
        merged = book.merge(table[table["area_id"] == area], on=key, suffixes=("", "_t"))
        assert len(merged) == len(book), path.name
        shown = pd.to_numeric(merged["value"], errors="coerce")
        valued = merged["status"].isin(["ok", "estimated"])
        rounded = [  # stored as shown: rounded to the unit's decimals
            round(v, UNIT_DECIMALS.get(u, 1))
            for v, u in zip(merged.loc[valued, "value_t"], merged.loc[valued, "unit_t"])
        ]
        assert np.allclose(shown[valued], rounded), path.name
        assert shown[~valued].isna().all(), path.name  # a symbol, never a number
        for col in ("numerator", "denominator"):
            assert np.allclose(
                merged[col].astype(float), merged[f"{col}_t"].where(valued), equal_nan=True
            ), (path.name, col)
        checked += _assert_counts_protected(book, policy, path.name)
    assert checked > 10_000


def test_values_show_the_protected_table_and_internal_views_are_marked(run, demo_store):
    project, policy, _, table = run
    derived = sorted(p.name for p in demo_store.derived_dir.iterdir())
    for area in (STRICT_AREA, CITY, f"{CITY}-01", "99"):
        proc = intmon(
            "--project", str(project), "values", "--area", area, "--year", "2024",
            "--format", "csv", "--data", str(demo_store.root),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        printed = pd.read_csv(io.StringIO(proc.stdout), dtype={"area_id": str})
        assert not printed["reason"].fillna("").str.contains("primary|secondary").any()
        mine = table[(table["area_id"] == area) & (table["year"] == 2024)]
        merged = printed.merge(mine, on=["indicator_id", "group", "sex"], suffixes=("", "_t"))
        assert len(merged) == len(printed) == len(mine)
        assert np.allclose(merged["value"], merged["value_t"], equal_nan=True)
        _assert_counts_protected(printed, policy, f"intmon values --area {area}")
    internal = intmon(
        "--project", str(project), "values", "--area", CITY, "--year", "2024",
        "--format", "csv", "--data", str(demo_store.root), "--internal",
    )  # fmt: skip
    assert internal.returncode == 0, internal.stderr
    rows = pd.read_csv(io.StringIO(internal.stdout), dtype={"area_id": str})
    assert (rows["classification"] == "intern – nicht zur Veröffentlichung").all()
    assert "intern – nicht zur Veröffentlichung" in internal.stderr
    status = intmon(
        "--project", str(project), "data", "status", "--format", "csv",
        "--data", str(demo_store.root), "--internal",
    )  # fmt: skip
    assert status.returncode == 0, status.stderr
    lines = status.stdout.strip().splitlines()[1:]
    assert lines and all(line.endswith("intern – nicht zur Veröffentlichung") for line in lines)
    # the internal views wrote nothing beside the published tables
    assert sorted(p.name for p in demo_store.derived_dir.iterdir()) == derived


def test_reports_state_the_thresholds_in_both_languages(run):
    project, *_ = run
    year = project / "outputs" / "2024"
    city = (year / CITY / "labor.html").read_text(encoding="utf-8")
    assert "Fallzahlen unter 3 bis 5 werden nicht veröffentlicht" in city
    assert "ohne Angabe, aus welchem Grund" in city
    strict = (year / STRICT_AREA / "labor.html").read_text(encoding="utf-8")
    assert "Fallzahlen unter 5 werden nicht veröffentlicht" in strict
    english = (year / ENGLISH_AREA / "labor.html").read_text(encoding="utf-8")
    assert "Disclosure control: counts below" in english and "without saying why" in english
    assert '<html lang="en">' in english and '<html lang="de">' in strict
    book = load_workbook(year / STRICT_AREA / f"{STRICT_AREA}_indicators.xlsx", read_only=True)
    notes = [r[0] for r in book.active.iter_rows(max_row=6, values_only=True) if r[0]]
    assert any("Fallzahlen unter 5" in n for n in notes)


def test_published_table_withstands_the_linear_programming_attack(run, demo_store):
    """Over every identity of the one published table, at each cell's own threshold."""
    _, policy, observations, _ = run
    raw = demo_store.read_observations().reset_index(drop=True)
    aligned = raw.merge(
        observations[CELL_KEYS + ["status", "value"]], on=CELL_KEYS, suffixes=("_true", "")
    )
    assert len(aligned) == len(raw) == len(observations)
    threshold = policy.min_count(aligned["area_id"])
    true = aligned["value_true"].to_numpy(dtype=float)
    true_known = ~aligned["status_true"].isin(["secret", "uncertain", "not_meaningful"]).to_numpy()
    small = true_known & (true > 0) & (true < threshold) & is_count(aligned)
    result = audit(
        aligned[CELL_KEYS + ["area_level", "status", "value", "source"]],
        true,
        demo_store.read_areas(),
        threshold,
        small,
    )
    assert result.violations.empty, result.violations.head()
    assert result.cells > 1000 and result.identities > 10_000
    assert result.narrowest >= 1 and result.lowest_margin >= 0 and result.inconsistent == 0


def test_report_tables_show_exactly_the_published_values(run, demo_store):
    """Every value of the key-figures and comparison tables of every report is the one of the
    protected table for that indicator, group, year and area (a report at 3 and the table at
    5 would differ here), in German and in English."""
    project, _, _, table = run
    names = demo_store.read_areas().set_index("name")["area_id"].to_dict()
    vocab, catalogue = load_vocabulary(), load_catalogue()
    index = table[table["sex"] == "total"].set_index(["indicator_id", "group", "year", "area_id"])
    checked = 0
    for path in (project / "outputs").rglob("tables/*_*.csv"):
        if not path.stem.endswith(("_key_figures", "_comparison")):
            continue
        area = path.parts[-3]
        lang = "en" if area == ENGLISH_AREA else "de"
        ids = {i.text("name", lang): i.id for i in catalogue}
        groups = {vocab.label("group", g, lang): g for g in vocab.groups}
        df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        first, year_col = df.columns[:3:2]
        # a column of numbers carries its unit in its name when the unit is the same for all
        bare = {c: re.sub(r" \((%|‰|m²|Pp\.|pp)\)$", "", c) for c in df.columns}
        area_cols = {c: names[b] for c, b in bare.items() if b in names}
        area_cols.update({c: area for c, b in bare.items() if b in ("Wert", "Value")})
        for _, row in df.iterrows():
            key = (ids.get(row[first]), groups.get(row.iloc[1]))
            if None in key or not row[year_col].isdigit():
                continue  # a gap row (computed from two published values)
            for column, area_id in area_cols.items():
                at = (*key, int(row[year_col]), area_id)
                if at not in index.index:
                    continue
                r = index.loc[at]
                unit = catalogue.get(key[0]).unit
                expected = {
                    format_value(r["value"], r["status"], unit, lang, with_unit=w)
                    for w in (False, True)
                }
                shown = row[column]  # the number as shown, without unit and thousands separator
                thousands = "." if lang == "de" else ","
                plain = {
                    n.replace(thousands, "").lstrip("+") if n[-1:].isdigit() else n
                    for n in (e.split(" ")[0] for e in expected)
                }
                assert shown in plain, (path.name, at, row[column])
                checked += 1
    assert checked > 5_000


def test_no_page_loads_anything_from_the_network(run):
    """A reader's address must not go to a third party from a municipal website, and the
    pages must work offline: no script, stylesheet, image or frame from outside."""
    project, *_ = run
    pages = list((project / "outputs").rglob("*.html"))
    assert len(pages) >= 61
    for page in pages:
        doc = page.read_text(encoding="utf-8")
        loads = re.findall(r'<(?:script|link|img|iframe)[^>]*(?:src|href)="(https?:[^"]*)"', doc)
        assert not loads, (page.name, loads)
        assert "<title>Notebook</title>" not in doc, page
