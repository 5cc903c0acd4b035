"""Runs inside a warm kernel: remember a clean state once, return to it before each notebook.

A kernel reused for many notebooks must look to each of them like a fresh one. IPython's
``reset`` clears the user's variables, but these survive it and are restored here:

- the working directory and the environment variables;
- pandas options (``pd.set_option``);
- matplotlib's rcParams (seaborn themes change them) and open figures;
- the global random state of numpy and of ``random`` (reseeded from the operating system, as
  in a fresh process, so no notebook sees a sequence another one seeded);
- ``sys.path``, warning filters, the root logger and the locale;
- modules a notebook imported from the project folder itself (re-imported when used again).

Not reset: state a notebook changes inside an already imported third-party module (e.g. by
monkey-patching). The worker restarts its kernel after every failed notebook and when the
kernel grows beyond its memory limit (``intmon_utils.runner.kernel``).
"""

from __future__ import annotations

import gc
import locale
import logging
import os
import random
import sys
import warnings

_BASELINE: dict = {}


def take_baseline() -> None:
    """Record the state right after start-up and the shared imports."""
    import matplotlib

    root = logging.getLogger()
    _BASELINE.update(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        sys_path=list(sys.path),
        warnings=list(warnings.filters),
        modules=set(sys.modules),
        rc=dict(matplotlib.rcParams),
        locale=locale.setlocale(locale.LC_ALL),
        log_level=root.level,
        log_handlers=list(root.handlers),
    )
    # what is imported now lives as long as the kernel: keep it out of every later garbage
    # collection (IPython's reset collects after each notebook)
    gc.freeze()


def _project_modules(cwd: str) -> list[str]:
    """Modules imported after the baseline whose file lies in the project folder, but not in
    a Python environment kept there (``.venv/``): a library module imported lazily (pandas
    imports its Arrow types at the first Parquet read) must not be imported twice."""
    root = os.path.realpath(cwd) + os.sep
    environments = tuple(os.path.realpath(p) + os.sep for p in {sys.prefix, sys.exec_prefix})
    found = []
    for name, module in list(sys.modules.items()):
        path = os.path.realpath(getattr(module, "__file__", None) or "/")
        if (
            name not in _BASELINE["modules"]
            and path.startswith(root)
            and not path.startswith(environments)
        ):
            found.append(name)
    return found


def restore_baseline() -> None:
    """Return the process to the recorded state (the user namespace is reset separately)."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    b = _BASELINE
    os.chdir(b["cwd"])
    os.environ.clear()
    os.environ.update(b["environ"])
    sys.path[:] = b["sys_path"]
    warnings.filters[:] = b["warnings"]
    for name in _project_modules(b["cwd"]):
        del sys.modules[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resetting deprecated options warns
        pd.reset_option("all")
        plt.close("all")
        matplotlib.rcParams.update(b["rc"])
    np.random.seed(None)
    random.seed(None)
    locale.setlocale(locale.LC_ALL, b["locale"])
    root = logging.getLogger()
    root.setLevel(b["log_level"])
    root.handlers[:] = b["log_handlers"]
    gc.freeze()  # survivors of the reset's collection (caches) are long-lived too
