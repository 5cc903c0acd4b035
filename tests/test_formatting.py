import math

import pytest

from intmon_utils.formatting import format_number, format_value, unit_suffix


def test_german_number_format():
    assert format_number(1234567.891, 1) == "1.234.567,9"
    assert format_number(1234.5, 1, lang="en") == "1,234.5"
    assert format_number(-3.25, 2) == "-3,25"
    assert format_number(2.0, 1, sign=True) == "+2,0"
    assert format_number(-0.04, 1, sign=True) == "0,0"  # no "-0,0"


def test_status_symbols_never_show_numbers():
    assert format_value(12.345, "ok", "percent") == "12,3"
    assert format_value(12.345, "ok", "percent", with_unit=True) == "12,3 %"
    assert format_value(0.0, "ok") == "-"
    assert format_value(12.3, "suppressed") == "."
    assert format_value(math.nan, "missing_input") == "."
    assert format_value(1.0, "not_applicable") == "x"
    assert format_value(1.0, "uncertain") == "/"
    assert format_value(1.0, "not_yet_available") == "..."
    assert format_value(3.0, "ok", "per_1000", with_unit=True) == "3,0 ‰"


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("value", [0.1, 7.9, -16.25, 1234.5, 25_000.0, 99.96])
@pytest.mark.parametrize("unit", ["percent", "per_1000", "square_metres", "ratio"])
def test_a_shown_value_reads_back_as_the_number_it_shows(lang, value, unit):
    from intmon_utils.formatting import UNIT_DECIMALS, parse_shown

    shown = format_value(value, "ok", unit, lang, with_unit=True, sign=True)
    number, suffix, note = parse_shown(shown, lang)
    assert number == pytest.approx(round(value, UNIT_DECIMALS.get(unit, 1)))
    assert suffix == unit_suffix(unit, lang).strip() and note == ""


def test_symbols_and_ranks_are_not_numbers():
    from intmon_utils.formatting import parse_shown

    for cell in (".", "-", "x", "/", "...", "4 / 4", "Insgesamt"):
        assert parse_shown(cell, "de") == (None, "", "")
    assert parse_shown("89,3 % (KI 87,3–91,3; n = 1.359)", "de") == (
        89.3,
        "%",
        "(KI 87,3–91,3; n = 1.359)",
    )
