"""Interactive exploration in JupyterLab (``notebooks/explore.ipynb``; not batch-run).

Pick an area, an indicator and comparison areas; the widget shows the published values
(after disclosure control) as a time series by group and as a table.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from . import plotting
from .catalogue import load_catalogue
from .disclosure.policy import workspace_policy
from .formatting import format_value
from .published import build
from .statuses import VALUED_INDICATORS
from .store import ObservationStore
from .vocabulary import load_vocabulary


class Explorer:
    def __init__(self, data_dir: str | Path, parameter_dir: str | Path, lang: str = "de"):
        store = ObservationStore(data_dir)
        self.areas = store.read_areas()
        self.table = build(store, workspace_policy(parameter_dir, self.areas))[1]
        self.catalogue, self.vocab, self.lang = load_catalogue(), load_vocabulary(), lang
        names = self.areas.set_index("area_id")["name"]
        options = [(f"{names[a]} ({a})", a) for a in self.areas["area_id"]]
        self.area = widgets.Dropdown(options=options, description="Gebiet")
        self.indicator = widgets.Dropdown(
            options=[(i.text("name", lang), i.id) for i in self.catalogue], description="Indikator"
        )
        self.compare = widgets.SelectMultiple(options=options, description="Vergleich", rows=5)
        self.output = widgets.Output()
        for w in (self.area, self.indicator, self.compare):
            w.observe(lambda _change: self.refresh(), names="value")
        self.widget = widgets.VBox(
            [widgets.HBox([self.area, self.indicator]), self.compare, self.output]
        )
        plotting.set_theme()
        self.refresh()

    def selection(self) -> pd.DataFrame:
        """Published rows of the chosen indicator for the chosen areas (sex total)."""
        areas = [self.area.value, *self.compare.value]
        t = self.table
        return t[
            (t["indicator_id"] == self.indicator.value)
            & t["area_id"].isin(areas)
            & (t["sex"] == "total")
        ]

    def render(self):
        """Figure and table of the current selection, or ``(None, None)`` if nothing is shown."""
        ind = self.catalogue.get(self.indicator.value)
        rows = self.selection()
        shown = rows[rows["status"].isin(VALUED_INDICATORS)]
        if shown.empty:
            return None, None
        fig, ax = plt.subplots(figsize=(7, 3.5))
        for (area, group), g in shown.groupby(["area_id", "group"]):
            style = "-" if area == self.area.value else "--"
            ax.plot(
                g["year"],
                g["value"],
                style,
                marker="o",
                ms=3,
                color=plotting.GROUP_COLORS[group],
                label=f"{area} · {self.vocab.label('group', group, self.lang)}",
            )
        ax.set_title(ind.text("name", self.lang))
        ax.legend(fontsize=7)
        text = rows.assign(
            text=[
                format_value(v, s, ind.unit, self.lang)
                for v, s in zip(rows["value"], rows["status"])
            ]
        )
        table = text.pivot_table(
            index=["area_id", "group"], columns="year", values="text", aggfunc="first"
        )
        return fig, table

    def refresh(self) -> None:
        self.output.clear_output(wait=True)
        with self.output:
            fig, table = self.render()
            if fig is None:
                print("Keine Werte für diese Auswahl (siehe Datenverfügbarkeit im Bericht).")
                return
            plt.show()
            display(table)


def explore(
    data_dir: str | Path = "../data", parameter_dir: str | Path = "../parameters", lang="de"
):
    """The widget for a notebook cell (values protected at the thresholds of the parameter
    folder, as the reports show them)."""
    return Explorer(data_dir, parameter_dir, lang).widget
