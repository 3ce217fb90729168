"""The lab's fault commands (cut, restore, host-key, daemon) explain themselves without a lab; what they do to a
running lab is tested in tests/lab/test_lab_cli.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TOOL = str(Path(sys.executable).with_name("ospf-failover"))


@pytest.mark.parametrize("command", ["cut", "restore", "host-key", "daemon"])
def test_fault_commands_have_help(command: str) -> None:
    done = subprocess.run([TOOL, "lab", command, "--help"], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 and done.stdout.startswith(f"usage: ospf-failover lab {command} "), done.stderr
    assert "--dir DIR" in done.stdout and "HOST" in done.stdout


def test_a_fault_command_without_its_mode_is_a_usage_error() -> None:
    for argv in (["host-key", "vr1"], ["daemon", "vr1", "ospfd"]):
        done = subprocess.run([TOOL, "lab", *argv], capture_output=True, text=True, timeout=30, check=False)
        assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "one of the arguments" in done.stderr
