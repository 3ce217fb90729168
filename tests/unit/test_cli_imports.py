"""The commands that run against real routers never load the rehearsal lab."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TypedDict, cast

import pytest

from ospf_failover.cli.command_line import command_of

PROBE = (
    "import json, sys\n"
    "from ospf_failover.cli.command_line import main\n"
    "code = main(sys.argv[1:])\n"
    "print(json.dumps({'code': code, 'lab': sorted(m for m in sys.modules if m.startswith('ospf_failover_lab'))}))\n"
)


class Probe(TypedDict):
    """The line PROBE prints: main's exit code and the ospf_failover_lab modules it loaded."""

    code: int
    lab: list[str]


def loaded(*argv: str) -> Probe:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60, check=False)
    return cast(Probe, json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("command", ["switch", "release", "verify", "inventory", "parse"])
def test_runbook_commands_import_no_lab_module(command: str) -> None:
    seen = loaded(command, "--help")
    assert seen["code"] == 0
    assert seen["lab"] == [], f"{command} --help imported {seen['lab']}"


def test_the_lab_command_loads_the_lab() -> None:
    seen = loaded("lab", "up", "--help")
    assert seen["code"] == 0 and "ospf_failover_lab.lab" in seen["lab"], seen


def test_command_of_skips_global_options() -> None:
    assert command_of(["--inventory", "lab", "switch", "x"]) == "switch"
    assert command_of(["--debug", "lab", "up"]) == "lab"
    assert command_of(["--inventory=x", "verify"]) == "verify"
    assert command_of(["--help"]) is None
