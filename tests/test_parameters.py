"""Parameter files: validation at the boundary, AGS ids as text, generated reference docs."""

import pytest

from intmon_utils.config.parameter_docs import DOC, reference_table
from intmon_utils.config.parameters import (
    Parameters,
    WorkspaceSettings,
    discover,
    load_defaults,
    load_parameters,
)
from intmon_utils.errors import ParameterError
from intmon_utils.runner.plan import plan

from conftest import PROJECT


def write(tmp_path, name, text, defaults="year: 2024\n"):
    (tmp_path / "defaults.yml").write_text(defaults, encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_parameter_file_is_valid():
    files = discover(PROJECT / "parameters")
    assert len(files) >= 12
    for path in files:
        params = load_parameters(path)
        assert isinstance(params.area_id, str) and params.area_id == path.stem


def test_quoted_ags_with_leading_zero_stays_text(tmp_path):
    p = load_parameters(write(tmp_path, "01001000.yml", 'area_id: "01001000"\nname: Flensburg\n'))
    assert p.area_id == "01001000"


def test_unquoted_ags_is_rejected_with_advice_to_quote(tmp_path):
    path = write(tmp_path, "01001000.yml", "area_id: 01001000\nname: Flensburg\n")
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    msg = str(err.value)
    assert "01001000.yml" in msg and "area_id" in msg and "262656" in msg and "quote" in msg


def test_unquoted_peer_is_rejected(tmp_path):
    path = write(tmp_path, "09761000.yml", 'area_id: "09761000"\nname: A\npeers: [01001000]\n')
    with pytest.raises(ParameterError, match=r"peers\[0\].*quote"):
        load_parameters(path)


@pytest.mark.parametrize(
    "text, key",
    [
        ('area_id: "09761000"\nname: A\ncolour: red\n', "colour"),
        ('area_id: "09761000"\nname: A\ndisclosure: {min_count: 0}\n', "disclosure.min_count"),
        ('area_id: "09761000"\nname: A\ntopics: [sports]\n', "topics[0]"),
        ('area_id: "09761000"\nname: A\nyear: "2024"\n', "year"),
        (
            'area_id: "09761000"\nname: A\nindicators: {exclude: [labor.nonsense]}\n',
            "indicators.exclude[0]",
        ),
        (
            'area_id: "09761000"\nname: A\n'
            "targets: {labor.nonsense: {value: 1, by: 2030, direction: below}}\n",
            "targets.labor.nonsense",
        ),
        ('area_id: "09761000"\nname: A\ncommentary: ../../etc\n', "commentary"),
        ('area_id: "0976100"\nname: A\n', "area_id"),
        ("name: A\n", "area_id"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path, text, key):
    path = write(tmp_path, "09761000.yml", text)
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    assert err.value.key == key and "09761000.yml" in str(err.value)


def test_file_name_must_match_area_id(tmp_path):
    with pytest.raises(ParameterError, match="rename the file"):
        load_parameters(write(tmp_path, "augsburg.yml", 'area_id: "09761000"\nname: A\n'))


def test_defaults_are_merged_and_file_wins(tmp_path):
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\nyear: 2023\n',
        defaults="year: 2024\ndisclosure: {min_count: 5}\n",
    )
    p = load_parameters(path)
    assert p.year == 2023 and p.disclosure.min_count == 5 and p.language == "de"
    assert p.commentary_dir == tmp_path / "commentary" / "09761000"


def test_gap_target_is_understood(tmp_path):
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\ntargets:\n'
        "  labor.unemployment_rate_gap: {value: 3.0, by: 2030, direction: below}\n",
    )
    goal = load_parameters(path).goals["labor.unemployment_rate_gap"]
    assert goal.measure == "gap" and goal.indicator_id == "labor.unemployment_rate"
    assert goal.group == "foreign"


def test_parameter_reference_doc_is_generated_from_schema():
    doc = (PROJECT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert doc == reference_table(), "docs/parameters.md is stale: run 'intmon docs'"
    for key in ("area_id", "disclosure", "targets", "data_gaps"):
        assert f"| `{key}` |" in doc


def test_partial_override_keeps_the_stricter_default(tmp_path):
    """Defect: an area file with only disclosure.min_cases silently reset min_count to 3."""
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\ndisclosure: {min_cases: 50}\n',
        defaults="disclosure: {min_count: 5}\n",
    )
    p = load_parameters(path)
    assert p.thresholds == (5, 50)


def test_nested_targets_merge_key_by_key(tmp_path):
    defaults = "targets:\n  labor.unemployment_rate_gap: {value: 3.0, by: 2030, direction: below}\n"
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\ntargets:\n  labor.unemployment_rate_gap: {value: 2.5}\n',
        defaults=defaults,
    )
    goal = load_parameters(path).goals["labor.unemployment_rate_gap"]
    assert (goal.value, goal.by, goal.direction) == (2.5, 2030, "below")


