"""Golden regression test: the demo's published tables and report texts are unchanged.

How to regenerate the snapshot on purpose: see ``tests/golden_tools.py``.
"""

import difflib
import json

import pytest

import golden_tools

EXPECTED = json.loads((golden_tools.GOLDEN / "tables.json").read_text(encoding="utf-8"))
HOW = "if the change is intended: python tests/golden_tools.py, then review git diff tests/golden/"


def _diff_parts(name: str, actual: dict) -> list[str]:
    want, got = EXPECTED[name]["parts"], actual[name]["parts"]
    return sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))


def test_published_tables_unchanged(demo_published):
    observations, indicators = demo_published
    actual = golden_tools.table_digests(observations, indicators)
    for name in ("observations", "indicators"):
        assert actual[name]["columns"] == EXPECTED[name]["columns"], (name, HOW)
        assert actual[name]["rows"] == EXPECTED[name]["rows"], (name, HOW)
        changed = _diff_parts(name, actual)
        assert not changed, f"{name} changed for {changed} ({HOW})"


def test_digest_detects_a_changed_value(demo_published):
    """The snapshot is sensitive: one value changed in the 12th digit changes its part."""
    observations, indicators = demo_published
    changed = indicators.copy()
    row = changed.index[changed["value"].notna()][0]
    changed.loc[row, "value"] *= 1 + 1e-9
    digests = golden_tools.table_digests(observations, changed)
    assert _diff_parts("indicators", digests) == [changed.loc[row, "indicator_id"]]


@pytest.fixture(scope="module")
def report_texts(demo_store, tmp_path_factory):
    project = golden_tools.project_with_languages(tmp_path_factory.mktemp("golden"))
    return {
        f"{a}_{t}_{lang}.txt": golden_tools.report_text(project, demo_store.root, a, t)
        for a, t, lang in golden_tools.REPORTS
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", [f"{a}_{t}_{lang}.txt" for a, t, lang in golden_tools.REPORTS])
def test_report_text_unchanged(report_texts, name):
    expected = (golden_tools.GOLDEN / name).read_text(encoding="utf-8")
    actual = report_texts[name]
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(True), actual.splitlines(True), "golden", "now", n=1
                )
            )[:60]
        )
        pytest.fail(f"visible text of {name} changed ({HOW}):\n{diff}")


def test_visible_text_reads_like_a_page():
    html = (
        "<style>p{}</style><h2>Kennzahlen</h2><table><tr><th>A</th><td>1,5 %</td></tr>"
        '</table><p>Text <b>fett</b></p><img alt="Abb. 1" src="x.png"><script>x=1</script>'
    )
    assert golden_tools.visible_text(html) == (
        "Kennzahlen\n| A | 1,5 %\nText fett\n[Abbildung: Abb. 1]\n"
    )
