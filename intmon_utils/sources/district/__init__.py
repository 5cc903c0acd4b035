"""Municipal district tables (CSV or XLSX per Stadtteil/Planungsraum) read through a YAML mapping.

A city statistics office publishes tables with one row per sub-district (or one row per
sub-district and indicator). A small mapping file says how to read one; docs/district-tables.md
documents every key, ``mappings/`` holds commented examples.

Modules, in the order a file passes through them:

- ``mapping`` (with ``fields`` and ``sections``): the mapping as typed models, ``load_mapping``;
- ``grid``: the file as rows of text cells, header, skipped rows and footer removed;
- ``areas``: base areas, aggregates and exclusions; area ids and the area register;
- ``layouts``: the ``wide`` and ``long`` layouts that turn rows into cells;
- ``importer``: ``read_district_report``, ``read_district_table``, ``import_district_table``.
"""

from __future__ import annotations

from .importer import (
    DistrictTable,
    import_district_table,
    read_district_report,
    read_district_table,
    source_id,
)
from .layouts import LAYOUTS
from .mapping import DistrictMapping, load_mapping

__all__ = [
    "LAYOUTS",
    "DistrictMapping",
    "DistrictTable",
    "import_district_table",
    "load_mapping",
    "read_district_report",
    "read_district_table",
    "source_id",
]
