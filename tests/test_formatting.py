import math

from intmon_utils.formatting import format_number, format_value


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
