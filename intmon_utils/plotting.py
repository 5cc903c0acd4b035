"""One figure style for every report: seaborn theme and colour-blind-safe group styles.

The same group has the same colour (Okabe–Ito palette), marker and line style everywhere,
so that colour is never the only cue; legends sit outside the data; axes of shares start at
zero (other axes that do not say so); numbers follow the report's language.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import ticker  # noqa: E402

from .fileio import write_bytes  # noqa: E402
from .formatting import format_number  # noqa: E402

GROUP_COLORS = {
    "total": "#4D4D4D",
    "german": "#0072B2",
    "foreign": "#E69F00",
    "with_migration_background": "#D55E00",
    "without_migration_background": "#56B4E9",
    "with_immigration_history": "#CC79A7",
    "without_immigration_history": "#009E73",
}
GROUP_MARKERS = {
    "total": "o",
    "german": "s",
    "foreign": "^",
    "with_migration_background": "D",
    "without_migration_background": "v",
    "with_immigration_history": "P",
    "without_immigration_history": "X",
}
GROUP_LINES = {"total": "-", "german": "--", "without_migration_background": "--"}
AREA_COLORS = {"area": "#E69F00", "state": "#0072B2", "country": "#4D4D4D", "peer": "#56B4E9"}
# the direction of a gap for the compared group: colour and hatching (never colour alone)
GAP_STYLES = {
    "favourable": {"color": "#0072B2", "hatch": ""},
    "unfavourable": {"color": "#D55E00", "hatch": "///"},
    "neutral": {"color": "#999999", "hatch": ".."},
}


def group_style(group: str) -> dict:
    """Colour, marker and line style of a group (the same in every figure)."""
    return {
        "color": GROUP_COLORS[group],
        "marker": GROUP_MARKERS[group],
        "linestyle": GROUP_LINES.get(group, "-"),
    }


def legend_below(fig, axes) -> None:
    """One legend for the whole figure, below the panels (never over a line or point)."""
    handles: dict = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    if handles:
        fig.legend(
            handles.values(),
            handles.keys(),
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=min(4, len(handles)),
            frameon=False,
        )


def value_axis(ax, unit: str, not_zero_note: str) -> None:
    """Shares start at zero; any other axis that does not start at zero says so in its
    label (``not_zero_note``)."""
    low, high = ax.get_ylim()
    if unit == "percent" and low >= 0:
        ax.set_ylim(0, max(high, 1.0))
    elif low > 0:
        ax.set_ylabel(f"{ax.get_ylabel()}\n({not_zero_note})")


def set_theme() -> None:
    sns.set_theme(
        style="whitegrid",
        context="notebook",
        font_scale=0.85,
        rc={
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titleweight": "bold",
            "figure.autolayout": False,
            "svg.hashsalt": "intmon",
            "axes.formatter.use_locale": False,
        },
    )


class LocalNumbers(ticker.Formatter):
    """Tick labels in the report's number format: ``1.234,5`` in German, ``1,234.5`` in
    English, with as many decimals as the tick step needs."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_ticks(self, values) -> list[str]:
        ticks = [float(v) for v in values if np.isfinite(v)]
        step = min((abs(b - a) for a, b in zip(ticks, ticks[1:])), default=1.0) or 1.0
        whole = all(v.is_integer() for v in ticks)
        decimals = 0 if whole else min(3, max(1, int(np.ceil(-np.log10(step)))))
        return [format_number(float(v), decimals, self.lang) for v in values]

    def __call__(self, x, pos=None) -> str:  # a single value (e.g. an interactive cursor)
        return self.format_ticks([x])[0]


def _line_xs(ax) -> set[float]:
    xs = {float(x) for line in ax.get_lines() for x in np.atleast_1d(line.get_xdata())}
    return {x for x in xs if np.isfinite(x)}


def _is_year_axis(ax) -> bool:
    low, high = ax.get_xlim()
    xs = _line_xs(ax)
    if xs and all(1900 <= x <= 2100 and x.is_integer() for x in xs):
        return True  # one year alone widens the limits far beyond 2100
    return 1900 <= low and high <= 2100


def _one_year(ax) -> None:
    """A series of one year: the axis shows that year, not 1950–2100 around one point."""
    years = _line_xs(ax)
    if len(years) == 1:
        (year,) = years
        ax.set_xlim(year - 1, year + 1)
        ax.set_xticks([year])


def localise(fig, lang: str) -> None:
    """Every numeric axis of ``fig`` in the report's number format; an x axis of years shows
    whole years without a thousands separator (``2024``); category axes keep their labels."""
    for ax in fig.axes:
        if isinstance(ax.xaxis.get_major_formatter(), ticker.ScalarFormatter):
            if _is_year_axis(ax):
                ax.xaxis.set_major_locator(ticker.MaxNLocator(nbins=6, integer=True))
                ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}"))
                _one_year(ax)
            else:
                ax.xaxis.set_major_formatter(LocalNumbers(lang))
        if isinstance(ax.yaxis.get_major_formatter(), ticker.ScalarFormatter):
            ax.yaxis.set_major_formatter(LocalNumbers(lang))


def caption(fig, note: str) -> None:
    """A line above the figure: area, source and, for demo data, the synthetic mark, so that
    a figure exported on its own still says what it shows and where it comes from."""
    fig.text(0.0, 1.0, note, fontsize=7, ha="left", va="bottom", color="#333333")


def honest_ylim(ax, min_span_share: float = 0.1) -> None:
    """Keep a near-flat series from looking dramatic: the y axis spans at least 10 % of the
    largest value (a change from 57.7 to 57.8 % must not fill the whole panel)."""
    low, high = ax.get_ylim()
    span = max(abs(low), abs(high)) * min_span_share
    if high - low < span:
        mid = (high + low) / 2
        ax.set_ylim(mid - span / 2, mid + span / 2)


def publish(
    fig, stem: Path, alt: str, formats: tuple[str, ...] = ("png",), key: str | None = None
) -> tuple[str, list[Path]]:
    """Write the figure as ``stem.png`` (and SVG etc. if asked) and return an ``<img>`` tag
    embedding the same PNG, with the paths written. The figure is rendered once per format
    and then closed; files are written atomically.

    ``key`` names everything the figure is drawn from (data state, parameters, code): when
    the files on disk were written under the same key (by the topic report of the same area,
    say), they are reused instead of being drawn again. The key file is written last."""
    paths = [stem.parent / f"{stem.name}.{ext}" for ext in formats]  # ids contain dots
    key_file = stem.parent / f".{stem.name}.key"
    if (
        key
        and key_file.is_file()
        and key_file.read_text() == key
        and all(p.is_file() for p in paths)
    ):
        plt.close(fig)
        return _img(paths[formats.index("png")].read_bytes(), alt), paths
    key_file.unlink(missing_ok=True)
    png = b""
    for ext, path in zip(formats, paths):
        data = render(fig, ext)
        if ext == "png":
            png = data
        write_bytes(path, data)
    plt.close(fig)
    if key:
        write_bytes(key_file, key.encode())
    return _img(png, alt), paths


def render(fig, ext: str) -> bytes:
    """The figure as PNG or SVG (an SVG without its date, so that a rerun gives the same
    bytes)."""
    buf = io.BytesIO()
    fig.savefig(
        buf, format=ext, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None
    )
    return buf.getvalue()


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
