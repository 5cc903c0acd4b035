"""GENESIS, BA and Gemeindeverzeichnis readers: backtests against published values (real files
in INTMON_REALDATA, see docs/realdata.md; skipped when absent) and small synthetic files for
what no real file has.
"""

import pandas as pd
import pytest

from intmon_utils import published
from intmon_utils.availability import summary, year_ranges
from intmon_utils.disclosure.policy import ThresholdPolicy
from intmon_utils.errors import DataError
from intmon_utils.sources import IMPORTERS
from intmon_utils.sources.ba import ba_observations
from intmon_utils.sources.genesis import read_classic, read_ffcsv
from intmon_utils.sources.gv import read_gemeindeverzeichnis
from intmon_utils.store import ObservationStore

from conftest import REALDATA, REALDATA_MISSING, needs_realdata

real = needs_realdata
CLASSIC = REALDATA / "01_destatis_regionalstatistik_classic"
FFCSV = REALDATA / "02_destatis_genesis_ffcsv"
BA = REALDATA / "04_ba_statistik_migration"


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    if not REALDATA.is_dir():
        pytest.skip(REALDATA_MISSING)
    store = ObservationStore(tmp_path_factory.mktemp("real") / "data")
    IMPORTERS["genesis"](sorted(CLASSIC.glob("*.csv")), store)
    IMPORTERS["genesis"](sorted(FFCSV.glob("*.csv")), store)
    IMPORTERS["ba"](sorted(BA.glob("*nachgeschlecht*.csv")), store)
    return store


@pytest.fixture(scope="module")
def real_tables(real_store):
    return real_store.read_observations(), published.build(real_store, ThresholdPolicy.uniform(3))[
        1
    ]


def value(table, indicator, area, year, group="total"):
    r = table[
        (table["indicator_id"] == indicator)
        & (table["area_id"] == area)
        & (table["year"] == year)
        & (table["group"] == group)
        & (table["sex"] == "total")
    ]
    assert len(r) == 1 and r["status"].iloc[0] == "ok", r
    return r["value"].iloc[0]


def cell(obs, area, year, variable, group="total", sex="total"):
    r = obs[
        (obs["area_id"] == area)
        & (obs["year"] == year)
        & (obs["variable"] == variable)
        & (obs["group"] == group)
        & (obs["sex"] == sex)
        & (obs["age"] == "total")
    ]
    assert len(r) == 1, r
    return r["value"].iloc[0]


@real
def test_naturalisations_per_1000_inhabitants_germany_2015(real_tables):
    obs, table = real_tables
    assert cell(obs, "DG", 2015, "naturalisations") == 107317
    assert cell(obs, "DG", 2015, "population") == 82175684
    assert value(
        table, "demography.naturalisations_per_1000_inhabitants", "DG", 2015
    ) == pytest.approx(1.306, abs=0.0005)
    assert cell(obs, "01001", 2015, "population") == 85942


@real
def test_foreign_share_of_employees_2015_and_2012(real_tables):
    _, table = real_tables
    assert round(value(table, "labor.svb_foreign_share_workplace", "DG", 2015), 2) == 9.20
    assert round(value(table, "labor.svb_foreign_share_workplace", "DG", 2012), 2) == 7.49


@real
def test_foreign_pupils_by_school_type_2015(real_tables):
    obs, table = real_tables
    assert round(value(table, "education.foreign_pupils_share", "DG", 2015), 2) == 7.94
    gym = cell(obs, "DG", 2015, "pupils_gymnasium", "foreign") / cell(
        obs, "DG", 2015, "pupils_gymnasium"
    )
    haupt = cell(obs, "DG", 2015, "pupils_hauptschule", "foreign") / cell(
        obs, "DG", 2015, "pupils_hauptschule"
    )
    assert round(gym * 100, 2) == 4.20 and round(haupt * 100, 2) == 20.74
    assert round(gym * 100 / value(table, "education.foreign_pupils_share", "DG", 2015), 2) == 0.53


