"""Open a validated inventory with Nornir, ready for the tasks' SSH sessions."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from nornir.core import Nornir
from nornir.core.configuration import Config
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.state import GlobalState
from nornir.core.task import Result
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
    seconds: float | None = None  # how long the host's work took, when measured (engine.run_per_host)

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and not self.result.failed


def run_on(nr: Nornir, hosts: Collection[str], task: Callable[..., Result], **kwargs: Any) -> dict[str, HostRun]:
    """Run ``task`` on ``hosts`` in parallel; every host gets an outcome, failed hosts included.

    Nornir remembers failed hosts and skips them in later runs: that memory is cleared here, because the
    runbooks decide per step what a failure means.
    """
    if not hosts:
        return {}
    wanted = set(hosts)
    aggregated = nr.filter(filter_func=lambda host: host.name in wanted).run(task=task, on_failed=True, **kwargs)
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
        outcomes[name] = HostRun(result=None if error else first, error=error)
    return outcomes
