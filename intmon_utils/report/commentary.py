"""The working group's commentary: which text belongs to which figure, table or chapter.

A municipality's commentary folder (``commentary`` in the parameters) holds Markdown files:

- ``<topic>.md`` (``labor.md`` …): the interpretation of a topic. Text before the first
  anchored heading is the topic's interpretation. A level-2 heading that is only an anchor in
  square brackets attaches the text below it (up to the next anchor) to one element of the
  report, where it is printed right after that figure or table:

  - ``## [labor.unemployment_rate]``: an indicator of the topic (after its time series);
  - ``## [key_figures]``, ``## [time_series]``, ``## [gaps]``, ``## [subdistricts]``,
    ``## [comparison]``, ``## [goals]``: a section of the report.

- ``findings.md``: qualitative findings (interviews, advisory council, practice), a chapter
  of the integrated report of its own;
- ``summary.md``: an introduction printed above the summary of the integrated report.

An anchor that names nothing known (a typo, or an indicator of another topic) is an error
with the file and line. HTML comments are notes for the authors and never shown; the
Markdown is rendered by :func:`safe_markdown.render_markdown` (no scripts, no raw HTML).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import load_catalogue
from ..errors import ParameterError
from ..reading import SMALL_FILE_LIMIT, read_text
from .safe_markdown import COMMENT, render_markdown

SECTION_ANCHORS = ("key_figures", "time_series", "gaps", "subdistricts", "comparison", "goals")
FINDINGS = "findings"
SUMMARY = "summary"
ANCHOR = re.compile(r"^##\s+\[([^\]]*)\]\s*#*\s*$")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


@dataclass(frozen=True)
class Commentary:
    """One commentary file split into the topic's text and the anchored blocks (Markdown)."""

    path: Path
    general: str = ""
    blocks: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.general and not self.blocks

    def html(self, anchor: str | None = None, level: int = 3) -> str:
        """Safe HTML of the topic's text (``anchor=None``) or of one block, its headings
        shifted so that the first level is ``level`` (a report's heading order stays
        intact); empty when there is no such text."""
        source = self.general if anchor is None else self.blocks.get(anchor, "")
        return shift_headings(render_markdown(source), level) if source else ""


def commentary_path(commentary_dir: Path, name: str) -> Path:
    """``<commentary_dir>/<name>.md`` (a topic, ``findings`` or ``summary``)."""
    return Path(commentary_dir) / f"{name}.md"


def read_commentary(commentary_dir: Path, name: str, topic: str | None = None) -> Commentary:
    """The commentary ``<name>.md`` of a folder, split into blocks (empty when the file is
    missing). ``topic`` is the topic whose indicators the anchors may name."""
    path = commentary_path(commentary_dir, name)
    if not path.is_file():
        return Commentary(path)
    text = read_text(path, "commentary file", ParameterError, max_bytes=SMALL_FILE_LIMIT)
    return parse(text, path, topic)


def parse(source: str, path: Path, topic: str | None = None) -> Commentary:
    """Split a commentary text at its anchored level-2 headings (outside code blocks)."""
    allowed = set(SECTION_ANCHORS)
    if topic:
        allowed |= {i.id for i in load_catalogue() if i.topic == topic}
    general: list[str] = []
    blocks: dict[str, list[str]] = {}
    current, fenced = general, False
    for number, line in enumerate(COMMENT.sub(_keep_lines, source).splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else ANCHOR.match(line)
        if not match:
            current.append(line)
            continue
        anchor = match.group(1).strip()
        if anchor not in allowed:
            raise ParameterError(
                path,
                f"line {number}",
                f"the anchor [{anchor}] names no section or indicator of this "
                f"{'topic' if topic else 'file'}",
                _anchor_hint(anchor, topic, sorted(allowed)),
            )
        if anchor in blocks:
            raise ParameterError(
                path, f"line {number}", f"[{anchor}] appears twice", "merge the two texts"
            )
        current = blocks[anchor] = []
    return Commentary(
        path,
        "\n".join(general).strip(),
        {k: "\n".join(v).strip() for k, v in blocks.items() if "\n".join(v).strip()},
    )


def _keep_lines(match: re.Match) -> str:
    """An HTML comment removed, its line breaks kept (error messages count lines)."""
    return "\n" * match.group(0).count("\n")


def _anchor_hint(anchor: str, topic: str | None, allowed: list[str]) -> str:
    ids = {i.id: i.topic for i in load_catalogue()}
    if anchor in ids:
        return f"it is an indicator of topic {ids[anchor]}: move the text to {ids[anchor]}.md"
    return "use one of: " + ", ".join(allowed)


def shift_headings(markup: str, level: int) -> str:
    """Renumber ``<h1>``…``<h6>`` so that the highest heading of ``markup`` is ``level``."""
    levels = [int(m.group(2)) for m in HEADING_TAG.finditer(markup)]
    if not levels:
        return markup
    offset = level - min(levels)
    return HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + offset)}>", markup)
