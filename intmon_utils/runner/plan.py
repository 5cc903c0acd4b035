"""The jobs of a run: which report of which area, from which inputs, to which folder.

Parameters are loaded and validated here and later handed to papermill from Python (never
through ``-p``), so area ids stay text. A broken parameter file becomes a failed job, not an
exception: the other areas still run. Each job carries the hash of everything its report is
made from; a report whose stamp matches is current and skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .. import published, release
from ..config.parameters import (
    DEFAULTS_FILE,
    Parameters,
    WorkspaceSettings,
    check_areas_known,
    discover,
    load_defaults,
    load_parameters,
)
from ..disclosure.policy import ThresholdPolicy, workspace_policy
from ..errors import IntmonError
from ..fileio import digest, file_sha256
from ..manifest import FAILED
from ..publication import PUBLICATION, output_names
from ..store import ObservationStore
from ..topics import NOTEBOOK_TOPICS, OVERVIEW
from ..workspace import notebook_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    area_id: str
    topic: str
    year: int
    parameter_file: str  # relative to the project
    notebook: str  # relative to the project, or absolute (shipped with intmon); "" for a
    # publication, which runs no notebook
    output_dir: str  # relative to the project
    input_hash: str

    @property
    def name(self) -> str:
        return f"{self.area_id}/{self.topic}"


@dataclass
class Plan:
    jobs: list[Job]
    failures: list[dict]  # parameter files that could not be loaded
    params: dict[str, Parameters]  # area_id -> validated parameters
    policy: ThresholdPolicy  # the thresholds of the workspace's one protected table
    settings: WorkspaceSettings  # defaults.yml (the portal's settings among them)


def in_project(path: Path, project: Path) -> str:
    """A path relative to the project where it lies inside it, else absolute."""
    path = Path(path).resolve()
    return str(path.relative_to(project)) if path.is_relative_to(project) else str(path)


def failure(job: str, area_id: str, error: str) -> dict:
    """A manifest entry for something that failed before any notebook ran."""
    return {
        "job": job,
        "area_id": area_id,
        "topic": "*",
        "status": FAILED,
        "error": error,
        "duration": 0.0,
    }


def plan(
    project: Path,
    parameter_dir: Path,
    store: ObservationStore,
    output_root: Path,
    areas: list[str] | None = None,
    topics: list[str] | None = None,
) -> Plan:
    """The jobs of a run; broken parameter files become failures, not exceptions."""
    jobs, publications, failures, params_by_area = [], [], [], {}
    try:
        defaults = load_defaults(parameter_dir)
    except IntmonError as exc:
        return Plan(
            [],
            [failure(str(parameter_dir / DEFAULTS_FILE), "?", str(exc))],
            {},
            ThresholdPolicy.uniform(),
            WorkspaceSettings(),
        )
    register = store.read_areas()
    policy = workspace_policy(parameter_dir, register)
    fingerprint = digest(published.cache_key(store), policy.key())
    defaults_file = parameter_dir / DEFAULTS_FILE
    defaults_hash = file_sha256(defaults_file) if defaults_file.exists() else "-"
    for path in discover(parameter_dir):
        if areas and path.stem not in areas:
            continue
        try:
            params = load_parameters(path, defaults)
            check_areas_known(params, register)
        except IntmonError as exc:
            failures.append(failure(in_project(path, project), path.stem, str(exc)))
            continue
        area = params.area_id
        params_by_area[area] = params
        if params.disclosure.reason:
            log.warning(
                "%s: disclosure thresholds (min_count %d, min_cases %d) with the reason: %s",
                path.name,
                *params.thresholds,
                params.disclosure.reason,
            )
        wanted = [t for t in NOTEBOOK_TOPICS if t == OVERVIEW or t in params.topics]
        output_dir = in_project(output_root / str(params.year) / area, project)
        for topic in wanted:
            if topics and topic not in topics:
                continue
            nb = notebook_path(project, topic)
            commentary = params.commentary_dir / f"{topic}.md"
            job_hash = digest(
                file_sha256(nb),
                file_sha256(path),
                defaults_hash,
                _hash_or_dash(commentary),
                fingerprint,
            )
            jobs.append(
                Job(
                    area,
                    topic,
                    params.year,
                    in_project(path, project),
                    in_project(nb, project),
                    output_dir,
                    job_hash,
                )
            )
        if not topics or PUBLICATION in topics:
            publications.append(
                Job(
                    area,
                    PUBLICATION,
                    params.year,
                    in_project(path, project),
                    "",
                    output_dir,
                    _publication_hash(path, params, defaults_hash, fingerprint),
                )
            )
    if areas:
        known = {p.stem for p in discover(parameter_dir)}
        failures += [
            failure(area, area, f"no parameter file {parameter_dir / (area + '.yml')}")
            for area in areas
            if area not in known
        ]
    # publications last: they reuse the figures their area's topic reports drew
    return Plan(jobs + publications, failures, params_by_area, policy, defaults)


def _hash_or_dash(path: Path | None) -> str:
    return file_sha256(path) if path is not None and path.is_file() else "-"


def _publication_hash(path: Path, params: Parameters, defaults_hash: str, fingerprint: str):
    """Everything an integrated report is made from: parameters, defaults, every commentary
    file of the area, the logo, data and code (the topic notebooks are not among them)."""
    folder = params.commentary_dir
    commentary = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return digest(
        file_sha256(path),
        defaults_hash,
        *(f"{c.name}:{file_sha256(c)}" for c in commentary),
        _hash_or_dash(params.logo_path),
        _hash_or_dash(release.record_path(params)),
        fingerprint,
    )


def stamp_path(project: Path, job: Job) -> Path:
    """Written after a report is complete: the hash of the inputs it was made from."""
    return Path(project) / job.output_dir / f".{job.topic}.inputs"


def is_current(project: Path, job: Job) -> bool:
    """True when the report exists and was made from exactly these inputs (notebook,
    parameters, defaults, commentary, data, intmon's code): it can be skipped."""
    out = Path(project) / job.output_dir
    stamp = stamp_path(project, job)
    return (
        stamp.exists()
        and stamp.read_text().strip() == job.input_hash
        and all((out / name).exists() for name in expected_outputs(job))
    )


def expected_outputs(job: Job) -> list[str]:
    """The files a job must have written (the PDF only where a browser could print it)."""
    if job.topic == PUBLICATION:
        names = output_names(job.area_id)
        return [names["report"], names["workbook"], names["values_csv"], names["values_parquet"]]
    return [f"{job.topic}.ipynb", f"{job.topic}.html"]


def manifest_entry(job: Job, status: str, error: str | None = None) -> dict:
    """A job's line in ``manifest.json`` (``execute`` fills in the duration and outputs)."""
    return {
        "job": job.name,
        "area_id": job.area_id,
        "topic": job.topic,
        "year": job.year,
        "input_hash": job.input_hash,
        "status": status,
        "error": error,
        "outputs": expected_outputs(job),
        "duration": 0.0,
    }
