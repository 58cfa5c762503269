"""The house's own rules, checked like behaviour: a module grows past 500 lines only with
a reason its docstring gives, and the import contracts (pyproject.toml) hold."""

import ast
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PACKAGES = ("migration_governance", "processes", "timeline")
LONGEST_WITHOUT_A_REASON = 500


def modules():
    for package in PACKAGES:
        for path in sorted((PROJECT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_a_module_over_500_lines_says_why_in_its_docstring():
    unexplained = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONGEST_WITHOUT_A_REASON:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if "Why" not in docstring or "500 lines" not in docstring:
            unexplained.append(str(path.relative_to(PROJECT)))
    assert unexplained == []


def test_the_import_contracts_hold():
    """The core imports no app, timeline builds on processes' models, no cycles in the
    core: `lint-imports` (also run by `make lint` and CI) keeps every contract."""
    tool = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(tool), "--no-cache"], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