def test_lists_are_replaced_not_merged(tmp_path):
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\ntopics: [labor]\n',
        defaults="topics: [education, labor]\n",
    )
    assert load_parameters(path).topics == ["labor"]


def test_error_in_defaults_names_the_defaults_file(tmp_path):
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\n',
        defaults="disclosure: {min_count: two}\n",
    )
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    assert "defaults.yml" in str(err.value) and err.value.key == "disclosure.min_count"


def test_misspelt_key_gets_a_suggestion(tmp_path):
    path = write(tmp_path, "09761000.yml", 'area_id: "09761000"\nname: A\nlangauge: en\n')
    with pytest.raises(ParameterError, match="did you mean 'language'"):
        load_parameters(path)


def test_goal_group_must_be_compared_by_the_indicator(tmp_path):
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\ntargets:\n'
        "  labor.unemployment_rate: {value: 5, by: 2030, direction: below, "
        "group: with_immigration_history}\n",
    )
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    assert err.value.key == "targets.labor.unemployment_rate.group"


def test_defaults_without_file_are_the_model_defaults(tmp_path):
    assert load_defaults(tmp_path).thresholds == (3, 30)


def test_every_key_is_documented():
    assert set(DOC) == set(Parameters.model_fields) | set(WorkspaceSettings.model_fields)


@pytest.mark.parametrize(
    "defaults, area, key",
    [
        ("disclosure: {min_count: 1}\n", "", "disclosure.min_count"),  # defaults below 3
        ("disclosure: {min_cases: 10}\n", "", "disclosure.min_cases"),  # defaults below 30
        ("disclosure: {min_count: 5}\n", "disclosure: {min_count: 3}\n", "disclosure.min_count"),
    ],
)
def test_a_threshold_below_the_floor_needs_a_reason(tmp_path, defaults, area, key):
    """Defect: `disclosure: {min_count: 1}` switched secrecy off without a word. Below 3 / 30,
    or in an area file below what defaults.yml sets, the same file must say why."""
    path = write(tmp_path, "09761000.yml", f'area_id: "09761000"\nname: A\n{area}', defaults)
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    assert err.value.key == key and "reason" in str(err.value)


def test_a_reason_admits_a_lower_threshold_and_a_run_logs_it(tmp_path, caplog, demo_store):
    path = write(
        tmp_path,
        "99101000.yml",  # an area of the demo register
        'area_id: "99101000"\nname: A\n'
        "disclosure: {min_count: 2, reason: 'published by the Land without suppression'}\n",
    )
    p = load_parameters(path)
    assert p.thresholds == (2, 30)
    assert p.disclosure.reason == "published by the Land without suppression"
    with caplog.at_level("WARNING"):
        plan(tmp_path, tmp_path, demo_store, tmp_path / "outputs")
    assert "min_count 2" in caplog.text and "published by the Land" in caplog.text


def test_a_reason_in_defaults_does_not_cover_a_lower_area_file(tmp_path):
    path = write(
        tmp_path,
        "09761000.yml",
        'area_id: "09761000"\nname: A\ndisclosure: {min_count: 1}\n',
        defaults="disclosure: {min_count: 2, reason: 'Land practice'}\n",
    )
    with pytest.raises(ParameterError, match="below the usual threshold 2"):
        load_parameters(path)


def test_a_commentary_folder_per_year(tmp_path):
    defaults = "year: 2024\ncommentary: 'commentary/{area_id}/{year}/'\n"
    path = write(tmp_path, "01001000.yml", 'area_id: "01001000"\nname: F\n', defaults)
    params = load_parameters(path)
    assert params.commentary_dir == tmp_path / "commentary" / "01001000" / "2024"
    next_year = params.model_copy(update={"year": 2025})  # as intmon new-commentary --year
    assert next_year.commentary_dir == tmp_path / "commentary" / "01001000" / "2025"
