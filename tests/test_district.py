"""District tables through a YAML mapping: synthetic fixtures with exact expectations, mapping
validation, all-or-nothing imports, and backtests on the real Berlin and München files."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from intmon_utils.errors import DataError
from intmon_utils.schema import AREA_COLUMNS, OBSERVATION_COLUMNS
from intmon_utils.sources.district import (
    import_district_table,
    load_mapping,
    read_district_report,
    read_district_table,
)
from intmon_utils.store import ObservationStore

from conftest import PROJECT, REALDATA, needs_realdata

MAPPINGS = PROJECT / "mappings"
BERLIN = REALDATA / "05_berlin_lor_einwohner"
MUENCHEN = REALDATA / "07_muenchen_indikatorenatlas"


def write_mapping(tmp_path: Path, mapping: dict, name: str = "mapping.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def key_table(obs: pd.DataFrame) -> list[tuple]:
    """Observations as sorted tuples (area, year, variable, group, sex, age, value, status)."""
    cols = ["area_id", "year", "variable", "group", "sex", "age", "value", "status"]
    rows = obs[cols].astype(object).where(obs[cols].notna(), None)
    return sorted(tuple(r) for r in rows.itertuples(index=False))


# --------------------------------------------------------------------------------------------
# synthetic fixtures
# --------------------------------------------------------------------------------------------

WIDE_CSV = (
    "Stadtteilstatistik Beispielstadt 2023\n"
    "\n"
    "Nr;Stadtteil;Einwohner;Ausländer;Arbeitslose;Fläche km²\n"
    ";;Personen;Personen;Jahresdurchschnitt;km²\n"
    "101;Altstadt; 1 675 ;  312 ;12,5;1,2\n"
    "102;Neustadt;12.345;–;1.003,0;3,4\n"
    '201;Hafen;"2 001";.;–;0,8\n'
    "1;Bezirk Mitte;14 020;312;1.015,5;4,6\n"
    "0;Stadt insgesamt;16 021;.;1.015,5;5,4\n"
    "Quelle: Amt für Statistik Beispielstadt\n"
)
WIDE_MAPPING = {
    "format": {"separator": ";", "header": 3, "skip_rows": [4], "stop_at": "^Quelle"},
    "publisher": "municipal",
    "decimal": ",",
    "municipality": {"id": "99101000", "name": "Beispielstadt"},
    "areas": {
        "code_column": "Nr",
        "name_column": "Stadtteil",
        "code_pattern": r"^\d{3}$",
        "kind": "stadtteil",
        "hierarchy": [{"kind": "bezirk", "prefix": 1, "names": {"2": "Bezirk Süd"}}],
        # the city rule comes first: '0' would also match the Bezirk pattern
        "aggregates": [
            {"codes": ["0"], "level": "municipality"},
            {"code_pattern": r"^\d$", "level": "bezirk"},
        ],
    },
    "year": 2023,
    "layout": "wide",
    "columns": {
        "Einwohner": {"variable": "population"},
        "Ausländer": {"variable": "population", "group": "foreign"},
        "Arbeitslose": {"variable": "unemployed"},
    },
}


def test_wide_csv_german_numbers_symbols_aggregates(tmp_path):
    data = tmp_path / "stadtteile.csv"
    data.write_text(WIDE_CSV, encoding="utf-8")
    obs, areas = read_district_table(data, write_mapping(tmp_path, WIDE_MAPPING))
    assert list(obs.columns) == [*OBSERVATION_COLUMNS, "origin_row"]
    assert list(areas.columns) == AREA_COLUMNS
    rows = obs.set_index(["area_id", "variable", "group"])["origin_row"]
    assert rows["99101000-102", "population", "foreign"] == 6  # the row in the file
    nan = None
    expected = sorted(
        [
            ("99101000-101", 2023, "population", "total", "total", "total", 1675.0, "ok"),
            ("99101000-101", 2023, "population", "foreign", "total", "total", 312.0, "ok"),
            ("99101000-101", 2023, "unemployed", "total", "total", "total", 12.5, "ok"),
            ("99101000-102", 2023, "population", "total", "total", "total", 12345.0, "ok"),
            ("99101000-102", 2023, "population", "foreign", "total", "total", 0.0, "zero"),
            ("99101000-102", 2023, "unemployed", "total", "total", "total", 1003.0, "ok"),
            ("99101000-201", 2023, "population", "total", "total", "total", 2001.0, "ok"),
            ("99101000-201", 2023, "population", "foreign", "total", "total", nan, "secret"),
            ("99101000-201", 2023, "unemployed", "total", "total", "total", 0.0, "zero"),
            ("99101000-1", 2023, "population", "total", "total", "total", 14020.0, "ok"),
            ("99101000-1", 2023, "population", "foreign", "total", "total", 312.0, "ok"),
            ("99101000-1", 2023, "unemployed", "total", "total", "total", 1015.5, "ok"),
            ("99101000", 2023, "population", "total", "total", "total", 16021.0, "ok"),
            ("99101000", 2023, "population", "foreign", "total", "total", nan, "secret"),
            ("99101000", 2023, "unemployed", "total", "total", "total", 1015.5, "ok"),
        ]
    )
    assert key_table(obs) == expected
    levels = obs.drop_duplicates("area_id").set_index("area_id")["area_level"]
    assert levels["99101000"] == "district" and levels["99101000-1"] == "subdistrict"
    reg = areas.set_index("area_id")
    assert reg.loc["99101000-101", ["name", "kind", "parent_id"]].tolist() == [
        "Altstadt",
        "stadtteil",
        "99101000-1",
    ]
    assert reg.loc["99101000-1", ["name", "kind", "parent_id"]].tolist() == [
        "Bezirk Mitte",
        "bezirk",
        "99101000",
    ]  # name from the aggregate row
    assert reg.loc["99101000-2", ["name", "parent_id"]].tolist() == [
        "Bezirk Süd",
        "99101000",
    ]  # derived from 201, named in the mapping
    assert reg.loc["99101000", ["level", "kind", "parent_id"]].tolist() == [
        "district",
        "kreisfreie_stadt",
        "",
    ]
    assert len(reg) == 6 and not reg["synthetic"].any()


def test_wide_notes_name_ignored_columns(tmp_path):
    data = tmp_path / "stadtteile.csv"
    data.write_text(WIDE_CSV, encoding="utf-8")
    notes = read_district_report(data, write_mapping(tmp_path, WIDE_MAPPING)).notes
    assert notes == ["columns not imported: Fläche km²"]


def test_aggregate_rows_dropped(tmp_path):
    data = tmp_path / "stadtteile.csv"
    data.write_text(WIDE_CSV, encoding="utf-8")
    mapping = dict(
        WIDE_MAPPING,
        areas=dict(
            WIDE_MAPPING["areas"],
            aggregates=[
                {"codes": ["0"], "action": "drop", "reason": "city total"},
                {"code_pattern": r"^\d$", "action": "drop"},
            ],
        ),
    )
    result = read_district_report(data, write_mapping(tmp_path, mapping))
    assert sorted(result.observations["area_id"].unique()) == [
        "99101000-101",
        "99101000-102",
        "99101000-201",
    ]
    assert "1 aggregate rows dropped (city total)" in result.notes
    # the Bezirke still exist as parents (derived from the codes), named by default or mapping
    names = result.areas.set_index("area_id")["name"]
    assert names["99101000-1"] == "Bezirk 1" and names["99101000-2"] == "Bezirk Süd"


def test_unrecognised_total_row_is_an_error(tmp_path):
    data = tmp_path / "stadtteile.csv"
    data.write_text(WIDE_CSV, encoding="utf-8")
    mapping = dict(WIDE_MAPPING, areas=dict(WIDE_MAPPING["areas"], aggregates=[]))
    with pytest.raises(
        DataError,
        match=r"stadtteile\.csv: codes that do not match "
        r"areas\.code_pattern.*row 8: '1'; row 9: '0'.*never be summed",
    ):
        read_district_table(data, write_mapping(tmp_path, mapping))


def test_stacked_header_footer_lines_hierarchy_from_column(tmp_path):
    data = tmp_path / "gestapelt.csv"
    data.write_text(
        "Bezirk;Stadtteil;Einwohner;;Arbeitslose\n"
        ";;insgesamt;Ausländer;insgesamt\n"
        "B1;101;100;10;5\n"
        "B2;201;300;.;7\n"
        "Summe;;400;.;12\n"
        "Fußnote: Hauptwohnsitze\n",
        encoding="utf-8",
    )
    mapping = {
        "format": {"header": [1, 2], "footer_lines": 2},
        "municipality": {"id": "99101000"},
        "areas": {
            "code_column": "Stadtteil",
            "hierarchy": [{"kind": "bezirk", "column": "Bezirk"}],
        },
        "year": 2020,
        "layout": "wide",
        "columns": {
            "Einwohner / insgesamt": {"variable": "population"},
            "Einwohner / Ausländer": {"variable": "population", "group": "foreign"},
            "Arbeitslose / insgesamt": {"variable": "unemployed"},
        },
    }
    obs, areas = read_district_table(data, write_mapping(tmp_path, mapping))
    assert key_table(obs) == sorted(
        [
            ("99101000-101", 2020, "population", "total", "total", "total", 100.0, "ok"),
            ("99101000-101", 2020, "population", "foreign", "total", "total", 10.0, "ok"),
            ("99101000-101", 2020, "unemployed", "total", "total", "total", 5.0, "ok"),
            ("99101000-201", 2020, "population", "total", "total", "total", 300.0, "ok"),
            ("99101000-201", 2020, "population", "foreign", "total", "total", None, "secret"),
            ("99101000-201", 2020, "unemployed", "total", "total", "total", 7.0, "ok"),
        ]
    )
    parents = areas.set_index("area_id")["parent_id"].to_dict()
    assert parents == {
        "99101000": "",
        "99101000-B1": "99101000",
        "99101000-B2": "99101000",
        "99101000-101": "99101000-B1",
        "99101000-201": "99101000-B2",
    }


LONG_CSV = (
    "Jahr,Gebiet,Merkmal,Gruppe,Wert\n"
    '2021,Nordstadt,Einwohner,insgesamt,"1.234"\n'
    "2021,Nordstadt,Einwohner,Ausländer,234\n"
    '2021,Nordstadt,Fläche,insgesamt,"3,5"\n'
    '2022,  Nordstadt ,Einwohner,insgesamt,"1.240"\n'
    "2022,Nordstadt,Einwohner,Ausländer,.\n"
    "2022,Südstadt,Einwohner,  insgesamt,980\n"
    "2022,Südstadt,Einwohner,Ausländer,-\n"
    '2022,Südstadt,Wahlberechtigte,Bundestag,"  700 "\n'
    '2022,Gesamtstadt,Einwohner,insgesamt,"2 220"\n'
    "2022,nicht zuzuordnen,Einwohner,insgesamt,4\n"
)
LONG_MAPPING = {
    "format": {"separator": ","},
    "municipality": {"id": "99102000", "name": "Langstadt"},
    "areas": {
        "name_column": "Gebiet",
        "code_by_name": {"Nordstadt": "N", "Südstadt": "S"},
        "aggregates": [{"names": ["Gesamtstadt"], "level": "municipality"}],
        "exclude": [{"names": ["nicht zuzuordnen"], "reason": "unassigned"}],
    },
    "year": {"column": "Jahr"},
    "layout": "long",
    "label_columns": ["Merkmal", "Gruppe"],
    "value_column": "Wert",
    "labels": [
        {"match": ["Einwohner", "insgesamt"], "variable": "population"},
        {"match": ["Einwohner", "Ausländer"], "variable": "population", "group": "foreign"},
        {"match": ["Wahlberechtigte", "Bundestag"], "variable": "electorate_federal"},
    ],
}


def test_long_csv_names_to_codes_year_column(tmp_path):
    data = tmp_path / "lang.csv"
    data.write_text(LONG_CSV, encoding="utf-8")
    result = read_district_report(data, write_mapping(tmp_path, LONG_MAPPING))
    assert key_table(result.observations) == sorted(
        [
            ("99102000-N", 2021, "population", "total", "total", "total", 1234.0, "ok"),
            ("99102000-N", 2021, "population", "foreign", "total", "total", 234.0, "ok"),
            ("99102000-N", 2022, "population", "total", "total", "total", 1240.0, "ok"),
            ("99102000-N", 2022, "population", "foreign", "total", "total", None, "secret"),
            ("99102000-S", 2022, "population", "total", "total", "total", 980.0, "ok"),
            ("99102000-S", 2022, "population", "foreign", "total", "total", 0.0, "zero"),
            ("99102000-S", 2022, "electorate_federal", "total", "total", "total", 700.0, "ok"),
            ("99102000", 2022, "population", "total", "total", "total", 2220.0, "ok"),
        ]
    )
    assert result.notes == [
        "1 rows excluded (unassigned)",
        ("1 values skipped because their labels are not mapped ('Fläche | insgesamt' ×1)"),
    ]
    names = result.areas.set_index("area_id")["name"]
    assert names["99102000-N"] == "Nordstadt" and names["99102000-S"] == "Südstadt"


def test_long_repeated_denominator_kept_once_conflict_is_error(tmp_path):
    text = (
        "Nr;Merkmal;Zaehler;NameZ;Nenner;NameN\n"
        "1;Deutsche;80;deutsche AL;100;alle AL\n"
        "1;Ausländer;20;ausländische AL;100;alle AL\n"
    )
    mapping = {
        "municipality": {"id": "99103000"},
        "areas": {"code_column": "Nr"},
        "year": 2020,
        "layout": "long",
        "label_columns": ["Merkmal"],
        "value_columns": [
            {"column": "Zaehler", "label_column": "NameZ"},
            {"column": "Nenner", "label_column": "NameN"},
        ],
        "labels": [
            {"match": ["Deutsche", "deutsche AL"], "variable": "unemployed", "group": "german"},
            {"match": ["Deutsche", "alle AL"], "variable": "unemployed"},
            {
                "match": ["Ausländer", "ausländische AL"],
                "variable": "unemployed",
                "group": "foreign",
            },
            {"match": ["Ausländer", "alle AL"], "variable": "unemployed"},
        ],
    }
    data = tmp_path / "al.csv"
    data.write_text(text, encoding="utf-8")
    obs, _ = read_district_table(data, write_mapping(tmp_path, mapping))
    assert key_table(obs) == sorted(
        [
            ("99103000-1", 2020, "unemployed", "german", "total", "total", 80.0, "ok"),
            ("99103000-1", 2020, "unemployed", "foreign", "total", "total", 20.0, "ok"),
            ("99103000-1", 2020, "unemployed", "total", "total", "total", 100.0, "ok"),
        ]
    )
    data.write_text(
        text.replace("20;ausländische AL;100", "20;ausländische AL;101"), encoding="utf-8"
    )
    with pytest.raises(
        DataError,
        match=r"al\.csv: 1 observations get different values.*"
        r"row 2 column 'Nenner': '100'; row 3 column 'Nenner': '101'",
    ):
        read_district_table(data, write_mapping(tmp_path, mapping))


def test_xlsx_sheet_numeric_codes_and_cells(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Info"
    book.active.append(["Nur ein Deckblatt"])
    ws = book.create_sheet("Daten")
    ws.append(["Planungsraum", "Einwohner", "Ausländer", "Arbeitslose"])
    ws.append([1100101, 3503, 1509, 12.5])  # a numeric code loses its leading zero
    ws.append(["01100102", 1996.0, ".", "1.003,5"])  # text cells are read as German text
    ws.append([1, 5499, 1509, 1016])  # Bezirk total
    path = tmp_path / "plr.xlsx"
    book.save(path)
    mapping = {
        "format": {"sheet": "Daten"},
        "municipality": {"id": "11000000", "name": "Berlin"},
        "areas": {
            "code_column": "Planungsraum",
            "code_width": 8,
            "code_pattern": r"^\d{8}$",
            "kind": "planungsraum",
            "hierarchy": [{"kind": "bezirk", "prefix": 2}],
            "aggregates": [{"codes": ["1"], "level": "bezirk"}],
        },
        "year": 2022,
        "layout": "wide",
        "columns": {
            "Einwohner": {"variable": "population"},
            "Ausländer": {"variable": "population", "group": "foreign"},
            "Arbeitslose": {"variable": "unemployed"},
        },
    }
    obs, areas = read_district_table(path, write_mapping(tmp_path, mapping))
    assert key_table(obs) == sorted(
        [
            ("11000000-01100101", 2022, "population", "total", "total", "total", 3503.0, "ok"),
            ("11000000-01100101", 2022, "population", "foreign", "total", "total", 1509.0, "ok"),
            ("11000000-01100101", 2022, "unemployed", "total", "total", "total", 12.5, "ok"),
            ("11000000-01100102", 2022, "population", "total", "total", "total", 1996.0, "ok"),
            ("11000000-01100102", 2022, "population", "foreign", "total", "total", None, "secret"),
            ("11000000-01100102", 2022, "unemployed", "total", "total", "total", 1003.5, "ok"),
            ("11000000-01", 2022, "population", "total", "total", "total", 5499.0, "ok"),
            ("11000000-01", 2022, "population", "foreign", "total", "total", 1509.0, "ok"),
            ("11000000-01", 2022, "unemployed", "total", "total", "total", 1016.0, "ok"),
        ]
    )
    assert areas.set_index("area_id").loc["11000000-01100101", "parent_id"] == "11000000-01"
    wrong = write_mapping(tmp_path, dict(mapping, format={"sheet": "Tabelle1"}), "wrong.yml")
    with pytest.raises(DataError, match=r"plr\.xlsx: no sheet 'Tabelle1'.*\['Info', 'Daten'\]"):
        read_district_table(path, wrong)


CP1252_TEXT = "Nr;Name;Einwohner;Ausländer\n01;Düsseldorf-Süd;1.200;–\n02;Öhringen;800;95\n"
CP1252_MAPPING = {
    "format": {"encoding": "cp1252"},
    "municipality": {"id": "05111000", "name": "Düsseldorf"},
    "areas": {"code_column": "Nr", "name_column": "Name"},
    "year": 2021,
    "layout": "wide",
    "columns": {
        "Einwohner": {"variable": "population"},
        "Ausländer": {"variable": "population", "group": "foreign"},
    },
}


def test_cp1252_file(tmp_path):
    data = tmp_path / "windows.csv"
    data.write_bytes(CP1252_TEXT.encode("cp1252"))
    assert b"\x96" in data.read_bytes()  # the en dash, 0x96 in cp1252
    obs, areas = read_district_table(data, write_mapping(tmp_path, CP1252_MAPPING))
    assert key_table(obs) == sorted(
        [
            ("05111000-01", 2021, "population", "total", "total", "total", 1200.0, "ok"),
            ("05111000-01", 2021, "population", "foreign", "total", "total", 0.0, "zero"),
            ("05111000-02", 2021, "population", "total", "total", "total", 800.0, "ok"),
            ("05111000-02", 2021, "population", "foreign", "total", "total", 95.0, "ok"),
        ]
    )
    assert areas.set_index("area_id").loc["05111000-01", "name"] == "Düsseldorf-Süd"
    utf8 = write_mapping(tmp_path, dict(CP1252_MAPPING, format={}), "utf8.yml")
    with pytest.raises(DataError, match=r"windows\.csv: cannot be read as utf-8.*cp1252"):
        read_district_table(data, utf8)


def test_bom_crlf_and_key_column_last(tmp_path):
    data = tmp_path / "t2.csv"
    data.write_bytes(
        "Gesamt;ausländer;PLR-ID\r\n3503;1509;01100101\r\n–;–;03400831\r\n".encode("utf-8-sig")
    )
    mapping = {
        "format": {"encoding": "utf-8"},  # BOM is dropped even without utf-8-sig
        "municipality": {"id": "11000000"},
        "areas": {"code_column": "PLR-ID"},
        "year": 2022,
        "layout": "wide",
        "columns": {
            "Gesamt": {"variable": "population"},
            "ausländer": {"variable": "population", "group": "foreign"},
        },
    }
    obs, _ = read_district_table(data, write_mapping(tmp_path, mapping))
    assert key_table(obs) == sorted(
        [
            ("11000000-01100101", 2022, "population", "total", "total", "total", 3503.0, "ok"),
            ("11000000-01100101", 2022, "population", "foreign", "total", "total", 1509.0, "ok"),
            ("11000000-03400831", 2022, "population", "total", "total", "total", 0.0, "zero"),
            ("11000000-03400831", 2022, "population", "foreign", "total", "total", 0.0, "zero"),
        ]
    )


# --------------------------------------------------------------------------------------------
# mapping validation
# --------------------------------------------------------------------------------------------


def _broken(**changes) -> dict:
    mapping = yaml.safe_load(yaml.safe_dump(WIDE_MAPPING))
    for dotted, value in changes.items():
        target = mapping
        *path, last = dotted.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return mapping


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"colums": {}}, r"key 'colums': unknown key -> did you mean 'columns'\?"),
        (
            {"format__seperator": ";"},
            (
                r"key 'format\.seperator': unknown key -> did you mean "
                r"'separator'\?"
            ),
        ),
        (
            {"columns": {"Einwohner": {"variable": "populaton"}}},
            (
                r"key 'columns\.Einwohner\.variable': 'populaton' is not in the vocabulary "
                r"-> did you mean 'population'\?"
            ),
        ),
        (
            {"columns": {"Einwohner": {"variable": "population", "group": "auslaender"}}},
            r"key 'columns\.Einwohner\.group': 'auslaender' is not in the vocabulary",
        ),
        (
            {"municipality__id": 9101000},
            (
                r"key 'municipality\.id': must be text in quotes, got the "
                r"number 9101000 -> .*leading zeros"
            ),
        ),
        (
            {"areas__hierarchy": [{"kind": "bezirk", "prefix": 1, "names": {2: "Süd"}}]},
            r"key 'areas\.hierarchy\[0\]\.names\.2': must be text in quotes",
        ),
        ({"decimal": ";"}, r"key 'decimal': ';' is not allowed -> use one of ,, \."),
        ({"publisher": "stadt"}, r"key 'publisher': 'stadt' is not allowed -> use one of ba, "),
        (
            {"layout": "diagonal"},
            r"key 'layout': 'diagonal' is not allowed -> use one of wide, long",
        ),
        ({"labels": []}, r"key 'labels': belongs to layout 'long', but layout is 'wide'"),
        (
            {"areas__code_pattern": "^(\\d{3}$"},
            (
                r"key 'areas\.code_pattern': not a valid regular "
                r"expression"
            ),
        ),
        (
            {"areas__aggregates": [{"codes": ["0"], "level": "ortsteil"}]},
            (
                r"key 'areas\.aggregates\[0\]\.level': 'ortsteil' is not allowed -> use one of "
                r"municipality, bezirk"
            ),
        ),
        (
            {"areas__exclude": [{"reason": "nothing"}]},
            r"key 'areas\.exclude\[0\]': recognises no row -> give codes",
        ),
        (
            {"areas__hierarchy": [{"kind": "bezirk"}]},
            r"key 'areas\.hierarchy\[0\]': needs exactly one of prefix or column",
        ),
        ({"year": "2023"}, r"key 'year': must be a year such as 2022"),
        ({"format__header": 0}, r"key 'format\.header': must be a row number"),
        ({"format__encoding": "utf-9"}, r"key 'format\.encoding': unknown encoding"),
    ],
)
def test_mapping_errors_name_file_and_key(tmp_path, changes, message):
    path = write_mapping(tmp_path, _broken(**changes), "broken.yml")
    with pytest.raises(DataError, match=r"broken\.yml: " + message):
        load_mapping(path)


def test_long_mapping_match_width(tmp_path):
    mapping = dict(LONG_MAPPING, labels=[{"match": ["Einwohner"], "variable": "population"}])
    with pytest.raises(
        DataError,
        match=r"key 'labels\[0\]\.match': has 1 labels, but each value "
        r"is named by 2",
    ):
        load_mapping(write_mapping(tmp_path, mapping))


def test_invalid_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("areas:\n  code_column: [Nr\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.yml: not valid YAML"):
        load_mapping(bad)
    with pytest.raises(DataError, match=r"nope\.yml: mapping file not found -> .*--mapping"):
        load_mapping(tmp_path / "nope.yml")


def test_column_missing_from_file(tmp_path):
    data = tmp_path / "stadtteile.csv"
    data.write_text(WIDE_CSV, encoding="utf-8")
    mapping = _broken(columns={"Einwohnerzahl": {"variable": "population"}})
    with pytest.raises(
        DataError,
        match=r"stadtteile\.csv: column 'Einwohnerzahl' named in .*"
        r"mapping\.yml is not in the file -> did you mean 'Einwohner'\?",
    ):
        read_district_table(data, write_mapping(tmp_path, mapping))


def test_import_needs_mapping(tmp_path):
    with pytest.raises(DataError, match=r"pass --mapping FILE"):
        import_district_table([tmp_path / "x.csv"], ObservationStore(tmp_path / "data"))
    assert import_district_table.__doc__.strip().splitlines()[0]


# --------------------------------------------------------------------------------------------
# bad cells and all-or-nothing imports
# --------------------------------------------------------------------------------------------


def test_bad_cell_names_file_row_column_and_nothing_is_written(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(WIDE_CSV, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(WIDE_CSV.replace("12.345", "12.34S"), encoding="utf-8")
    store = ObservationStore(tmp_path / "data")
    mapping = write_mapping(tmp_path, WIDE_MAPPING)
    with pytest.raises(
        DataError,
        match=r"bad\.csv: column 'Einwohner' has cells that are neither "
        r"numbers nor symbols of publisher 'municipal' \(row 6: '12\.34S'\)",
    ):
        import_district_table([good, bad], store, mapping=mapping)
    assert not store.areas_path.exists() and not store.observation_dir.exists()


def test_store_checks_run_on_every_file_before_anything_is_written(tmp_path):
    """The store's own plausibility checks (German + foreign cannot exceed the total; the
    residual 'nationality not recorded' may only make them fall short) fail on the second
    file: the first file is not written either."""
    header = "Nr;Name;Einwohner;Ausländer;Deutsche\n"
    good = tmp_path / "good.csv"
    good.write_text(header + "01;Nord;1.200;200;1.000\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "02;Süd;1.200;200;1.100\n", encoding="utf-8")
    mapping = dict(
        CP1252_MAPPING,
        format={},
        columns=dict(
            CP1252_MAPPING["columns"], Deutsche={"variable": "population", "group": "german"}
        ),
    )
    store = ObservationStore(tmp_path / "data")
    read_district_table(good, write_mapping(tmp_path, mapping))  # each file reads fine …
    with pytest.raises(DataError, match=r"bad\.csv: parts do not add up"):
        import_district_table([good, bad], store, mapping=write_mapping(tmp_path, mapping))
    assert not store.areas_path.exists() and not store.observation_dir.exists()


def test_negative_count_is_an_error(tmp_path):
    data = tmp_path / "neg.csv"
    data.write_text(WIDE_CSV.replace(";  312 ;", ";-  23;"), encoding="utf-8")
    with pytest.raises(
        DataError,
        match=r"neg\.csv: negative count in column 'Ausländer' "
        r"\(row 5: '-  23' = -23",
    ):
        read_district_table(data, write_mapping(tmp_path, WIDE_MAPPING))


def test_empty_cells_error_or_skip(tmp_path):
    data = tmp_path / "leer.csv"
    data.write_text(CP1252_TEXT.replace(";95", ";"), encoding="utf-8")
    mapping = dict(CP1252_MAPPING, format={})
    with pytest.raises(
        DataError,
        match=r"leer\.csv: 1 empty cells \(first: row 3, column "
        r"'Ausländer'\) -> .*empty_cells: skip",
    ):
        read_district_table(data, write_mapping(tmp_path, mapping))
    result = read_district_report(data, write_mapping(tmp_path, dict(mapping, empty_cells="skip")))
    assert len(result.observations) == 3 and "1 empty cells left out" in result.notes


def test_import_into_store(tmp_path):
    data = tmp_path / "stadtteile 2023.csv"
    data.write_text(WIDE_CSV, encoding="utf-8")
    store = ObservationStore(tmp_path / "data")
    store.write_areas(
        pd.DataFrame(
            [
                {
                    "area_id": "99101000",
                    "name": "Beispielstadt (Register)",
                    "level": "municipality",
                    "kind": "gemeinde",
                    "parent_id": "99",
                    "synthetic": False,
                }
            ]
        )
    )
    message = import_district_table(
        [str(data)], store, mapping=write_mapping(tmp_path, WIDE_MAPPING)
    )
    assert "15 observations of 5 areas" in message
    assert "columns not imported: Fläche km²" in message
    # the source is the municipality and the mapping's table, not the file name
    assert (store.observation_dir / "district_99101000_mapping.parquet").exists()
    reg = store.read_areas().set_index("area_id")
    # the existing municipality entry is kept as it is; its level goes to the observations
    assert reg.loc["99101000", ["name", "level", "parent_id"]].tolist() == [
        "Beispielstadt (Register)",
        "municipality",
        "99",
    ]
    back = store.read_observations()
    assert set(back.loc[back["area_id"] == "99101000", "area_level"]) == {"municipality"}
    assert len(reg) == 6
    # the same table under another file name replaces its own observations
    copy = tmp_path / "kopie.csv"
    copy.write_text(WIDE_CSV, encoding="utf-8")
    import_district_table([copy], store, mapping=write_mapping(tmp_path, WIDE_MAPPING))
    assert len(store.read_observations()) == 15
    # read through a second mapping (another table), the same counts are refused: two
    # sources for one count, and nothing is written
    other = write_mapping(tmp_path, WIDE_MAPPING, name="andere.yml")
    with pytest.raises(DataError, match=r"already held by source \['district_99101000_mapping'\]"):
        import_district_table([copy], store, mapping=other)
    assert not (store.observation_dir / "district_99101000_andere.parquet").exists()


def test_documented_wide_example_runs(tmp_path):
    """docs/district-tables.md §2: the example mapping gives what the text says."""
    text = (PROJECT / "docs" / "district-tables.md").read_text(encoding="utf-8")
    section = text.split("## 2. Example: wide layout", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    data = tmp_path / "stadtteile.csv"
    data.write_text(WIDE_CSV, encoding="utf-8")
    mapping = tmp_path / "doc.yml"
    mapping.write_text(block, encoding="utf-8")
    obs, areas = read_district_table(data, mapping)
    expected, _ = read_district_table(data, write_mapping(tmp_path, WIDE_MAPPING))
    assert len(obs) == 15 and key_table(obs) == key_table(expected)
    assert len(areas) == 6


def test_example_mappings_load():
    for path in sorted(MAPPINGS.glob("*.yml")):
        load_mapping(path)


# --------------------------------------------------------------------------------------------
# backtests on real files
# --------------------------------------------------------------------------------------------


def _values(obs: pd.DataFrame, group: str) -> pd.Series:
    part = obs[
        (obs["variable"] == "population")
        & (obs["group"] == group)
        & (obs["sex"] == "total")
        & (obs["age"] == "total")
    ]
    return part.set_index("area_id")["value"]


@pytest.fixture(scope="module")
def berlin_t1():
    mapping = load_mapping(MAPPINGS / "berlin-lor-t1.yml")
    return {
        part: read_district_table(BERLIN / f"berlin-lor-population-2022-01-t1-{part}.csv", mapping)
        for part in ("planning-areas", "districts", "city")
    }


GROUPS = [
    "total",
    "with_migration_background",
    "german",
    "german_without_migration_background",
    "german_with_migration_background",
    "foreign",
]


@pytest.mark.realdata
@needs_realdata
class TestBerlin:
    def test_542_planning_areas(self, berlin_t1):
        obs, areas = berlin_t1["planning-areas"]
        assert obs["area_id"].nunique() == 542 and len(obs) == 542 * 6
        assert set(obs["area_level"]) == {"subdistrict"} and set(obs["year"]) == {2022}
        kinds = areas["kind"].value_counts()
        assert kinds["planungsraum"] == 542 and kinds["bezirk"] == 12
        assert areas.set_index("area_id").loc["11000000-01", "name"] == "Mitte"

    def test_rollup_plr_bezirk_city_reproduces_published_tables(self, berlin_t1):
        plr, areas = berlin_t1["planning-areas"]
        districts, _ = berlin_t1["districts"]
        city, _ = berlin_t1["city"]
        parent = areas.set_index("area_id")["parent_id"]
        assert sorted(districts["area_id"].unique()) == sorted(
            parent[plr["area_id"].unique()].unique()
        )
        for group in GROUPS:
            rolled = _values(plr, group).groupby(parent).sum()
            published = _values(districts, group)
            assert rolled.to_dict() == published.to_dict()
            assert published.sum() == _values(city, group)["11000000"]
        totals = (
            _values(city, "total")["11000000"],
            _values(city, "foreign")["11000000"],
            _values(city, "with_migration_background")["11000000"],
        )
        assert totals == (3_821_881, 863_095, 1_441_213)
        assert _values(plr, "total").sum() == 3_821_881
        assert _values(plr, "foreign").sum() == 863_095
        assert _values(plr, "with_migration_background").sum() == 1_441_213
        assert (
            _values(districts, "total")["11000000-01"],
            _values(districts, "foreign")["11000000-01"],
        ) == (391_831, 140_543)

    def test_identity_with_mh_is_germans_with_mh_plus_foreigners(self, berlin_t1):
        plr, _ = berlin_t1["planning-areas"]
        with_mh = _values(plr, "with_migration_background")
        parts = _values(plr, "german_with_migration_background") + _values(plr, "foreign")
        assert len(with_mh) == 542 and (with_mh == parts[with_mh.index]).all()

    def test_two_derivations_agree(self, berlin_t1):
        t1, _ = berlin_t1["planning-areas"]
        t2, _ = read_district_table(
            BERLIN / "einwohnerbestand_06-2022_plr.csv", MAPPINGS / "berlin-einwohnerbestand-t2.yml"
        )
        for group in ("total", "foreign"):
            a, b = _values(t1, group).to_dict(), _values(t2, group).to_dict()
            assert len(a) == len(b) == 542 and a == b
        dash = t2[t2["area_id"].isin(["11000000-03400831", "11000000-06200418"])]
        assert len(dash) == 6 and set(dash["status"]) == {"zero"} and (dash["value"] == 0).all()

    def test_import_all_t1_files_and_refuse_second_derivation(self, tmp_path):
        store = ObservationStore(tmp_path / "data")
        files = [
            BERLIN / f"berlin-lor-population-2022-01-t1-{p}.csv"
            for p in ("planning-areas", "districts", "city")
        ]
        import_district_table(files, store, mapping=str(MAPPINGS / "berlin-lor-t1.yml"))
        back = store.read_observations()
        assert back["area_id"].nunique() == 542 + 12 + 1
        assert len(store.read_areas()) == 542 + 12 + 1
        with pytest.raises(DataError, match="already held by source"):
            import_district_table(
                [BERLIN / "einwohnerbestand_06-2022_plr.csv"],
                store,
                mapping=str(MAPPINGS / "berlin-einwohnerbestand-t2.yml"),
            )


def _round1(numerator: float, denominator: float) -> Decimal:
    share = Decimal(repr(float(numerator))) * 100 / Decimal(repr(float(denominator)))
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _published(path: Path) -> pd.DataFrame:
    """The raw file read independently of the importer: one row per published share."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[raw["NUMMER"] != "99"]
    raw["area_id"] = raw["NUMMER"].map(
        lambda n: "09162000" if n == "#100" else f"09162000-{int(n):02d}"
    )
    raw["year"] = raw["JAHR"].astype(int)
    raw["published"] = raw["INDIKATOR_WERT"].map(lambda v: Decimal(v.replace(",", ".")))
    return raw