@real
def test_turnout_2013_and_2009(real_tables):
    obs, _ = real_tables
    assert cell(obs, "DG", 2013, "electorate_federal") == 61946900
    assert cell(obs, "DG", 2013, "turnout_federal_published") == 71.5
    assert cell(obs, "DG", 2009, "electorate_federal") == 62168489
    assert cell(obs, "DG", 2009, "turnout_federal_published") == 70.8


@real
def test_ffcsv_sum_of_the_400_current_kreise(real_tables):
    obs, _ = real_tables
    kreise = obs[
        (obs["year"] == 2024)
        & (obs["variable"] == "population")
        & (obs["sex"] == "total")
        & (obs["area_id"].str.fullmatch(r"\d{5}"))
        & (obs["status"] == "ok")
    ]
    assert len(kreise) == 400
    assert kreise["value"].sum() == 83577140
    dissolved = obs[
        (obs["year"] == 2024)
        & obs["area_id"].str.fullmatch(r"\d{5}")
        & (obs["status"] == "not_applicable")
    ]["area_id"].nunique()
    assert dissolved == 74
    berlin_bezirke = obs[(obs["year"] == 2024) & obs["area_id"].str.fullmatch(r"11\d{6}")]
    assert berlin_bezirke["area_level"].eq("municipality").all()  # never summed with Kreise


@real
def test_zensus_2022_immigration_history(real_tables):
    obs, table = real_tables
    assert round(value(table, "demography.immigration_history_share", "DG", 2022), 2) == 21.93
    assert round(value(table, "demography.immigration_history_share", "11", 2022), 2) == 28.67
    parts = cell(obs, "DG", 2022, "population", "immigrated") + cell(
        obs, "DG", 2022, "population", "descendants"
    )
    assert (
        parts == 18142062
        and cell(obs, "DG", 2022, "population", "with_immigration_history") == 18142064
    )


@real
def test_ba_shares_2024(real_tables):
    obs, table = real_tables
    assert round(value(table, "labor.unemployed_foreign_share", "DG", 2024), 2) == 37.35
    share = cell(obs, "DG", 2024, "employees_ba_workplace", "foreign") / cell(
        obs, "DG", 2024, "employees_ba_workplace"
    )
    assert round(share * 100, 2) == 15.99


@real
def test_classic_reader_robustness():
    latin = read_classic(CLASSIC / "12511-01-01-4.csv")  # ISO-8859-1
    utf8 = read_classic(CLASSIC / "13111-01-03-4_00.csv")  # UTF-8
    assert "Lübeck, Hansestadt, Kreisfreie Stadt" in set(latin["area_name"])
    assert "Lübeck, Hansestadt, Kreisfreie Stadt" in set(utf8["area_name"])
    assert set(latin["year"]) == set(range(2011, 2017))  # year as first column
    pop = read_classic(CLASSIC / "12411-01-01-4.csv")  # date in a header row
    assert set(pop["year"]) == {2015}
    goettingen = pop[pop["area_code"] == "03159"]  # created 2016
    assert (goettingen["status"] == "not_applicable").all()
    schools = read_classic(CLASSIC / "21111-01-03-4.csv")  # lone year line, row dimension
    assert set(schools["year"]) == {2015} and "Gymnasien" in set(schools["row_label"])
    assert {"secret", "not_meaningful", "zero"} <= set(schools["status"])
    saarbruecken = latin[latin["area_code"] == "10041100"]
    assert (saarbruecken["status"] == "secret").any()


@real
def test_reimport_replaces_exactly_once(tmp_path):
    store = ObservationStore(tmp_path)
    IMPORTERS["genesis"]([CLASSIC / "12411-01-01-4.csv"], store)
    n = len(store.read_observations())
    IMPORTERS["genesis"]([CLASSIC / "12411-01-01-4.csv"], store)
    assert len(store.read_observations()) == n


