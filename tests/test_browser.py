"""The pages in a real browser: headless Chromium (Debian's ``chromium`` package, driven by
Playwright with ``executable_path``) opens the integrated report, a topic report, the index
page and the Indikatorenkatalog from the file system, as a reader who saved them would. No
page may request anything from the network or log an error, and axe-core
(``axe-playwright-python``) must find no serious or critical accessibility violation (WCAG 2.1
AA is the bar for public bodies).

Without Chromium these tests skip: install it with ``apt-get install -y chromium`` (``.ci/run``
does so where it is missing).
"""

from __future__ import annotations

import pytest

from intmon_utils import catalogue_doc, runner

from conftest import CHROMIUM, make_project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium not installed (apt-get install -y chromium)"),
]
# Chromium's own background traffic off: pages are checked for their own requests
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(demo_store, tmp_path_factory):
    """The integrated report, a topic report and the index page of a small run, and the
    catalogue."""
    project = make_project(tmp_path_factory.mktemp("browser"), ["99101000"])
    results, index = runner.run(
        project,
        demo_store.root,
        project / "parameters",
        project / "outputs",
        topics=["labor", "publication"],
        quiet=True,
    )
    assert all(r["status"] == "ok" for r in results), results
    catalogue = catalogue_doc.render(
        "html", project / "outputs" / "katalog.html", "de", None, synthetic=True
    )
    return {
        "integrated": project / "outputs/2024/99101000/99101000_report.html",
        "report": project / "outputs/2024/99101000/labor.html",
        "index": index,
        "catalogue": catalogue,
    }


def _open(browser, path):
    """The page loaded from disk, with the requests that left the file system and the
    console errors."""
    page = browser.new_page()
    outside, errors = [], []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    return page, outside, errors


@pytest.mark.parametrize("name", ["integrated", "report", "index", "catalogue"])
def test_page_loads_nothing_from_outside_and_logs_no_error(browser, pages, name):
    page, outside, errors = _open(browser, pages[name])
    assert outside == [], outside
    assert errors == [], errors
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.title() not in ("", "Notebook")
    page.close()


@pytest.mark.parametrize("name", ["integrated", "report", "index", "catalogue"])
def test_page_has_no_serious_accessibility_violation(browser, pages, name):
    from axe_playwright_python.sync_playwright import Axe

    page, _, _ = _open(browser, pages[name])
    violations = Axe().run(page).response["violations"]
    page.close()
    serious = [
        (v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
