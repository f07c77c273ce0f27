"""The house stays navigable and portable: no import cycles, no POSIX-only import at the top, messages whole.

docs/layout.md states these rules; each test here fails on the first module or key that breaks one.
"""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path

import pytest

from budget_guard import messages

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "budget_guard"
POSIX_ONLY = ("fcntl", "pwd", "grp", "termios", "resource", "posix")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _top_level_imports(path: Path) -> list[tuple[str, int]]:
    """Modules imported when ``path`` is imported (not inside functions, not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.extend((alias.name, node.lineno) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((node.module, node.lineno))
                found.extend((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)
            elif isinstance(node, ast.If):
                test = ast.unparse(node.test)
                if "TYPE_CHECKING" not in test:
                    visit(node.body)
                    visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)

    visit(tree.body)
    return found


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = set()
        for imported, _ in _top_level_imports(path):
            if imported in MODULES and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def test_no_relative_imports_in_the_package():
    relative = [
        f"{_module_name(p)}:{n.lineno}"
        for p in PACKAGE.rglob("*.py")
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(n, ast.ImportFrom) and n.level
    ]
    assert relative == []


def test_no_import_cycle_between_modules():
    """Tarjan's strongly connected components over module-level imports: every component is one module.

    A package's ``__init__`` that re-exports its own submodules is not a cycle of meaning, so an
    edge from a submodule up to its own package is ignored.
    """
    graph = _graph()
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                strong(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            strong(name)
    assert cycles == []


def test_no_posix_only_module_imported_at_the_top():
    found = [
        f"{_module_name(p)}:{line} imports {mod}"
        for p in PACKAGE.rglob("*.py")
        for mod, line in _top_level_imports(p)
        if mod.split(".")[0] in POSIX_ONLY
    ]
    assert found == []


@pytest.mark.slow
def test_check_runs_with_posix_only_modules_unavailable(tmp_path):
    """What a Windows desktop lacks (fcntl, pwd, grp, termios, resource) is never needed to run ``check``."""
    code = (
        "import sys\n"
        f"for name in {POSIX_ONLY!r}:\n"
        "    sys.modules[name] = None\n"
        "from budget_guard.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    out = tmp_path / "o"
    run = subprocess.run(
        [sys.executable, "-c", code, "check", str(ROOT / "sample_data" / "csv"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 1, run.stderr  # the sample's red findings
    assert "Traceback" not in run.stderr
    assert (out / "budget-guard-report.xlsx").is_file()


def _placeholders(template: str) -> set[str]:
    """The fields a template needs, with ``x_zh``/``x_en`` as one and English-only fields left out."""
    fields = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    fields = {f.removesuffix("_zh").removesuffix("_en") for f in fields}
    return fields - messages.ENGLISH_ONLY_FIELDS


def test_every_message_has_both_languages_and_the_same_placeholders():
    missing, differing = [], []
    every_key = messages.keys()
    for key in every_key:
        zh, en = messages.catalogue_pair(key)
        if not zh.strip() or not en.strip():
            missing.append(key)
        elif _placeholders(zh) != _placeholders(en):
            differing.append(f"{key}: zh {sorted(_placeholders(zh))} en {sorted(_placeholders(en))}")
    assert missing == []
    assert differing == []


def test_every_problem_kind_has_both_languages_and_the_same_placeholders():
    from budget_guard.messages.problems import KINDS

    differing = [
        f"{kind.code}: zh {sorted(_placeholders(kind.zh))} en {sorted(_placeholders(kind.en))}"
        for kind in KINDS.values()
        if _placeholders(kind.zh) != _placeholders(kind.en) or not kind.zh or not kind.en
    ]
    assert differing == []
