"""intmon_utils: the shared calculations behind intmon's integration-monitoring reports.

Notebooks present; this package computes. The rooms (docs/architecture.md has the data
flow and each room's contract):

- ``sources/``      importers (registry ``IMPORTERS``): GENESIS, BA, Gemeindeverzeichnis,
                    district tables (``sources/district/``), register, survey, own formats
- ``migration/``    the register method: Migrationshintergrund (MigraPro), Einwanderungsgeschichte
- ``store``         observation store (Parquet + DuckDB), area register, data log
- ``validation``    checks of an import (identities, subsets, years)
- ``vocabulary``, ``catalogue``   the controlled vocabulary and the indicator catalogue
- ``statuses``, ``area_ids``, ``topics``   value statuses and symbols, area ids, topic areas
- ``disclosure/``   primary and secondary suppression, audited by linear programming
- ``indicators``, ``spatial``, ``survey``   the indicator engine (register, sub-areas, surveys)
- ``published``     the published tables, computed once per data state and threshold
- ``comparisons``, ``methods``   gaps, changes, peers, goals; statistical methods
- ``config/``       configuration as data: YAML into typed models (parameter files)
- ``report/``       what the notebooks call: one module per section family
- ``texts/``        every German and English text a reader sees
- ``formatting``    numbers with their status symbols
- ``plotting``, ``export``, ``pages``, ``templates/``   figures, workbooks, HTML pages
- ``availability``, ``catalogue_doc``   data availability, the Indikatorenkatalog
- ``runner/``       ``intmon run``: plan, warm kernels, local and Dask executors, outputs
- ``synthetic/``    generators of the synthetic demo data (demo Land, Germany, register)
- ``workspace``     ``intmon init``, where a workspace's notebooks are found
- ``cli``           the ``intmon`` command
"""

__version__ = "0.2.0"
