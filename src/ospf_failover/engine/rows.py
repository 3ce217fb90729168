"""A row: one step's outcome for one host of one failover group, the unit every renderer draws."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ospf_failover.errors import OspfFailoverError

Outcome = Literal["PASS", "WARN", "FAIL", "SKIP"]
SEVERITY: dict[Outcome, int] = {"SKIP": 0, "PASS": 1, "WARN": 2, "FAIL": 3}
MARK: dict[Outcome, str] = {"PASS": "[I]", "WARN": "[W]", "FAIL": "[E]", "SKIP": "[I]"}


@dataclass(frozen=True)
class Row:
    runbook: str
    fog: str
    host: str | None
    step: str  # "locate", "connect", "standby-down", "active-up", "verify", ...
    outcome: Outcome
    message: str
    seconds: float

    @property
    def text(self) -> str:
        """``step: [host] message``, as ECX lines and alerts show it."""
        where = f"[{self.host}] " if self.host else ""
        return f"{self.step}: {where}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "host": self.host,
            "outcome": self.outcome,
            "message": self.message,
            "seconds": round(self.seconds, 3),
        }


def worst(rows: Iterable[Row]) -> Outcome:
    """FAIL if any row failed, else WARN if any warned, else PASS (skipped steps are not a problem)."""
    found = max((SEVERITY[row.outcome] for row in rows), default=1)
    return "FAIL" if found == 3 else "WARN" if found == 2 else "PASS"


def worst_per_host(rows: Iterable[Row]) -> dict[str, Outcome]:
    result: dict[str, Outcome] = {}
    for row in rows:
        if row.host is not None and (row.host not in result or SEVERITY[row.outcome] > SEVERITY[result[row.host]]):
            result[row.host] = row.outcome
    return result


def error_text(error: BaseException | None) -> str:
    """An error as one line for a row: the project's own errors say it all, others get their type."""
    if isinstance(error, OspfFailoverError):
        return str(error)
    return f"{type(error).__name__}: {error}"
