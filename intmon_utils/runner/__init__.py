"""Running the report matrix (municipalities × topics) and writing what belongs to a run.

- ``plan``      the jobs, their input hashes and stamps (skip what is current)
- ``execute``   one report in a warm kernel, exported as HTML
- ``kernel``, ``kernel_state``   the warm kernel and its proven reset between notebooks
- ``local``, ``dask``   the two executors: local worker pool, Dask cluster
- ``outputs``   workbooks, manifest and index page of a run
- ``run``       ``intmon run``: plan, execute, write
"""

from .execute import execute
from .plan import Job, plan
from .run import run, summary

__all__ = ["Job", "execute", "plan", "run", "summary"]
