"""The GENESIS web service: fetch a table as flat file (ffcsv) and import it like a download.

GENESIS-Online (Destatis) and the Regionaldatenbank (Statistische Ämter des Bundes und der
Länder) share one REST interface (``…/rest/2020/data/tablefile``). Since July 2025 it takes
only POST requests with the credentials in the request headers; intmon sends them so, never
in the URL, and never writes them anywhere.

Credentials come from the environment (``INTMON_GENESIS_USERNAME`` /
``INTMON_GENESIS_PASSWORD``) or from a YAML file outside the repository
(``~/.config/intmon/genesis.yml``, or the file ``INTMON_GENESIS_CONFIG`` names)::

    regionalstatistik: {username: ..., password: ...}
    genesis: {username: ..., password: ...}

A fetched file is cached in ``<data>/downloads/genesis/`` with a ``.json`` note of what was
asked (service, table, area, years; no credentials) and when; a repeated fetch reads the
cache unless ``--refresh``. The service's own messages (wrong credentials, unknown table,
table too large) become errors that say what to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import yaml

from ..errors import DataError
from ..fileio import write_bytes, write_text
from ..reading import SMALL_FILE_LIMIT, load_yaml, read_text
from .genesis import genesis_format

SERVICES = {
    "regionalstatistik": "https://www.regionalstatistik.de/genesisws/rest/2020/",
    "genesis": "https://www-genesis.destatis.de/genesisWS/rest/2020/",
}
CONFIG = Path("~/.config/intmon/genesis.yml")
TIMEOUT = 300  # seconds: large tables take a while on the service's side
MAX_UNZIPPED = 4 * 1024**3  # bytes: the largest flat file a zipped answer may unpack to
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z*-]{2,30}$")


def credentials(service: str) -> tuple[str, str]:
    """``(username, password)`` from the environment or the config file."""
    user, password = (os.environ.get(f"INTMON_GENESIS_{k}") for k in ("USERNAME", "PASSWORD"))
    if user and password:
        return user, password
    path = Path(os.environ.get("INTMON_GENESIS_CONFIG") or CONFIG).expanduser()
    todo = (
        f"set INTMON_GENESIS_USERNAME and INTMON_GENESIS_PASSWORD, or write {path} with "
        f"'{service}: {{username: …, password: …}}' (outside any repository; readable by you "
        f"only). An account is free: register at the service's website"
    )
    if not path.is_file():
        raise DataError(f"no credentials for the {service} web service -> {todo}")
    if any((d / ".git").exists() for d in path.resolve().parents):
        raise DataError(f"{path}: credentials inside a git repository are refused -> {todo}")
    try:
        text = read_text(path, "credentials file", max_bytes=SMALL_FILE_LIMIT)
        entry = (load_yaml(text) or {}).get(service) or {}
    except (yaml.YAMLError, AttributeError) as exc:
        raise DataError(f"{path}: not readable as YAML ({exc}) -> {todo}") from None
    if not isinstance(entry, dict) or not entry.get("username") or not entry.get("password"):
        raise DataError(f"{path}: no username and password for '{service}' -> {todo}")
    return str(entry["username"]), str(entry["password"])


def _service_error(body: bytes, service: str, code: str) -> DataError:
    """The service's JSON status as an error that says what to do."""
    try:
        status = json.loads(body.decode("utf-8")).get("Status", {})
    except (ValueError, UnicodeDecodeError, AttributeError):
        status = {}
    number, content = status.get("Code", "?"), str(status.get("Content", body[:200]))
    text = content.lower()
    if any(w in text for w in ("anmelde", "passwort", "benutzer", "login", "kennung")):
        todo = "check the credentials (INTMON_GENESIS_USERNAME/PASSWORD or the config file)"
    elif "zu groß" in text or "job" in text:
        todo = "ask for fewer years (--years) or one area (--area), or fetch it in parts"
    elif "kein passendes objekt" in text or "nicht gefunden" in text or "existiert nicht" in text:
        todo = f"check the table code {code} in the service's table search"
    else:
        todo = "see the service's message; try again later if it is a technical error"
    return DataError(f"{service} web service, table {code}: {content} (code {number}) -> {todo}")


