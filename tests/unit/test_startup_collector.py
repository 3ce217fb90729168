"""A failover command starts without the cyclic garbage collector and always gives it back: after its start-up,
after a refused start-up, and never switched on when it was off."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ospf_failover.cli import loading, runbooks
from ospf_failover.cli.command_line import main
from ospf_failover.cli.startup import collector_paused

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_leaving(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_start_up_fails(collector_on: None) -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("bad inventory")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.parametrize("command", ["switch", "release", "verify"])
def test_a_refused_failover_command_gives_the_collector_back(
    collector_on: None, command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSPF_FAILOVER_ALONE", "1")  # no meeting other switches: this process runs its own
    while_loading: list[bool] = []
    original = loading.load_for

    def load_for(*args: Any, **kwargs: Any) -> Any:
        while_loading.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(runbooks, "load_for", load_for)
    monkeypatch.setattr(loading, "load_for", load_for)
    code = main(["--inventory", str(REPO_INVENTORY), command, "no-such-group", "--node", "node-a"])
    printed = capsys.readouterr()
    assert code == 2, printed
    assert "failover group 'no-such-group' is not in inventory" in printed.out + printed.err
    assert while_loading == [False], "the inventory was not loaded with the collector off"
    assert gc.isenabled()


def test_only_the_script_freezes_what_its_start_up_made(collector_on: None) -> None:
    before = gc.get_freeze_count()
    with collector_paused():
        made = [[index] for index in range(1000)]
    assert gc.get_freeze_count() == before, "a function call froze objects that would never be collected"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc\n"
            "from ospf_failover.cli.startup import collector_paused, for_the_script\n"
            "for_the_script()\n"
            "with collector_paused(freeze=False):\n"
            "    [[index] for index in range(1000)]\n"
            "unfrozen = gc.get_freeze_count()\n"
            "with collector_paused():\n"
            "    made = [[index] for index in range(1000)]\n"
            "print(unfrozen == 0, gc.get_freeze_count() >= 1000, gc.isenabled())\n",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == ["True", "True", "True"], "a leader froze, or the script did not"
    assert len(made) == 1000