def _check_shares(
    obs: pd.DataFrame,
    published: pd.DataFrame,
    numerator: str,
    denominator: str,
    numerator_group: str = "total",
) -> int:
    num = obs[(obs["variable"] == numerator) & (obs["group"] == numerator_group)]
    den = obs[(obs["variable"] == denominator) & (obs["group"] == "total")]
    both = num.merge(den, on=["area_id", "year"], suffixes=("_n", "_d"))
    both = both.merge(
        published[["area_id", "year", "published"]], on=["area_id", "year"], validate="one_to_one"
    )
    computed = [_round1(n, d) for n, d in zip(both["value_n"], both["value_d"], strict=True)]
    mismatches = [
        (a, y, c, p)
        for a, y, c, p in zip(
            both["area_id"], both["year"], computed, both["published"], strict=True
        )
        if c != p
    ]
    assert mismatches == []
    return len(both)


@pytest.mark.realdata
@needs_realdata
class TestMuenchen:
    mapping = MAPPINGS / "muenchen-indikatorenatlas.yml"

    def test_foreigner_share_equals_published_value(self):
        path = MUENCHEN / "indikatorenatlas2014bevoelkerungauslaenderinnenanteil.csv"
        obs, areas = read_district_table(path, self.mapping)
        published = _published(path)
        assert (
            _check_shares(obs, published, "population", "population", "foreign")
            == len(published)
            == 338
        )
        city = obs[(obs["area_id"] == "09162000") & (obs["year"] == 2012)].set_index("group")
        assert (city.loc["foreign", "value"], city.loc["total", "value"]) == (353_816, 1_439_474)
        assert _round1(city.loc["foreign", "value"], city.loc["total", "value"]) == Decimal("24.6")
        assert "09162000-99" not in set(obs["area_id"]) and len(areas) == 26
        names = areas.set_index("area_id")["name"]
        assert names["09162000-11"] == "11 Milbertshofen - Am Hart"

    def test_turnout_equals_published_value(self):
        path = MUENCHEN / "indikatorenatlas2014wahlenwahlbeteiligung.csv"
        obs, _ = read_district_table(path, self.mapping)
        published = _published(path)
        federal = published[published["INDIKATOR_AUSPRAEGUNG"] == "Bundestagswahl"]
        council = published[published["INDIKATOR_AUSPRAEGUNG"] == "Stadtratswahl"]
        assert _check_shares(obs, federal, "voters_federal", "electorate_federal") == 78
        assert _check_shares(obs, council, "voters_municipal", "electorate_municipal") == 52
        assert set(obs["variable"]) == {
            "voters_federal",
            "electorate_federal",
            "voters_municipal",
            "electorate_municipal",
        }
        btw = obs[(obs["area_id"] == "09162000") & (obs["year"] == 2009)].set_index("variable")
        assert _round1(
            btw.loc["voters_federal", "value"], btw.loc["electorate_federal", "value"]
        ) == Decimal("73.4")

    def test_unemployed_by_nationality(self):
        path = MUENCHEN / "indikatorenatlas2014arbeitsmarktarbeitslose.csv"
        result = read_district_report(path, self.mapping)
        obs = result.observations
        assert set(obs["group"]) == {"foreign", "german", "total"} and len(obs) == 26 * 13 * 3
        city = obs[(obs["area_id"] == "09162000") & (obs["year"] == 2012)].set_index("group")
        assert city.loc["foreign", "value"] == 14_805.8 and city.loc["total", "value"] == 36_671.5
        assert _round1(city.loc["foreign", "value"], city.loc["total", "value"]) == Decimal("40.4")
        # German + foreign fall short of the total (nationality not recorded): 59,4 + 40,4 < 100
        assert _round1(city.loc["german", "value"], city.loc["total", "value"]) == Decimal("59.4")
        assert any("values skipped because their labels are not mapped" in n for n in result.notes)

    def test_import_all_three_files(self, tmp_path):
        store = ObservationStore(tmp_path / "data")
        files = [
            MUENCHEN / f"indikatorenatlas2014{name}.csv"
            for name in (
                "bevoelkerungauslaenderinnenanteil",
                "wahlenwahlbeteiligung",
                "arbeitsmarktarbeitslose",
            )
        ]
        message = import_district_table(files, store, mapping=self.mapping)
        assert "rows excluded (pseudo-district 99 'nicht zuzuordnen')" in message
        back = store.read_observations()
        assert len(back) == 676 + 260 + 1014 and back["area_id"].nunique() == 26
        assert len(store.read_areas()) == 26
