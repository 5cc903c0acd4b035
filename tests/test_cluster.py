"""``intmon run --scheduler``: a real Dask scheduler and two workers on loopback."""

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from intmon_utils import runner
from intmon_utils.errors import IntmonError

from conftest import make_project

pytestmark = pytest.mark.notebooks
AREAS = ["99201", "99201001"]
TOPICS = ["overview", "labor"]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes, as an operator would start them."""
    tmp = tmp_path_factory.mktemp("cluster")
    dask = str(Path(sys.executable).parent / "dask")
    file = tmp / "scheduler.json"
    log = open(tmp / "cluster.log", "w")
    procs = [
        subprocess.Popen(
            [
                dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(file),
            ],
            stdout=log,
            stderr=log,
        )
    ]
    try:
        for _ in range(300):
            if file.exists() and file.stat().st_size:
                break
            time.sleep(0.1)
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        "--scheduler-file",
                        str(file),
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                        "--name",
                        f"worker-{i}",
                        "--local-directory",
                        str(tmp / f"worker-{i}"),
                    ],
                    stdout=log,
                    stderr=log,
                )
            )
        address = json.loads(file.read_text())["address"]
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in procs[::-1]:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
        log.close()


def _outputs(project: Path) -> dict[str, Path]:
    """The files of the run (without the figure keys, a cache of the machine that drew)."""
    root = project / "outputs/2024"
    return {
        str(p.relative_to(root)): p
        for p in root.rglob("*")
        if p.is_file() and p.parent != root and p.suffix != ".key"
    }


def _cells(path: Path):
    nb = nbformat.read(path, 4)
    return [(c.cell_type, c.source, c.get("outputs")) for c in nb.cells]


def test_cluster_run_equals_local_run(demo_store, tmp_path, scheduler):
    local = make_project(tmp_path / "local", AREAS)
    client_side = make_project(tmp_path / "client", AREAS)
    worker_side = make_project(tmp_path / "worker", AREAS)  # the workers' copy of the project
    data = demo_store.root
    kw = {"topics": TOPICS, "quiet": True}
    expected, _ = runner.run(local, data, local / "parameters", local / "outputs", jobs=1, **kw)
    results, index = runner.run(
        client_side,
        data,
        client_side / "parameters",
        client_side / "outputs",
        scheduler=scheduler,
        worker_project=str(worker_side),
        **kw,
    )
    assert [r["status"] for r in results] == ["ok"] * 4, results
    assert {r["job"] for r in results} == {r["job"] for r in expected}

    mine, theirs = _outputs(client_side), _outputs(local)
    assert set(mine) == set(theirs) and len(mine) > 20
    for rel, path in theirs.items():
        if rel.endswith(".ipynb"):  # execution times differ, cells and outputs may not
            assert _cells(mine[rel]) == _cells(path), rel
        elif rel.endswith(".xlsx"):
            pd.testing.assert_frame_equal(pd.read_excel(mine[rel]), pd.read_excel(path))
        else:
            assert mine[rel].read_bytes() == path.read_bytes(), rel
    # the reports were made in the workers' copy and sent back to the client's
    assert (worker_side / "outputs/2024/99201/labor.html").is_file()
    assert "99201/labor.html" in (index.parent / "reports.html").read_text(encoding="utf-8")

    # a second run finds everything current: nothing is sent to the cluster
    again, _ = runner.run(
        client_side,
        data,
        client_side / "parameters",
        client_side / "outputs",
        scheduler=scheduler,
        worker_project=str(worker_side),
        **kw,
    )
    assert [r["status"] for r in again] == ["skipped"] * 4


def test_workers_without_the_project_fail_clearly(demo_store, tmp_path, scheduler):
    project = make_project(tmp_path, ["99201"])
    results, _ = runner.run(
        project,
        demo_store.root,
        project / "parameters",
        project / "outputs",
        topics=["labor"],
        quiet=True,
        scheduler=scheduler,
        worker_project=str(tmp_path / "nowhere"),
    )
    assert results[0]["status"] == "failed"
    assert "cannot see" in results[0]["error"] and "--worker-project" in results[0]["error"]


def test_unreachable_scheduler_is_a_clear_error(demo_store, tmp_path):
    project = make_project(tmp_path, ["99201"])
    with pytest.raises(IntmonError, match="cannot reach the Dask scheduler"):
        runner.run(
            project,
            demo_store.root,
            project / "parameters",
            project / "outputs",
            topics=["labor"],
            quiet=True,
            scheduler="tcp://127.0.0.1:9",
        )
