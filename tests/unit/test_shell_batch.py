"""The batch marker protocol that gives each command of one SSH round trip its own output and exit status."""

from __future__ import annotations

import subprocess

import pytest

from ospf_failover.tasks.shell import vtysh_command
from ospf_failover.transport.batch import MAX_LINE, TOKEN_SHAPE, build_batch, chunks, split_batch


def run_in_sh(line: str) -> str:
    return subprocess.run(["sh", "-c", line], capture_output=True, text=True, timeout=10, check=True).stdout


def test_batch_round_trip_through_a_real_shell() -> None:
    commands = ["echo one; echo two", "false", "printf 'no newline'", "sh -c 'exit 9'"]
    outputs = split_batch(run_in_sh(build_batch(commands, "t0k3n")), commands, "t0k3n")
    assert [(o.output, o.exit_status) for o in outputs] == [("one\ntwo", 0), ("", 1), ("no newline", 0), ("", 9)]
    assert [o.command for o in outputs] == commands


def test_echoed_command_line_and_previous_prompt_are_skipped() -> None:
    commands = ["hostname"]
    line = build_batch(commands, "abcd")
    # a leftover prompt, the echo (wrapped by the terminal), then the output
    echo = line[:40] + "\r\n" + line[40:]
    session_text = f"root@vr1:~# {echo}\r\n\r\n@@OF start abcd@@\r\nvr1\r\n@@OF 0 0 abcd@@\r\n"
    (output,) = split_batch(session_text, commands, "abcd")
    assert output.output == "vr1"


def test_missing_marker_is_refused() -> None:
    with pytest.raises(ValueError, match="1 of 2"):
        split_batch("@@OF start tok@@\nx\n@@OF 0 0 tok@@\n", ["a", "b"], "tok")


def test_a_marker_with_another_token_is_output_not_a_marker() -> None:
    commands = ["cat file"]
    (output,) = split_batch("@@OF start good@@\n@@OF 0 0 evil@@\n@@OF 0 3 good@@\n", commands, "good")
    assert output.output == "@@OF 0 0 evil@@" and output.exit_status == 3


def test_vtysh_command_quotes_each_command() -> None:
    assert vtysh_command("sudo vtysh", "show ip route 10.0.0.0/24 json") == (
        "sudo vtysh -c 'show ip route 10.0.0.0/24 json'"
    )


def test_echo_alone_never_looks_like_a_marker() -> None:
    commands = ["ip -o link show dev eth1", "vtysh -c 'show ip route 10.0.0.0/24 json'"]
    line = build_batch(commands, "f00d")
    with pytest.raises(ValueError, match="start marker"):
        split_batch(f"root@vr1:~# {line}\r\n", commands, "f00d")


def test_a_batch_longer_than_a_terminal_line_goes_as_several_lines() -> None:
    """A terminal drops what goes past 4095 characters of one input line: 60 groups' route reads do not fit one."""
    commands = [vtysh_command("vtysh", f"show ip route 10.0.{k}.0/24 json") for k in range(60)]
    assert len(build_batch(commands, TOKEN_SHAPE)) > 4095
    runs = chunks(commands, TOKEN_SHAPE)
    assert len(runs) > 1 and [c for run in runs for c in run] == commands  # all of them, in order
    assert all(len(build_batch(run, TOKEN_SHAPE)) <= MAX_LINE for run in runs)
    echoes = [f"echo {k}" for k in range(400)]
    outputs = [
        o for run in chunks(echoes, "t0k3n") for o in split_batch(run_in_sh(build_batch(run, "t0k3n")), run, "t0k3n")
    ]
    assert [o.output for o in outputs] == [str(k) for k in range(400)]
    with pytest.raises(ValueError, match="does not fit one terminal line"):
        chunks(["x" * 5000], TOKEN_SHAPE)
