"""``intmon lab``: JupyterLab on a workspace with real-time collaboration, bound to loopback,
with a token; it stops with its kernels; explore.ipynb finds its workspace from anywhere."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest

from intmon_utils import lab
from intmon_utils.cli import build_parser, main
from intmon_utils.errors import IntmonError
from intmon_utils.workspace import packaged_notebook

from conftest import PROJECT, intmon

AREA = "99101000"  # the demo city: it has commentary files


# -- the pure functions ------------------------------------------------------------------


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"])
def test_loopback_addresses(ip):
    assert lab.is_loopback(ip)


@pytest.mark.parametrize("ip", ["0.0.0.0", "", "::", "10.0.0.5", "192.168.1.20", "intranet.de"])
def test_addresses_reachable_from_outside(ip):
    assert not lab.is_loopback(ip)


def test_token_given_from_the_environment_or_new():
    assert lab.choose_token("mine", {"JUPYTER_TOKEN": "env"}) == "mine"
    assert lab.choose_token(None, {"JUPYTER_TOKEN": "env"}) == "env"
    new = lab.choose_token(None, {})
    assert len(new) >= 40 and new != lab.choose_token(None, {})
    assert lab.choose_token(None, {"JUPYTER_TOKEN": ""}) not in ("", None)
    with pytest.raises(IntmonError, match="--token is empty"):
        lab.choose_token(" ", {})


def test_url_opens_explore_with_the_commentary_and_carries_the_token():
    url = lab.lab_url("127.0.0.1", 8888, "a/b+c")
    assert url == (
        "http://127.0.0.1:8888/lab/tree/notebooks/explore.ipynb"
        "?file-browser-path=/parameters/commentary&token=a%2Fb%2Bc"
    )
    assert parse_qs(urlsplit(url).query)["token"] == ["a/b+c"]
    assert lab.lab_url("0.0.0.0", 9000, "t").startswith("http://127.0.0.1:9000/lab/tree/")
    assert lab.lab_url("::1", 9000, "t").startswith("http://[::1]:9000/")
    assert lab.lab_url("127.0.0.1", 1, "t", "/monitoring/").startswith(
        "http://127.0.0.1:1/monitoring/lab/tree/notebooks/"
    )


def test_server_argv(tmp_path):
    argv = lab.server_argv(tmp_path, "127.0.0.1", 8890, tmp_path / "state")
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"]
    options = dict(a.removeprefix("--").split("=", 1) for a in argv[3:])
    assert options["ServerApp.root_dir"] == str(tmp_path)
    assert options["ServerApp.ip"] == "127.0.0.1" and options["ServerApp.port"] == "8890"
    assert options["ServerApp.open_browser"] == "False"
    assert options["ServerApp.allow_root"] == "False"
    assert options["YDocExtension.disable_rtc"] == "False"
    assert options["LabApp.default_url"] == lab.start_path()
    assert options["SQLiteYStore.db_path"].startswith(str(tmp_path / "state"))
    assert options["LabApp.check_for_updates_class"] == "jupyterlab.NeverCheckForUpdate"
    assert "--ServerApp.jpserver_extensions=jupyter_server_ydoc=True" in argv
    assert not any("token" in a.lower() for a in argv)  # the token goes in the environment
    off = lab.server_argv(tmp_path, "::1", 1, tmp_path, browser=True, collaboration=False)
    assert "--YDocExtension.disable_rtc=True" in off and "--ServerApp.open_browser=True" in off


def test_server_env_gives_kernels_the_workspace():
    environ = {"PATH": "/bin", "JUPYTER_TOKEN": "old"}
    env = lab.server_env(environ, Path("/ws"), "tok")
    assert env == {"PATH": "/bin", "JUPYTER_TOKEN": "tok", "INTMON_PROJECT": "/ws"}
    assert environ["JUPYTER_TOKEN"] == "old"


def test_explore_is_copied_once_and_never_replaced(tmp_path):
    copied = lab.place_explore(tmp_path)
    assert copied == tmp_path / "notebooks/explore.ipynb"
    nb = nbformat.read(copied, as_version=4)
    packaged = nbformat.read(packaged_notebook("explore"), as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in packaged.cells]
    assert "jupytext" not in nb.metadata  # no .py twin appears in the workspace
    copied.write_text("the working group's own", encoding="utf-8")
    assert lab.place_explore(tmp_path) is None
    assert copied.read_text(encoding="utf-8") == "the working group's own"


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    (ws / "parameters").mkdir(parents=True)
    (ws / "notebooks/deeper").mkdir(parents=True)
    return ws


def test_workspace_found_from_a_notebook_folder_below(workspace):
    assert lab.find_workspace(start=workspace / "notebooks/deeper", environ={}) == workspace
    assert lab.find_workspace(start=workspace, environ={}) == workspace


def test_workspace_named_by_argument_or_environment(workspace, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"INTMON_PROJECT": str(workspace)}
    assert lab.find_workspace(start=elsewhere, environ=env) == workspace
    assert lab.find_workspace(str(workspace), start=elsewhere, environ={}) == workspace
    with pytest.raises(IntmonError, match=r"\$INTMON_PROJECT names .* no parameters/"):
        lab.find_workspace(start=workspace, environ={"INTMON_PROJECT": str(elsewhere)})
    with pytest.raises(IntmonError, match="project names .* no parameters/"):
        lab.find_workspace(elsewhere, environ=env)


def test_no_workspace_says_what_to_do(tmp_path):
    with pytest.raises(IntmonError, match="intmon --project WORKSPACE lab"):
        lab.find_workspace(start=tmp_path, environ={})


# -- the command -------------------------------------------------------------------------


def test_lab_holds_no_data_lock():
    args = build_parser().parse_args(["lab"])
    assert args.ip == "127.0.0.1" and args.port == 8888 and args.collaboration
    # no --data and no 'writes': cli._data_lock takes no lock for the server's lifetime
    assert not hasattr(args, "data") and not getattr(args, "writes", False)


def test_lab_outside_a_workspace_is_an_error(tmp_path, capsys):
    assert main(["--project", str(tmp_path), "lab"]) == 2
    assert "has no parameters/ folder" in capsys.readouterr().err


def test_empty_token_is_refused(workspace, capsys):
    assert main(["--project", str(workspace), "lab", "--token", ""]) == 2
    assert "--token is empty" in capsys.readouterr().err


def test_prepare_warns_off_loopback_and_lays_out_explore(workspace, tmp_path, monkeypatch, capsys):
    from intmon_utils import cli_lab

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "jupyter-runtime"))
    args = build_parser().parse_args(
        ["--project", str(workspace), "lab", "--ip", "0.0.0.0", "--token", "t", "--allow-root"]
    )
    ws, token, state = cli_lab._prepare(args)
    out, err = capsys.readouterr()
    assert (ws, token) == (workspace.resolve(), "t")
    assert "warning: --ip 0.0.0.0 is not a loopback address" in err
    assert "no data in" in err and "intmon demo-data" in err
    assert "copied intmon's explore notebook" in out
    assert (workspace / "notebooks/explore.ipynb").is_file()
    assert state == tmp_path / "jupyter-data/intmon" and state.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_root_needs_allow_root(workspace, capsys):
    assert main(["--project", str(workspace), "lab", "--token", "t"]) == 2
    assert "--allow-root" in capsys.readouterr().err


# -- the server, end to end --------------------------------------------------------------


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds the processes in /proc (Linux)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return {p for p in found if _alive(p)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


class Lab:
    """``intmon lab`` in a subprocess, its printed URL and the REST API behind it."""

    def __init__(self, workspace: Path, tmp: Path, *options: str):
        self.runtime = tmp / "jupyter-runtime"
        env = {
            **os.environ,
            "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(self.runtime),
            "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        }
        env.pop("JUPYTER_TOKEN", None)
        root = ["--allow-root"] if os.geteuid() == 0 else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "intmon_utils.cli", "--project", str(workspace), "lab"]
            + ["--port", str(_free_port()), *root, *options],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []  # read all the time: a full pipe would block Jupyter
        self.readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True),
        ]
        for reader in self.readers:
            reader.start()
        self.url = self._wait_for_url(timeout=120)
        parts = urlsplit(self.url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.token = parse_qs(parts.query)["token"][0]

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)

    def _wait_for_url(self, timeout: float) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, "".join(self.stderr)[-3000:]
                continue
            self.stdout.append(line)
            if line.strip().startswith("http://"):
                return line.strip()
        raise AssertionError("intmon lab printed no URL")

    def request(self, path: str, method="GET", body=None, token=True):
        headers = {"Authorization": f"token {self.token}"} if token else {}
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data, headers, method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode("utf-8")
            return r.status, r.geturl(), text

    def api(self, path: str, method="GET", body=None):
        status, _, text = self.request(path, method, body)
        return status, json.loads(text)

    def start_kernel(self) -> int:
        """A kernel started through the API; the pid of its process."""
        _, kernel = self.api("/api/kernels", "POST", {"name": "python3"})
        end = time.monotonic() + 60
        while time.monotonic() < end:
            for pid in _descendants(self.proc.pid):
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if kernel["id"].encode() in cmdline:
                    return pid
            time.sleep(0.2)
        raise AssertionError("the kernel did not start")

    def stop(self, signum) -> tuple[set[int], str]:
        """Send ``signum``; the processes there were, and everything intmon printed."""
        before = _descendants(self.proc.pid)
        self.proc.send_signal(signum)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        for reader in self.readers:  # to the end of the pipes: every process has closed them
            reader.join(timeout=10)
        while not self.lines.empty():
            self.stdout.append(self.lines.get())
        return before, "".join(self.stdout + self.stderr)


@pytest.fixture
def demo_workspace(tmp_path):
    done = intmon("init", "ws", "--demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / "ws"


def _page_config(html: str) -> dict:
    found = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(found.group(1))


@pytest.mark.slow
@needs_proc
def test_lab_serves_the_workspace_with_collaboration_and_stops_on_ctrl_c(demo_workspace, tmp_path):
    server = Lab(demo_workspace, tmp_path)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert len(server.token) >= 40  # generated: no token was given
        # nothing without the token
        with pytest.raises(urllib.error.HTTPError) as refused:
            server.request("/api/contents", token=False)
        assert refused.value.code == 403
        # real-time collaboration: the server extension answers, the front end has it on
        status, session = server.api(
            "/api/collaboration/session/notebooks/explore.ipynb",
            "PUT",
            {"format": "json", "type": "notebook"},
        )
        assert status in (200, 201) and session["fileId"] and session["sessionId"]
        _, _, html = server.request("/lab")
        config = _page_config(html)
        assert config["disableRTC"] is False
        names = {e["name"] for e in config["federated_extensions"]}
        assert {"@jupyter/collaboration-extension", "@jupyter/docprovider-extension"} <= names
        assert config["news"] == {"disabled": True}  # nothing fetched from the network
        # "/" opens the explore notebook, the file browser on the commentary
        _, landed, _ = server.request(f"/?token={server.token}", token=False)
        assert urlsplit(landed).path == "/lab/tree/notebooks/explore.ipynb"
        assert "file-browser-path=/parameters/commentary" in landed
        # the explore notebook and a commentary file, through the contents API
        _, nb = server.api("/api/contents/notebooks/explore.ipynb")
        assert nb["type"] == "notebook"
        assert any("find_workspace(project)" in c["source"] for c in nb["content"]["cells"])
        commentary = f"parameters/commentary/{AREA}/labor.md"
        # as JupyterLab's editor asks for it (jupytext would offer .md as a notebook)
        _, md = server.api(f"/api/contents/{commentary}?type=file&format=text")
        assert md["content"] == (demo_workspace / commentary).read_text(encoding="utf-8")
        assert "## Interpretation" in md["content"]
        with pytest.raises(urllib.error.HTTPError) as hidden:  # dotfiles are not served
            server.request("/api/contents/.gitignore")
        assert hidden.value.code == 404
        # a kernel runs with the workspace in its environment
        kernel = server.start_kernel()
        environ = Path(f"/proc/{kernel}/environ").read_bytes().split(b"\0")
        assert f"INTMON_PROJECT={demo_workspace.resolve()}".encode() in environ
    finally:
        before, printed = server.stop(signal.SIGINT)
    assert server.proc.returncode == 0, printed[-3000:]
    assert kernel in before and len(before) >= 2  # the server and the kernel
    assert {p for p in before if _alive(p)} == set(), "processes left behind"
    assert "JupyterLab stopped" in printed
    assert printed.count(server.token) == 1  # the URL, once; Jupyter's log shows token=...
    assert list(server.runtime.glob("jpserver-*.json")) == []
    assert list(server.runtime.glob("kernel-*.json")) == []


@pytest.mark.slow
@needs_proc
def test_lab_without_collaboration_stops_on_sigterm(demo_workspace, tmp_path):
    server = Lab(demo_workspace, tmp_path, "--no-collaboration")
    try:
        _, _, html = server.request("/lab")
        assert _page_config(html)["disableRTC"] is True
        kernel = server.start_kernel()
    finally:
        before, printed = server.stop(signal.SIGTERM)
    assert server.proc.returncode == 0, printed[-3000:]
    assert kernel in before
    assert {p for p in before if _alive(p)} == set(), "processes left behind"


# -- explore.ipynb, wherever JupyterLab was started --------------------------------------


def _run_explore(cwd: Path):
    from nbclient import NotebookClient

    nb = nbformat.read(PROJECT / "notebooks/explore.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(cwd)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o["output_type"] == "error"] == []
    return outputs


@pytest.mark.slow
def test_explore_finds_its_workspace_from_anywhere(demo_store, tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    assert intmon("init", str(ws), "--demo").returncode == 0
    (ws / "data").symlink_to(demo_store.root, target_is_directory=True)
    # started elsewhere (the repository's root), the workspace named by intmon lab
    monkeypatch.setenv("INTMON_PROJECT", str(ws))
    outputs = _run_explore(PROJECT)
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    # plain JupyterLab: the kernel starts in the notebook's folder inside the workspace
    monkeypatch.delenv("INTMON_PROJECT")
    (ws / "notebooks").mkdir(exist_ok=True)
    assert _run_explore(ws / "notebooks")
