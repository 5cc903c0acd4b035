"""What a section puts out besides its heading: its plain text, its tables (split when wide)
and the CSV of a table for Excel users."""

import re

import pandas as pd

from intmon_utils.report.context import excel_numbers
from intmon_utils.report.html import MAX_COLUMNS, Section, table


def test_plain_text_of_a_section_is_its_title_only():
    """Jupyter stores repr(section) as text/plain next to the HTML: it must not carry the
    data behind the section (numerators, reason codes, case counts) or server paths."""
    data = pd.DataFrame({"numerator": [2], "reason": ["secret"]})
    section = Section("Kennzahlen", "<p>.</p>", data, ["/srv/intmon/outputs/x.csv"])
    assert repr(section) == "Kennzahlen"
    assert "numerator" not in repr(section) and "/srv" not in repr(section)
    assert section._repr_html_().startswith("<h2>Kennzahlen</h2>")


def _sub_district_table(n_columns: int) -> pd.DataFrame:
    data = {"Stadtteil": ["Altstadt", "Hafen"]}
    for i in range(n_columns):
        data[f"Quote {i} (%, 2024)"] = ["12,5", "."]
    return pd.DataFrame(data)


def test_a_wide_table_is_split_into_parts_that_repeat_its_labels():
    """Defect: printed, the sub-district table showed 3 of 15 columns."""
    shown = table(_sub_district_table(14), "de")
    tables = re.findall(r"<table.*?</table>", shown, flags=re.S)
    assert len(tables) == 2 and "Tabelle, Teil 2/2" in shown
    for part in tables:
        headers = re.findall(r"<th scope=\"col\"[^>]*>([^<]*)</th>", part)
        assert headers[0] == "Stadtteil" and len(headers) <= MAX_COLUMNS
    every = [h for part in tables for h in re.findall(r">(Quote \d+[^<]*)<", part)]
    assert len(every) == 14 and len(set(every)) == 14  # every column once, none lost
    # numbers right-aligned and not wrapped, labels not
    assert '<td class="num">12,5</td>' in shown and "<td>Altstadt</td>" in shown


def test_a_narrow_table_stays_whole():
    assert table(_sub_district_table(3), "de").count("<table") == 1


def test_csv_tables_hold_numbers_as_numbers_with_the_unit_in_the_header():
    shown = pd.DataFrame(
        {
            "Indikator": ["Arbeitslosenquote", "Arbeitslosenquote", "Gute Deutschkenntnisse"],
            "Stand": ["2024", "2024", "2023"],
            "Wert": ["8,6 %", ".", "89,3 % (KI 87,3–91,3; n = 1.359)"],
            "Veränderung zum Vorjahr": ["+1,3 Pp.", "-", ""],
            "Rang": ["4 / 4", "1 / 4", "."],
            "Einwohner": ["1.234.567", "12", "x"],
        }
    )
    out = excel_numbers(shown, "de")
    assert list(out.columns) == [
        "Indikator",
        "Stand",
        "Wert (%)",
        "Wert: Anmerkung",
        "Veränderung zum Vorjahr (Pp.)",
        "Rang",
        "Einwohner",
    ]
    assert out["Wert (%)"].tolist() == ["8,6", ".", "89,3"]
    assert out["Wert: Anmerkung"].tolist()[2] == "(KI 87,3–91,3; n = 1.359)"
    assert out["Veränderung zum Vorjahr (Pp.)"].tolist() == ["1,3", "-", ""]
    assert out["Einwohner"].tolist() == ["1234567", "12", "x"]  # no thousands separator
    assert out["Rang"].tolist() == ["4 / 4", "1 / 4", "."]  # a rank stays text
    english = excel_numbers(pd.DataFrame({"Value": ["1,234.5 %", "/"]}), "en")
    assert english["Value (%)"].tolist() == ["1234.5", "/"]
