"""intmon_utils: the shared calculations behind intmon's integration-monitoring reports.

Notebooks present; this package computes (DESIGN §1). Modules by concern:

- ``vocabulary``   controlled vocabulary (variables, groups, sexes, age bands, partitions)
- ``store``        observation store (Parquet + DuckDB) and area register
- ``catalogue``    the indicator catalogue (YAML, bilingual)
- ``indicators``   one vectorised pass computing every indicator
- ``comparisons``  gaps between groups, change over time, Land and peer comparisons
- ``disclosure``   primary and secondary suppression of small counts
- ``formatting``   German number format and official status symbols
- ``parameters``   parameter files per municipality: schema, validation, reference docs
- ``demo``         the synthetic demo Land
- ``report``       helpers the notebooks call (tables, figures, availability, methods)
- ``export``       HTML without code, Excel workbook, index page
- ``run``          the papermill matrix runner
- ``cli``          the ``intmon`` command
"""

__version__ = "0.1.0"
