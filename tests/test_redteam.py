"""The standing red-team suite: bad files and faults against every importer, the parameter
files and the store's writing. Each refusal ends in a clear message naming the file (exit 2,
no traceback) and leaves the store byte-identical; nothing is ever half-written.

The corpus is generated (tests/redteam_corpus.py); nothing is stored as a binary."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from redteam_corpus import (
    ACCEPTED_FOR,
    AREAS_CSV,
    GENESIS_CLASSIC,
    MUTATIONS,
    OBSERVATIONS_CSV,
    bad_parameter_files,
    kinds,
    mapping_yaml,
)

from intmon_utils.cli import main
from intmon_utils.config.parameters import load_parameters
from intmon_utils.errors import IntmonError
from intmon_utils.store import ObservationStore

pytestmark = pytest.mark.redteam


def cli(*args: str) -> tuple[int, str]:
    """Run intmon in this process; a traceback fails the test (it propagates)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a data folder with its SHA-256 (the lock file aside: it has no data)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A real (non-synthetic) store: an area register and one canonical source."""
    root = tmp_path_factory.mktemp("base")
    (root / "areas.csv").write_text(AREAS_CSV, encoding="utf-8")
    (root / "obs.csv").write_text(OBSERVATIONS_CSV, encoding="utf-8")
    data = root / "data"
    assert cli("import", "areas", str(root / "areas.csv"), "--data", str(data))[0] == 0
    assert cli("import", "observations", str(root / "obs.csv"), "--data", str(data))[0] == 0
    return data


@pytest.fixture()
def data(base, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(base, target)
    return target


def _args(kind, path: Path, tmp_path: Path) -> list[str]:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(mapping_yaml(), encoding="utf-8")
    extra = [str(mapping) if a == "MAPPING" else a for a in kind.args]
    return ["import", kind.name, str(path), *extra]


CASES = [(k, m) for k in kinds() for m in MUTATIONS]


@pytest.mark.parametrize("kind", kinds(), ids=lambda k: k.filename)
def test_every_good_file_is_imported(kind, data, tmp_path):
    """The corpus's good files import (so a refusal below is the mutation's doing)."""
    path = tmp_path / kind.filename
    path.write_text(kind.good, encoding="utf-8")
    code, said = cli(*_args(kind, path, tmp_path), "--data", str(data))
    assert code == 0, said


@pytest.mark.parametrize(("kind", "mutation"), CASES, ids=[f"{k.filename}-{m}" for k, m in CASES])
def test_a_bad_file_is_refused_clearly_and_changes_nothing(kind, mutation, data, tmp_path):
    spoil, expected = MUTATIONS[mutation]
    content = spoil(kind.good)
    path = tmp_path / kind.filename
    path.write_bytes(content)
    before = snapshot(data)
    code, said = cli(*_args(kind, path, tmp_path), "--data", str(data))
    accepted = expected.startswith("accepted") or (kind.name, mutation) in ACCEPTED_FOR
    if content == kind.good.encode():  # the mutation does not apply to this kind
        return
    if accepted:
        assert code == 0, said
        return
    assert code == 2, f"{mutation} of {kind.filename} was accepted:\n{said}"
    assert "intmon: error:" in said and "Traceback" not in said
    assert path.name in said or str(path.parent) in said, said
    assert snapshot(data) == before, "a refused import changed the store"


def test_a_file_of_another_kind_under_the_recognised_kinds_name(data, tmp_path):
    """Recognising files: an XLSX named .csv and an empty file are clear errors too."""
    for name, content in (("leer.csv", b""), ("tabelle.csv", MUTATIONS["xlsx renamed"][0](""))):
        path = tmp_path / name
        path.write_bytes(content)
        before = snapshot(data)
        code, said = cli("import", str(path), "--data", str(data))
        assert code == 2 and name in said, said
        assert snapshot(data) == before


# -- parameter files ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(bad_parameter_files()))
def test_a_bad_parameter_file_is_a_clear_error(case, tmp_path):
    path = tmp_path / "09162000.yml"
    path.write_bytes(bad_parameter_files()[case])
    with pytest.raises(IntmonError) as err:
        load_parameters(path)
    assert str(path) in str(err.value)


def test_a_commentary_folder_through_a_symlink_outside_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    params = tmp_path / "parameters"
    (params / "commentary").mkdir(parents=True)
    (params / "commentary" / "09162000").symlink_to(outside)
    path = params / "09162000.yml"
    path.write_text("area_id: '09162000'\nname: München\nyear: 2023\n", encoding="utf-8")
    with pytest.raises(IntmonError, match="outside the parameter folder"):
        load_parameters(path).commentary_dir  # noqa: B018


# -- what imports must never lose ---------------------------------------------------------------


def test_an_areas_import_adds_and_replacing_needs_the_flag(data, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text(
        "area_id;name;level;kind;parent_id\n09184113;Ismaning;municipality;gemeinde;09184\n",
        encoding="utf-8",
    )
    assert cli("import", "areas", str(one), "--data", str(data))[0] == 0
    ids = set(ObservationStore(data).read_areas()["area_id"])
    assert {"09162", "09184112", "09184113"} <= ids
    # replacing the register by a file that lacks areas with observations is refused
    before = snapshot(data)
    code, said = cli("import", "areas", str(one), "--replace", "--data", str(data))
    assert code == 2 and "lacks" in said
    assert snapshot(data) == before


def test_a_header_only_areas_file_and_unknown_parents_or_levels(data, tmp_path):
    cases = {
        "header.csv": "area_id;name;level;kind;parent_id\n",
        "parent.csv": "area_id;name;level;kind;parent_id\n09999;X;district;kreis;08\n",
        "level.csv": "area_id;name;level;kind;parent_id\n09999;X;galaxy;kreis;09\n",
        "long.csv": f"area_id;name;level;kind;parent_id\n09999;{'x' * 300};district;kreis;09\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        before = snapshot(data)
        code, said = cli("import", "areas", str(path), "--data", str(data))
        assert code == 2 and name in said, said
        assert snapshot(data) == before


def test_a_publisher_file_cannot_rewrite_the_register(data, tmp_path):
    """A BA export names the city with a formula: the register keeps its row and warns."""
    kind = next(k for k in kinds() if k.name == "ba")
    path = tmp_path / kind.filename
    path.write_text(kind.good.replace("München, Landeshauptstadt", "=HYPERLINK(1)"), "utf-8")
    code, said = cli("import", "ba", str(path), "--data", str(data))
    assert code == 0, said
    areas = ObservationStore(data).read_areas().set_index("area_id")
    assert areas.loc["09162", "name"] == "München" and areas.loc["09162", "level"] == "district"
    assert "named differently" in said
    log = pd.read_csv(data / "imports.csv", dtype=str)
    assert log["warnings"].fillna("").str.contains("named differently").any()


def test_same_name_files_from_two_folders_both_stay(data, tmp_path):
    for year in (2023, 2024):
        folder = tmp_path / str(year)
        folder.mkdir()
        (folder / "bev.csv").write_text(
            "area_id,year,variable,group,sex,age,value\n"
            f"09184,{year},population,total,total,total,{200000 + year}\n",
            encoding="utf-8",
        )
        assert cli("import", "observations", str(folder / "bev.csv"), "--data", str(data))[0] == 0
    obs = ObservationStore(data).read_observations()
    assert set(obs.loc[obs["variable"] == "population", "year"]) == {2023, 2024}


def test_an_overlapping_import_names_both_sources(data, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text(
        "area_id,year,variable,group,sex,age,value,source\n"
        "09162,2021,naturalisations,total,total,total,5,Landesamt\n",
        encoding="utf-8",
    )
    before = snapshot(data)
    code, said = cli("import", "observations", str(path), "--data", str(data))
    assert code == 2 and "obs_" in said and "Landesamt" in said, said
    assert snapshot(data) == before


def test_demo_data_refuses_a_store_with_real_data(data):
    before = snapshot(data)
    code, said = cli("demo-data", "--data", str(data))
    assert code == 2 and "real data" in said
    assert snapshot(data) == before


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "-3", "1e999"])
def test_non_finite_and_negative_counts_are_refused(value, data, tmp_path):
    path = tmp_path / "werte.csv"
    path.write_text(
        "area_id,year,variable,group,sex,age,value\n"
        f"09184,2020,population,total,total,total,{value}\n",
        encoding="utf-8",
    )
    before = snapshot(data)
    code, said = cli("import", "observations", str(path), "--data", str(data))
    assert code == 2 and "werte.csv" in said, said
    assert snapshot(data) == before


def test_a_fractional_count_is_a_warning_in_the_output_and_the_log(data, tmp_path):
    """Estimates (surveys, Mikrozensus) may be fractional, so it is a warning, not an error."""
    path = tmp_path / "werte.csv"
    path.write_text(
        "area_id,year,variable,group,sex,age,value\n09184,2020,population,total,total,total,12.5\n",
        encoding="utf-8",
    )
    code, said = cli("import", "observations", str(path), "--data", str(data))
    assert code == 0 and "not whole numbers" in said, said
    log = pd.read_csv(data / "imports.csv", dtype=str)
    assert log["warnings"].fillna("").str.contains("not whole numbers").any()


@pytest.mark.parametrize("year", ["1899", "2999"])
def test_impossible_survey_years_are_refused(year, data, tmp_path):
    kind = next(k for k in kinds() if k.name == "survey")
    path = tmp_path / kind.filename
    path.write_text(kind.good.replace(",2023,", f",{year},"), encoding="utf-8")
    before = snapshot(data)
    code, said = cli("import", "survey", str(path), "--data", str(data))
    assert code == 2 and "year" in said, said
    assert snapshot(data) == before


def test_a_survey_imported_twice_under_two_names_is_refused(data, tmp_path):
    kind = next(k for k in kinds() if k.name == "survey")
    for name, expected in (("a.csv", 0), ("b.csv", 2)):
        path = tmp_path / name
        path.write_text(kind.good, encoding="utf-8")
        code, said = cli("import", "survey", str(path), "--data", str(data))
        assert code == expected, said
    surveys = ObservationStore(data).read_surveys()
    assert len(surveys) == kind.good.count("\n") - 1


# -- faults while writing ---------------------------------------------------------------------


def test_a_full_disk_while_committing_leaves_the_old_state(data, tmp_path, monkeypatch):
    path = tmp_path / "12411-01-01-4.csv"
    path.write_text(GENESIS_CLASSIC, encoding="utf-8")
    before = snapshot(data)
    calls = {"n": 0}
    real = pd.DataFrame.to_parquet

    def full_disk(self, target, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the register is written, the observations are not
            raise OSError(28, "No space left on device")
        return real(self, target, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    with pytest.raises(OSError):
        cli("import", "genesis", str(path), "--data", str(data))
    monkeypatch.undo()
    assert snapshot(data) == before
    assert not [p for p in data.rglob("*.tmp")], "temporary files were left behind"


KILL_AT_COMMIT = """
import os, sys
import intmon_utils.commit as commit
real = commit._apply
def killed(root):
    if os.environ.get("KILL_BEFORE_JOURNAL") == "1":
        os.kill(os.getpid(), 9)
    steps = __import__("json").loads((root / commit.JOURNAL).read_text())
    first_tmp, first_target = steps["renames"][0]
    os.replace(root / first_tmp, root / first_target)  # one file renamed, then the kill
    os.kill(os.getpid(), 9)
