"""The PDF of an integrated report, printed by a headless Chromium.

Chromium lays the page out with the print stylesheet (A4, running header, page numbers) and
writes a tagged PDF with a document outline from the headings, the title and the language of
the page. It is looked up as ``$INTMON_CHROMIUM`` or on the ``PATH`` (``chromium``,
``chromium-browser``, ``google-chrome``); without it, no PDF is written and the run says so
(install it with the system's package manager, e.g. ``apt-get install chromium``). The page
is opened from the file system with every network request refused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import IntmonError
from ..fileio import atomic_path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 180  # seconds for one report


def find_chromium() -> str | None:
    """The Chromium executable to print with, or None."""
    configured = os.environ.get("INTMON_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return next((found for b in BROWSERS if (found := shutil.which(b))), None)


def print_pdf(html_path: Path, pdf_path: Path, chromium: str | None = None) -> Path:
    """Print ``html_path`` to ``pdf_path`` (atomically); raise an error that says what to do
    when there is no browser or printing fails."""
    browser = chromium or find_chromium()
    if browser is None:
        raise IntmonError(
            "no Chromium found to print the PDF -> install it (e.g. 'apt-get install "
            "chromium') or set INTMON_CHROMIUM to its path"
        )
    with tempfile.TemporaryDirectory(prefix="intmon-chromium-") as profile:
        with atomic_path(pdf_path) as tmp:
            command = [
                browser,
                "--headless",
                "--disable-gpu",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing leaves the machine
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                "--generate-pdf-document-outline",
                f"--print-to-pdf={tmp}",
                *(["--no-sandbox"] if _is_root() else []),
                Path(html_path).resolve().as_uri(),
            ]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                raise IntmonError(
                    f"{browser} did not print {html_path} within {TIMEOUT} s"
                ) from None
            if done.returncode != 0 or tmp.stat().st_size == 0:
                raise IntmonError(
                    f"{browser} could not print {html_path} (exit {done.returncode}): "
                    f"{done.stderr.strip()[-400:]}"
                )
    return Path(pdf_path)


def _is_root() -> bool:
    """Chromium refuses to run as root with its sandbox (containers, CI)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0
