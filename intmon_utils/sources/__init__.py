"""Readers that bring data into the observation store (data flow: docs/architecture.md).

``IMPORTERS`` is the registry behind ``intmon import <kind> FILE``: each entry is a function
``(paths, store, **options) -> message`` (options: ``mapping``, ``area``, ``year`` as given on
the command line) whose docstring's first line describes the kind. It reads the files into
canonical tables and writes them through :class:`~intmon_utils.store.ObservationStore`, which
validates before anything is written; a file with errors writes nothing. Publisher formats
(GENESIS, BA, district tables, register microdata) plug in here as further kinds.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from ..geometry import import_geometry
from .ba import import_ba
from .canonical import import_areas, import_observations
from .district import import_district_table
from .genesis import import_genesis
from .gv import import_gemeindeverzeichnis
from .package import import_package
from .register import import_register
from .survey import import_survey

IMPORTERS = {
    "areas": import_areas,
    "observations": import_observations,
    "genesis": import_genesis,
    "ba": import_ba,
    "gv": import_gemeindeverzeichnis,
    "register": import_register,
    "district": import_district_table,
    "survey": import_survey,
    "geometry": import_geometry,
    "package": import_package,
}


def options_of(importer: Callable) -> list[str]:
    """The command-line options (``mapping``, ``area``, ``year``) an importer takes: its
    keyword parameters after ``paths`` and ``store``. An option it does not take is an error
    at the command line, never silently ignored."""
    params = list(inspect.signature(importer).parameters.values())[2:]
    return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
