"""Runs are incremental and survive being killed."""

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from conftest import make_project

pytestmark = pytest.mark.notebooks
AREAS = ["99201", "99202"]


def _command(project, data):
    return [
        sys.executable,
        "-m",
        "intmon_utils.cli",
        "--project",
        str(project),
        "run",
        "--quiet",
        "--jobs",
        "2",
        "--data",
        str(data),
    ]


def _complete(project):
    """Every report, manifest and index present is whole (parses / ends properly)."""
    root = project / "outputs/2024"
    for html in root.rglob("*.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html
    for nb in root.rglob("*.ipynb"):
        if not nb.name.startswith("."):
            nbformat.read(nb, 4)
    if (root / "manifest.json").exists():
        json.loads((root / "manifest.json").read_text())


def test_sigkill_mid_run_then_rerun_completes_the_rest(demo_store, tmp_path):
    project = make_project(tmp_path, AREAS)
    run = subprocess.Popen(
        _command(project, demo_store.root),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while not list(project.glob("outputs/2024/*/.*.inputs")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.7)  # into the middle of the next reports
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    done_before = {
        p.parent.name + "/" + p.name[1 : -len(".inputs")]
        for p in project.glob("outputs/2024/*/.*.inputs")
    }
    assert 1 <= len(done_before) < 12
    _complete(project)

    rerun = subprocess.run(
        _command(project, demo_store.root), capture_output=True, text=True, timeout=900
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert (
        f"{12 - len(done_before)} reports written, {len(done_before)} unchanged (skipped), 0 failed"
    ) in rerun.stdout
    _complete(project)
    assert not list(project.rglob("*.tmp*"))  # no temporary file is left behind
    manifest = json.loads((project / "outputs/2024/manifest.json").read_text())["jobs"]
    assert {j["job"] for j in manifest if j["status"] == "skipped"} == done_before


def test_changed_parameters_of_one_area_rerun_only_its_reports(demo_store, tmp_path):
    project = make_project(tmp_path, AREAS)
    first = subprocess.run(
        _command(project, demo_store.root), capture_output=True, text=True, timeout=900
    )
    assert "12 reports written" in first.stdout, first.stdout + first.stderr
    params = project / "parameters/99202.yml"
    params.write_text(params.read_text() + "language: en\n")
    second = subprocess.run(
        _command(project, demo_store.root), capture_output=True, text=True, timeout=900
    )
    assert "6 reports written, 6 unchanged (skipped), 0 failed" in second.stdout
    manifest = json.loads((project / "outputs/2024/manifest.json").read_text())["jobs"]
    assert {j["area_id"] for j in manifest if j["status"] == "ok"} == {"99202"}
    assert "Integration monitoring" in (project / "outputs/2024/99202/labor.html").read_text()


def test_workers_of_a_killed_run_exit_with_their_kernels(demo_store, tmp_path):
    """``kill -9`` of the main process alone: its workers and their kernels must not linger."""
    import psutil

    project = make_project(tmp_path, ["99201"])
    run = subprocess.Popen(
        _command(project, demo_store.root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    main = psutil.Process(run.pid)
    while (
        len([p for p in main.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]) < 2
    ):
        assert time.monotonic() < deadline, "the workers' kernels did not start"
        time.sleep(0.1)
    family = main.children(recursive=True)
    run.kill()
    run.wait()
    gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, [" ".join(p.cmdline())[:80] for p in alive]
