"""Topic reports as HTML: the executed notebook without code, nothing loaded from the network."""

from __future__ import annotations

import html
import re
from pathlib import Path

_EXPORTER = None


SHARED_CSS = "report.css"
_HEAD_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", flags=re.S)


def notebook_to_html(nb, css_href: str, title: str, lang: str) -> tuple[str, str]:
    """HTML of an executed notebook with every code cell's input hidden (in-process), with
    ``<title>`` and ``lang`` set and nothing loaded from the network
    (``templates/nbconvert/intmon`` empties every block of the lab template that loads a
    script from outside).

    The template's stylesheets (about 260 KB, the same for every report) are moved out of the
    page into one shared file that each report links as ``css_href``; returns ``(html, css)``.
    Figures stay embedded, so a single report file can still be sent on its own (it then
    loses only the page styling).
    """
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(
            template_name="intmon",
            extra_template_basedirs=[str(Path(__file__).parent / "templates" / "nbconvert")],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    _EXPORTER.language_code = lang
    nb = nb.copy()
    nb.metadata = {**nb.metadata, "title": title}
    body, _ = _EXPORTER.from_notebook_node(nb)
    head_end = body.index("</head>")
    head = body[:head_end]
    css = "\n".join(
        re.sub(r"^<style[^>]*>|</style>\s*$", "", block.strip())
        for block in _HEAD_STYLE.findall(head)
    )
    link = f'<link rel="stylesheet" href="{html.escape(css_href)}">\n'
    page = _HEAD_STYLE.sub("", head).replace("</title>", "</title>\n" + link, 1) + body[head_end:]
    return page, css
