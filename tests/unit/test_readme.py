"""README's Set up / Run / Test blocks are single command lines, and .ci/run runs exactly Set up and Test."""

from __future__ import annotations

import re

from conftest import REPO


def readme_command(heading: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\s*\n+```(?:sh|bash|shell)?\n(.*?)\n```", text, re.M | re.S)
    assert match, f"README has no '## {heading}' heading followed by a fenced block"
    lines = [line for line in match.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, f"'## {heading}' must hold exactly one command line, found {lines}"
    return lines[0].strip()


def test_readme_has_one_command_per_section() -> None:
    for heading in ("Set up", "Run", "Test", "Benchmark"):
        readme_command(heading)
    assert "kiosk --demo" in readme_command("Run")
    assert "-m bench" in readme_command("Benchmark")


def test_ci_runs_the_readme_set_up_and_test_lines() -> None:
    ci_lines = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    commands = [line for line in ci_lines if not re.match(r"(set|cd|export)\b", line)]
    assert commands == [readme_command("Set up"), readme_command("Test")]