@real
def test_gemeindeverzeichnis_register():
    areas = read_gemeindeverzeichnis(
        REALDATA / "03_destatis_gemeindeverzeichnis/AuszugGV2QAktuell.xlsx"
    )
    counts = areas["level"].value_counts()
    assert (counts["state"], counts["district"], counts["municipality"]) == (16, 400, 10959)
    by_id = areas.set_index("area_id")
    assert by_id.loc["09761000", "parent_id"] == "09761" and by_id.loc["09761", "parent_id"] == "09"
    assert by_id.loc["03241001", "parent_id"] == "03241"  # Hannover inside Region Hannover
    assert by_id.loc["01001", "kind"] == "kreisfreie_stadt"
    assert areas["area_id"].map(type).eq(str).all()


@real
def test_data_status_summarises_real_data(real_tables):
    _, table = real_tables
    s = summary(table, 2015)
    assert s.loc["DG", "demography"].startswith("1/") or s.loc["DG", "demography"].startswith("2/")
    assert s.loc["DG", "labor"] != "0/" + s.loc["DG", "labor"].split("/")[1]


# -- synthetic files for what no real file shows -------------------------------------------------

CLASSIC_HEAD = (
    "GENESIS-Tabelle: 12411-01-01-4\nBevölkerung nach Geschlecht;;;;\n"
    ";;31.12.2020;31.12.2020;31.12.2020\n;;Insgesamt;männlich;weiblich\n"
)
CLASSIC_FOOT = '__________\n"(C)opyright Statistische Ämter des Bundes und der Länder"\n'


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_symbols_not_in_any_real_file(tmp_path):
    path = write(
        tmp_path,
        "sym.csv",
        CLASSIC_HEAD + "DG;Deutschland;100;50;50\n"
        "01;  Land A;/;...;.\n__________\nStand: 01.01.2021\n",
        "latin-1",
    )
    raw = read_classic(path)
    land = raw[raw["area_code"] == "01"].set_index("column_label")["status"].to_dict()
    assert land == {"Insgesamt": "uncertain", "männlich": "not_yet_available", "weiblich": "secret"}


def test_ba_star_is_secret(tmp_path):
    path = write(
        tmp_path,
        "ba.csv",
        '\ufeff"Region";"Augsburg";"Regionsschlüssel:";"09761"\n'
        '"Indikator";"Arbeitslose"\n"StaatsangehörigkeitHinweis";"Ausländer"\n""\n'
        '"Berichtsjahr ";"Frauen Arbeitslose ";"Männer Arbeitslose ";"Arbeitslose "\n'
        '"2024";"*";"1.234";"1.236"\n""\n"Exportdatum: ";"21.05.2025";"16:4:30"\n',
    )
    obs, areas = ba_observations(path)
    female = obs[obs["sex"] == "female"].iloc[0]
    assert female["status"] == "secret" and pd.isna(female["value"])
    assert obs[obs["sex"] == "male"]["value"].iloc[0] == 1234
    assert set(obs["area_id"]) == {"09761"} and set(obs["group"]) == {"foreign"}


def test_parts_that_do_not_add_up_are_rejected(tmp_path):
    store = ObservationStore(tmp_path / "data")
    within = CLASSIC_HEAD + "DG;Deutschland;101;50;50\n" + CLASSIC_FOOT  # within ±4
    good = write(tmp_path, "good.csv", within)
    IMPORTERS["genesis"]([good], store)
    bad = write(tmp_path, "bad.csv", CLASSIC_HEAD + "DG;Deutschland;110;50;50\n" + CLASSIC_FOOT)
    with pytest.raises(DataError, match=r"bad.csv: parts do not add up.*row 5.*total 110.*100"):
        IMPORTERS["genesis"]([bad], store)
    assert not (store.observation_dir / "genesis_bad.parquet").exists()


