"""A session's batches through a real ``sh`` on pipes, as the session's exec channel gives it one: outputs and exit
statuses, lines in one write, commands that read stdin, exit or write to stderr, timeouts and a lost shell."""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Iterator

import pytest

from ospf_failover.errors import CommandTimeout, DeviceError
from ospf_failover.tasks.shell import ABSENT, read_file_command
from ospf_failover.transport import Session
from ospf_failover.transport.channel import SHELL


class ShellOnPipes:
    """A real shell on pipes, stderr merged, offering the calls a session makes of its paramiko channel."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [SHELL], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0
        )
        self.timeout: float | None = None
        self.written = 0

    def settimeout(self, timeout: float) -> None:
        self.timeout = timeout

    def sendall(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.written += 1
        self.process.stdin.write(data)

    def recv(self, size: int) -> bytes:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], self.timeout)
        if not ready:
            raise TimeoutError("timed out")
        return os.read(self.process.stdout.fileno(), size)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


class NoClient:
    def close(self) -> None:
        pass


@pytest.fixture
def shell() -> Iterator[tuple[Session, ShellOnPipes]]:
    channel = ShellOnPipes()
    session = Session(host="vr1", client=NoClient(), channel=channel)
    try:
        yield session, channel
    finally:
        session.close()


def test_each_command_gets_its_output_and_status(shell: tuple[Session, ShellOnPipes]) -> None:
    session, _ = shell
    commands = [
        "echo one; echo two",
        "false",
        "printf 'no newline'",
        "sh -c 'exit 9'",
        "echo out; echo err >&2; echo end",
    ]
    outputs = session.run_batch(commands, timeout=10)
    assert [(o.command, o.output, o.exit_status) for o in outputs] == [
        (commands[0], "one\ntwo", 0),
        (commands[1], "", 1),
        (commands[2], "no newline", 0),
        (commands[3], "", 9),
        (commands[4], "out\nerr\nend", 0),  # stderr in its place, as on a terminal
    ]


def test_commands_cannot_change_the_sessions_shell_or_read_its_input(shell: tuple[Session, ShellOnPipes]) -> None:
    session, _ = shell
    first = session.run_batch(["cd /", "cat", read_file_command("/nonexistent/file"), "echo after"], timeout=10)
    assert [o.exit_status for o in first] == [0, 0, ABSENT, 0], first  # cat read /dev/null, not the batch
    (where,) = session.run_batch(["pwd"], timeout=10)
    assert where.output != "/" and not session.broken  # the cd stayed in its line's subshell


def test_a_command_that_exits_ends_its_line_at_once_not_the_session(shell: tuple[Session, ShellOnPipes]) -> None:
    session, _ = shell
    start = time.monotonic()
    with pytest.raises(DeviceError, match=r"unreadable output \(0 of 2 command markers seen\)"):
        session.run_batch(["exit 4", "echo never"], timeout=10)
    assert time.monotonic() - start < 5, "the line's end marker, not the timeout, ended the wait"
    (after,) = session.run_batch(["echo still"], timeout=10)
    assert after.output == "still" and not session.broken


def test_a_long_batch_goes_as_several_lines_in_one_write(shell: tuple[Session, ShellOnPipes]) -> None:
    session, channel = shell
    outputs = session.run_batch([f"echo {k}" for k in range(400)], timeout=10)
    assert [o.output for o in outputs] == [str(k) for k in range(400)]
    assert channel.written == 1


def test_a_timeout_breaks_the_session(shell: tuple[Session, ShellOnPipes]) -> None:
    session, channel = shell
    start = time.monotonic()
    with pytest.raises(CommandTimeout, match="no complete answer within 0 s") as caught:
        session.run_batch(["echo started", "sleep 5"], timeout=0.3)
    assert time.monotonic() - start < 3
    assert isinstance(caught.value, TimeoutError) and "started" in caught.value.output
    assert session.broken and channel.process.poll() is not None  # closed, not left running
    with pytest.raises(DeviceError, match="failed earlier"):
        session.run_batch(["true"], timeout=1)


def test_a_lost_shell_is_a_device_error(shell: tuple[Session, ShellOnPipes]) -> None:
    session, _ = shell
    with pytest.raises(DeviceError, match="SSH session failed"):
        session.run_batch(["kill -KILL $$"], timeout=10)  # $$ in a subshell: the session's shell itself
    assert session.broken


def test_an_empty_batch_sends_nothing(shell: tuple[Session, ShellOnPipes]) -> None:
    session, channel = shell
    assert session.run_batch([], timeout=1) == [] and channel.written == 0
