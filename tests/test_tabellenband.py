"""The Tabellenband, opened as Excel would open it: numbers as numbers with display formats,
official symbols with a note that tells "secret" from "not collected", frozen headers, the
legend and the source on every sheet, contents with links."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from intmon_utils.tabellenband import number_format, write_tabellenband, write_values

AREA = "99101000"


def scenario_table() -> pd.DataFrame:
    """Unemployment rate: a value, an exact zero, a secret group and a group never collected;
    a survey share with confidence interval and case count; a Kreis row that must stay out."""

    def row(ind, group, year, value, status, reason="", num=None, den=None, **extra):
        return {
            "indicator_id": ind,
            "topic": ind.split(".")[0],
            "area_id": extra.pop("area", AREA),
            "year": year,
            "group": group,
            "sex": "total",
            "value": value,
            "numerator": num,
            "denominator": den,
            "unit": "percent",
            "status": status,
            "reason": reason,
            "detail": "",
            "ci_low": extra.get("ci_low"),
            "ci_high": extra.get("ci_high"),
            "n_cases": extra.get("n_cases"),
        }

    rate = "labor.unemployment_rate"
    return pd.DataFrame(
        [
            row(rate, "total", 2024, 6.0351, "ok", num=1207.0, den=20000.0),
            row(rate, "german", 2024, 0.0, "ok", num=0.0, den=15000.0),
            row(rate, "foreign", 2024, None, "suppressed", "secret"),
            row(rate, "total", 2023, None, "missing_input", "missing_numerator"),
            row(
                "participation.belonging",
                "total",
                2023,
                81.25,
                "estimated",
                n_cases=1336.0,
                ci_low=79.1,
                ci_high=83.2,
            ),  # fmt: skip
            row(
                "education.kita_rate_under_3",
                "total",
                2024,
                None,
                "missing_input",
                "missing_numerator",
            ),  # fmt: skip
            row(rate, "total", 2024, 9.9, "ok", area="99201"),
        ]
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("tb") / f"{AREA}_indicators.xlsx"
    write_tabellenband(
        scenario_table(), AREA, "Lindenhagen", path, True, "de", "Geheimhaltung: Fallzahlen unter 3"
    )
    return load_workbook(path)


def _block(ws, indicator_id):
    """The rows of one indicator's block (below its title row, up to the blank row)."""
    rows = list(ws.iter_rows(values_only=False))
    start = next(
        i for i, r in enumerate(rows) if r[0].value and f"({indicator_id})" in str(r[0].value)
    )
    block = []
    for r in rows[start + 1 :]:
        if r[0].value is None:
            break
        block.append(r)
    return block


def test_contents_links_every_topic_sheet(book):
    contents = book["Inhalt"]
    assert contents["A1"].value == "Integrationsmonitoring Lindenhagen (99101000)"
    links = [c.hyperlink.location for row in contents.iter_rows() for c in row if c.hyperlink]
    assert links and all(link.split("'")[1] in book.sheetnames for link in links)
    assert book.sheetnames == ["Inhalt", "Bildung", "Arbeitsmarkt", "Teilhabe"]


def test_numbers_are_numbers_with_their_formats(book):
    ws = book["Arbeitsmarkt"]
    block = _block(ws, "labor.unemployment_rate")
    by_group = {(r[0].value, r[1].value): r for r in block}
    total = by_group[(2024, "Insgesamt")]
    assert isinstance(total[3].value, int | float) and total[3].value == 6.0  # rounded as shown
    assert total[3].number_format == number_format("percent") == '#,##0.0;-#,##0.0;"-"'
    assert total[5].value == 1207 and total[5].number_format == "#,##0"
    zero = by_group[(2024, "Deutsche")]
    assert zero[3].value == 0 and '"-"' in zero[3].number_format  # shown as "-"
    assert ws.freeze_panes == "A4"  # below title, banner and header
    assert [c.value for c in ws[3]][:4] == ["Jahr", "Gruppe", "Geschlecht", "Wert"]
    # the Kreis row is not in Lindenhagen's Tabellenband
    assert all(r[3].value != 9.9 for r in block)


def test_symbols_tell_secret_from_not_collected(book):
    ws = book["Arbeitsmarkt"]
    by_group = {(r[0].value, r[1].value): r for r in _block(ws, "labor.unemployment_rate")}
    secret = by_group[(2024, "Ausländerinnen und Ausländer")]
    assert secret[3].value == "." and secret[5].value is None and secret[6].value is None
    assert secret[10].value == "geheim zu halten"
    assert (2023, "Insgesamt") not in by_group  # a year without any published number
    never = _block(book["Bildung"], "education.kita_rate_under_3")
    assert len(never) == 1 and never[0][10].value.startswith("für dieses Gebiet nicht erhoben")


def test_survey_values_carry_interval_and_cases(book):
    ws = book["Teilhabe"]
    (row,) = _block(ws, "participation.belonging")
    assert row[3].value == 81.2  # rounded to the unit's decimal, as the reports show it
    assert (row[7].value, row[8].value, row[9].value) == (79.1, 83.2, 1336)


def test_every_sheet_has_banner_legend_source_and_thresholds(book):
    for ws in book.worksheets:
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert any(t.startswith("SYNTHETISCHE DEMODATEN") for t in texts), ws.title
        assert any(t.startswith("Zeichenerklärung:") for t in texts), ws.title
        assert any(t.startswith("Quelle:") for t in texts), ws.title
        assert any(t.startswith("Geheimhaltung: Fallzahlen unter 3") for t in texts), ws.title


def test_machine_readable_values(tmp_path):
    csv, parquet = write_values(scenario_table(), AREA, tmp_path / f"{AREA}_values", True)
    back = pd.read_csv(csv, dtype={"area_id": str})
    assert set(back["area_id"]) == {AREA} and len(back) == 6
    assert back["value"].dtype == float
    secret = back[back["status"] == "suppressed"]
    assert secret["symbol"].tolist() == ["."] and secret["value"].isna().all()
    assert pd.read_parquet(parquet).shape == back.shape
