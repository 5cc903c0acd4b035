"""Light SVG charts for the portal's pages, written directly.

A portal has a chart for every indicator and area level and a small-multiple time series for
every indicator: on the synthetic Germany that is about a hundred figures per build. Drawn
with matplotlib they cost 0.5 to 1 s each (axes, tick layout, text as glyph paths) and weigh
about 100 KB; written here they cost milliseconds and a few KB, with real ``<text>`` (found
by search, read by screen readers, sharp at any zoom). The look is the figure module's
(``intmon_utils.plotting``): the same palette and reference styles, the report's number
format, share axes from zero. The integrated report and the topic reports keep matplotlib.
"""

from __future__ import annotations

import math
import textwrap
from html import escape

from matplotlib.ticker import MaxNLocator

from .. import plotting
from ..formatting import format_number

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK, MUTED, GRID = "#1a1a1a", "#4d4d4d", "#dddddd"
AREA = plotting.AREA_COLORS["area"]
REFERENCE = {  # level -> (colour, dash pattern): as the reports draw the Land and Germany
    "state": (plotting.AREA_COLORS["state"], "6 4"),
    "country": (plotting.AREA_COLORS["country"], "2 3"),
}
CHAR = 0.56  # average glyph width as a share of the font size (for label columns)
NOTE_SIZE = 9


def _text_width(label: str, size: float) -> float:
    return len(label) * size * CHAR


