"""Shared fixtures: the demo Land (generated once per session) and scenario builders.

Backtests read real official files from the folder named by the environment variable
``INTMON_REALDATA`` (default: ``realdata/`` in the repository, git-ignored); docs/realdata.md
lists the files and where to download them. Without them those tests skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from intmon_utils import published, synthetic
from intmon_utils.disclosure.policy import ThresholdPolicy
from intmon_utils.store import ObservationStore

PROJECT = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("INTMON_REALDATA") or PROJECT / "realdata")
REALDATA_MISSING = (
    f"real official files not found in {REALDATA}: set INTMON_REALDATA to the "
    f"folder described in docs/realdata.md (backtests against published values)"
)
needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason=REALDATA_MISSING)
# The runs of the tests print no PDF (about 3 s per area): the PDF tests name the browser
# themselves (tests/test_publication.py). Set before any run starts, inherited by every
# ``intmon`` subprocess.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
os.environ["INTMON_CHROMIUM"] = str(PROJECT / "tests" / "no-chromium-in-test-runs")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> ObservationStore:
    return synthetic.write_demo_data(tmp_path_factory.mktemp("demo") / "data")


@pytest.fixture(scope="session")
def demo_frames(demo_store):
    return demo_store.read_observations(), demo_store.read_areas()


@pytest.fixture(scope="session")
def demo_published(demo_store):
    """(protected observations, indicator table) at the default threshold 3."""
    return published.build(demo_store, ThresholdPolicy.uniform(3))


def obs(rows, area_level="district", source="test"):
    """Observation table from tuples (area_id, year, variable, group, sex, age, value[, status])."""
    records = []
    for r in rows:
        area, year, variable, group, sex, age, value, *status = r
        st = status[0] if status else ("zero" if value == 0 else "ok")
        records.append(
            {
                "area_id": area,
                "area_level": area_level,
                "year": year,
                "variable": variable,
                "group": group,
                "sex": sex,
                "age": age,
                "value": value,
                "status": st,
                "source": source,
            }
        )
    return pd.DataFrame(records)


def make_project(tmp_path: Path, area_ids: list[str]) -> Path:
    """A throw-away project folder with the notebooks and the given demo parameter files."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT / "notebooks",
        project / "notebooks",
        ignore=shutil.ignore_patterns("*.py", ".ipynb_checkpoints"),
    )
    (project / "parameters").mkdir(parents=True)
    shutil.copy(PROJECT / "parameters" / "defaults.yml", project / "parameters")
    for logo in (PROJECT / "parameters").glob("*.svg"):
        shutil.copy(logo, project / "parameters")
    for area in area_ids:
        shutil.copy(PROJECT / "parameters" / f"{area}.yml", project / "parameters")
        commentary = PROJECT / "parameters" / "commentary" / area
        if commentary.exists():
            shutil.copytree(commentary, project / "parameters" / "commentary" / area)
    return project


def intmon(*args, cwd=None) -> subprocess.CompletedProcess:
    """The ``intmon`` command in a new process (as a user runs it)."""
    return subprocess.run(
        [sys.executable, "-m", "intmon_utils.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )
