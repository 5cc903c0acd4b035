"""The warm kernel: many notebooks in one kernel, each seeing a fresh state."""

import json

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from intmon_utils.runner.kernel import WarmKernel

pytestmark = pytest.mark.notebooks

POLLUTER = """
import os, sys, random
import numpy as np, pandas as pd, matplotlib
leaked_variable = 42
pd.set_option("display.max_rows", 7)
matplotlib.rcParams["lines.linewidth"] = 9.0
np.random.seed(0); np.random.random(3)
random.seed(0)
os.environ["INTMON_LEAK"] = "1"
sys.path.append("/leaked/path")
import helper_module
helper_module.counter.append(1)
os.chdir("/")
"""
OBSERVER = """
import os, sys, json, random
import numpy as np, pandas as pd, matplotlib
import helper_module
state = {"variable": "leaked_variable" in globals(),
         "max_rows": pd.get_option("display.max_rows"),
         "linewidth": matplotlib.rcParams["lines.linewidth"],
         "numpy_draw": np.random.random(), "random_draw": random.random(),
         "env": os.environ.get("INTMON_LEAK"), "cwd": os.getcwd(),
         "sys_path": "/leaked/path" in sys.path, "helper_counter": len(helper_module.counter)}
with open(result_file, "w") as fh:
    json.dump(state, fh)
"""


def _notebook(path, code):
    nb = new_notebook(
        cells=[
            new_code_cell("result_file = ''", metadata={"tags": ["parameters"]}),
            new_code_cell(code),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def kernel_project(tmp_path_factory):
    project = tmp_path_factory.mktemp("kernel")
    (project / "helper_module.py").write_text("counter = []\n")
    kernel = WarmKernel(project)
    yield (
        project,
        kernel,
        _notebook(project / "polluter.ipynb", POLLUTER),
        _notebook(project / "observer.ipynb", OBSERVER),
    )
    kernel.shutdown()


def _observe(kernel, project, polluter, observer, name, skip_reset=False):
    result = project / f"{name}.json"
    kernel.execute_notebook(polluter, project / "out_polluter.ipynb", {"result_file": ""})
    if skip_reset:
        kernel._fresh = True  # pretend the kernel was just started: no reset happens
    kernel.execute_notebook(observer, project / "out_observer.ipynb", {"result_file": str(result)})
    return json.loads(result.read_text())


def test_next_notebook_sees_none_of_the_previous_ones_state(kernel_project):
    project, kernel, polluter, observer = kernel_project
    state = _observe(kernel, project, polluter, observer, "reset")
    assert kernel.starts == 1  # one kernel served both notebooks
    after_seed_0 = np.random.RandomState(0)
    after_seed_0.random_sample(3)
    assert state["variable"] is False
    assert state["max_rows"] == 60  # pandas' default
    assert state["linewidth"] == 1.5  # matplotlib's default
    assert state["numpy_draw"] != after_seed_0.random_sample()
    assert state["random_draw"] != __import__("random").Random(0).random()
    assert state["env"] is None
    assert state["cwd"] == str(project.resolve())
    assert state["sys_path"] is False
    assert state["helper_counter"] == 0  # a project module is imported afresh


def test_without_the_reset_everything_leaks(kernel_project):
    """The control: the same two notebooks without the reset see each other's state, so the
    test above would catch a reset that stopped working."""
    project, kernel, polluter, observer = kernel_project
    state = _observe(kernel, project, polluter, observer, "leak", skip_reset=True)
    after_seed_0 = np.random.RandomState(0)
    after_seed_0.random_sample(3)
    assert state["variable"] is True
    assert state["max_rows"] == 7 and state["linewidth"] == 9.0
    assert state["numpy_draw"] == after_seed_0.random_sample()
    assert state["env"] == "1" and state["cwd"] == "/" and state["sys_path"] is True
    assert state["helper_counter"] == 1


def test_failed_notebook_restarts_the_kernel(kernel_project):
    project, kernel, _, observer = kernel_project
    broken = _notebook(project / "broken.ipynb", "raise ValueError('boom')")
    starts = kernel.starts
    with pytest.raises(Exception, match="boom"):
        kernel.execute_notebook(broken, project / "out_broken.ipynb", {"result_file": ""})
    assert kernel.starts == starts + 1
    result = project / "after.json"
    kernel.execute_notebook(observer, project / "out_observer.ipynb", {"result_file": str(result)})
    assert json.loads(result.read_text())["variable"] is False


def test_cell_timeout_fails_the_notebook_and_frees_the_kernel(kernel_project):
    project, kernel, _, _ = kernel_project
    slow = _notebook(project / "slow.ipynb", "import time; time.sleep(60)")
    kernel.cell_timeout = 2
    try:
        with pytest.raises(Exception, match="timed out"):
            kernel.execute_notebook(slow, project / "out_slow.ipynb", {"result_file": ""})
    finally:
        kernel.cell_timeout = 600
    out = project / "out_ok.ipynb"
    kernel.execute_notebook(_notebook(project / "quick.ipynb", "x = 1"), out, {"result_file": ""})
    # parameters, injected parameters, code: numbered from 1 as in a fresh kernel
    assert [c.execution_count for c in nbformat.read(out, 4).cells] == [1, 2, 3]


def test_kernel_restarts_when_it_outgrows_its_memory_limit(kernel_project):
    project, kernel, _, observer = kernel_project
    assert 30 < kernel.rss_mib() < 1024  # the kernel's own memory is measured
    starts = kernel.starts
    kernel.max_rss_mib = 1
    try:
        kernel.execute_notebook(
            observer, project / "out_observer.ipynb", {"result_file": str(project / "memory.json")}
        )
    finally:
        kernel.max_rss_mib = 1024
    assert kernel.starts == starts + 1


def test_the_reset_forgets_project_modules_but_not_a_virtualenv_inside_the_project(
    tmp_path, monkeypatch
):
    """Defect: with the virtualenv in the project folder (the README's ``.venv``), the reset
    dropped library modules imported lazily (pandas' Arrow types at the first Parquet read);
    imported again, they failed with 'type extension pandas.period already defined'."""
    import sys
    import types

    from intmon_utils.runner import kernel_state

    venv = tmp_path / ".venv"
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(sys, "exec_prefix", str(venv))
    monkeypatch.setitem(kernel_state._BASELINE, "modules", set(sys.modules))
    mine = types.ModuleType("helper_of_the_project")
    mine.__file__ = str(tmp_path / "helper_of_the_project.py")
    library = types.ModuleType("lazy_library_part")
    library.__file__ = str(venv / "lib/python3/site-packages/lazy/part.py")
    monkeypatch.setitem(sys.modules, mine.__name__, mine)
    monkeypatch.setitem(sys.modules, library.__name__, library)
    assert kernel_state._project_modules(str(tmp_path)) == ["helper_of_the_project"]
