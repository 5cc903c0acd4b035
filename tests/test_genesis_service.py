"""The GENESIS web service client (intmon_utils/sources/genesis_service.py) against a local
server that replays real flat files the way the service answers: POST with the credentials in
the headers, the flat file as body, or a JSON status for the service's own errors. No test
reaches the internet."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from intmon_utils.cli import main
from intmon_utils.errors import DataError
from intmon_utils.sources.genesis_service import credentials, fetch_table

from conftest import REALDATA, needs_realdata

FLAT = REALDATA / "02_destatis_genesis_ffcsv"
USER, PASSWORD = "tester", "geheim"


class Replay(BaseHTTPRequestHandler):
    """Answers ``…/data/tablefile`` like the service: a known code gives its real flat file."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        length = int(self.headers["Content-Length"])
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        Replay.requests.append({"path": self.path, "form": form, "headers": dict(self.headers)})
        if self.headers.get("username") != USER or self.headers.get("password") != PASSWORD:
            return self._status(
                "Fehler bei der Anmeldung. Bitte überprüfen Sie Benutzername und Passwort.", 15
            )
        files = sorted(FLAT.glob(f"{form.get('name')}_*_flat.csv"))
        if not self.path.endswith("/rest/2020/data/tablefile") or not files:
            return self._status("Kein passendes Objekt zur Suche vorhanden.", 104)
        body = files[0].read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _status(self, content: str, code: int):
        body = json.dumps({"Status": {"Code": code, "Content": content, "Type": "Fehler"}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture()
def service(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Replay.requests = []
    monkeypatch.setenv("INTMON_GENESIS_USERNAME", USER)
    monkeypatch.setenv("INTMON_GENESIS_PASSWORD", PASSWORD)
    yield f"http://127.0.0.1:{server.server_port}/genesisws/rest/2020/"
    server.shutdown()


@needs_realdata
def test_fetch_and_import_a_table_through_the_service(tmp_path, service, capsys):
    data = str(tmp_path / "data")
    args = ["fetch", "12411-01-01-4", "--url", service, "--data", data, "--years", "2015", "2024"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "fetched from the regionalstatistik web service" in out
    assert "source genesis_12411-01-01-4 (merge): 1,467 added" in out
    (request,) = Replay.requests
    assert request["form"]["name"] == "12411-01-01-4" and request["form"]["format"] == "ffcsv"
    assert request["form"]["startyear"] == "2015" and request["form"]["endyear"] == "2024"
    assert PASSWORD not in request["path"] and "password" not in request["form"]
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700  # the downloads' folder too
    # the same observations as importing the downloaded file by hand
    by_hand = tmp_path / "by_hand"
    assert (
        main(["import", *map(str, FLAT.glob("12411-01-01-4_*.csv")), "--data", str(by_hand)]) == 0
    )
    a = pd.read_parquet(tmp_path / "data" / "observations" / "genesis_12411-01-01-4.parquet")
    b = pd.read_parquet(by_hand / "observations" / "genesis_12411-01-01-4.parquet")
    pd.testing.assert_frame_equal(a.drop(columns="source"), b.drop(columns="source"))
    # again: from the cache, nothing asked of the service, nothing changes
    assert main(args) == 0
    assert "from the cache" in capsys.readouterr().out and len(Replay.requests) == 1
    note = json.loads(
        next((tmp_path / "data" / "downloads" / "genesis").glob("*.json")).read_text()
    )
    assert note["table"] == "12411-01-01-4" and PASSWORD not in json.dumps(note)


@needs_realdata
def test_the_services_own_messages_say_what_to_do(tmp_path, service, monkeypatch):
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"Kein passendes Objekt.*\(code 104\) -> check the table"):
        fetch_table("99999-01-01-4", cache, url=service)
    monkeypatch.setenv("INTMON_GENESIS_PASSWORD", "falsch")
    with pytest.raises(DataError, match=r"Anmeldung.*-> check the credentials"):
        fetch_table("12411-01-01-4", cache, url=service)
    assert not any(cache.glob("*.csv"))  # nothing half-written


def test_credentials_from_a_file_outside_the_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("INTMON_GENESIS_USERNAME", raising=False)
    monkeypatch.delenv("INTMON_GENESIS_PASSWORD", raising=False)
    config = tmp_path / "home" / "genesis.yml"
    monkeypatch.setenv("INTMON_GENESIS_CONFIG", str(config))
    with pytest.raises(DataError, match="no credentials for the genesis web service"):
        credentials("genesis")
    config.parent.mkdir()
    config.write_text("genesis: {username: a, password: b}\n", encoding="utf-8")
    assert credentials("genesis") == ("a", "b")
    with pytest.raises(DataError, match="no username and password for 'regionalstatistik'"):
        credentials("regionalstatistik")
    config.write_text("regionalstatistik: geheim\n", encoding="utf-8")  # no mapping
    with pytest.raises(DataError, match="no username and password for 'regionalstatistik'"):
        credentials("regionalstatistik")
    (tmp_path / ".git").mkdir()  # the same file inside a repository
    with pytest.raises(DataError, match="inside a git repository are refused"):
        credentials("genesis")


def test_an_unreachable_service_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("INTMON_GENESIS_USERNAME", USER)
    monkeypatch.setenv("INTMON_GENESIS_PASSWORD", PASSWORD)
    with pytest.raises(DataError, match="cannot reach .* download the table as flat file"):
        fetch_table("12411-01-01-4", tmp_path, url="http://127.0.0.1:9/genesisws/rest/2020/")


def test_credentials_never_go_over_plain_http_to_another_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("INTMON_GENESIS_USERNAME", USER)
    monkeypatch.setenv("INTMON_GENESIS_PASSWORD", PASSWORD)
    sent = []
    monkeypatch.setattr(
        "intmon_utils.sources.genesis_service._post", lambda *a: sent.append(a) or b""
    )
    for url in ("http://www.regionalstatistik.de/genesisws/rest/2020/", "ftp://example.org/"):
        with pytest.raises(DataError, match="sent unencrypted -> use the service's https://"):
            fetch_table("12411-01-01-4", tmp_path, url=url)
    assert sent == []


class Zipped(BaseHTTPRequestHandler):
    """Answers every request with the zip archive in ``body``."""

    body = b""

    def do_POST(self):  # noqa: N802 (the http.server API)
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", str(len(Zipped.body)))
        self.end_headers()
        self.wfile.write(Zipped.body)

    def log_message(self, *args):  # quiet
        pass


@pytest.mark.parametrize("members", [{}, {"a.csv": "x", "b.csv": "y"}], ids=["empty", "two"])
def test_a_zipped_answer_must_hold_one_flat_file(tmp_path, monkeypatch, members):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    Zipped.body = buffer.getvalue()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Zipped)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("INTMON_GENESIS_USERNAME", USER)
    monkeypatch.setenv("INTMON_GENESIS_PASSWORD", PASSWORD)
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        with pytest.raises(DataError, match=f"holds {len(members)} files .* not one flat file"):
            fetch_table("12411-01-01-4", tmp_path / "cache", url=url)
        Zipped.body = b"PK\x03\x04 cut short"
        with pytest.raises(DataError, match="the zipped answer is damaged"):
            fetch_table("12411-01-01-4", tmp_path / "cache", url=url)
    finally:
        server.shutdown()
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
