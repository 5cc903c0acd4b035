"""The red-team corpus: good files of every import kind, generated here, and the ways a careful
attacker or a clumsy user spoils them (tests/test_redteam.py). Nothing is stored as a binary;
every bad file is made from a good one by a named mutation."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass

import openpyxl
import pandas as pd
import yaml

from intmon_utils.synthetic import generate_register

# -- the base store: a Land, a city, a Landkreis with a Gemeinde ------------------------------

AREAS_CSV = (
    "area_id;name;level;kind;parent_id\n"
    "DG;Deutschland;country;staat;\n"
    "09;Bayern;state;land;DG\n"
    "09162;München;district;kreisfreie_stadt;09\n"
    "09162000;München, Landeshauptstadt;municipality;kreisfreie_stadt;09162\n"
    "09184;München, Landkreis;district;landkreis;09\n"
    "09184112;Garching b.München;municipality;gemeinde;09184\n"
)
OBSERVATIONS_CSV = "area_id,year,variable,group,sex,age,value\n" + "".join(
    f"{a},{y},naturalisations,total,total,total,{v + y - 2020}\n"
    for a, v in (("09162", 900), ("09184", 120))
    for y in (2021, 2022)
)

# -- good files of each kind ------------------------------------------------------------------

GENESIS_CLASSIC = (
    "GENESIS-Tabelle: 12411-01-01-4;;;;\n"
    "Bevölkerungsstand: Bevölkerung nach Geschlecht;;;;\n"
    "- Stichtag 31.12. -;;;;\n"
    "regionale Tiefe: Kreise und krfr. Städte;;;;\n"
    "Fortschreibung des Bevölkerungsstandes;;;;\n"
    "Bevölkerungsstand (Anzahl);;;;\n"
    ";;31.12.2023;31.12.2023;31.12.2023\n"
    ";;Insgesamt;männlich;weiblich\n"
    "DG;Deutschland;1700000;830000;870000\n"
    "09;  Bayern;1700000;830000;870000\n"
    "09162;      München, Landeshauptstadt;1500000;730000;770000\n"
    "09184;      München, Landkreis;200000;100000;100000\n"
    "__________\n"
    '"© Statistische Ämter des Bundes und der Länder, Deutschland, 2024."\n'
)
FLAT_HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
    "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;2_variable_code;"
    "2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;"
    "value_variable_code;value_variable_label\n"
)
GENESIS_FLAT = FLAT_HEADER + "".join(
    f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;Kreise;"
    f"{code};{name};GES;Geschlecht;{sex};{label};{value};Anzahl;BEVSTD;Bevölkerungsstand\n"
    for code, name, total in (
        ("09162", "München, Landeshauptstadt", 1510000),
        ("09184", "München, Landkreis", 201000),
    )
    for sex, label, value in (("", "", total), ("GESM", "männlich", total // 2))
    + (("GESW", "weiblich", total - total // 2),)
)
BA = (
    '\ufeff"Region";"München, Landeshauptstadt";"Regionsschlüssel:";"09162"\n'
    '"Gebietsstand";"April 2025"\n'
    '"Indikator";"Arbeitslose"\n'
    '"Staatsangehörigkeit";"Ausländer"\n'
    '""\n'
    '"Berichtsjahr ";"Frauen Arbeitslose ";"Männer Arbeitslose ";"Arbeitslose "\n'
    '"2022";"11.816";"12.426";"24.242"\n'
    '"2023";"12.258";"13.764";"26.022"\n'
    '""\n'
    '"Exportdatum: ";"21.05.2025";"16:4:30"\n'
    '"© Statistik der Bundesagentur für Arbeit"\n'
)
SURVEY_CSV = "area_id,year,weight,sex,nationality,migration_background,belonging\n" + "".join(
    f"09162000,2023,1.0,{'fm'[i % 2]},{('german', 'foreign')[i % 3 == 0]},"
    f"{('without', 'with')[i % 4 == 0 or i % 3 == 0]},{1 + i % 4}\n"
    for i in range(60)
)
DISTRICT_MAPPING = {
    "table": "einwohner",
    "municipality": {"id": "09162000", "name": "München, Landeshauptstadt"},
    "areas": {"name_column": "Gebiet", "code_by_name": {"Altstadt": "01", "Au": "02"}},
    "year": {"column": "Jahr"},
    "layout": "long",
    "label_columns": ["Gruppe"],
    "value_column": "Wert",
    "labels": [
        {"match": "insgesamt", "variable": "population"},
        {"match": "Ausländer", "variable": "population", "group": "foreign"},
    ],
}
DISTRICT_CSV = "Jahr;Gebiet;Gruppe;Wert\n" + "".join(
    f"2023;{a};{g};{v}\n"
    for a, base in (("Altstadt", 20000), ("Au", 30000))
    for g, v in (("insgesamt", base), ("Ausländer", base // 4))
)


def register_csv() -> str:
    buffer = io.StringIO()
    generate_register(400, n_districts=3, seed=11, year=2023).to_csv(buffer, index=False)
    return buffer.getvalue()


@dataclass(frozen=True)
class Kind:
    """An import kind: its good file, the file's name, the command's extra arguments."""

    name: str
    filename: str
    good: str
    args: tuple[str, ...] = ()


def kinds() -> list[Kind]:
    return [
        Kind(
            "observations",
            "beobachtungen.csv",
            OBSERVATIONS_CSV.replace(",2021,", ",2018,").replace(",2022,", ",2019,"),
        ),
        Kind("areas", "gebiete.csv", AREAS_CSV),
        Kind("genesis", "12411-01-01-4.csv", GENESIS_CLASSIC),
        Kind("genesis", "12411-01-01-4_1_de_flat.csv", GENESIS_FLAT),
        Kind("ba", "arbeitslose.csv", BA),
        Kind("survey", "umfrage.csv", SURVEY_CSV),
        Kind(
            "register",
            "melderegister.csv",
            register_csv(),
            ("--area", "09162000", "--year", "2023"),
        ),
        Kind("district", "einwohner.csv", DISTRICT_CSV, ("--mapping", "MAPPING")),
    ]


# -- mutations: good text -> bad bytes ---------------------------------------------------------


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["area_id", "year", "value"])
    book.active.append(["09162", 2023, 5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cut_mid_line(text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    keep = max(2, len(lines) * 2 // 3)
    return ("".join(lines[:keep]) + lines[keep][: len(lines[keep]) // 2]).encode()


def _is_data(line: str) -> bool:
    return line[:1].isdigit() or line.startswith(('"20', "DG;"))


def _header_only(text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    data_start = next((i for i, line in enumerate(lines) if i and _is_data(line)), 1)
    return "".join(lines[:data_start]).encode()


def _lost_zeros(text: str) -> bytes:
    return text.replace(";09", ";9").replace("\n09", "\n9").replace('"09', '"9').encode()


def _duplicated_rows(text: str) -> bytes:
    """The last data row once more, right after itself (before any footer)."""
    lines = text.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if i and _is_data(line)), default=None)
    if last is None:
        return text.encode()
    return "".join(lines[: last + 1] + [lines[last]] + lines[last + 1 :]).encode()


def _infinite(text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    last = lines[-1].rsplit(",", 1)
    return ("".join(lines[:-1]) + last[0] + ",inf\n").encode() if len(last) == 2 else b""


def _formula_name(text: str) -> bytes:
    return text.replace("München, Landeshauptstadt", '=HYPERLINK(""http://x"";""y"")').encode()


# name -> (mutation, what must happen: "refused" or "accepted: <why>"); exceptions by kind
# are in ACCEPTED_FOR
MUTATIONS = {
    "empty": (lambda t: b"", "refused"),
    "whitespace only": (lambda t: b" \n\n  \n", "refused"),
    "binary": (lambda t: bytes(range(256)) * 40, "refused"),
    "xlsx renamed": (lambda t: _xlsx(), "refused"),
    "pdf renamed": (lambda t: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "refused"),
    "gzip renamed": (lambda t: gzip.compress(t.encode()), "refused"),
    "utf-16": (lambda t: t.encode("utf-16"), "accepted: UTF-16 with BOM is read as such"),
    "windows-1252": (lambda t: t.lstrip("\ufeff").encode("cp1252"), "refused"),
    "nul inside": (lambda t: t.encode()[:80] + b"\x00\x00" + t.encode()[80:], "refused"),
    "cut mid-line": (_cut_mid_line, "refused"),
    "header only": (_header_only, "refused"),
    "lost leading zeros": (_lost_zeros, "refused"),
    "duplicated row": (_duplicated_rows, "refused"),
    "unbalanced quote": (lambda t: t.replace("\n", '\n"', 3).encode(), "refused"),
    "garbage text": (lambda t: b"lorem ipsum dolor\nsit amet\n" * 50, "refused"),
}


ACCEPTED_FOR = {
    ("genesis", "windows-1252"): "Destatis documents Windows-1252 / ISO-8859-1 for its CSV",
    ("survey", "duplicated row"): "two respondents may give the same answers (no respondent id)",
    ("register", "duplicated row"): "two residents may share every attribute (no person id)",
    ("district", "duplicated row"): "a repeated row with the same values is kept once (warned)",
}


def bad_parameter_files() -> dict[str, bytes]:
    """Parameter files a user might save (or an attacker might plant) instead of a good one."""
    good = "area_id: '09162000'\nname: München\nyear: 2023\n"
    laughs = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(9)
    )
    return {
        "binary": bytes(range(256)) * 8,
        "latin-1": "area_id: '09162000'\nname: Köln-Mülheim\nyear: 2023\n".encode("latin-1"),
        "billion laughs in the name": (
            "area_id: '09162000'\nyear: 2023\n" + laughs + "name: *j\n"
        ).encode(),
        "duplicate key": (good + "year: 2024\n").encode(),
        "non-ASCII digits in the id": "area_id: '٠٩١٦٢٠٠٠'\nname: X\nyear: 2023\n".encode(),
        "3 MB": (good + "# " + "x" * (3 << 20) + "\n").encode(),
        "xlsx renamed": _xlsx(),
        "utf-16 garbage": "\x00\x01".encode("utf-16-le") * 100,
        "min_count 1": (good + "disclosure: {min_count: 1}\n").encode(),
        "min_cases 1": (good + "disclosure: {min_cases: 1}\n").encode(),
        "yaml tag": (good.replace("München", "!!python/object/apply:os.system ['true']")).encode(),
        "a list": b"- a\n- b\n",
        "year 2999": good.replace("2023", "2999").encode(),
    }


def mapping_yaml() -> str:
    return yaml.safe_dump(DISTRICT_MAPPING, allow_unicode=True)


def frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str)
