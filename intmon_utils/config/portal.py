"""The portal's settings: the ``portal`` block of ``parameters/defaults.yml``.

The portal belongs to the whole workspace (every municipality of the parameter folder), so
these keys are set once in ``defaults.yml``, never in an area's file.
"""

from __future__ import annotations

from .loading import StrictModel
from .types import AreaId, IsoDate, Text

# licences a statistics office publishes under, with their title and text (any other text
# is printed as given)
LICENCES = {
    "dl-de/by-2-0": (
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "https://www.govdata.de/dl-de/by-2-0",
    ),
    "dl-de/zero-2-0": (
        "Datenlizenz Deutschland – Zero – Version 2.0",
        "https://www.govdata.de/dl-de/zero-2-0",
    ),
    "cc-by-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "cc0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
}


class Portal(StrictModel):
    """What the portal says about itself and how it compares."""

    title: Text | None = None  # default: "Integrationsmonitoring <year>"
    publisher: Text | None = None
    contact: Text | None = None  # feedback contact of the accessibility statement (BITV 2.0)
    enforcement: Text | None = None  # the Land's enforcement or arbitration body (BITV 2.0)
    statement_date: IsoDate | None = None  # when the accessibility statement was last reviewed
    licence: Text = "dl-de/by-2-0"
    ranking: bool = False  # rank the areas on indicator pages (IntMK does not rank)
    series_areas: list[AreaId] = []  # the areas of the time-series panels (default: up to 12)

    def licence_title(self) -> tuple[str, str | None]:
        """(title, address of the licence text) of ``licence``."""
        return LICENCES.get(self.licence, (self.licence, None))
