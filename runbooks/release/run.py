"""The release runbook (ECX's stop.sh): take the gateway NIC down on the router paired with this node.

ECX's default reaction to a failing stop script is to stop the cluster and shut the OS down, and a node that
shuts down does not bring a router's NIC down. So, unless ``strict``, whatever goes wrong while releasing (the
router unreachable, its NIC refusing to go down, another run holding the lock, the run overrunning its bound)
is a warning and an alert, and the exit status is 0: the next switch, on whichever node, takes this NIC down
anyway. Bad input (an unknown group, a node the group's pairing does not know) is still exit 2.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from ospf_failover.engine import Run, command_renderers, error_text, run_per_host, step_timeout
from ospf_failover.engine.lock import fog_lock
from ospf_failover.engine.watchdog import WATCHDOG_GRACE, Watchdog
from ospf_failover.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, InputError, OspfFailoverError
from ospf_failover.gateway import already_released_text
from ospf_failover.inventory import Fleet
from ospf_failover.nornir_setup import init_nornir
from ospf_failover.tasks.nic import set_nic_state

from ..shared.defaults import RELEASE_TIMEOUT
from ..shared.locate import ecx_group, node_from_ecx, node_from_option, this_node
from .plan import plan_release


@dataclass(frozen=True)
class ReleaseOptions:
    fog: str
    node: str | None = None
    strict: bool = False
    dry_run: bool = False
    timeout: float = RELEASE_TIMEOUT
    as_json: bool = False


def run_release(fleet: Fleet, options: ReleaseOptions, *, environ: Mapping[str, str] | None = None) -> int:
    name = options.fog
    run = Run("release", [name], command_renderers(options.as_json))
    run.alerts.say = lambda text: run.note(name, text, outcome="WARN")
    failed = EXIT_FAILED if options.strict else EXIT_OK
    watchdog = Watchdog(f"release {name}", options.timeout + WATCHDOG_GRACE, exit_code=failed).start()
    deadline = time.monotonic() + options.timeout
    try:
        fog = fleet.fog(name)
        if options.node is not None:
            location = node_from_option(fleet, fog, options.node)
        else:
            location = node_from_ecx(fleet, fog, this_node(fleet))
            if ecx_group(environ) not in (None, fog.name):
                run.note(name, f"ECX runs this for {ecx_group(environ)}, releasing {fog.name} as asked")
        plan = plan_release(fog, location)
        run.fog(name).plan = plan.as_dict()
        run.add(name, "locate", "PASS", f"{plan.node}'s router for {fog.name} is {plan.router} ({plan.nic})")
        fleet.check_connect_files()
    except InputError as exc:
        watchdog.cancel()
        run.add(name, "locate", "FAIL", str(exc))
        run.finish_fog(name, EXIT_BAD_INPUT, "refused, nothing touched")
        return run.close()
    since = time.monotonic()
    try:
        with fog_lock(fog.name, timeout=options.timeout):
            nr = init_nornir(fleet, dry_run=options.dry_run)
            try:
                timeout = step_timeout(deadline, fleet.timeouts.command)
                outcome = run_per_host(nr, set_nic_state, plan.change(), timeout=timeout)[plan.router]
            finally:
                nr.close_connections(on_good=True, on_failed=True)
        error = outcome.error
    except OspfFailoverError as exc:
        outcome, error = None, exc
    watchdog.cancel()
    router = plan.router
    if outcome is not None and outcome.ok and outcome.result is not None:
        text = outcome.result.diff or already_released_text(outcome.result.result["before"])
        run.add(name, "release", "PASS", text, host=router, since=since)
        run.finish_fog(name, EXIT_OK, "dry run, nothing changed" if options.dry_run else "released")
    elif options.strict:
        run.add(name, "release", "FAIL", error_text(error), host=router, since=since)
        run.finish_fog(name, EXIT_FAILED, "not released")
    else:
        run.add(name, "release", "WARN", f"{error_text(error)}: NIC left as it is", host=router, since=since)
        run.finish_fog(name, EXIT_OK, "not released (warned; the next switch takes it down)")
    return run.close()
