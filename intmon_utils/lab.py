"""JupyterLab on a workspace (``intmon lab``): the server's command line, the address it
listens on, the URL that reaches it, and where ``explore.ipynb`` finds its workspace.

The functions here decide; :mod:`intmon_utils.cli_lab` runs the server process. The server
serves the workspace folder to whoever holds the token: its files (the data folder with the
microdata included) and kernels that run code as the user who started it
(docs/security.md, section 6; docs/lab.md).
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlencode

from .errors import IntmonError
from .fileio import write_new_text
from .workspace import NOTEBOOKS, PARAMETERS, packaged_notebook

PROJECT_ENV = "INTMON_PROJECT"  # the workspace, for the kernels (read by find_workspace)
TOKEN_ENV = "JUPYTER_TOKEN"  # read by Jupyter itself: the token never appears in argv
DEFAULT_IP = "127.0.0.1"
DEFAULT_PORT = 8888
EXPLORE = f"{NOTEBOOKS}/explore.ipynb"
COMMENTARY = f"{PARAMETERS}/commentary"
WILDCARDS = {"", "0.0.0.0", "::"}


def is_loopback(ip: str) -> bool:
    """True if ``ip`` is an address only this machine reaches (127.0.0.0/8, ::1, localhost).
    A host name other than ``localhost`` counts as reachable from outside."""
    if ip.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip.strip("[]")).is_loopback
    except ValueError:
        return False


def choose_token(given: str | None, environ: Mapping[str, str]) -> str:
    """The token: ``--token`` if given, else ``$JUPYTER_TOKEN``, else a new random one."""
    if given is not None:
        if not given.strip():
            raise IntmonError(
                "--token is empty: a server without a token lets anyone who reaches its port "
                "read the workspace and run code as you -> give a token, or leave --token out "
                "and intmon makes one"
            )
        return given
    return environ.get(TOKEN_ENV) or secrets.token_urlsafe(32)


def start_path() -> str:
    """Where JupyterLab opens: the explore notebook, the file browser on the commentary."""
    query = urlencode({"file-browser-path": f"/{COMMENTARY}"}, safe="/")
    return f"/lab/tree/{quote(EXPLORE)}?{query}"


def lab_url(ip: str, port: int, token: str, base_url: str = "/") -> str:
    """The URL to open, with the token (a server on every interface is shown as this
    machine's loopback address; ``base_url`` is Jupyter's, if its configuration sets one)."""
    host = "127.0.0.1" if ip in WILDCARDS else ip.strip("[]")
    if ":" in host:
        host = f"[{host}]"
    path = base_url.rstrip("/") + start_path()
    return f"http://{host}:{port}{path}&{urlencode({'token': token})}"


def state_folder(data_dir: str | Path) -> Path:
    """Where the collaboration keeps its document history and sessions: in the user's
    Jupyter data folder (``data_dir``), outside the workspace, so that neither lands in the
    workspace's git or in the shared folder."""
    return Path(data_dir) / "intmon"


def server_argv(
    workspace: Path,
    ip: str,
    port: int,
    state: Path,
    browser: bool = False,
    collaboration: bool = True,
    allow_root: bool = False,
) -> list[str]:
    """The command that starts JupyterLab on ``workspace`` (the token goes in the
    environment, see :func:`server_env`). Nothing is fetched from the network: no update
    check, no news, no extension manager that asks PyPI."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={workspace}",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        f"--ServerApp.open_browser={browser}",
        f"--ServerApp.allow_root={allow_root}",
        f"--LabApp.default_url={start_path()}",
        "--ServerApp.jpserver_extensions=jupyter_server_fileid=True",
        "--ServerApp.jpserver_extensions=jupyter_server_ydoc=True",
        f"--YDocExtension.disable_rtc={not collaboration}",
        f"--SQLiteYStore.db_path={state / 'ystore.db'}",
        f"--YDocExtension.session_store_path={state / 'collaboration_sessions.json'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
    ]


def server_env(environ: Mapping[str, str], workspace: Path, token: str) -> dict[str, str]:
    """The server's environment, inherited by its kernels: the token for Jupyter, the
    workspace for ``explore.ipynb`` (:func:`find_workspace`)."""
    return {**environ, TOKEN_ENV: token, PROJECT_ENV: str(workspace)}


def place_explore(workspace: Path) -> Path | None:
    """Copy intmon's ``explore.ipynb`` into the workspace's ``notebooks/`` unless one is
    there already (never replaced: from then on it is the working group's). Returns the
    new file, or None. The copy is not paired with a ``.py`` twin (that is for intmon's
    repository only)."""
    target = workspace / EXPLORE
    if target.exists():
        return None
    nb = json.loads(packaged_notebook("explore").read_text(encoding="utf-8"))
    nb["metadata"].pop("jupytext", None)
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    return target if write_new_text(target, text) else None


def find_workspace(
    project: str | Path | None = None,
    start: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """The workspace a notebook works on: ``project`` if given, else ``$INTMON_PROJECT``
    (set by ``intmon lab`` for its kernels), else the nearest folder with ``parameters/``
    from ``start`` (default: the current folder, a notebook's own in JupyterLab) upwards."""
    environ = os.environ if environ is None else environ
    named = project or environ.get(PROJECT_ENV)
    if named:
        folder = Path(named).expanduser().resolve()
        if not (folder / PARAMETERS).is_dir():
            origin = "project" if project else f"${PROJECT_ENV}"
            raise IntmonError(
                f"{origin} names {folder}, which has no {PARAMETERS}/ folder -> name a "
                f"workspace (made by 'intmon init DIR')"
            )
        return folder
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PARAMETERS).is_dir():
            return folder
    raise IntmonError(
        f"no workspace found: neither {here} nor a folder above it has {PARAMETERS}/ -> "
        f"start JupyterLab with 'intmon --project WORKSPACE lab', or set project = "
        f"'/path/to/workspace' in the notebook's first cell"
    )
