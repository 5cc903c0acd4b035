"""Figures in the report's number format, with a note that travels with an exported figure."""

import matplotlib.pyplot as plt
import pytest

from intmon_utils import plotting


def _labels(axis):
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


@pytest.mark.parametrize("lang, decimal, thousands", [("de", ",", "."), ("en", ".", ",")])
def test_axes_use_the_report_number_format_and_keep_years_plain(lang, decimal, thousands):
    """Defect: German reports had axes with decimal points (7.6, 14.5)."""
    fig, (left, right) = plt.subplots(1, 2)
    left.plot(range(2014, 2025), [7.6 + 0.07 * i for i in range(11)])
    right.plot([0, 1], [0, 25_000])
    plotting.localise(fig, lang)
    plotting.caption(fig, "Lindenhagen (99101000) · Datenquellen: x · SYNTHETISCHE DEMODATEN")
    fig.canvas.draw()
    years, values = _labels(left.xaxis), _labels(left.yaxis)
    assert "2014" in years or "2016" in years
    assert all(y.isdigit() for y in years)  # no "2.014"
    assert any(decimal in v for v in values) and not any(
        ("." if decimal == "," else ",") in v for v in values
    )
    assert any(thousands in v for v in _labels(right.yaxis))  # 25.000 / 25,000
    notes = [t.get_text() for t in fig.texts]
    assert any("SYNTHETISCHE DEMODATEN" in n for n in notes)
    plt.close(fig)


def test_a_series_of_one_year_gets_an_axis_of_that_year():
    """Defect: one year alone widened the axis to 1950–2100 (ticks every 25 years)."""
    fig, ax = plt.subplots()
    ax.plot([2023], [5.0], marker="o")
    plotting.localise(fig, "de")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023"]
    assert ax.get_xlim() == (2022, 2024)
    plt.close(fig)


def test_category_axes_keep_their_labels():
    fig, ax = plt.subplots()
    ax.barh(["Deutsche", "Ausländer"], [1.5, 2.5])
    plotting.localise(fig, "de")
    fig.canvas.draw()
    assert _labels(ax.yaxis) == ["Deutsche", "Ausländer"]
    assert any("," in v for v in _labels(ax.xaxis))
    plt.close(fig)


def test_every_group_has_its_own_colour_marker_and_line():
    """Colour is never the only cue: no two groups share colour and marker."""
    styles = {g: plotting.group_style(g) for g in plotting.GROUP_COLORS}
    assert len({s["color"] for s in styles.values()}) == len(styles)
    assert len({s["marker"] for s in styles.values()}) == len(styles)
    assert plotting.group_style("foreign") == plotting.group_style("foreign")  # the same everywhere


def test_share_axes_start_at_zero_and_other_axes_say_when_they_do_not():
    fig, (share, area) = plt.subplots(1, 2)
    share.plot([2020, 2024], [55.0, 58.0])
    area.plot([2020, 2024], [32.0, 40.0])
    area.set_ylabel("m² je Person")
    plotting.value_axis(share, "percent", "Achse beginnt nicht bei 0")
    plotting.value_axis(area, "square_metres", "Achse beginnt nicht bei 0")
    assert share.get_ylim()[0] == 0 and share.get_ylim()[1] >= 58
    assert area.get_ylim()[0] > 0 and "Achse beginnt nicht bei 0" in area.get_ylabel()
    plt.close(fig)


def test_the_legend_sits_outside_the_data():
    fig, axes = plt.subplots(2, 2)
    for ax in axes.flat:
        ax.plot([0, 1], [0, 1], label="Deutsche")
        ax.plot([0, 1], [1, 0], label="Ausländerinnen und Ausländer")
    plotting.legend_below(fig, axes.flat)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    lowest_axes = min(ax.get_window_extent(renderer).y0 for ax in axes.flat)
    assert legend.y1 <= lowest_axes
    assert all(ax.get_legend() is None for ax in axes.flat)
    assert len(fig.legends[0].get_texts()) == 2  # one entry per group, not per panel
    plt.close(fig)


@pytest.mark.parametrize(
    "direction, gap, effect",
    [
        ("lower_is_better", 5.2, "unfavourable"),  # more unemployment among foreigners
        ("lower_is_better", -1.0, "favourable"),
        ("higher_is_better", -12.3, "unfavourable"),  # lower employment rate
        ("higher_is_better", 2.0, "favourable"),
        ("neutral", 4.0, "neutral"),
    ],
)
def test_a_gap_is_judged_by_the_indicators_direction(direction, gap, effect):
    from intmon_utils.report.charts import _gap_effect

    assert _gap_effect(direction, gap) == effect


def test_a_figure_is_drawn_again_only_when_its_key_changes(tmp_path):
    def figure(value):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, value])
        return fig

    stem = tmp_path / "labor_time_series"
    first, files = plotting.publish(figure(1), stem, "alt", ("png",), key="k1")
    png = files[0].read_bytes()
    reused, _ = plotting.publish(figure(5), stem, "alt", ("png",), key="k1")
    assert reused == first and files[0].read_bytes() == png  # same inputs: not drawn again
    redrawn, _ = plotting.publish(figure(5), stem, "alt", ("png",), key="k2")
    assert redrawn != first and files[0].read_bytes() != png
    assert 'alt="alt"' in redrawn