def test_part_larger_than_whole_is_rejected(tmp_path):
    from conftest import obs as make

    store = ObservationStore(tmp_path)
    store.write_areas(
        pd.DataFrame(
            {
                "area_id": ["01001"],
                "name": ["F"],
                "level": ["district"],
                "kind": ["kreis"],
                "parent_id": [""],
                "synthetic": [False],
            }
        )
    )
    rows = make(
        [
            ("01001", 2021, "electorate_federal", "total", "total", "total", 100),
            ("01001", 2021, "voters_federal", "total", "total", "total", 120),
        ]
    )
    with pytest.raises(DataError, match="voters_federal .* exceeds electorate_federal"):
        store.write_observations(rows, "election")
    rows.loc[0, "year"] = rows.loc[1, "year"] = 1890
    with pytest.raises(DataError, match="year outside"):
        store.write_observations(rows, "election")


def test_unknown_table_and_broken_file_say_what_to_do(tmp_path):
    other = write(
        tmp_path,
        "x.csv",
        CLASSIC_HEAD.replace("12411-01-01-4", "99999-01-01-4")
        + "DG;Deutschland;100;50;50\n"
        + CLASSIC_FOOT,
    )
    with pytest.raises(DataError, match=r"no mapping for GENESIS table 99999-01-01-4.*--mapping"):
        IMPORTERS["genesis"]([other], ObservationStore(tmp_path / "d"))
    with pytest.raises(DataError, match="not a GENESIS table"):
        read_classic(write(tmp_path, "y.csv", "hello;world\n"))
    broken = write(tmp_path, "z.csv", CLASSIC_HEAD + "DG;Deutschland;100;5O;50\n" + CLASSIC_FOOT)
    with pytest.raises(DataError, match=r"z.csv: column 'value' .*'5O'"):
        read_classic(broken)


def test_year_ranges():
    assert year_ranges([2014, 2015, 2016, 2019, 2021, 2022]) == "2014–2016, 2019, 2021–2022"
    assert year_ranges([]) == ""


@real
@pytest.mark.notebooks
def test_labor_notebook_on_real_data_for_augsburg(real_store, tmp_path):
    """The topic notebook runs on imported official data for a real Kreis and shows the
    published-value-based indicator; no synthetic label on real data."""
    from intmon_utils import runner

    from conftest import make_project

    project = make_project(tmp_path, [])
    (project / "parameters" / "defaults.yml").write_text("year: 2015\n")
    (project / "parameters" / "09761.yml").write_text('area_id: "09761"\nname: Augsburg\n')
    job = runner.Job(
        "09761",
        "labor",
        2015,
        "parameters/09761.yml",
        "notebooks/labor.ipynb",
        "outputs/2015/09761",
        "test",
    )
    result = runner.execute(job, str(project), str(real_store.root))
    assert result["status"] == "ok", result
    html_doc = (project / "outputs/2015/09761/labor.html").read_text(encoding="utf-8")
    assert "Ausländeranteil an den sozialversicherungspflichtig Beschäftigten" in html_doc
    assert "12,5 %" in html_doc  # 17 289 / 137 799 foreign employees
    assert "SYNTHETISCHE" not in html_doc
    assert "nicht verfügbar für Augsburg" in html_doc  # the rest is explained, not an error


@needs_realdata
def test_a_genesis_file_cut_short_is_refused(tmp_path):
    """A classic table without its footer and a flat file whose last row lost fields are
    refused, not imported as far as they go."""
    classic = next(CLASSIC.glob("12411*.csv")).read_bytes()
    cut = tmp_path / "classic.csv"
    cut.write_bytes(classic[: len(classic) // 2])
    with pytest.raises(DataError, match="without the GENESIS footer"):
        read_classic(cut)
    flat = next(FFCSV.glob("12411*.csv")).read_bytes()
    cut = tmp_path / "flat.csv"
    cut.write_bytes(flat[: flat.rindex(b";", 0, len(flat) - 40)])
    with pytest.raises(DataError, match=r"row \d+ has fewer fields than the header"):
        read_ffcsv(cut)
