"""A working group's workspace, and where intmon finds its notebooks.

A workspace is a folder with ``parameters/`` (one file per municipality, ``defaults.yml``,
``commentary/<area_id>/<topic>.md``), and optionally ``data/``, ``outputs/`` and its own
``notebooks/``. The topic notebooks ship inside the package (``intmon_utils.notebooks``); a
notebook in the workspace's ``notebooks/`` folder takes precedence over the packaged one, so a
working group can adapt a report without forking intmon. ``intmon init DIR`` lays a
workspace out (``docs/workspace.md``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import IntmonError
from .fileio import write_bytes
from .topics import NOTEBOOK_TOPICS

PARAMETERS = "parameters"
NOTEBOOKS = "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "workspace"  # pre-commit, git
GITIGNORE = """\
# generated or confidential: never in git (intmon's docs/security.md)
/data/
/outputs/
/data-real/
/outputs-real/
.ipynb_checkpoints/
# JupyterLab's collaboration history (older jupyter-collaboration keeps it here)
.jupyter/
# microdata wherever they lie: SPSS, Stata and SAS files, Parquet tables (except test fixtures)
*.sav
*.zsav
*.por
*.dta
*.sas7bdat
*.parquet
!/tests/**/*.parquet
"""
DEFAULTS = """\
# Shared defaults for every parameter file in this folder: keys and allowed values are listed
# by 'intmon docs' (docs/parameters.md of intmon). Nested keys merge: an area file that sets
# only disclosure: {min_cases: 50} keeps min_count from here.
year: 2024
language: de
disclosure: {min_count: 3, min_cases: 30}
topics: [education, labor, housing, participation]
"""
README = """\
# Integrationsmonitoring workspace

Made by `intmon init`. One parameter file per municipality in `parameters/<area_id>.yml`,
the interpretation per topic in `parameters/commentary/<area_id>/<topic>.md` (and
`findings.md`, `summary.md` for the integrated report; see docs/commentary.md in intmon).

    intmon import gv AuszugGV2QAktuell.xlsx      # the area register, then your data
    intmon import --help                         # every kind of file intmon reads
    intmon data status                           # what can be computed for which area
    intmon check                                 # parameters, commentary, goals, data
    intmon new-commentary --area ID --year Y     # commentary templates with key figures
    intmon run                                   # every report (drafts) in outputs/<year>/
    intmon release --area ID --year Y            # the integration office releases one
    intmon lab                                   # JupyterLab for both offices

In git: `pre-commit install` runs `intmon check` and the secret and microdata checks before
every commit; `nbdime config-git --enable --global` shows notebook diffs cell by cell.

A notebook placed in `notebooks/<topic>.ipynb` replaces intmon's own for this workspace
(`intmon init . --notebooks` copies intmon's as a starting point).
"""


def packaged_notebook(topic: str) -> Path:
    """The notebook of ``topic`` shipped with intmon."""
    return Path(str(resources.files("intmon_utils.notebooks") / f"{topic}.ipynb"))


def notebook_path(project: Path, topic: str) -> Path:
    """The workspace's own ``notebooks/<topic>.ipynb`` if there is one, else intmon's."""
    own = Path(project) / NOTEBOOKS / f"{topic}.ipynb"
    return own if own.is_file() else packaged_notebook(topic)


def require_workspace(project: Path, parameters: str = PARAMETERS) -> Path:
    """``project`` resolved, if it holds the parameter folder (``parameters/`` or the one
    given, relative to the project or absolute)."""
    project = Path(project).resolve()
    if not (project / parameters).is_dir():
        raise IntmonError(
            f"{project} has no {parameters}/ folder: run intmon in a workspace (make one with "
            f"'intmon init DIR'), or pass --project DIR or --parameters DIR"
        )
    return project


def _demo_files() -> list[tuple[str, bytes]]:
    """(path below parameters/, content) of the demo Land's parameter, logo and commentary
    files."""
    root = resources.files("intmon_utils.demo_parameters")
    files = [(e.name, e.read_bytes()) for e in root.iterdir() if e.name.endswith((".yml", ".svg"))]
    commentary = root / "commentary"
    if commentary.is_dir():
        for area in commentary.iterdir():
            files += [
                (f"commentary/{area.name}/{f.name}", f.read_bytes())
                for f in area.iterdir()
                if f.name.endswith(".md")
            ]
    return sorted(files)


def init_workspace(target: str | Path, demo: bool = False, notebooks: bool = False) -> list[Path]:
    """Lay out a workspace in ``target``; return the files written.

    ``demo`` adds the parameter files of the synthetic demo Land (``intmon run`` then
    generates its data); ``notebooks`` copies intmon's notebooks for the working group to
    adapt. Existing files are never overwritten: if any would be, nothing is written.
    """
    target = Path(target).resolve()
    if target.exists() and not target.is_dir():
        raise IntmonError(
            f"{target} is a file, not a folder: nothing was written -> name a new or empty folder"
        )
    planned: list[tuple[Path, bytes]] = [
        (target / ".gitignore", GITIGNORE.encode()),
        (target / "README.md", README.encode()),
        (target / ".pre-commit-config.yaml", (TEMPLATES / "pre-commit-config.yaml").read_bytes()),
        (target / ".gitattributes", (TEMPLATES / "gitattributes").read_bytes()),
    ]
    if demo:
        planned += [(target / PARAMETERS / rel, data) for rel, data in _demo_files()]
    else:
        planned.append((target / PARAMETERS / "defaults.yml", DEFAULTS.encode()))
    if notebooks:
        planned += [
            (target / NOTEBOOKS / f"{t}.ipynb", packaged_notebook(t).read_bytes())
            for t in NOTEBOOK_TOPICS
        ]
    existing = [str(path) for path, _ in planned if path.exists()]
    if existing:
        raise IntmonError(
            f"{target} already has {', '.join(existing[:3])}"
            f"{' …' if len(existing) > 3 else ''}: nothing was written -> choose "
            f"an empty folder, or move these files away first"
        )
    for path, data in planned:
        write_bytes(path, data)
    (target / PARAMETERS / "commentary").mkdir(parents=True, exist_ok=True)
    return [path for path, _ in planned]
