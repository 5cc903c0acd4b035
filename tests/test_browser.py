"""The pages in a real browser: headless Chromium (Debian's ``chromium`` package, driven by
Playwright with ``executable_path``) opens the integrated report, a topic report, the portal
and the Indikatorenkatalog from the file system, as a reader who saved them would. No page
may request anything from the network or log an error, and axe-core (``axe-playwright-python``)
must find no serious or critical accessibility violation (WCAG 2.1 AA is the bar for public
bodies). The portal is crawled from its start page (no broken link, no missing image), a
comparison table is sorted, and screenshots at 1280 and 390 px are kept as test artefacts in
``test-artifacts/`` (or the folder named by ``INTMON_TEST_ARTIFACTS``).

Without Chromium these tests skip: install it with ``apt-get install -y chromium`` (``.ci/run``
does so where it is missing).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from intmon_utils import catalogue_doc, runner

from conftest import CHROMIUM, PROJECT, make_project

ARTIFACTS = Path(os.environ.get("INTMON_TEST_ARTIFACTS") or PROJECT / "test-artifacts")
UNEMPLOYMENT = "labor.unemployment_rate"

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
    """The integrated report, a topic report and the portal of a small run (a city and a
    Gemeinde: two area levels), and the catalogue."""
    project = make_project(tmp_path_factory.mktemp("browser"), ["99101000", "99201001"])
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
    year_dir = index.parent
    return {
        "integrated": year_dir / "99101000/99101000_report.html",
        "report": year_dir / "99101000/labor.html",
        "index": index,
        "catalogue": catalogue,
        "indicator": year_dir / f"indicators/{UNEMPLOYMENT}.html",
        "area": year_dir / "99101000/index.html",
        "easy": year_dir / "leichte-sprache.html",
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


PAGES = ["integrated", "report", "index", "catalogue", "indicator", "area", "easy"]


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_nothing_from_outside_and_logs_no_error(browser, pages, name):
    page, outside, errors = _open(browser, pages[name])
    assert outside == [], outside
    assert errors == [], errors
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.title() not in ("", "Notebook")
    page.close()


@pytest.mark.parametrize("name", PAGES)
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


def _local_links(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.href).filter(h => h.startsWith('file:'))"
    )


def test_portal_crawl_finds_no_broken_link_missing_image_error_or_request(browser, pages):
    """Every portal page reachable from the start page: links resolve to files, images
    load, nothing is requested from outside, nothing logged as an error."""
    year_dir = pages["index"].parent
    todo, seen, broken, problems = [pages["index"]], set(), [], []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        page, outside, errors = _open(browser, path)
        missing_images = page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        problems += [(path.name, "outside", u) for u in outside]
        problems += [(path.name, "console", e) for e in errors]
        problems += [(path.name, "image", i) for i in missing_images]
        for href in _local_links(page):
            target = Path(unquote(urlparse(href).path))
            if not target.exists():
                broken.append((path.relative_to(year_dir), href))
            elif target.suffix == ".html" and _is_portal_page(target, year_dir):
                todo.append(target)
        page.close()
    assert broken == [] and problems == [], (broken, problems)
    assert len(seen) >= 55  # start, 7 info pages, 47 indicators, the areas


def _is_portal_page(path: Path, year_dir: Path) -> bool:
    """A page of the portal itself (the reports it links are checked on their own)."""
    rel = path.relative_to(year_dir)
    return len(rel.parts) == 1 or rel.parts[0] == "indicators" or rel.name == "index.html"


def _sort_keys(page, column: int) -> list:
    return page.eval_on_selector_all(
        "#table-district tbody:first-of-type tr",
        f"rows => rows.map(r => r.cells[{column}].getAttribute('data-sort'))",
    )


def test_comparison_table_sorts_by_value_with_symbols_last(browser, pages):
    page, _, _ = _open(browser, pages["indicator"])
    headers = page.locator("#table-district thead th button")
    value_column = 2  # area, AGS, value, ...
    headers.nth(value_column).click()
    keys = _sort_keys(page, value_column)
    numbers = [float(k) for k in keys if k]
    assert numbers == sorted(numbers) and keys[len(numbers) :] == [""] * (len(keys) - len(numbers))
    assert (
        page.locator("#table-district thead th").nth(value_column).get_attribute("aria-sort")
        == "ascending"
    )
    headers.nth(value_column).click()
    numbers = [float(k) for k in _sort_keys(page, value_column) if k]
    assert numbers == sorted(numbers, reverse=True)
    page.close()


def test_area_search_filters_the_list(browser, pages):
    page, _, _ = _open(browser, pages["index"])
    page.fill("#area-search", "99201001")
    visible = page.eval_on_selector_all(
        "#area-list li", "items => items.filter(i => !i.hidden).map(i => i.textContent)"
    )
    assert len(visible) == 1 and "99201001" in visible[0]
    assert "1" in page.text_content("#area-count")
    page.close()


@pytest.mark.parametrize("width", [1280, 390, 360])
@pytest.mark.parametrize("name", ["index", "indicator", "area"])
def test_portal_fits_the_screen_and_is_kept_as_screenshot(browser, pages, name, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(pages[name].as_uri(), wait_until="load")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"portal-{name}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert overflow <= 0, f"{name} is {overflow} px wider than a {width} px screen"
    assert shot.stat().st_size > 10_000
