"""Each national fact and each file-safety primitive is written once in the code packages (docs/architecture.md):
one time-zone literal, one dossier-code pattern, one status-label table, one atomic-write helper."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CODE_PACKAGES = ("forms", "kiosk", "sync", "ui", "portal")
KIOSK_SIDE = ("forms", "kiosk", "sync", "ui")  # the processes that run at the counter
SAMPLE_CODE = "000.00.07.H26-261124-1001"
FREE_TEXT = "Nguyễn Văn An, thôn Đông"
STATUS_WORDINGS = (  # status labels that mean nothing else in the product
    "Yêu cầu bổ sung hồ sơ", "Yêu cầu bổ sung", "Chờ thanh toán phí, lệ phí", "Chờ thanh toán",
    "Đã dừng giải quyết (theo yêu cầu của người nộp)", "Dừng theo yêu cầu", "Dừng xử lý", "Đã có kết quả", "Đã trả kết quả",
)
RENAMES = {("os", "replace"), ("os", "rename"), ("shutil", "move")}


@functools.cache
def _sources(packages: tuple[str, ...]) -> tuple[tuple[str, ast.Module], ...]:
    return tuple(
        (str(path.relative_to(REPO)), ast.parse(path.read_text(encoding="utf-8")))
        for package in packages
        for path in sorted((REPO / package).rglob("*.py"))
    )


def _string_constants(tree: ast.AST) -> list[str]:
    """String literals that are code, not documentation (docstrings are left out)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def _matches_a_code(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    # a pattern reading whole codes, not one accepting any text (a plain-text filter also matches a code)
    return pattern != SAMPLE_CODE and compiled.fullmatch(SAMPLE_CODE) is not None and compiled.fullmatch(FREE_TEXT) is None


def test_one_time_zone_literal() -> None:
    found = [where for where, tree in _sources(CODE_PACKAGES) for s in _string_constants(tree) if "Ho_Chi_Minh" in s]
    fixed_offsets = [
        where for where, tree in _sources(CODE_PACKAGES) for node in ast.walk(tree)
        if isinstance(node, ast.keyword) and node.arg == "hours" and isinstance(node.value, ast.Constant) and node.value.value == 7
    ]
    assert found == ["forms/timezone.py"] and fixed_offsets == ["forms/timezone.py"]


def test_one_dossier_code_pattern() -> None:
    """Any regular expression that would read a dossier code lives in forms/codes.py, the one parser."""
    from forms import codes

    found = sorted({where for where, tree in _sources(CODE_PACKAGES) for s in _string_constants(tree) if _matches_a_code(s)})
    assert set(found) <= {"forms/codes.py"} and _matches_a_code(codes.CODE_PATTERN)  # the parts are composed there
    assert _matches_a_code(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$") and not _matches_a_code(r"^[^\x00-\x1f]*$")  # the test's own yardstick


def test_one_status_label_table() -> None:
    found = sorted({where for where, tree in _sources(CODE_PACKAGES) for s in _string_constants(tree) if s in STATUS_WORDINGS})
    tables = sorted(
        where for where, tree in _sources(CODE_PACKAGES) for node in ast.walk(tree)
        if isinstance(node, ast.Dict) and sum(isinstance(k, ast.Constant) and k.value in range(1, 11) for k in node.keys) >= 5
    )
    assert found == ["forms/statuses.py"] and tables == []


def test_one_atomic_write_helper() -> None:
    """Renaming a file into place happens in one function of kiosk/storage/files.py; everything that writes
    a file atomically on the kiosk's side goes through it. (The reference portal, a separate deployable
    that may not import the kiosk, moves finished uploads into place in its own file store.)"""
    renames = []
    for where, tree in _sources(KIOSK_SIDE):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in RENAMES:
                    renames.append(where)
                elif node.func.attr in ("replace", "rename") and len(node.args) == 1 and not node.keywords and not _is_str_call(node):
                    renames.append(where)  # Path.replace(target) / Path.rename(target)
    assert renames == ["kiosk/storage/files.py"]


def _is_str_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant)
