"""The commentary Markdown of a working group is rendered without any active content."""

from html.parser import HTMLParser

import pytest

from intmon_utils.report.safe_markdown import ALLOWED_TAGS, render_markdown


class _Elements(HTMLParser):
    """Every element of an HTML fragment as (tag, {attribute: value})."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _elements(fragment: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser.elements


ATTACKS = [
    "<script>alert(1)</script>",
    "Text <script src=https://evil.example/x.js></script> mehr",
    '<img src="x" onerror="alert(1)">',
    '<a href="https://example.org" onclick="alert(1)">Link</a>',
    "<body onload=alert(1)>",
    '<svg onload="alert(1)"><circle/></svg>',
    "[Klick](javascript:alert(1))",
    "[Klick](JaVaScRiPt:alert(1))",
    "[Klick](  javascript:alert(1) )",
    "[Klick](vbscript:msgbox(1))",
    "[Daten](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="position:fixed;top:0">Overlay</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<form action=https://evil.example><input name=x></form>",
    "<object data=x></object><embed src=x>",
    "<!-- a comment --><scr<!-- -->ipt>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "![Bild](https://evil.example/track.png)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[relativ](../../outputs/secret.html) [ftp](ftp://example.org/x) [anker](#top)",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_no_active_content_survives(source):
    out = render_markdown(source)
    for tag, attrs in _elements(out):
        assert tag in ALLOWED_TAGS, (tag, out)
        assert tag not in ("script", "iframe", "object", "embed", "form", "style", "img"), out
        for name, value in attrs.items():
            assert not name.startswith("on"), out
            assert name != "style", out
            if name == "href":
                assert value.split(":", 1)[0].lower() in ("http", "https", "mailto"), out
    # nothing left that a browser would run: raw markup can only appear escaped, as text
    assert "<script" not in out.lower() and "<iframe" not in out.lower()


def test_ordinary_markdown_renders():
    source = """<!-- note for the authors: not shown -->
## Interpretation

Der Abstand ist *kleiner* geworden, das Ziel ist **noch nicht** erreicht.

- erstens
- zweitens

1. eins
2. zwei

> Zitat aus dem Fachgespräch

Siehe [Integrationskonzept](https://example.org/konzept "Konzept") oder
<mailto:integration@example.org>; Code `x = 1`.

| Stadtteil | Quote |
|-----------|------:|
| Nord      | 12,3  |

---
"""
    out = render_markdown(source)
    assert "<h2>Interpretation</h2>" in out
    assert "<em>kleiner</em>" in out and "<strong>noch nicht</strong>" in out
    assert "<ul>" in out and "<li>erstens</li>" in out and "<ol>" in out
    assert "<blockquote>" in out and "<code>x = 1</code>" in out and "<hr" in out
    assert "<table>" in out and "<th>Stadtteil</th>" in out and "<td>Nord</td>" in out
    links = [a for tag, a in _elements(out) if tag == "a"]
    assert {
        "href": "https://example.org/konzept",
        "title": "Konzept",
        "rel": "noopener noreferrer",
    } in links
    assert any(a.get("href") == "mailto:integration@example.org" for a in links)
    assert "note for the authors" not in out


def test_markup_in_text_is_shown_not_interpreted():
    out = render_markdown("Vergleich: a < b und <b>fett</b>")
    assert "&lt;b&gt;fett&lt;/b&gt;" in out and "<b>" not in out


# -- anchors: text beside its figure --------------------------------------------------------
from intmon_utils.errors import ParameterError  # noqa: E402
from intmon_utils.report.commentary import parse, shift_headings  # noqa: E402

LABOR = """<!-- a note for the authors,
over two lines -->
## Interpretation

Allgemeiner Text.

## [labor.unemployment_rate]

Zur Arbeitslosenquote.

```
## [not.an.anchor]
```

## [gaps]

Zu den Abständen.
"""


def test_anchored_blocks_are_split_from_the_topics_text(tmp_path):
    c = parse(LABOR, tmp_path / "labor.md", "labor")
    assert c.general.startswith("## Interpretation") and "Allgemeiner Text." in c.general
    assert set(c.blocks) == {"labor.unemployment_rate", "gaps"}
    assert "Zur Arbeitslosenquote." in c.blocks["labor.unemployment_rate"]
    assert "## [not.an.anchor]" in c.blocks["labor.unemployment_rate"]  # inside a code block
    assert "a note for the authors" not in c.general
    assert c.html("gaps") == "<p>Zu den Abständen.</p>\n"


def test_an_unknown_anchor_names_file_line_and_the_choices(tmp_path):
    text = LABOR.replace("[gaps]", "[labor.unemploymnt_rate]")
    with pytest.raises(ParameterError) as err:
        parse(text, tmp_path / "labor.md", "labor")
    message = str(err.value)
    assert "labor.md" in message and "line 15" in message and "labor.unemployment_rate" in message


def test_an_indicator_of_another_topic_says_where_it_belongs(tmp_path):
    with pytest.raises(ParameterError, match="move the text to education.md"):
        parse("## [education.grade8_gymnasium_share]\n\nText\n", tmp_path / "labor.md", "labor")


def test_an_anchor_used_twice_is_an_error(tmp_path):
    with pytest.raises(ParameterError, match="appears twice"):
        parse("## [gaps]\n\nA\n\n## [gaps]\n\nB\n", tmp_path / "labor.md", "labor")


def test_headings_of_a_commentary_fit_the_reports_heading_order():
    assert shift_headings("<h2>A</h2><p>x</p><h3>B</h3>", 4) == "<h4>A</h4><p>x</p><h5>B</h5>"
    assert shift_headings("<h1>A</h1>", 3) == "<h3>A</h3>"
    assert shift_headings("<p>no heading</p>", 3) == "<p>no heading</p>"
