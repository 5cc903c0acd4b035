"""The working group's cycle on a fresh workspace: import → check → new-commentary → interpret
→ run (draft) → release → a later data change flags the release; and the parts of
``intmon check``, the commentary templates and the release one by one."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from intmon_utils.cli import main
from intmon_utils.config.parameters import load_parameters
from intmon_utils.release import differences, state
from intmon_utils.store import ObservationStore
from intmon_utils.workgroup.findings import key_line
from intmon_utils.workgroup.rules import markdown_findings
from intmon_utils.workgroup.templates import comment
from intmon_utils.workspace import packaged_notebook

AREA = "99203001"  # Sandhausen an der Marke: a small kreisangehörige Gemeinde of the demo


def cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


@pytest.fixture()
def workspace(tmp_path, demo_store) -> Path:
    """``intmon init --demo`` with one municipality, the demo data, and a git repository."""
    ws = tmp_path / "ws"
    assert cli("init", str(ws), "--demo")[0] == 0
    for path in (ws / "parameters").glob("*.yml"):
        if path.stem not in (AREA, "defaults"):
            path.unlink()
    shutil.copytree(demo_store.root, ws / "data")
    for args in (["init", "-q"], ["config", "user.name", "Ina Integration"]):
        subprocess.run(["git", "-C", str(ws), *args], check=True)
    subprocess.run(["git", "-C", str(ws), "config", "user.email", "ina@example.org"], check=True)
    return ws


def run(ws: Path, *args: str) -> tuple[int, str]:
    return cli("--project", str(ws), *args)


@pytest.mark.slow
def test_the_yearly_cycle_of_two_offices(workspace):
    ws = workspace
    labor = ws / "parameters" / "commentary" / AREA / "labor.md"
    # check: the commentary is missing, and says how to start it
    code, said = run(ws, "check")
    assert code == 0 and f"{labor.relative_to(ws)}: no commentary file yet" in said
    assert f"intmon new-commentary --area {AREA} --year 2024" in said
    assert run(ws, "check", "--strict")[0] == 1
    # templates with the key figures; a second call leaves every file alone
    code, said = run(ws, "new-commentary", "--area", AREA, "--year", "2024")
    assert code == 0 and f"{labor}: written" in said
    template = labor.read_text(encoding="utf-8")
    assert "## [labor." in template and "Leitfragen" in template and "Wert: " in template
    labor.write_text("Eigener Text.\n", encoding="utf-8")
    assert "exists, left as it is" in run(ws, "new-commentary", "--area", AREA, "--year", "2024")[1]
    assert labor.read_text(encoding="utf-8") == "Eigener Text.\n"
    # the integration office interprets: the check no longer misses the topic's text
    labor.write_text("Die Arbeitslosigkeit sinkt.\n\n" + template, encoding="utf-8")
    said = run(ws, "check")[1]
    assert f"{labor.relative_to(ws)}: no interpretation" not in said
    # a run gives a draft
    report = ws / "outputs" / "2024" / AREA / f"{AREA}_report.html"
    topics = ["--topic", "publication"]
    assert run(ws, "run", "--area", AREA, *topics, "--jobs", "1", "--quiet")[0] == 0
    page = report.read_text(encoding="utf-8")
    assert 'class="draft-mark"' in page and "Die Arbeitslosigkeit sinkt." in page
    assert "Herkunft der Zahlen" in page
    # the integration office releases it: recorded with who and when; the rerun prints it so
    code, said = run(ws, "release", "--area", AREA, "--year", "2024")
    assert code == 0, said
    record = ws / "parameters" / "releases" / f"{AREA}-2024.yml"
    assert "Ina Integration <ina@example.org>" in record.read_text(encoding="utf-8")
    assert run(ws, "run", "--area", AREA, *topics, "--jobs", "1", "--quiet")[0] == 0
    page = report.read_text(encoding="utf-8")
    assert 'class="draft-mark"' not in page and "freigegeben von Ina Integration" in page
    manifest = json.loads((ws / "outputs" / "2024" / "manifest.json").read_text("utf-8"))
    assert manifest["provenance"]["areas"][AREA]["release"]["status"] == "released"
    (imported,) = manifest["provenance"]["imports"]
    log = pd.read_csv(ws / "data" / "imports.csv", dtype=str)
    assert imported["source"] == "synthetic_demo"
    assert imported["import_id"] == log.loc[log["source"] == "synthetic_demo", "import_id"].iloc[-1]
    assert f"Import {imported['import_id']}" in page
    # how one of its numbers was made: from the report's value back to the stored source
    code, said = run(
        ws, "trace", "--area", AREA, "--indicator", "demography.foreign_share", "--year", "2024"
    )
    assert code == 0 and "Herkunft eines veröffentlichten Werts" in said
    assert "synthetic_demo" in said and "Zähler" in said
    # a later data change: the check and the next run flag the release as outdated
    new = ws / "bev2025.csv"
    new.write_text(
        f"area_id,year,variable,group,sex,age,value\n{AREA},2025,population,total,total,total,"
        "12000\n",
        encoding="utf-8",
    )
    assert run(ws, "import", "observations", str(new))[0] == 0
    said = run(ws, "check")[1]
    assert "released by Ina Integration <ina@example.org> on" in said and "since: data" in said
    assert run(ws, "run", "--area", AREA, *topics, "--jobs", "1", "--quiet")[0] == 0
    page = report.read_text(encoding="utf-8")
    assert "Freigabe überholt" in page and 'class="draft-mark"' in page


@pytest.mark.slow
def test_check_names_file_line_and_what_to_do(workspace):
    ws = workspace
    params = ws / "parameters" / f"{AREA}.yml"
    text = params.read_text(encoding="utf-8")
    params.write_text(text + "indicators:\n  exclude: [labor.sgb2_rate]\n", encoding="utf-8")
    folder = ws / "parameters" / "commentary" / AREA
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "labor.md").write_text(
        "Text mit <b>HTML</b> und [Link](javascript:alert(1)).\n\n## [labor.unknown]\n\nx\n",
        encoding="utf-8",
    )
    code, said = run(ws, "check", "--format", "json")
    findings = json.loads(said[said.index("[") :])
    assert code == 1  # the unknown anchor is an error: the run would fail on it
    by_problem = {f["problem"]: f for f in findings}
    anchor = next(f for f in findings if "[labor.unknown]" in f["problem"])
    assert anchor["severity"] == "error" and anchor["line"] == 3
    assert anchor["file"] == f"parameters/commentary/{AREA}/labor.md"
    excluded = by_problem["labor.sgb2_rate is left out without a reason"]
    assert excluded["line"] == key_line(params, "indicators.exclude") == len(text.splitlines()) + 2
    assert "indicators.reasons" in excluded["todo"]
    # a parameter error is a finding of its own area, with its key's line
    params.write_text(text + "targets:\n  labor.sgb2_rate: {value: 5, by: 2030}\n", "utf-8")
    code, said = run(ws, "check", "--area", AREA)
    assert code == 1 and f"parameters/{AREA}.yml:{len(text.splitlines()) + 2}" in said
    assert "direction" in said


def test_markdown_that_would_not_print_as_written(tmp_path):
    path = tmp_path / "labor.md"
    path.write_text(
        "Gut: [Destatis](https://www.destatis.de) und <!-- Notiz -->.\n\n"
        "Schlecht: <script>x</script>\n\n[intern](datei.pdf)\n\n<!-- offen\n",
        encoding="utf-8",
    )
    found = {
        (f.line, f.severity, f.problem.split(" ")[0])
        for f in markdown_findings("A", path, tmp_path)
    }
    assert found == {(7, "error", "an"), (3, "warning", "raw"), (5, "warning", "the")}


def test_a_utf16_commentary_file_is_checked_as_it_is_read(tmp_path):
    path = tmp_path / "labor.md"
    path.write_text("Text mit <b>HTML</b>.\n", encoding="utf-16")  # with BOM, as reports read it
    (found,) = markdown_findings("A", path, tmp_path)
    assert found.line == 1 and found.problem.startswith("raw HTML '<b>'")


def test_a_comment_cannot_be_ended_by_its_content():
    assert comment(["a --> b"]) == "<!--\na - -> b\n-->"


def test_release_differences_name_what_changed():
    before = {"data": "d1", "parameters": "p", "defaults": None, "commentary": {"a.md": "1"}}
    now = {"data": "d2", "parameters": "p", "defaults": None, "commentary": {"b.md": "2"}}
    assert differences(before, now) == ["data", "a.md", "b.md"]
    assert differences(now, now) == []


@pytest.mark.slow
def test_release_needs_the_year_of_the_parameters_and_someone_to_name(workspace, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")  # only the workspace's git config
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    ws = workspace
    code, said = run(ws, "release", "--area", AREA, "--year", "2023")
    assert code == 2 and "reports on 2024, not 2023" in said
    subprocess.run(["git", "-C", str(ws), "config", "--unset", "user.name"], check=True)
    code, said = run(ws, "release", "--area", AREA, "--year", "2024")
    assert code == 2 and "--by" in said
    assert not (ws / "parameters" / "releases").exists()
    assert run(ws, "release", "--area", AREA, "--year", "2024", "--by", "Amt 50")[0] == 0
    params = load_parameters(ws / "parameters" / f"{AREA}.yml")
    assert (
        state(params, ObservationStore(ws / "data")).describe("en").startswith("released by Amt 50")
    )


@pytest.mark.slow
def test_the_pre_commit_hooks_pass_on_a_fresh_workspace(tmp_path):
    """intmon init writes the hooks (intmon check, notebook outputs, ruff, large files, keys,
    microdata) and the nbdime attributes; on the new workspace with a notebook of its own
    every hook passes, and a microdata file is refused."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]' installs it)")
    ws = tmp_path / "ws"
    assert cli("init", str(ws))[0] == 0
    assert "nbdime" in (ws / ".gitattributes").read_text(encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def git(*args):
        subprocess.run(["git", "-C", str(ws), *args], check=True, capture_output=True)

    (ws / "notebooks").mkdir()
    shutil.copy(packaged_notebook("labor"), ws / "notebooks" / "labor.ipynb")  # to adapt
    git("init", "-q")
    git("add", "-A")
    hooks = subprocess.run(
        [pre_commit, "run", "--all-files"], cwd=ws, env=env, capture_output=True, text=True
    )
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert "intmon check" in hooks.stdout and "Passed" in hooks.stdout
    (ws / "befragung.sav").write_bytes(b"$FL2 not really SPSS")
    git("add", "-f", "befragung.sav")
    hooks = subprocess.run(
        [pre_commit, "run", "--all-files"], cwd=ws, env=env, capture_output=True, text=True
    )
    assert hooks.returncode == 1 and "befragung.sav" in hooks.stdout
