"""Counts for the reliability suite: fuzz cases run, faults injected, kills, rows checked.

Tests add to `COUNTS`; the totals are printed at the end of the pytest run, so the numbers a
report quotes come from the run itself.
"""

from __future__ import annotations

from collections import Counter

import pytest

COUNTS: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("reliability counts")
    for name, value in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{name}: {value}")
