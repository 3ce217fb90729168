"""Open a validated inventory with Nornir, ready for the tasks' SSH sessions."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.task import Result

from ospf_failover.inventory import Fleet


def init_nornir(fleet: Fleet, *, dry_run: bool = False, num_workers: int = 20) -> Nornir:
    """Nornir over ``fleet``'s SimpleInventory files, with the SSH settings every connection must use.

    The netmiko extras of defaults.yaml (the only level that may define them, see the inventory's validation)
    get what makes a session safe and bounded: host keys verified against the inventory's known_hosts and
    nothing else, and the inventory's connect/auth/banner timeouts. Tasks run on ``num_workers`` threads;
    connects in flight are bounded separately (``tasks.connection``).
    """
    directory = fleet.directory
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": num_workers}},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(directory / "hosts.yaml"),
                "group_file": str(directory / "groups.yaml"),
                "defaults_file": str(directory / "defaults.yaml"),
            },
        },
        logging={"enabled": False},
        ssh={"config_file": str(directory / "ssh_config")},  # an operator's ~/.ssh/config must not redirect us
        dry_run=dry_run,
    )
    options = nr.inventory.defaults.connection_options["netmiko"]
    extras = dict(options.extras or {})
    extras.update(
        key_file=str(fleet.key_file),
        use_keys=True,
        allow_agent=False,
        ssh_strict=True,  # refuse unknown and mismatching host keys (netmiko's default verifies nothing)
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(fleet.known_hosts),
        conn_timeout=fleet.timeouts.connect,
        banner_timeout=fleet.timeouts.connect,
        auth_timeout=fleet.timeouts.auth,
        read_timeout_override=None,
        fast_cli=True,
        auto_connect=False,  # tasks.connection opens the session, bounded and without netmiko's pauses
    )
    options.extras = extras
    return nr


@dataclass(frozen=True)
class HostRun:
    """One host's outcome of a task: its Result, or the exception that stopped it."""

    result: Result | None
    error: BaseException | None

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
