"""Report texts: every key the report code uses exists, and English reports are English.

The English test builds every section of every topic notebook of the demo for a city, a
Landkreis and a Gemeinde with ``language: en`` and looks for German in the visible text: every
German text of ``intmon_utils/texts/*.yml`` that differs from its English one (split at its
placeholders), plus a few words that once leaked. Names of areas and titles of the
publications an indicator refers to are data, not texts, and are left out of the check; so
are the working group's own texts (``data_gaps``, commentary), which the parameter files of
this test do not have.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import yaml

from intmon_utils.report import Report, open_report
from intmon_utils.statuses import REASON_BY_STATUS
from intmon_utils.subareas import CHOSEN_BY
from intmon_utils.texts import all_texts
from intmon_utils.topics import NOTEBOOK_TOPICS

from conftest import PROJECT

# the report package, and the report title (shared with the page title of the HTML export)
REPORT_CODE = [
    *sorted((PROJECT / "intmon_utils" / "report").glob("*.py")),
    PROJECT / "intmon_utils" / "topics.py",
]
AREAS = {"city": "99101000", "landkreis": "99201", "gemeinde": "99201001"}
LEAKED = (" Pp.", " bis ", "Vorjahr", "(KI ")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# keys built at run time: prefix -> the values the suffix can take
FAMILIES = {
    "report_change": ("1", "5"),
    "report_level_": CHOSEN_BY,
    "report_trend_": ("rising", "falling", "stable", "insufficient"),
    "report_goal_": ("reached", "on_track", "off_track", "no_data"),
    "report_gap_": ("favourable", "unfavourable", "neutral"),
    "report_reason_": (
        "none",
        "missing_numerator",
        "missing_denominator",
        "zero_denominator",
        "secret_source",
        "secret",
        "not_yet_available",
        "uncertain",
        "not_meaningful",
        "too_few_cases",
    ),
}


# -- text keys ---------------------------------------------------------------------------------
def _code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in REPORT_CODE)


def _static_keys() -> set[str]:
    """Every string literal of the report code that names a report text."""
    return set(re.findall(r"""["'](report_\w+)["']""", _code()))


def _dynamic_prefixes() -> set[str]:
    """Prefixes of keys completed at run time, e.g. ``f"report_trend_{...}"``."""
    return set(re.findall(r"""\bf["'](report_\w*)\{""", _code()))


def test_every_key_used_in_the_report_code_exists():
    texts = all_texts()
    static = _static_keys()
    assert len(static) > 50
    assert not static - set(texts), sorted(static - set(texts))
    prefixes = _dynamic_prefixes()
    assert prefixes <= set(FAMILIES), f"add the values of {prefixes - set(FAMILIES)} to FAMILIES"
    missing = [p + v for p in prefixes for v in FAMILIES[p] if p + v not in texts]
    assert not missing, missing


def test_every_report_text_is_used():
    used = _static_keys() | {p + v for p in _dynamic_prefixes() for v in FAMILIES[p]}
    unused = {k for k in all_texts() if k.startswith("report_")} - used
    assert not unused, sorted(unused)


def test_every_reason_code_of_the_demo_has_a_text(demo_published):
    _, table = demo_published
    codes = {c for c in table["reason"].dropna().unique() if c} | set(REASON_BY_STATUS.values())
    assert codes <= set(FAMILIES["report_reason_"]), codes - set(FAMILIES["report_reason_"])


def test_report_code_has_no_language_switch():
    for path in REPORT_CODE:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"""lang\w*\s*[!=]=|["'](de|en)["']""", source), path.name


