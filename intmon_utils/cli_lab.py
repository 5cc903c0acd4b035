"""The ``intmon lab`` command: JupyterLab on the workspace, with real-time collaboration.

JupyterLab runs as a child process in a session of its own, so that a Ctrl-C in the terminal
reaches ``intmon lab`` only; it then stops the server with SIGTERM, and the server shuts its
kernels down before it exits (after 20 s it is killed). The command holds no lock on the
data folder, which would refuse every import for as long as the server runs: a notebook reads
the data when its cell runs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .errors import IntmonError

STOP_GRACE = 20  # seconds the server has to shut its kernels down


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@contextlib.contextmanager
def _stop_signals():
    """Ctrl-C, SIGTERM and a closed terminal (SIGHUP) all end the command the same way,
    even where SIGINT was ignored by whoever started it."""
    names = [signal.SIGINT, signal.SIGTERM]
    if hasattr(signal, "SIGHUP"):  # not on Windows
        names.append(signal.SIGHUP)
    before = {s: signal.signal(s, _interrupt) for s in names}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _serving(proc: subprocess.Popen, info: Path) -> dict | None:
    """The server's port and base URL once it listens (Jupyter then writes ``info``), or
    None if it exited first."""
    while proc.poll() is None:
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
            return json.loads(info.read_text(encoding="utf-8"))
        time.sleep(0.2)
    return None


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM: the server shuts its kernels down and exits; it is killed (with whatever is
    left of its process group) if it has not after STOP_GRACE seconds or on a second Ctrl-C."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_GRACE)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _announce(args, workspace: Path, serving: dict, token: str) -> None:
    from .lab import lab_url

    url = lab_url(args.ip, serving["port"], token, serving["base_url"])
    mode = "with real-time collaboration" if args.collaboration else "without collaboration"
    print(
        f"JupyterLab serves {workspace} {mode}. Open:\n\n    {url}\n\n"
        f"Whoever holds this URL can read every file of the workspace (the data folder with "
        f"the microdata included) and run code as you: share it only with your working group. "
        f"Stop with Ctrl-C.",
        flush=True,
    )


def _prepare(args) -> tuple[Path, str, Path]:
    """Checks before the start: (workspace, token, folder for the collaboration's state)."""
    from jupyter_core.paths import jupyter_data_dir

    from .lab import choose_token, is_loopback, place_explore, state_folder
    from .store import ObservationStore
    from .workspace import require_workspace

    workspace = require_workspace(Path(args.project))
    token = choose_token(args.token, os.environ)
    if args.collaboration and importlib.util.find_spec("jupyter_server_ydoc") is None:
        raise IntmonError(
            "real-time collaboration is not installed -> pip install 'jupyter-collaboration>=4', "
            "or start without it: intmon lab --no-collaboration"
        )
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not args.allow_root:
        raise IntmonError(
            "intmon lab runs as root: every kernel would run code as root -> start it as an "
            "ordinary user (in a container where root is all there is: --allow-root)"
        )
    if not is_loopback(args.ip):
        print(
            f"warning: --ip {args.ip} is not a loopback address: whoever reaches this port "
            f"and holds the token can read the workspace and run code as you, and without "
            f"TLS the token travels in clear text -> keep 127.0.0.1 behind a reverse proxy "
            f"with TLS (docs/lab.md)",
            file=sys.stderr,
        )
    if copied := place_explore(workspace):
        print(f"copied intmon's explore notebook to {copied} (yours to adapt)")
    if not ObservationStore(workspace / "data").exists():
        print(
            f"note: no data in {workspace / 'data'} yet: the explore notebook needs some -> "
            f"'intmon demo-data' for the synthetic demo Land, or 'intmon import …'",
            file=sys.stderr,
        )
    state = state_folder(jupyter_data_dir())
    state.mkdir(mode=0o700, parents=True, exist_ok=True)  # SQLite makes no folder
    return workspace, token, state


def cmd_lab(args) -> int:
    from jupyter_core.paths import jupyter_runtime_dir

    from .lab import server_argv, server_env

    workspace, token, state = _prepare(args)
    argv = server_argv(
        workspace, args.ip, args.port, state, args.browser, args.collaboration, args.allow_root
    )
    info = Path(jupyter_runtime_dir())
    proc, stopped = None, False
    with _stop_signals():
        try:
            proc = subprocess.Popen(
                argv,
                env=server_env(os.environ, workspace, token),
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            serving = _serving(proc, info / f"jpserver-{proc.pid}.json")
            if serving is not None:
                _announce(args, workspace, serving, token)
            proc.wait()
        except KeyboardInterrupt:
            stopped = True
            print("intmon lab: stopping JupyterLab and its kernels …", file=sys.stderr)
        finally:
            if proc is not None:
                _stop(proc)
    if not stopped and proc.returncode != 0:
        raise IntmonError(
            f"JupyterLab stopped with exit status {proc.returncode}: its messages above say "
            f"why (a port in use: choose another with --port)"
        )
    print("intmon lab: JupyterLab stopped", file=sys.stderr)
    return 0


def add_lab_parser(sub) -> None:
    from .lab import DEFAULT_IP, DEFAULT_PORT

    lab = sub.add_parser(
        "lab",
        help="JupyterLab on the workspace, with real-time collaboration: the explore notebook "
        "and the commentary at hand (see docs/lab.md)",
    )
    lab.add_argument(
        "--ip",
        default=DEFAULT_IP,
        help=f"address to listen on (default {DEFAULT_IP}: this machine only; anything else "
        f"belongs behind a reverse proxy with TLS)",
    )
    lab.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; if taken, the next free one)",
    )
    lab.add_argument(
        "--token",
        help="the access token (default: $JUPYTER_TOKEN, else a new random one; prefer the "
        "environment variable: other users of the machine can see command lines)",
    )
    lab.add_argument("--browser", action="store_true", help="open a web browser")
    lab.add_argument(
        "--no-collaboration",
        dest="collaboration",
        action="store_false",
        help="without real-time collaboration (one person per notebook at a time)",
    )
    lab.add_argument("--allow-root", action="store_true", help="run even as root (containers only)")
    lab.set_defaults(func=cmd_lab)  # no --data: the server holds no data lock
