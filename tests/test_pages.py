"""The HTML pages outside the notebooks: escaped, language and viewport set, self-contained."""

import re

import jinja2
import pandas as pd
import pytest

from intmon_utils import catalogue_doc, pages
from intmon_utils.catalogue import load_catalogue
from intmon_utils.config.portal import Portal
from intmon_utils.errors import IntmonError
from intmon_utils.portal import info
from intmon_utils.portal.site import Site

HOSTILE = '<script>alert("x")</script>'


def _index(tmp_path, lang="de"):
    entries = [
        {"area_id": "99101000", "topic": "overview", "status": "ok"},
        {"area_id": "99101000", "topic": "labor", "status": "failed", "error": HOSTILE},
        {"area_id": "99101000", "topic": "publication", "status": "ok"},
        {"area_id": "99102000", "topic": "publication", "status": "failed", "error": HOSTILE},
    ]
    matrix = pd.DataFrame(
        [
            {
                "area_id": "99101000",
                "demography": "3/7",
                "education": "1/6",
                "labor": "2/8",
                "housing": "0/6",
                "participation": "1/7",
            }
        ]
    )
    (tmp_path / "99101000").mkdir()
    (tmp_path / "99101000" / "99101000_report.pdf").write_bytes(b"%PDF")
    site = Site(2024, lang, Portal(publisher=HOSTILE), synthetic=True, data_as_of="2025-01-31")
    info.reports_page(site, entries, {"99101000": HOSTILE}, matrix.set_index("area_id"), tmp_path)
    return (tmp_path / "reports.html").read_text(encoding="utf-8")


def _catalogue(tmp_path, lang="de"):
    first = next(iter(load_catalogue())).id
    target = catalogue_doc.render(
        "html", tmp_path / "katalog.html", lang, available={first: HOSTILE}, synthetic=True
    )
    return target.read_text(encoding="utf-8")


def _assert_safe_page(page, lang):
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page and '<meta charset="utf-8">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", page):
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", tag), tag


@pytest.mark.parametrize("lang", ["de", "en"])
def test_reports_page_escapes_and_is_self_contained(tmp_path, lang):
    page = _index(tmp_path, lang)
    _assert_safe_page(page, lang)
    assert 'href="99101000/overview.html"' in page
    # the publication: integrated report, its PDF, the Tabellenband and the values
    for name in ("report.html", "report.pdf", "indicators.xlsx", "values.csv"):
        assert f'href="99101000/99101000_{name}"' in page
    assert 'href="99102000/99102000_' not in page  # a failed publication is marked, not linked
    assert 'href="99101000/labor.html"' not in page  # failed: marked, not linked
    assert ("Fehler:" if lang == "de" else "Failed:") in page
    assert ("SYNTHETISCHE DEMODATEN" if lang == "de" else "SYNTHETIC DEMO DATA") in page


@pytest.mark.parametrize("lang", ["de", "en"])
def test_catalogue_page_escapes_and_is_self_contained(tmp_path, lang):
    page = _catalogue(tmp_path, lang)
    _assert_safe_page(page, lang)
    for ind in load_catalogue():
        assert f"<code>{ind.id}</code>" in page
    assert ("Indikatorenkatalog" if lang == "de" else "Indicator catalogue") in page


def test_render_rejects_unknown_language_and_undefined_names():
    with pytest.raises(IntmonError):
        pages.render("catalogue.html", lang="fr", title="t", note="", topics=[])
    with pytest.raises(jinja2.UndefinedError, match="topics"):
        pages.render("catalogue.html", lang="de", title="t", note="")
