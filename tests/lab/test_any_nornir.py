"""The inventory itself makes SSH safe: a Nornir built by anyone over the lab's inventory verifies host keys."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from ospf_failover_lab.lab import Lab

SCRIPT = Path(__file__).resolve().with_name("plain_nornir.py")


def plain_nornir(lab: Lab, host: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    done = lab.run("node-b", [sys.executable, str(SCRIPT), str(lab.inventory_dir), host], timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stdout, done.stderr
    outcome: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome, time.monotonic() - started


def test_a_plain_nornir_logs_in_and_refuses_a_changed_host_key(lab: Lab) -> None:
    trusted, _ = plain_nornir(lab, "vr1")
    assert trusted["failed"] is False and "vr1" in trusted["output"], trusted
    lab.change_host_key("vr1")
    try:
        refused, seconds = plain_nornir(lab, "vr1")
    finally:
        lab.restore_host_key("vr1")
    assert refused["failed"] is True, refused
    assert "vr1" not in refused["output"].replace("host vr1", "")  # no command output came back
    assert seconds < 30, f"the refusal took {seconds:.1f} s: the inventory's timeouts should bound it"
    again, _ = plain_nornir(lab, "vr1")
    assert again["failed"] is False, again
