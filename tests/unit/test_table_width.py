"""Tables piped or redirected (cron mail, ECX logs, less) fit COLUMNS or 100 columns, without trailing blanks,
their columns named for what they hold."""

from __future__ import annotations

import io

import pytest

from ospf_failover.engine import RowTable, Run

LONG = "silent death 45.0 s, planned switch 15.0 s: over the budget of 10 s; mostly dead-interval on gw1 eth0 " * 2


def drawn(table: RowTable, stream: io.StringIO) -> list[str]:
    run = Run("check", ["customer1", "customer2"], [table])
    run.add("customer2", "convergence-budget", "WARN", LONG)
    run.add("customer2", "observer-route", "FAIL", "not judged: gw2: not read: no SSH answer", host="gw2")
    run.finish_fog("customer1", 0, "22 checks: 22 pass, 0 warn, 0 fail")
    run.finish_fog("customer2", 1, "22 checks: 20 pass, 1 warn, 1 fail")
    run.close()
    return stream.getvalue().splitlines()


@pytest.mark.parametrize(("columns", "width"), [(None, 100), ("80", 80), ("160", 160), ("junk", 100)])
def test_off_a_terminal_a_table_fits_columns_or_100(
    monkeypatch: pytest.MonkeyPatch, columns: str | None, width: int
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no clplogcmd: no alert
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    stream = io.StringIO()
    lines = drawn(RowTable(stream, verdicts=False, step_header="CHECK", seconds=False), stream)
    assert max(len(line) for line in lines) <= width, lines
    assert all(line == line.rstrip() for line in lines), "trailing blanks"
    assert lines[0] == "check: 2 failover group(s)"
    header = next(line for line in lines if "OUTCOME" in line)
    assert "CHECK" in header and "STEP" not in header and "SECONDS" not in header
    assert " ".join(lines).count("gw1") == 2  # folded, not cut


def test_timed_steps_keep_their_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    stream = io.StringIO()
    lines = drawn(RowTable(stream), stream)
    header = next(line for line in lines if "OUTCOME" in line)
    assert "STEP" in header and "SECONDS" in header
