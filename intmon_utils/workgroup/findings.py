"""A finding of ``intmon check``: which municipality, how serious, which file and line, what is
wrong and what to do; and how a configuration error becomes one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ConfigError, IntmonError

ERROR, WARNING = "error", "warning"
WORKSPACE = "workspace"  # the "area" of findings about the whole workspace


@dataclass(frozen=True)
class Finding:
    area: str
    severity: str  # ERROR or WARNING
    file: str
    line: int | None
    problem: str
    todo: str


def warning(area: str, file: str, line: int | None, problem: str, todo: str) -> Finding:
    return Finding(area, WARNING, file, line, problem, todo)


def error(area: str, file: str, line: int | None, problem: str, todo: str) -> Finding:
    return Finding(area, ERROR, file, line, problem, todo)


def key_line(path: Path, key: str | None) -> int | None:
    """The line of a dotted key in a YAML file (keys may hold dots themselves, as indicator
    ids do), or of ``line N`` in a commentary error; None where unknown."""
    if not key:
        return None
    if m := re.fullmatch(r"line (\d+)", key):
        return int(m.group(1))
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError):
        return None
    parts, line = key.split("."), None
    while parts and isinstance(node, yaml.MappingNode):
        for n in range(len(parts), 0, -1):
            wanted = ".".join(parts[:n])
            match = [(k, v) for k, v in node.value if getattr(k, "value", None) == wanted]
            if match:
                line, node, parts = match[0][0].start_mark.line + 1, match[0][1], parts[n:]
                break
        else:
            break
    return line


def from_error(area: str, exc: IntmonError, project: Path) -> Finding:
    if isinstance(exc, ConfigError):
        path = Path(exc.path)
        return Finding(
            area,
            ERROR,
            shown_path(path, project),
            key_line(path, exc.key),
            exc.problem
            if exc.key is None or exc.key.startswith("line ")
            else f"key '{exc.key}': {exc.problem}",
            exc.hint,
        )
    text, _, todo = str(exc).partition(" -> ")
    return Finding(area, ERROR, "", None, text, todo)


def shown_path(path: Path, project: Path) -> str:
    try:
        return str(path.resolve().relative_to(project.resolve()))
    except ValueError:
        return str(path)
