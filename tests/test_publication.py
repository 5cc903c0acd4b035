"""The integrated report of a municipality (title page, contents, summary, topic chapters with
the interpretation after each figure, findings, availability, methods, symbols, imprint) and
its PDF."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from intmon_utils.config.parameters import load_parameters
from intmon_utils.errors import ParameterError
from intmon_utils.publication import document
from intmon_utils.publication.pdf import print_pdf

from conftest import CHROMIUM, make_project

CHAPTERS = ["summary", "education", "labor", "housing", "participation"]
BACK_MATTER = ["availability", "methods", "symbols", "imprint"]


class _Page(HTMLParser):
    """Headings (level, text), ids, links, resources and the text of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings: list[list] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.tags: list[str] = []
        self.lang = None
        self._heading = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("img", "script", "link", "iframe"):
            self.resources.append(a.get("src") or a.get("href") or "")
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
            self.headings.append(self._heading)

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(
        tmp_path_factory.mktemp("publication"), ["99101000", "99102000", "99201001"]
    )


def integrated(project: Path, demo_store, area: str) -> str:
    params = load_parameters(project / "parameters" / f"{area}.yml")
    out = project / "outputs" / "2024" / area
    return document.render(document.open_reports(params, demo_store.root, out, project))


@pytest.fixture(scope="module")
def city(project, demo_store) -> str:
    """Lindenhagen: commentary with anchored blocks, findings, a summary text, a logo."""
    return integrated(project, demo_store, "99101000")


@pytest.fixture(scope="module")
def plain(project, demo_store) -> str:
    """Falkenried: no commentary at all, no publication settings (a draft)."""
    return integrated(project, demo_store, "99102000")


def test_the_report_has_every_part_in_order_and_a_working_contents(city):
    page = parse(city)
    assert page.lang == "de"
    assert [h for h in page.headings if h[0] == 1] == [[1, "Integrationsbericht Lindenhagen 2024"]]
    chapters = [h[1] for h in page.headings if h[0] == 2]
    assert chapters[:7] == [
        "Inhalt",
        "Zusammenfassung",
        "Bildung",
        "Arbeitsmarkt und Lebensunterhalt",
        "Wohnen und Sozialraum",
        "Teilhabe und interkulturelle Öffnung",
        "Qualitative Befunde",
    ]
    assert chapters[-4:] == [
        "Datenverfügbarkeit",
        "Methoden und Quellen",
        "Zeichenerklärung",
        "Impressum",
    ]
    levels = [h[0] for h in page.headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), "a heading level is skipped"
    anchors = [link[1:] for link in page.links if link.startswith("#")]
    assert set(CHAPTERS + BACK_MATTER + ["findings", "labor-time_series"]) <= set(anchors)
    assert set(anchors) <= page.ids, set(anchors) - page.ids
    # landmarks for assistive technology; nothing that runs or loads from elsewhere
    assert {"header", "nav", "main", "footer"} <= set(page.tags)
    assert "script" not in page.tags
    assert all(src.startswith("data:") for src in page.resources), page.resources


def test_commentary_follows_the_figure_or_table_it_interprets(city):
    labor = city[city.index('id="labor"') : city.index('id="housing"')]
    series = labor.index('id="labor-time_series"')
    block = labor.index("Der Rückgang seit 2014 betrifft beide Gruppen")
    gaps = labor.index('id="labor-gaps"')
    assert series < labor.index("<img", series) < block < gaps  # after its figure, in its part
    gap_text = labor.index("Die größten Abstände zeigen sich")
    assert labor.index("<img", gaps) < gap_text < labor.index('id="labor-subdistricts"')
    # the topic's own interpretation comes after the key figures
    key = labor.index('id="labor-key_figures"')
    assert key < labor.index("Die Arbeitslosenquote der Ausländerinnen") < series
    # findings and the introduction of the summary have their places
    assert city.index("Aus dem Integrationsbeirat") > city.index('id="findings"')
    summary = city[city.index('id="summary"') : city.index('id="education"')]
    assert "dritte Integrationsbericht der Stadt Lindenhagen" in summary


def test_missing_commentary_shows_nothing_to_the_public(plain):
    page = parse(plain)
    assert "Qualitative Befunde" not in [h[1] for h in page.headings]
    assert 'class="intmon-commentary"' not in plain
    assert ".md" not in plain and "commentary/" not in plain
    assert "Arbeitsansicht" not in plain  # the working view's hint stays in the topic reports


def test_title_page_and_imprint_come_from_the_parameters(city, plain):
    head = city[: city.index("</header>")]
    for fact in (
        "Stadt Lindenhagen (fiktiv), Statistikstelle und Integrationsbüro",
        "integrationsmonitoring@lindenhagen.example",
        "2025-03-31",
        "Datenstand",
        'src="data:image/svg+xml;base64,',
    ):
        assert fact in head, fact
    imprint = city[city.index('id="imprint"') :]
    assert "dl-de/by-2-0" in imprint and "intmon" in imprint
    # released: no draft mark; a report without a release is a draft on every page
    assert "Entwurf" not in head and "Entwurf" not in parse(city).lang
    assert 'class="draft-mark">Entwurf' in plain
    assert re.search(r"@top-right \{ content: \"Entwurf\"", plain)
    assert not re.search(r"@top-right \{ content: \"Entwurf\"", city)


