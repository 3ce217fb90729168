"""Progress on long work: a bar on stderr while hosts are read, when stderr is a terminal, moved by a Nornir
processor as each host's instance of the task completes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nornir.core.inventory import Host
from nornir.core.processor import Processor
from nornir.core.task import MultiResult, Task

from ospf_failover.nornir_setup import Unobservant


class HostsDone(Unobservant):
    """Calls ``done(host)`` as each host's instance of a task completes, failed hosts included (not subtasks)."""

    def __init__(self, done: Callable[[str], None]) -> None:
        self.done = done

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self.done(host.name)


@contextmanager
def host_progress(total: int, *, doing: str = "reading") -> Iterator[list[Processor]]:
    """Yields the processors to run the work with: a bar that advances as each host is done, gone once they all
    are. Off a terminal (cron, Salt, a pipe) or for one host there is none."""
    if not sys.stderr.isatty() or total < 2:
        yield []
        return
    from rich.console import Console  # loaded only when drawn
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(f"{doing} {total} hosts", total=total)
        yield [HostsDone(lambda host: bar.advance(task))]
