"""docs/benchmarks.md is written for every kind of figure: measured, not run here (no netem), product failed."""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import write_markdown
from bench.common import figure


def test_markdown_lists_measured_not_run_and_failed_figures(tmp_path: Path) -> None:
    measured = figure("submit", [0.010, 0.011, 0.012, 0.010, 0.011], [0.005] * 5, goal="≤ 1.5x")
    measured["details"] = ["one line of detail"]
    rate = figure("rural goodput", [30_000.0] * 3, [32_000.0] * 3, unit="B/s", goal="≥ 0.85x", higher_is_better=True)
    rate["status"] = "product failed: 1 of 3 runs did not deliver every dossier in one pass"
    rate["reason"] = "timed out"
    not_run = {"name": "rural cut", "status": "not run", "reason": "kernel built without CONFIG_NET_SCH_NETEM", "goal": "≤ 1 chunk"}
    resent = figure("bytes re-sent per cut", [262_144.0] * 3, [262_144.0] * 3, unit="B", goal="≤ 1 chunk")
    ingest = figure("portal ingest", [116.0] * 2, [2300.0] * 6, unit="dossiers/s", goal="≥ 0.5x", higher_is_better=True)
    report = {
        "started_at": "2026-12-01T00:00:00+00:00", "seconds": 60.0,
        "machine": {"platform": "Linux", "cpus": 2, "python": "3.11", "pyside6": "6.11", "sqlcipher3": "0.6"},
        "figures": [measured, rate, not_run, resent, ingest],
    }
    out = tmp_path / "benchmarks.md"
    write_markdown(report, out)
    text = out.read_text(encoding="utf-8")
    assert "| submit | 11.00 ms" in text and "2.20x" in text and "one line of detail" in text
    assert "30.0 kB/s" in text and "**product failed: 1 of 3 runs" in text
    assert "| rural cut | **not run**: kernel built without CONFIG_NET_SCH_NETEM |" in text
    assert "262.1 kB" in text and "116.0 dossiers/s" in text and "0.05x" in text
    assert "## How each figure is measured" in text and "## Before and after" in text
