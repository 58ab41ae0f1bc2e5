"""The layering of docs/architecture.md, read from every import with `ast` (imports inside functions too).

- `forms` imports nothing of ours; `kiosk` only `forms`; `sync` neither `ui` nor `portal`;
  `portal` only `sync.wire` and `forms`; nothing below `ui` imports Qt;
- no module imports another module's `_private` name;
- logging is configured only in the console scripts' `main` functions and in `__main__` modules.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OURS = ("forms", "kiosk", "sync", "ui", "portal", "assets", "bench")
CODE_PACKAGES = ("forms", "kiosk", "sync", "ui", "portal")
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")

# package -> the imports of ours it may make (a name allows that module and everything under it)
ALLOWED: dict[str, tuple[str, ...]] = {
    "forms": ("forms",),
    "kiosk": ("forms", "kiosk"),
    "sync": ("forms", "kiosk", "sync"),
    "portal": ("portal", "sync.wire", "forms"),
    "ui": OURS,
}
NO_QT = ("forms", "kiosk", "sync", "portal")
LOGGING_CALLS = {"basicConfig", "dictConfig", "fileConfig", "addHandler", "removeHandler", "setLevel"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _resolve(module: str | None, level: int, package: str) -> str:
    """The absolute name of a relative import made in `package`."""
    if not level:
        return module or ""
    base = package.split(".")
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([module] if module else []))


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _console_mains(repo: Path) -> set[str]:
    """'module:function' of every console script in pyproject.toml."""
    scripts = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    return set(scripts.values())


def module_name(repo: Path, path: Path) -> str:
    parts = list(path.relative_to(repo).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def check_module(repo: Path, path: Path, mains: set[str]) -> list[Problem]:
    """Every layering problem of one source file."""
    name = module_name(repo, path)
    top = name.split(".")[0]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    rel = str(path.relative_to(repo))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    problems: list[Problem] = []

    def imported(target: str, node: ast.AST, names: tuple[str, ...] = ()) -> None:
        root = target.split(".")[0]
        if root in QT and top in NO_QT:
            problems.append(Problem(rel, node.lineno, f"{top} imports Qt ({target})"))
        if root in OURS and not _within(target, ALLOWED[top]):
            # `from sync import wire` imports the module sync.wire: judge each imported name as a submodule
            for bad in [f"{target}.{n}" for n in names if not _within(f"{target}.{n}", ALLOWED[top])] if names else [target]:
                problems.append(Problem(rel, node.lineno, f"{top} may not import {bad}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imported(alias.name, node)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node.module, node.level, package)
            imported(target, node, tuple(alias.name for alias in node.names))
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    problems.append(Problem(rel, node.lineno, f"imports the private name {alias.name} of {target}"))
    problems += _logging_problems(tree, rel, name, mains, path)
    return problems


def _logging_problems(tree: ast.Module, rel: str, name: str, mains: set[str], path: Path) -> list[Problem]:
    """Calls that configure logging, outside a console script's `main` or a `__main__` module."""
    if path.name == "__main__.py":
        return []
    allowed_functions = {entry.split(":")[1] for entry in mains if entry.split(":")[0] == name}
    problems: list[Problem] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name if function is None else function)
                continue
            if isinstance(child, ast.Call):
                func = child.func
                called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                if called in LOGGING_CALLS and _is_logging_target(func) and function not in allowed_functions:
                    problems.append(Problem(rel, child.lineno, f"configures logging ({called}) outside a console script's main"))
            visit(child, function)

    visit(tree, None)
    return problems


def _is_logging_target(func: ast.expr) -> bool:
    """`logging.basicConfig(…)`, `logging.getLogger(…).addHandler(…)`, `root.setLevel(…)` on a logger: not a
    widget's or a handler's own setLevel. Loggers are recognised by name (`logging`, `log`, `logger`, `root…`)."""
    if isinstance(func, ast.Name):
        return func.id in ("basicConfig", "dictConfig", "fileConfig")
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    if isinstance(owner, ast.Name):
        return owner.id in ("logging", "log", "logger") or owner.id.startswith("root") or owner.id.endswith("logger")
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute):
        return owner.func.attr == "getLogger"
    if isinstance(owner, ast.Attribute):
        return owner.attr == "config"  # logging.config.dictConfig
    return False


def all_problems(repo: Path) -> list[Problem]:
    mains = _console_mains(repo)
    problems: list[Problem] = []
    for package in CODE_PACKAGES:
        for path in sorted((repo / package).rglob("*.py")):
            problems += check_module(repo, path, mains)
    return problems


def test_every_import_respects_the_layers() -> None:
    assert [str(p) for p in all_problems(REPO)] == []


@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        ("forms", "from kiosk.errors import InputError\n", "forms may not import kiosk.errors"),
        ("portal", "from sync import engine\n", "portal may not import sync.engine"),
        ("kiosk", "def later():\n    from sync import engine\n", "kiosk may not import sync.engine"),
        ("kiosk", "import PySide6.QtCore\n", "kiosk imports Qt"),
        ("sync", "from ui.tasks import Tasks\n", "sync may not import ui.tasks.Tasks"),
        ("portal", "from kiosk.storage import db\n", "portal may not import kiosk.storage.db"),
        ("portal", "from sync.engine import SyncEngine\n", "portal may not import sync.engine"),
        ("ui", "from kiosk.storage.db import _private_helper\n", "imports the private name _private_helper"),
        ("kiosk", "import logging\nlogging.basicConfig(level=logging.INFO)\n", "configures logging (basicConfig)"),
        ("sync", "import logging\ndef setup():\n    logging.getLogger().addHandler(logging.NullHandler())\n", "configures logging (addHandler)"),
    ],
)
def test_a_forbidden_import_in_a_temporary_module_fails(tmp_path: Path, package: str, source: str, expected: str) -> None:
    """The test of the test: a module written into a copy of the layout is caught."""
    repo = tmp_path / "repo"
    (repo / package).mkdir(parents=True)
    (repo / package / "__init__.py").write_text('"""x"""\n', encoding="utf-8")
    (repo / package / "intruder.py").write_text(source, encoding="utf-8")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n[project.scripts]\nkiosk = "ui.window.app:main"\n', encoding="utf-8")
    found = [str(p) for p in all_problems(repo)]
    assert any(expected in p and "intruder.py" in p for p in found), found


def test_the_console_scripts_main_may_configure_logging(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "ui").mkdir(parents=True)
    (repo / "ui" / "__init__.py").write_text("", encoding="utf-8")
    (repo / "ui" / "app.py").write_text("import logging\ndef main():\n    logging.getLogger().setLevel(logging.INFO)\n", encoding="utf-8")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n[project.scripts]\nkiosk = "ui.app:main"\n', encoding="utf-8")
    assert all_problems(repo) == []
