"""One figure style for every report: seaborn theme and colour-blind-safe group colours.

The same group has the same colour everywhere (Okabe–Ito palette).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from .fileio import write_bytes  # noqa: E402

GROUP_COLORS = {
    "total": "#4D4D4D",
    "german": "#0072B2",
    "foreign": "#E69F00",
    "with_migration_background": "#D55E00",
    "without_migration_background": "#56B4E9",
    "with_immigration_history": "#CC79A7",
    "without_immigration_history": "#009E73",
}
AREA_COLORS = {"area": "#E69F00", "state": "#0072B2", "country": "#4D4D4D", "peer": "#56B4E9"}


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


def honest_ylim(ax, min_span_share: float = 0.1) -> None:
    """Keep a near-flat series from looking dramatic: the y axis spans at least 10 % of the
    largest value (a change from 57.7 to 57.8 % must not fill the whole panel)."""
    low, high = ax.get_ylim()
    span = max(abs(low), abs(high)) * min_span_share
    if high - low < span:
        mid = (high + low) / 2
        ax.set_ylim(mid - span / 2, mid + span / 2)


def publish(
    fig, stem: Path, alt: str, formats: tuple[str, ...] = ("png",)
) -> tuple[str, list[Path]]:
    """Write the figure as ``stem.png`` (and SVG etc. if asked) and return an ``<img>`` tag
    embedding the same PNG, with the paths written. The figure is rendered once per format
    and then closed; files are written atomically."""
    files = []
    png = b""
    for ext in formats:
        buf = io.BytesIO()
        fig.savefig(
            buf, format=ext, bbox_inches="tight", metadata={"Date": None} if ext == "svg" else None
        )
        if ext == "png":
            png = buf.getvalue()
        # not stem.with_suffix: area and indicator ids contain dots
        files.append(write_bytes(stem.parent / f"{stem.name}.{ext}", buf.getvalue()))
    plt.close(fig)
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{alt}" src="data:image/png;base64,{data}" style="max-width:100%">', files