commit._apply = killed
if os.environ.get("KILL_BEFORE_JOURNAL") == "1":
    commit.write_text = lambda *a, **k: os.kill(os.getpid(), 9)
from intmon_utils.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("when", ["before the commit point", "during the renames"])
def test_a_killed_import_leaves_the_old_or_the_new_state(when, data, tmp_path):
    path = tmp_path / "12411-01-01-4.csv"
    path.write_text(GENESIS_CLASSIC, encoding="utf-8")
    before = snapshot(data)
    env = {**os.environ, "KILL_BEFORE_JOURNAL": "1" if when.startswith("before") else "0"}
    proc = subprocess.run(
        [sys.executable, "-c", KILL_AT_COMMIT, "import", "genesis", str(path), "--data", str(data)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    store = ObservationStore(data)
    obs = store.read_observations()  # finishes an interrupted commit, or drops its leftovers
    after = snapshot(data)
    if when.startswith("before"):
        assert after == before
    else:
        assert (obs["source"].str.contains("12411")).any()
        assert "09" in set(store.read_areas()["area_id"])
        assert "imports.csv" in after and after["imports.csv"] != before["imports.csv"]
    assert not [p for p in data.rglob("*.tmp")]
    assert not (data / ".commit.json").exists()
    # and the same import again does exactly the rest
    assert cli("import", "genesis", str(path), "--data", str(data))[0] == 0


# -- concurrent use ---------------------------------------------------------------------------


HOLD = """
import sys, time
from pathlib import Path
from intmon_utils.locks import reading, writing
lock = {"read": reading, "write": writing}[sys.argv[1]]
with lock(Path(sys.argv[2]), "test"):
    print("held", flush=True)
    time.sleep(30)
"""


@contextlib.contextmanager
def holding(mode: str, folder: Path):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, mode, str(folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_an_import_while_a_run_reads_the_store_is_refused(data, tmp_path):
    path = tmp_path / "12411-01-01-4.csv"
    path.write_text(GENESIS_CLASSIC, encoding="utf-8")
    before = snapshot(data)
    with holding("read", data):  # as intmon run holds it
        code, said = cli("import", "genesis", str(path), "--data", str(data))
        assert code == 2 and "in use" in said, said
        assert snapshot(data) == before
        assert cli("data", "sources", "--data", str(data))[0] == 0  # readers share
    assert cli("import", "genesis", str(path), "--data", str(data))[0] == 0  # and later it works


def test_a_reader_during_an_import_is_refused_naming_the_import(data):
    with holding("write", data):
        code, said = cli("data", "sources", "--data", str(data))
    assert code == 2 and "in use by" in said and "process" in said, said


def test_two_runs_on_the_same_outputs(tmp_path):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    with holding("write", outputs):
        from intmon_utils.locks import LockedError, writing

        start = time.monotonic()
        with pytest.raises(LockedError, match="in use by"), writing(outputs, "run"):
            pass
        assert time.monotonic() - start < 5


# -- permissions and read-only stores -----------------------------------------------------------


def test_a_new_data_folder_is_for_its_owner_only(tmp_path):
    data = tmp_path / "neu"
    (tmp_path / "areas.csv").write_text(AREAS_CSV, encoding="utf-8")
    assert cli("import", "areas", str(tmp_path / "areas.csv"), "--data", str(data))[0] == 0
    assert data.stat().st_mode & 0o077 == 0
    for p in data.rglob("*"):
        assert p.stat().st_mode & 0o077 == 0, p


def test_a_group_shared_data_folder_gives_its_files_to_the_group(data, tmp_path):
    os.chmod(data, 0o2770)
    path = tmp_path / "12411-01-01-4.csv"
    path.write_text(GENESIS_CLASSIC, encoding="utf-8")
    assert cli("import", "genesis", str(path), "--data", str(data))[0] == 0
    assert (data / "areas.parquet").stat().st_mode & 0o777 == 0o660


def test_read_only_commands_work_on_a_read_only_store(data, tmp_path, monkeypatch):
    """``data sources`` and ``values`` write nothing into the store: the cache of published
    tables goes to the user's cache folder when the data folder is not writable (simulated
    through os.access, so that the test holds for root too)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and str(path).startswith(str(data)):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    before = snapshot(data)
    assert cli("data", "sources", "--data", str(data))[0] == 0
    code, said = cli("values", "--area", "09162", "--year", "2022", "--data", str(data))
    assert code == 0, said
    assert snapshot(data) == before
    assert list((tmp_path / "cache" / "intmon").rglob("indicators_*.parquet"))


def test_an_encoding_named_on_the_command_line_reads_a_windows_file(data, tmp_path):
    path = tmp_path / "werte.csv"
    path.write_bytes(
        "area_id;year;variable;group;sex;age;value;source\n"
        "09184;2017;population;total;total;total;5;Landesamt für Statistik Bayern (Fürth)\n"
        "".encode("cp1252")
    )
    code, said = cli("import", "observations", str(path), "--data", str(data))
    assert code == 2 and "--encoding cp1252" in said
    code, said = cli(
        "import", "observations", str(path), "--encoding", "cp1252", "--data", str(data)
    )
    assert code == 0, said
    obs = ObservationStore(data).read_observations()
    assert "Landesamt für Statistik Bayern (Fürth)" in set(obs["source"])


# -- Ctrl-C -----------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_ctrl_c_stops_a_run_within_seconds_and_leaves_no_process(tmp_path):
    from conftest import make_project

    project = make_project(tmp_path, ["99101000", "99102000"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "intmon_utils.cli", "run", "--quiet", "--jobs", "2"],
        cwd=project,
        start_new_session=True,  # a terminal's Ctrl-C goes to the whole process group
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 300
    while not list((project / "outputs").rglob("*.html")) and time.monotonic() < deadline:
        time.sleep(0.5)  # wait until the workers are making reports
    below = _descendants(proc.pid)
    assert below, "the run started no workers"
    start = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert time.monotonic() - start < 10
    assert proc.returncode == 130, out
    assert "Traceback" not in out and "stopped (Ctrl-C)" in out, out
    time.sleep(5)  # kernels notice within a second or two that their worker is gone
    alive = {p for p in below if Path(f"/proc/{p}").exists()}
    assert not alive, f"processes left after Ctrl-C: {alive}"


def test_one_bad_parameter_file_fails_its_own_reports_only(base, tmp_path):
    """A peer that is not in the register, a commentary folder through a link outside, a
    binary file: each fails its own reports; the good file's reports are planned."""
    from intmon_utils.runner import plan

    from conftest import make_project

    project = make_project(tmp_path, [])
    params = project / "parameters"
    good = "name: {name}\nyear: 2023\narea_id: '{area}'\n"
    (params / "09162000.yml").write_text(good.format(name="München", area="09162000"), "utf-8")
    (params / "09184112.yml").write_text(
        good.format(name="Garching", area="09184112") + "peers: ['09162001', '9162000']\n",
        "utf-8",
    )
    (params / "09162.yml").write_text(good.format(name="Stadt", area="09162"), "utf-8")
    (params / "commentary").mkdir(exist_ok=True)
    (params / "commentary" / "09162").symlink_to(tmp_path, target_is_directory=True)
    (params / "09184.yml").write_bytes(bytes(range(256)))
    the_plan = plan(project, params, ObservationStore(base), project / "outputs")
    failed = {f["area_id"]: f["error"] for f in the_plan.failures}
    assert set(failed) == {"09184112", "09162", "09184"}, failed
    assert "did you mean '09162000'" in failed["09184112"]
    (params / "09184112.yml").write_text(
        good.format(name="Garching", area="09184112") + "peers: ['09162001']\n", "utf-8"
    )
    again = plan(project, params, ObservationStore(base), project / "outputs")
    assert "['09162001'] not in the area register" in str(again.failures)
    assert "outside the parameter folder" in failed["09162"]
    assert {job.area_id for job in the_plan.jobs} == {"09162000"}
