"""GENESIS table mappings: data validated like every configuration file."""

from pathlib import Path

import pytest

from intmon_utils.errors import MappingError
from intmon_utils.sources.genesis_tables import bundled_mappings, load_mapping


def test_bundled_mappings_load():
    mappings = bundled_mappings()
    assert "12411-01-01-4:classic" in mappings
    assert all(entry.cells for entry in mappings.values())


@pytest.mark.parametrize(
    "text, key, message",
    [
        (
            '"99999:ffcsv": {cells: [{row: X, variable: populaton}]}',
            "99999:ffcsv.cells[0].variable",
            "did you mean 'population'",
        ),
        (
            '"99999:ffcsv": {cells: [{row: "(", variable: population}]}',
            "99999:ffcsv.cells[0].row",
            "not a valid regular expression",
        ),
        ('"99999:ffcsv": {cels: []}', "99999:ffcsv.cels", "did you mean 'cells'"),
    ],
)
def test_a_broken_user_mapping_names_file_and_key(tmp_path, text, key, message):
    path = tmp_path / "mine.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message) as err:
        load_mapping("99999", "ffcsv", path)
    assert err.value.key == key and "mine.yml" in str(err.value)


def test_a_missing_mapping_file_is_named(tmp_path):
    with pytest.raises(MappingError, match=r"nope\.yml: mapping file not found -> .*--mapping"):
        load_mapping("12411", "ffcsv", tmp_path / "nope.yml")


@pytest.mark.parametrize(
    ("name", "statistic", "code"),
    [
        ("12411-01-01-4_1773175772751_de_flat.csv", "12411", "12411-01-01-4"),
        ("regionalstatistik_12411-02-03-4_09162_2015-2024.csv", "12411", "12411-02-03-4"),
        ("1000A-2022_1773175355216_de_flat.csv", "1000A", "1000A-2022"),
        ("bevoelkerung.csv", "12411", "12411"),  # renamed: the statistic
        ("12511-01-01-4_1_de_flat.csv", "12411", "12411"),  # another statistic's name
    ],
)
def test_a_flat_file_is_the_table_its_download_is_named_after(name, statistic, code):
    """Two flat files of one statistic are two tables, so two sources."""
    from intmon_utils.sources.genesis import table_code

    assert table_code(Path(name), statistic) == code
