"""Packaging: the wheel holds everything intmon needs; pyproject.toml and environment.yml
name the same dependencies (no conda here)."""

import re
import subprocess
import sys
import tomllib
import zipfile

import pytest
import yaml

from conftest import PROJECT

CONDA_TO_PIP = {"python-duckdb": "duckdb"}
NOT_RUNTIME = {
    "python",
    "pip",
    "pytest",
    "pytest-xdist",
    "hypothesis",
    "ruff",
    "playwright",
    "axe-playwright-python",
    "pypdf",
    "pre-commit",
}


def _name_and_bound(spec):
    m = re.match(r"^([A-Za-z0-9_.-]+)\s*(>=\s*[0-9.]+)?", spec)
    return m.group(1).lower(), (m.group(2) or "").replace(" ", "")


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    pip = dict(_name_and_bound(s) for s in pyproject["project"]["dependencies"])
    env = yaml.safe_load((PROJECT / "environment.yml").read_text())
    conda = {}
    for spec in env["dependencies"]:
        for item in [spec] if isinstance(spec, str) else spec.get("pip", []):
            name, bound = _name_and_bound(item)
            conda[CONDA_TO_PIP.get(name, name)] = bound
    runtime = {k: v for k, v in conda.items() if k not in NOT_RUNTIME}
    assert runtime == pip
    assert all(bound for bound in pip.values()), "every dependency needs a lower bound"
    test_extra = dict(
        _name_and_bound(s) for s in pyproject["project"]["optional-dependencies"]["test"]
    )
    assert {k: conda[k] for k in test_extra} == test_extra


def _listed_packages() -> set[str]:
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    return set(pyproject["tool"]["setuptools"]["packages"])


def test_every_package_folder_is_listed():
    """A folder with an __init__.py that is not listed would be missing from the wheel
    (pip install . would then fail with ModuleNotFoundError)."""
    found = {
        ".".join(p.parent.relative_to(PROJECT).parts)
        for p in (PROJECT / "intmon_utils").rglob("__init__.py")
    }
    mapped = {"intmon_utils.notebooks", "intmon_utils.demo_parameters"}
    assert _listed_packages() == found | mapped


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel as pip builds it (without dependencies, offline)."""
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(PROJECT)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "No module named" in proc.stderr:
        pytest.skip(f"cannot build a wheel here: {proc.stderr[-300:]}")
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("intmon-*.whl")
    with zipfile.ZipFile(path) as zf:
        return set(zf.namelist())


@pytest.mark.slow
def test_wheel_holds_code_data_notebooks_and_templates(wheel):
    """Defect: pip install . gave a package without sources/ and genesis_tables.yml."""
    source = {
        str(p.relative_to(PROJECT))
        for p in (PROJECT / "intmon_utils").rglob("*")
        if p.suffix in (".py", ".yml", ".html", ".j2", ".json") and "__pycache__" not in p.parts
    }
    assert source <= wheel, sorted(source - wheel)[:10]
    for topic in ("overview", "education", "labor", "housing", "participation"):
        assert f"intmon_utils/notebooks/{topic}.ipynb" in wheel
    assert "intmon_utils/demo_parameters/defaults.yml" in wheel
    assert "intmon_utils/demo_parameters/99101000.yml" in wheel
    assert "intmon_utils/demo_parameters/commentary/99101000/labor.md" in wheel


@pytest.mark.parametrize(
    "path",
    [
        "data/x.parquet",
        "data-real/areas.parquet",
        "parameters-real/09761000.yml",
        "outputs-real/2024/index.html",
        "outputs/2024/index.html",
        "realdata/file.csv",
    ],
)
def test_real_data_and_outputs_are_git_ignored(path):
    """Defect: the README's own real-data folders were not git-ignored."""
    proc = subprocess.run(["git", "check-ignore", "-q", path], cwd=PROJECT)
    if proc.returncode == 128:
        pytest.skip("not a git checkout")
    assert proc.returncode == 0, f"{path} would be committed"
