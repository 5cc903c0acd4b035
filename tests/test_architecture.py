"""The house stays tidy: no import loops, no oversized module, texts only in texts/, and
nothing in the package points at documents outside the repository."""

import ast
import re

from conftest import PROJECT

PACKAGE = PROJECT / "intmon_utils"
MAX_LINES = 400


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PROJECT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return out


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph() -> dict[str, set[str]]:
    """Module -> the intmon modules it imports (at any depth of the file, lazy imports too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, (path, tree) in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node)
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_loops():
    assert find_cycle(import_graph()) is None, find_cycle(import_graph())


def test_cycle_finder_finds_a_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_is_oversized():
    sizes = {
        str(p.relative_to(PROJECT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {k: n for k, n in sizes.items() if n > MAX_LINES} == {}


def test_no_language_switch_outside_the_texts():
    """Every German/English text lives in intmon_utils/texts/*.yml."""
    pattern = re.compile(r"""lang(uage)?\s*==\s*["'](de|en)["']""")
    offenders = [
        str(p.relative_to(PROJECT))
        for p in PACKAGE.rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_nothing_points_outside_the_repository():
    pattern = re.compile(r"DESIGN(\.md| §)|domain[- ]reference|\.\./shared|SOURCES §", re.I)
    files = [
        *PACKAGE.rglob("*.py"),
        *PACKAGE.rglob("*.yml"),
        *(PROJECT / "docs").rglob("*.md"),
        *(PROJECT / "tests").glob("*.py"),
        PROJECT / "README.md",
        *PROJECT.glob("notebooks/*.py"),
    ]
    offenders = [
        str(p.relative_to(PROJECT))
        for p in files
        if p.name != "test_architecture.py" and pattern.search(p.read_text("utf-8"))
    ]
    assert offenders == []