class Canvas:
    """An SVG document built element by element (every text escaped)."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.parts: list[str] = []
        self.defs: list[str] = []

    def hatch(self, name: str) -> str:
        """A grey hatching (for areas without a value); returns its fill."""
        self.defs.append(
            f'<pattern id="{name}" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"/></pattern>'
        )
        return f"url(#{name})"

    def path(self, d: str, fill: str, label: str):
        """A filled shape (``fill-rule`` even-odd: holes stay holes) named by its title."""
        self.parts.append(
            f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="#ffffff" '
            f'stroke-width="0.6"><title>{escape(label)}</title></path>'
        )

    def swatch(self, x, y, fill):
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="18" height="12" fill="{fill}" '
            f'stroke="{MUTED}" stroke-width="0.5"/>'
        )

    def line(self, x1, y1, x2, y2, color=GRID, width=1.0, dash: str | None = None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{color}" stroke-width="{width}"{d}/>'
        )

    def rect(self, x, y, w, h, color):
        self.parts.append(
            f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="{color}"/>'
        )

    def circle(self, x, y, r, color):
        self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"/>')

    def polyline(self, points, color, width=1.6, dash: str | None = None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        xy = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(
            f'<polyline points="{xy}" fill="none" stroke="{color}" stroke-width="{width}"{d}/>'
        )

    def text(self, x, y, label, size=11, anchor="start", color=INK, weight="normal"):
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{color}" font-weight="{weight}">{escape(str(label))}</text>'
        )

    def svg(self, title: str) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.0f} '
            f'{self.height:.0f}" width="{self.width:.0f}" height="{self.height:.0f}" '
            f'font-family="{FONT}" role="img"><title>{escape(title)}</title>'
            + (f"<defs>{''.join(self.defs)}</defs>" if self.defs else "")
            + '<rect width="100%" height="100%" fill="#ffffff"/>'
            + "".join(self.parts)
            + "</svg>"
        )


def value_range(values: list[float], zero: bool) -> tuple[float, float, list[float]]:
    """The axis: (low, high, ticks), from zero when ``zero`` (shares) or when all values
    are positive and close to it."""
    low, high = min(values), max(values)
    if zero or low > 0 and low < (high - low):
        low = min(0.0, low)
    if high == low:
        high = low + 1.0
    ticks = [float(t) for t in MaxNLocator(nbins=5).tick_values(low, high)]
    return min(ticks[0], low), max(ticks[-1], high), ticks


def _decimals(ticks: list[float]) -> int:
    step = min((b - a for a, b in zip(ticks, ticks[1:])), default=1.0) or 1.0
    return (
        0
        if all(float(t).is_integer() for t in ticks)
        else max(1, -int(math.floor(math.log10(step))))
    )


def _note_lines(note: str, width: float) -> list[str]:
    return textwrap.wrap(note, max(20, int((width - 16) / (NOTE_SIZE * CHAR)))) or [""]


def header_height(note: str, width: float) -> float:
    """The height of the note (wrapped to the width) and the title above a chart."""
    return 12 * len(_note_lines(note, width)) + 26


def header(c: Canvas, title: str, note: str) -> None:
    """The note (source, synthetic mark; wrapped) and the title above a chart."""
    lines = _note_lines(note, c.width)
    for i, line in enumerate(lines):
        c.text(8, 14 + 12 * i, line, size=NOTE_SIZE, color=MUTED)
    c.text(8, 14 + 12 * len(lines) + 14, title, size=13, weight="bold")


def _legend(c: Canvas, y: float, items: list[tuple[str, str, str | None]]) -> None:
    """Legend items (label, colour, dash) in one row below the plot: a dot (dash ``None``),
    a bar (``""``) or a line with that dash pattern."""
    x = 8.0
    for label, color, dash in items:
        if dash is None:
            c.circle(x + 8, y - 4, 4, color)
        elif dash == "":
            c.rect(x + 2, y - 10, 12, 10, color)
        else:
            c.line(x, y - 4, x + 18, y - 4, color=color, width=2, dash=dash)
        c.text(x + 24, y, label, size=10, color=INK)
        x += 24 + _text_width(label, 10) + 18


def comparison(
    names: list[str],
    values: list[float],
    references: list[tuple[str, float, str]],
    axis_label: str,
    title: str,
    note: str,
    lang: str,
    zero: bool,
    labelled: bool,
    area_label: str,
    profile_label: str,
) -> str:
    """The areas' values: one labelled dot per area (``labelled``), or the values as a
    profile of thin bars without names; the ``references`` ((name, value, level)) as lines."""
    every = values + [v for _, v, _ in references]
    low, high, ticks = value_range(every, zero)
    decimals = _decimals(ticks)
    width = 760.0
    top = header_height(note, width) + 18
    if labelled:
        left = 16 + max((_text_width(n, 11) for n in names), default=40)
        row = 20.0
        plot_h = row * len(names) + 10
    else:
        left, plot_h = 56.0, 260.0
    right = width - 16
    c = Canvas(width, top + plot_h + 74)
    header(c, title, note)

    def x_of(v):
        return left + (v - low) / (high - low) * (right - left)

    def y_of(v):
        return top + plot_h - (v - low) / (high - low) * plot_h

    if labelled:
        for t in ticks:
            c.line(x_of(t), top, x_of(t), top + plot_h)
            c.text(
                x_of(t), top + plot_h + 14, format_number(t, decimals, lang), 10, "middle", MUTED
            )
        for i, (name, v) in enumerate(zip(names, values)):
            y = top + 5 + row * (i + 0.5)
            c.text(left - 8, y + 4, name, 11, "end")
            c.line(left, y, right, y, color="#f0f0f0")
            c.circle(x_of(v), y, 5, AREA)
        for _name, v, level in references:
            color, dash = REFERENCE.get(level, (MUTED, "4 2"))
            c.line(x_of(v), top, x_of(v), top + plot_h, color=color, width=2, dash=dash)
        c.text((left + right) / 2, top + plot_h + 32, axis_label, 11, "middle")
    else:
        for t in ticks:
            c.line(left, y_of(t), right, y_of(t))
            c.text(left - 6, y_of(t) + 4, format_number(t, decimals, lang), 10, "end", MUTED)
        bar = (right - left) / max(len(values), 1)
        base = y_of(max(low, 0.0))
        for i, v in enumerate(values):
            y = y_of(v)
            c.rect(left + i * bar, min(y, base), max(bar * 0.9, 0.5), abs(base - y), AREA)
        for _name, v, level in references:
            color, dash = REFERENCE.get(level, (MUTED, "4 2"))
            c.line(left, y_of(v), right, y_of(v), color=color, width=2, dash=dash)
        c.text((left + right) / 2, top + plot_h + 18, profile_label, 11, "middle")
        c.text(8, top - 6, axis_label, 10, "start", MUTED)
    items = [(area_label, AREA, None if labelled else "")]
    items += [(n, *REFERENCE.get(lv, (MUTED, "4 2"))) for n, _, lv in references]
    _legend(c, top + plot_h + 60, items)
    return c.svg(title)


def small_multiples(
    panels: list[tuple[str, list[int], list[float]]],
    reference: tuple[str, list[int], list[float]] | None,
    title: str,
    note: str,
    lang: str,
    zero: bool,
    area_label: str,
) -> str:
    """One panel per area (name, years, values), all on the same axes, with the reference
    line in every panel."""
    every = [v for _, _, vs in panels for v in vs] + (list(reference[2]) if reference else [])
    years = [y for _, ys, _ in panels for y in ys] + (list(reference[1]) if reference else [])
    if not every:
        return Canvas(10, 10).svg(title)
    low, high, ticks = value_range(every, zero)
    decimals = _decimals(ticks)
    first, last = min(years), max(years)
    cols = min(4, len(panels))
    rows = -(-len(panels) // cols)
    pw, ph, gap, left = 180.0, 120.0, 18.0, 48.0
    width = left + cols * (pw + gap)
    top = header_height(note, width) + 18
    c = Canvas(width, top + rows * (ph + 44) + 30)
    header(c, title, note)
    ref_color, ref_dash = REFERENCE["state"]
    for k, (name, ys, vs) in enumerate(panels):
        x0 = left + (k % cols) * (pw + gap)
        y0 = top + 18 + (k // cols) * (ph + 44)

        def x_of(year, x0=x0):
            return x0 + (year - first) / max(last - first, 1) * pw

        def y_of(v, y0=y0):
            return y0 + ph - (v - low) / (high - low) * ph

        c.text(x0, y0 - 6, name, 11, weight="bold")
        for t in ticks:
            c.line(x0, y_of(t), x0 + pw, y_of(t))
            if k % cols == 0:
                c.text(x0 - 5, y_of(t) + 4, format_number(t, decimals, lang), 9, "end", MUTED)
        c.text(x0, y0 + ph + 14, str(first), 9, "start", MUTED)
        c.text(x0 + pw, y0 + ph + 14, str(last), 9, "end", MUTED)
        if reference and reference[1]:
            c.polyline(
                [(x_of(y), y_of(v)) for y, v in zip(reference[1], reference[2])],
                ref_color,
                1.4,
                ref_dash,
            )
        if ys:
            c.polyline([(x_of(y), y_of(v)) for y, v in zip(ys, vs)], AREA, 2.0)
            for y, v in zip(ys, vs):
                c.circle(x_of(y), y_of(v), 2.5, AREA)
    items = [(area_label, AREA, None)]
    if reference:
        items.append((reference[0], ref_color, ref_dash))
    _legend(c, c.height - 10, items)
    return c.svg(title)
