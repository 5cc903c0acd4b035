"""The golden regression snapshot: what the demo produces, frozen.

``tests/golden/`` holds (1) a content digest of every published table of the demo Land at
the default threshold, one per variable (protected observations) and one per indicator
(indicator table), and (2) the visible text of a few reports (a city, a Landkreis, a
Gemeinde; one in English). ``tests/test_golden.py`` recomputes both and compares.

A change of what intmon publishes is sometimes intended (a fixed defect, a new section).
Then regenerate the snapshot on purpose, read the diff and commit it with the change:

    python tests/golden_tools.py          # rewrites tests/golden/
    git diff tests/golden/                # every changed line must be explained

Reports are executed in-process: the code cells of ``notebooks/<topic>.py`` (the jupytext
twin of the notebook) run one after another with the parameters injected, and the visible
text of each cell's displayed section is collected, as a reader sees it (figures by their
alternative text; styles and scripts left out).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
MIN_COUNT = 3
# (area id, topic, language): a city in German (every topic) and English, a Landkreis, a Gemeinde
REPORTS = (
    ("99101000", "overview", "de"),
    ("99101000", "education", "de"),
    ("99101000", "labor", "de"),
    ("99101000", "housing", "de"),
    ("99101000", "participation", "de"),
    ("99102000", "labor", "en"),
    ("99201", "housing", "de"),
    ("99201001", "overview", "de"),
)
SIGNIFICANT = 12  # digits compared: exact in practice, robust to the last bit of a float


def _canonical(frame: pd.DataFrame) -> bytes:
    """The table as CSV text with columns and rows in a fixed order and floats rounded to
    ``SIGNIFICANT`` digits (categoricals as their values)."""
    frame = frame.reindex(columns=sorted(frame.columns))
    frame = frame.astype({c: "object" for c in frame.columns if str(frame[c].dtype) == "category"})
    frame = frame.sort_values(list(frame.columns), kind="mergesort", na_position="first")
    return frame.to_csv(index=False, float_format=f"%.{SIGNIFICANT}g", lineterminator="\n").encode()


def table_digests(observations: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """``{"observations": {variable: digest}, "indicators": {indicator_id: digest}}`` plus
    row counts, so a difference points at the variable or indicator that changed."""
    out: dict = {}
    for name, frame, key in (
        ("observations", observations, "variable"),
        ("indicators", indicators, "indicator_id"),
    ):
        out[name] = {
            "rows": len(frame),
            "columns": sorted(frame.columns),
            "parts": {
                str(k): hashlib.sha256(_canonical(part)).hexdigest()[:20]
                for k, part in frame.groupby(key, sort=True)
            },
        }
    return out


class _VisibleText(HTMLParser):
    """Text a reader sees: one line per block; images by their alt text."""

    BLOCKS = {"p", "div", "tr", "h1", "h2", "h3", "h4", "li", "dt", "dd", "table", "br", "dl"}
    HIDDEN = {"style", "script"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.lines.append("")
        elif tag in ("td", "th"):
            self.lines[-1] += " | "
        elif tag == "img":
            self.lines.append(f"[Abbildung: {dict(attrs).get('alt', '')}]")
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden -= 1
        elif tag in self.BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if not self.hidden:
            self.lines[-1] += data

    def text(self) -> str:
        lines = (re.sub(r"\s+", " ", line).strip() for line in self.lines)
        return "\n".join(line for line in lines if line) + "\n"


def visible_text(html_doc: str) -> str:
    parser = _VisibleText()
    parser.feed(html_doc)
    parser.close()
    return parser.text()


def without_provenance_values(text: str) -> str:
    """The text with the values of the provenance block (import times, hashes, the commit:
    different on every machine) replaced by "…"; its labels stay."""
    from intmon_utils.texts import LANGUAGES
    from intmon_utils.texts import text as label

    lines = text.splitlines(keepends=True)
    titles = {label("provenance_title", lang) + "\n" for lang in LANGUAGES}
    for i, line in enumerate(lines):
        if line in titles:
            for k in range(i + 2, min(i + 11, len(lines)), 2):  # 5 label/value pairs
                lines[k] = "…\n"
    return "".join(lines)


def _cells(topic: str) -> list[str]:
    """The code cells of ``notebooks/<topic>.py`` (jupytext percent format), without the
    parameters cell."""
    source = (PROJECT / "notebooks" / f"{topic}.py").read_text(encoding="utf-8")
    cells = re.split(r"^# %%.*$", source, flags=re.M)[1:]
    return [c for c in cells[1:] if c.strip()]


def report_text(project: Path, data_dir: Path, area: str, topic: str) -> str:
    """Execute the report's cells in-process and return the visible text of its sections."""
    import matplotlib.pyplot as plt

    namespace = {
        "area_id": area,
        "topic": topic,
        "parameter_file": f"parameters/{area}.yml",
        "data_dir": str(data_dir),
        "output_dir": f"outputs/2024/{area}",
        "project_dir": str(project),
    }
    parts = []
    for cell in _cells(topic):
        tree = ast.parse(cell)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, topic, "exec"), namespace)  # our own notebook cells
        if last is not None:  # the cell's displayed value, as in Jupyter
            shown = eval(compile(ast.Expression(last.value), topic, "eval"), namespace)
            if hasattr(shown, "_repr_html_"):
                parts.append(without_provenance_values(visible_text(shown._repr_html_())))
    plt.close("all")
    return "".join(parts)


def project_with_languages(root: Path) -> Path:
    """A copy of the demo parameters where each report area gets the language it is frozen
    in (``language: en`` appended where the snapshot is English)."""
    project = root / "project"
    shutil.copytree(PROJECT / "parameters", project / "parameters")
    for area, _, lang in REPORTS:
        path = project / "parameters" / f"{area}.yml"
        text = path.read_text(encoding="utf-8")
        if lang != "de" and "\nlanguage:" not in text:
            path.write_text(text.rstrip("\n") + f"\nlanguage: {lang}\n", encoding="utf-8")
    return project


def snapshot(data_dir: Path, workdir: Path) -> tuple[dict, dict[str, str]]:
    """(table digests, {report file name: visible text}) of the demo in ``data_dir``."""
    from intmon_utils import published
    from intmon_utils.disclosure.policy import ThresholdPolicy
    from intmon_utils.store import ObservationStore

    store = ObservationStore(data_dir)
    observations, indicators = published.build(store, ThresholdPolicy.uniform(MIN_COUNT))
    project = project_with_languages(workdir)
    texts = {
        f"{area}_{topic}_{lang}.txt": report_text(project, data_dir, area, topic)
        for area, topic, lang in REPORTS
    }
    return table_digests(observations, indicators), texts


def main() -> int:
    from intmon_utils.synthetic import write_demo_data

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        write_demo_data(data)
        digests, texts = snapshot(data, Path(tmp))
    GOLDEN.mkdir(exist_ok=True)
    (GOLDEN / "tables.json").write_text(
        json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    for name, text in texts.items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
    print(
        f"golden snapshot written to {GOLDEN}: {len(texts)} reports, "
        f"{len(digests['indicators']['parts'])} indicators"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
