"""The house stays navigable and portable: no import cycles, no POSIX-only import at the top, messages whole.

docs/layout.md states these rules; each test here fails on the first module or key that breaks one.
"""

from __future__ import annotations

import ast
import os
import re
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


def _error_classes() -> set[str]:
    """Every exception class of the package a user sees the text of, by name (and click's own)."""
    bases: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {ast.unparse(b).split(".")[-1] for b in node.bases}
    found = {"BudgetGuardError", "RuleProblem", "GridError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found | {"UsageError", "BadParameter", "ClickException"}
        found |= more


def _literal_texts(node: ast.AST) -> list[str]:
    """String literals and f-strings among a call's arguments (nested in lists and tuples too)."""
    out: list[str] = []
    stack = [*node.args, *(k.value for k in node.keywords)] if isinstance(node, ast.Call) else []
    while stack:
        item = stack.pop()
        if isinstance(item, ast.List | ast.Tuple):
            stack.extend(item.elts)
        elif isinstance(item, ast.Constant) and isinstance(item.value, str):
            out.append(item.value)
        elif isinstance(item, ast.JoinedStr):
            out.append(ast.unparse(item))
    return out


def test_no_user_facing_error_text_outside_the_catalogue():
    """An error a user reads names a catalogue key (``from_key``); a literal message is the first step of drift.

    A problem code (``GridError("file-corrupt", …)``) is a key of the problem catalogue, not a text.
    """
    classes = _error_classes()
    prose = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2,}\s+[A-Za-z]{2,}")
    literal = []
    for path in PACKAGE.rglob("*.py"):
        if "messages" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name not in classes:
                continue
            texts = [t for t in _literal_texts(node) if prose.search(t)]
            if texts:
                literal.append(f"{_module_name(path)}:{node.lineno} {name}({texts[0][:60]!r})")
    assert literal == []


_WITHOUT_GE = (
    "import sys\n"
    "sys.modules['great_expectations'] = None\n"
    "from budget_guard.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.mark.slow
def test_the_core_install_runs_batch_and_names_the_extra_ge_needs(tmp_path):
    """Without Great Expectations, batch runs (its data contract is on only where installed) and an
    explicit ``--ge`` is one line with the install command, exit 2, no traceback."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "city.csv").write_bytes(
        (ROOT / "sample_data" / "csv" / "city_budget_2021_2025.csv").read_bytes()
    )
    batch = subprocess.run(
        [sys.executable, "-c", _WITHOUT_GE, "batch", str(inbox), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "BUDGET_GUARD_SETTLE_SECONDS": "0"},
    )
    assert batch.returncode == 1, batch.stderr  # the sample's reds
    explicit = subprocess.run(
        [sys.executable, "-c", _WITHOUT_GE, "check", str(inbox), "--out", str(tmp_path / "o"), "--ge"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert explicit.returncode == 2 and "Traceback" not in explicit.stderr
    assert "pip install 'budget-guard[ge]'" in explicit.stderr


def test_the_problem_kinds_page_is_generated_from_the_catalogue():
    """docs/problems.md is the catalogue's own table: a kind added without regenerating it fails here."""
    from budget_guard.messages.problems import catalogue_markdown

    page = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown(), "run: python -m budget_guard.messages.problems > docs/problems.md"
