"""Open a validated inventory with Nornir, ready for the tasks' SSH sessions."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from nornir.core import Nornir
from nornir.core.configuration import Config
from nornir.core.inventory import Host
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.processor import Processor
from nornir.core.state import GlobalState
from nornir.core.task import AggregatedResult, MultiResult, Result, Task
from nornir.plugins.runners import ThreadedRunner

from ospf_failover.inventory import Fleet


def init_nornir(fleet: Fleet, *, dry_run: bool = False, num_workers: int = 20) -> Nornir:
    """Nornir over the inventory ``fleet`` validated (the very Nornir objects the inventory plugin built, not a
    second reading of the files), with the connection plugins registered.

    Nothing is added to the SSH settings: what makes a session safe and bounded (key login, host keys checked
    against the inventory's known_hosts only, no ~/.ssh/config, connect/banner/auth timeouts) is in the
    inventory's defaults, validated at load, so a Nornir built any other way over these files has it too.
    Tasks run on ``num_workers`` threads; their sessions open through the ``ospf_failover`` connection plugin
    (``ospf_failover.transport``), which bounds the connects in flight.
    """
    skip_invoke_unless_needed(fleet)
    ConnectionPluginRegister.auto_register()  # what InitNornir does: ours and netmiko's, by their entry points
    config = Config.from_dict(
        runner={"plugin": "threaded", "options": {"num_workers": num_workers}},
        logging={"enabled": False},
    )
    return Nornir(
        inventory=fleet.inventory,
        runner=ThreadedRunner(num_workers=num_workers),
        config=config,
        data=GlobalState(dry_run=dry_run),
    )


def skip_invoke_unless_needed(fleet: Fleet) -> None:
    """Keep paramiko from importing invoke when no session reads an ssh_config file.

    paramiko imports invoke at start-up (about 60 ms, a third of paramiko's own import) for one thing only: the
    ``Match exec`` lines of an ssh_config file. The inventory's sessions read none unless its netmiko extras
    name one (``ssh_config_file``, in defaults.yaml: hosts cannot have extras of their own); then invoke is
    imported as usual. Marking the module absent in
    ``sys.modules`` is Python's own way to make its import fail, which paramiko handles (it sets ``invoke`` to
    None). Nothing is changed once paramiko is loaded.
    """
    if fleet.ssh.ssh_config_file is None and "paramiko" not in sys.modules and "invoke" not in sys.modules:
        sys.modules["invoke"] = None  # type: ignore[assignment]


@dataclass(frozen=True)
class HostRun:
    """One host's outcome of a task: its Result, or the exception that stopped it."""

    result: Result | None
    error: BaseException | None
    seconds: float | None = None  # how long the host's instance of the task took (None: it never ran)

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and not self.result.failed


class Unobservant:
    """A Nornir processor that ignores every event; a processor overrides the ones it needs."""

    def task_started(self, task: Task) -> None:
        return None

    def task_completed(self, task: Task, result: AggregatedResult) -> None:
        return None

    def task_instance_started(self, task: Task, host: Host) -> None:
        return None

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        return None

    def subtask_instance_started(self, task: Task, host: Host) -> None:
        return None

    def subtask_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        return None


class HostTimer(Unobservant):
    """Per host, the seconds its instance of the task took (subtasks are part of it).

    Nornir calls both events on the host's own worker thread; each host has its own keys, so no two threads
    write the same one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._started: dict[str, float] = {}

    def task_instance_started(self, task: Task, host: Host) -> None:
        self._started[host.name] = time.monotonic()

    def task_instance_completed(self, task: Task, host: Host, result: MultiResult) -> None:
        self.seconds[host.name] = time.monotonic() - self._started[host.name]


def run_on(
    nr: Nornir,
    hosts: Collection[str],
    task: Callable[..., Result],
    *,
    processors: Sequence[Processor] = (),
    **kwargs: Any,
) -> dict[str, HostRun]:
    """Run ``task`` on ``hosts`` in parallel; every host gets an outcome, failed hosts included, with the seconds
    its instance took. ``processors`` see the run too (a progress bar).

    Nornir remembers failed hosts and skips them in later runs: that memory is cleared here, because the
    runbooks decide per step what a failure means.
    """
    if not hosts:
        return {}
    wanted = set(hosts)
    timer = HostTimer()
    chosen = nr.filter(filter_func=lambda host: host.name in wanted).with_processors([timer, *processors])
    aggregated = chosen.run(task=task, on_failed=True, **kwargs)
    nr.data.reset_failed_hosts()
    outcomes: dict[str, HostRun] = {}
    for name in hosts:
        multi = aggregated.get(name)
        if multi is None or not len(multi):
            outcomes[name] = HostRun(result=None, error=LookupError(f"{name} is not in the inventory"))
            continue
        first = multi[0]
        error = first.exception
        if error is None and first.failed:
            error = RuntimeError(str(first.result))
        outcomes[name] = HostRun(result=None if error else first, error=error, seconds=timer.seconds.get(name))
    return outcomes
