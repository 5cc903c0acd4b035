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


def test_category_axes_keep_their_labels():
    fig, ax = plt.subplots()
    ax.barh(["Deutsche", "Ausländer"], [1.5, 2.5])
    plotting.localise(fig, "de")
    fig.canvas.draw()
    assert _labels(ax.yaxis) == ["Deutsche", "Ausländer"]
    assert any("," in v for v in _labels(ax.xaxis))
    plt.close(fig)