def test_summary_states_goals_in_words_and_colour(city):
    summary = city[city.index('id="summary"') : city.index('id="education"')]
    states = re.findall(r'class="goal goal-(\w+)">([^<]+)<', summary)
    assert states, "the city's goals are not in the summary"
    words = {"reached": "erreicht", "on_track": "auf Kurs", "off_track": "nicht auf Kurs"}
    for state, label in states:
        assert label.endswith(words.get(state, "keine Daten")), (state, label)


def test_a_gemeinde_without_school_data_is_pointed_to_its_kreis(project, demo_store):
    page = integrated(project, demo_store, "99201001")
    education = page[page.index('id="education"') : page.index('id="labor"')]
    assert "Landkreis Hohe Wende (99201)" in education
    assert "<img" not in education


def test_english_report_has_no_german_headings(project, demo_store, tmp_path):
    params = project / "parameters"
    english = tmp_path / "parameters"
    shutil.copytree(params, english)
    path = english / "99101000.yml"
    path.write_text(path.read_text(encoding="utf-8") + "language: en\n", encoding="utf-8")
    p = load_parameters(path)
    page = document.render(document.open_reports(p, demo_store.root, tmp_path / "out", project))
    parsed = parse(page)
    assert parsed.lang == "en"
    headings = [h[1] for h in parsed.headings]
    assert "Summary" in headings and "Contents" in headings and "Imprint" in headings
    german = {"Zusammenfassung", "Inhalt", "Kennzahlen", "Impressum", "Zeichenerklärung"}
    assert german.isdisjoint(headings)


def test_a_missing_logo_names_the_key(project, demo_store, tmp_path):
    folder = tmp_path / "parameters"
    shutil.copytree(project / "parameters", folder)
    (folder / "lindenhagen-logo.svg").unlink()
    p = load_parameters(folder / "99101000.yml")
    with pytest.raises(ParameterError, match="publication.logo"):
        document.render(document.open_reports(p, demo_store.root, tmp_path / "out", project))


def test_css_strings_cannot_break_out_of_the_style_element():
    quoted = document.css_string('Bericht "A" </style><script>x</script> \\ ende')
    assert "</style" not in quoted and '"A"' not in quoted
    assert quoted.startswith('"') and quoted.endswith('"') and quoted.count('"') == 2


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (apt-get install -y chromium)"
)


@needs_chromium
@pytest.mark.slow
def test_pdf_is_a4_tagged_with_outline_and_no_text_outside_the_page(city, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    html_path = tmp_path / "report.html"
    html_path.write_text(city, encoding="utf-8")
    pdf = print_pdf(html_path, tmp_path / "report.pdf", CHROMIUM)
    reader = pypdf.PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged
    assert reader.metadata.title == "Integrationsbericht Lindenhagen 2024"
    outline = [o.title for o in _flatten(reader.outline)]
    for chapter in ("Zusammenfassung", "Arbeitsmarkt und Lebensunterhalt", "Impressum"):
        assert chapter in outline, outline
    text = ""
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842), "not A4"
        outside = []

        def visit(chunk, cm, tm, font, size, width=width, height=height, outside=outside):
            if not chunk.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (-1 <= x <= width + 1 and -1 <= y <= height + 1):
                outside.append((chunk, round(x), round(y)))

        text += page.extract_text(visitor_text=visit)
        assert outside == [], f"page {number}: text outside the page: {outside[:3]}"
    assert "Zusammenfassung" in text and "Seite 2 /" in text
    # the widest table (sub-districts) is split: its last column is printed
    assert "SGB-II-Quote – Ausländerinnen und Ausländer" in text.replace("\n", " ")


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


@pytest.mark.slow
def test_run_makes_the_publication_in_a_job_and_redoes_it_only_when_its_inputs_change(
    demo_store, tmp_path
):
    from intmon_utils import runner
    from intmon_utils.publication import output_names

    # (the test runs print no PDF: conftest points INTMON_CHROMIUM to no browser)
    project = make_project(tmp_path, ["99101000"])

    def run():
        results, index = runner.run(
            project,
            demo_store.root,
            project / "parameters",
            project / "outputs",
            topics=["publication"],
            quiet=True,
        )
        return results, index

    results, index = run()
    assert [(r["topic"], r["status"]) for r in results] == [("publication", "ok")], results
    names = output_names("99101000")
    out = project / "outputs/2024/99101000"
    assert results[0]["outputs"] == [
        names["report"],
        names["workbook"],
        names["values_csv"],
        names["values_parquet"],
    ]
    assert all((out / name).is_file() for name in results[0]["outputs"])
    # without a browser: no PDF, said once in the run's summary, no link to one
    assert not (out / names["pdf"]).exists()
    assert "no PDF" in runner.summary(results)
    page = (index.parent / "reports.html").read_text(encoding="utf-8")
    assert 'href="99101000/99101000_report.html"' in page
    assert 'href="99101000/99101000_indicators.xlsx"' in page
    area_page = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="99101000_report.html"' in area_page
    assert "_report.pdf" not in page + area_page

    again, _ = run()
    assert again[0]["status"] == "skipped"
    findings = project / "parameters/commentary/99101000/findings.md"
    findings.write_text("## Neu\n\nEin neuer Befund aus dem Beirat.\n", encoding="utf-8")
    third, _ = run()
    assert third[0]["status"] == "ok"
    assert "Ein neuer Befund aus dem Beirat." in (out / names["report"]).read_text(encoding="utf-8")
