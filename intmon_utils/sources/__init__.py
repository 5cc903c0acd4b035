"""Readers that bring data into the observation store (DESIGN §1: ``intmon_utils.sources``).

``IMPORTERS`` is the registry behind ``intmon import <kind> FILE``: each entry reads files
into canonical tables and writes them through :class:`~intmon_utils.store.ObservationStore`,
which validates before anything is written. Publisher formats (GENESIS, BA, district tables,
register microdata) plug in here as further kinds.
"""

from __future__ import annotations

from .canonical import import_areas, import_observations

IMPORTERS = {
    "areas": import_areas,
    "observations": import_observations,
}