# -- English reports ----------------------------------------------------------------------------
class _Visible(HTMLParser):
    """Text a reader sees: data outside style and script, plus the alt text of images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.hidden += 1
        elif tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(fragment: str) -> str:
    parser = _Visible()
    parser.feed(fragment)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts))


def german_fragments() -> set[str]:
    """Pieces of German texts (between placeholders) that the English texts do not contain."""
    out = set(LEAKED)
    for texts in all_texts().values():
        if texts["de"] == texts["en"]:
            continue
        for piece in PLACEHOLDER.split(texts["de"]):
            piece = piece.strip(" ;:,.()")
            english = texts["en"].casefold()  # "Index"/"index" is the same word
            if len(re.sub(r"[^A-Za-zÄÖÜäöüß]", "", piece)) >= 3 and piece.casefold() not in english:
                out.add(piece)
    return out


def _english_project(root: Path) -> Path:
    """Parameter files of the demo areas with ``language: en`` and without texts of their own."""
    folder = root / "parameters"
    folder.mkdir(parents=True)
    (folder / "defaults.yml").write_text((PROJECT / "parameters/defaults.yml").read_text())
    for area in AREAS.values():
        params = yaml.safe_load((PROJECT / f"parameters/{area}.yml").read_text(encoding="utf-8"))
        params.pop("data_gaps", None)
        params["language"] = "en"
        (folder / f"{area}.yml").write_text(
            yaml.safe_dump(params, allow_unicode=True), encoding="utf-8"
        )
    return root


def _calls(topic: str) -> list[str]:
    """The section calls of ``notebooks/<topic>.py``, e.g. ``report.by_sex([...])``."""
    source = (PROJECT / "notebooks" / f"{topic}.py").read_text(encoding="utf-8")
    return re.findall(r"^(report\.\w+\(.*\))\s*$", source, flags=re.M)


@pytest.fixture(scope="module")
def english_reports(demo_store, tmp_path_factory):
    """({(area, topic, call): visible text} of every section of every topic notebook,
    proper names that may be German)."""
    project = _english_project(tmp_path_factory.mktemp("english"))
    texts = {}
    for area in AREAS.values():
        for topic in NOTEBOOK_TOPICS:
            report = open_report(
                area,
                f"parameters/{area}.yml",
                topic,
                str(demo_store.root),
                f"outputs/{area}",
                str(project),
            )
            assert report.lang == "en"
            for call in _calls(topic):
                section = eval(call, {"report": report})  # noqa: S307 - our notebook's calls
                texts[area, topic, call] = visible_text(section._repr_html_())
    plt.close("all")
    # proper names: areas, references and data sources (a publisher's name stays German)
    names = (
        set(report.areas["name"])
        | {ref.ref for ind in report.catalogue for ref in ind.references}
        | set(report.observations["source"].dropna())
    )
    return texts, names


@pytest.mark.slow
def test_every_section_of_report_is_exercised(english_reports):
    texts, _ = english_reports
    called = {call.split("(")[0].removeprefix("report.") for _, _, call in texts}
    sections = {
        name
        for name, value in vars(Report).items()
        if callable(value) and not name.startswith("_") and name != "values"
    }
    assert len(sections) == 14 and sections <= called, sections - called


@pytest.mark.slow
def test_english_reports_contain_no_german(english_reports):
    texts, names = english_reports
    fragments = german_fragments()
    assert {"Kennzahlen", "Zähler", "bis"} <= fragments
    found = []
    for (area, topic, call), shown in texts.items():
        for name in sorted(names, key=len, reverse=True):
            shown = shown.replace(name, " ")
        for piece in fragments:
            if re.search(rf"(?<!\w){re.escape(piece.strip())}(?!\w)", shown):
                found.append((area, topic, call, piece))
    assert not found, found[:20]


@pytest.mark.slow
def test_english_key_figures_show_gaps_in_pp(english_reports):
    texts, _ = english_reports
    shown = texts[AREAS["city"], "labor", "report.key_figures()"]
    assert re.search(r"[+-]\d+\.\d pp", shown), shown[:500]
    goals = texts[AREAS["city"], "labor", "report.goals()"]
    # the goal states its group and its unit (a gap of shares is in percentage points)
    assert "≤ 3.0 pp by 2030" in goals and "Gap Foreign nationals – Germans" in goals


def _open(kind: str, topic: str, store, out) -> Report:
    area = AREAS[kind]
    path = PROJECT / "parameters" / f"{area}.yml"
    return open_report(area, str(path), topic, str(store.root), str(out), str(PROJECT))


def test_a_gemeinde_without_school_data_points_to_its_kreis(demo_store, tmp_path):
    """Defect: a Gemeinde got an empty education report; school statistics are published
    per Kreis, so the report says where the values are."""
    shown = visible_text(
        _open("gemeinde", "education", demo_store, tmp_path).key_figures()._repr_html_()
    )
    assert f"({AREAS['landkreis']})" in shown and "veröffentlicht" in shown
    # an area with values of its own points nowhere
    assert _open("city", "education", demo_store, tmp_path).parent_with_data is None
    plt.close("all")
