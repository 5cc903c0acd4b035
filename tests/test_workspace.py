"""Workspaces: intmon init, notebooks shipped with the package, a workspace's own notebooks
first, and the command line's options checked per import kind."""

import shutil
import subprocess

import pytest

from intmon_utils.errors import IntmonError
from intmon_utils.topics import NOTEBOOK_TOPICS
from intmon_utils.workspace import (
    init_workspace,
    notebook_path,
    packaged_notebook,
    require_workspace,
)

from conftest import PROJECT, intmon


def test_packaged_notebooks_are_the_repository_notebooks():
    for topic in NOTEBOOK_TOPICS:
        assert (
            packaged_notebook(topic).read_bytes()
            == (PROJECT / "notebooks" / f"{topic}.ipynb").read_bytes()
        )


def test_init_lays_out_an_empty_workspace(tmp_path):
    written = init_workspace(tmp_path / "ws")
    ws = tmp_path / "ws"
    assert (ws / "parameters" / "defaults.yml") in written
    assert (ws / "parameters" / "commentary").is_dir()
    assert "/data/" in (ws / ".gitignore").read_text()
    assert require_workspace(ws) == ws.resolve()
    # the workspace has no notebooks of its own: intmon's are used
    assert notebook_path(ws, "labor") == packaged_notebook("labor")


@pytest.mark.skipif(shutil.which("git") is None, reason="asks git itself what it ignores")
def test_the_workspace_gitignore_keeps_microdata_out_of_git(tmp_path):
    """The data folder, and microdata files wherever they lie: SPSS and Parquet files are
    ignored outside tests/, the workspace's own files are not (docs/security.md)."""
    ws = tmp_path / "ws"
    init_workspace(ws)
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    paths = {
        "data/observations/x.parquet": True,
        "data/imports.csv": True,
        "outputs/2024/index.html": True,
        "umfrage/buergerumfrage_2024.sav": True,
        "melderegister.parquet": True,
        "extracts/register.dta": True,
        "tests/fixtures/small.parquet": False,
        "parameters/defaults.yml": False,
        "parameters/commentary/09761000/labor.md": False,
    }
    for rel in paths:
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).touch()
    for rel, ignored in paths.items():
        proc = subprocess.run(["git", "-C", str(ws), "check-ignore", "-q", rel], check=False)
        assert (proc.returncode == 0) == ignored, rel


def test_init_demo_copies_the_demo_parameters(tmp_path):
    init_workspace(tmp_path, demo=True)
    shipped = sorted(
        p.relative_to(PROJECT / "parameters")
        for p in (PROJECT / "parameters").rglob("*")
        if p.suffix in (".yml", ".md", ".svg")
    )
    laid = sorted(
        p.relative_to(tmp_path / "parameters")
        for p in (tmp_path / "parameters").rglob("*")
        if p.is_file()
    )
    assert laid == shipped
    assert (tmp_path / "parameters" / "99101000.yml").read_bytes() == (
        PROJECT / "parameters" / "99101000.yml"
    ).read_bytes()


def test_own_notebook_takes_precedence(tmp_path):
    init_workspace(tmp_path, notebooks=True)
    own = tmp_path / "notebooks" / "labor.ipynb"
    assert own.read_bytes() == packaged_notebook("labor").read_bytes()
    assert notebook_path(tmp_path, "labor") == own


def test_init_never_overwrites(tmp_path):
    (tmp_path / "parameters").mkdir()
    (tmp_path / "parameters" / "defaults.yml").write_text("year: 2020\n")
    with pytest.raises(IntmonError, match="nothing was written"):
        init_workspace(tmp_path)
    assert (tmp_path / "parameters" / "defaults.yml").read_text() == "year: 2020\n"
    assert not (tmp_path / ".gitignore").exists()


def test_a_folder_without_parameters_is_no_workspace(tmp_path):
    with pytest.raises(IntmonError, match="intmon init"):
        require_workspace(tmp_path)


def test_import_option_the_kind_does_not_take_is_a_clear_error(tmp_path):
    """Defect: 'intmon import areas f.csv --year 2024' ended in a TypeError traceback."""
    areas = tmp_path / "areas.csv"
    areas.write_text(
        "area_id,name,level,kind,parent_id,synthetic\n"
        "09761000,Augsburg,municipality,kreisfreie_stadt,09,False\n"
    )
    proc = intmon("--project", str(tmp_path), "import", "areas", str(areas), "--year", "2024")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "intmon import areas does not take --year" in proc.stderr
    assert not (tmp_path / "data").exists(), "nothing may be written"


@pytest.mark.slow
def test_a_workspace_outside_the_repository_runs(tmp_path):
    """The demo from a workspace made by 'intmon init --demo', anywhere on the machine."""
    ws = tmp_path / "ws"
    assert intmon("init", str(ws), "--demo", cwd=tmp_path).returncode == 0
    proc = intmon(
        "run", "--area", "99203001", "--topic", "overview", "--jobs", "1", "--quiet", cwd=ws
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 reports written" in proc.stdout
    html = (ws / "outputs" / "2024" / "99203001" / "overview.html").read_text(encoding="utf-8")
    assert "Sandhausen an der Marke" in html and "SYNTHETISCHE DEMODATEN" in html


def test_commands_on_an_empty_workspace_say_what_to_do(tmp_path):
    init_workspace(tmp_path)
    for args in (["data", "status"], ["values", "--area", "09761000", "--year", "2024"]):
        proc = intmon("--project", str(tmp_path), *args)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "no observation data" in proc.stderr and "intmon demo-data" in proc.stderr


def test_a_parameter_folder_of_another_name_makes_a_workspace(tmp_path):
    """The README's parameters-real/ beside the demo: --parameters names it."""
    (tmp_path / "parameters-real").mkdir()
    assert require_workspace(tmp_path, "parameters-real") == tmp_path.resolve()
    with pytest.raises(IntmonError, match="--parameters DIR"):
        require_workspace(tmp_path)


def test_init_into_a_file_is_a_clear_error(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("x")
    with pytest.raises(IntmonError, match="is a file, not a folder"):
        init_workspace(target)
