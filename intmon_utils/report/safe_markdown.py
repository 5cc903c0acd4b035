"""The working group's commentary: Markdown rendered to HTML that cannot carry scripts.

The text is parsed as CommonMark (plus tables) with raw HTML switched off, so ``<script>``
or ``<img onerror=...>`` in the file is shown as text, not executed. The result is then
cleaned with an explicit allow-list of elements and attributes; links may only point to
``http``, ``https`` or ``mailto`` addresses (any other link stays plain text). HTML
comments (``<!-- ... -->``) are notes for the authors and are removed before rendering.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "blockquote",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "a",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
COMMENT = re.compile(r"<!--.*?-->", re.S)


def _allowed_link(url: str) -> bool:
    """Only absolute web and mail links; others stay plain text."""
    return url.strip().lower().startswith(tuple(f"{s}:" for s in URL_SCHEMES))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = _allowed_link
    return md


def render_markdown(source: str) -> str:
    """Safe HTML of a Markdown text."""
    unsafe = _parser().render(COMMENT.sub("", source))
    return nh3.clean(
        unsafe,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
