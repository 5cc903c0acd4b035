"""pyproject.toml and environment.yml name the same runtime dependencies (no conda here)."""

import re
import tomllib

import yaml

from conftest import PROJECT

CONDA_TO_PIP = {"python-duckdb": "duckdb"}
NOT_RUNTIME = {"python", "pip", "pytest", "hypothesis"}


def _name_and_bound(spec):
    m = re.match(r"^([A-Za-z0-9_.-]+)\s*(>=\s*[0-9.]+)?", spec)
    return m.group(1).lower(), (m.group(2) or "").replace(" ", "")


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    pip = dict(_name_and_bound(s) for s in pyproject["project"]["dependencies"])
    env = yaml.safe_load((PROJECT / "environment.yml").read_text())
    conda = {}
    for spec in env["dependencies"]:
        if isinstance(spec, str):
            name, bound = _name_and_bound(spec)
            conda[CONDA_TO_PIP.get(name, name)] = bound
    runtime = {k: v for k, v in conda.items() if k not in NOT_RUNTIME}
    assert runtime == pip
    assert all(bound for bound in pip.values()), "every dependency needs a lower bound"
    test_extra = dict(_name_and_bound(s) for s in pyproject["project"]["optional-dependencies"]["test"])
    assert {k: conda[k] for k in test_extra} == test_extra