def _endpoint(url: str) -> str:
    """The service's table-file address; the credentials go only over HTTPS (plain HTTP only
    to this machine, for a test server)."""
    parts = urllib.parse.urlsplit(url)
    local = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise DataError(
            f"--url {url}: the credentials would be sent unencrypted -> use the service's "
            f"https:// address (plain http:// is accepted only for a test server on this machine)"
        )
    return urllib.parse.urljoin(url, "data/tablefile")


def _unzipped(body: bytes, service: str, code: str) -> bytes:
    """The one flat file of a zipped answer (at most :data:`MAX_UNZIPPED` bytes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            if len(members) != 1 or members[0].file_size > MAX_UNZIPPED:
                raise DataError(
                    f"{service} web service, table {code}: the zipped answer holds "
                    f"{len(members)} files of {sum(m.file_size for m in members)} bytes, not "
                    f"one flat file of at most {MAX_UNZIPPED} bytes -> check the service URL, "
                    f"or ask for fewer years (--years) or one area (--area)"
                )
            return z.read(members[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise DataError(
            f"{service} web service, table {code}: the zipped answer is damaged ({exc}) -> "
            f"fetch it again (--refresh)"
        ) from None


def _post(url: str, form: dict, user: str, password: str) -> bytes:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={
            "username": user,
            "password": password,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as exc:
        return (
            exc.read()
            or json.dumps({"Status": {"Code": exc.code, "Content": str(exc.reason)}}).encode()
        )
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DataError(
            f"cannot reach {url} ({getattr(exc, 'reason', exc)}) -> check the network or "
            f"proxy; or download the table as flat file by hand and run 'intmon import FILE'"
        ) from None


def fetch_table(
    code: str,
    cache_dir: Path,
    *,
    service: str = "regionalstatistik",
    area: str | None = None,
    years: tuple[int, int] | None = None,
    url: str | None = None,
    refresh: bool = False,
) -> tuple[Path, bool]:
    """The table as flat file in the cache: ``(path, fetched_now)``."""
    if service not in SERVICES:
        raise DataError(f"unknown service {service!r}; use one of {', '.join(SERVICES)}")
    if not _CODE.match(code):
        raise DataError(f"{code!r} is not a GENESIS table code (such as 12411-01-01-4)")
    parts = [service, code, area or "all", f"{years[0]}-{years[1]}" if years else "all"]
    target = cache_dir / ("_".join(re.sub(r"[^0-9A-Za-z-]", "-", p) for p in parts) + ".csv")
    if target.is_file() and not refresh:
        return target, False
    form = {
        "name": code,
        "area": "all",
        "compress": "false",
        "transpose": "false",
        "format": "ffcsv",
        "language": "de",
        "job": "false",
    }
    if years:
        form |= {"startyear": str(years[0]), "endyear": str(years[1])}
    if area:
        form["regionalkey"] = area
    endpoint = _endpoint(url or SERVICES[service])
    body = _post(endpoint, form, *credentials(service))
    if body[:2] == b"PK":  # a zipped flat file
        body = _unzipped(body, service, code)
    if body.lstrip()[:1] == b"{":
        raise _service_error(body, service, code)
    write_bytes(target, body)
    if genesis_format(target) != "ffcsv":
        target.unlink()
        raise DataError(
            f"{service} web service, table {code}: the answer is not a flat file "
            f"({body[:80]!r}) -> check the table code and the service URL"
        )
    note = {
        "service": service,
        "url": endpoint,
        "table": code,
        "area": area,
        "years": list(years) if years else None,
        "fetched": dt.datetime.now().isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    write_text(target.with_suffix(".json"), json.dumps(note, indent=2) + "\n")
    return target, True
