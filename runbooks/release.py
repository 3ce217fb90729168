"""The release runbook (ECX's stop.sh): take the gateway NIC down on the router paired with this node.

ECX's default reaction to a failing stop script is to stop the cluster and shut the OS down, and a node that
shuts down does not bring a router's NIC down. So, unless ``strict``, whatever goes wrong while releasing (the
router unreachable, its NIC refusing to go down, another run holding the lock, the run overrunning its bound)
is a warning and an alert, and the exit status is 0: the next switch, on whichever node, takes this NIC down
anyway. Bad input (an unknown group, a node the group's pairing does not know) is still exit 2.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

from ospf_failover.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, InputError, OspfFailoverError
from ospf_failover.gateway import already_released_text
from ospf_failover.inventory import Fleet
from ospf_failover.nornir_setup import init_nornir, run_on
from ospf_failover.tasks.nic import set_nic_state

from .defaults import RELEASE_TIMEOUT
from .locate import ecx_group, node_from_ecx, node_from_option, this_node
from .lock import fog_lock
from .report import Report, error_text
from .watchdog import WATCHDOG_GRACE, Watchdog


@dataclass(frozen=True)
class ReleaseOptions:
    fog: str
    node: str | None = None
    strict: bool = False
    dry_run: bool = False
    timeout: float = RELEASE_TIMEOUT
    as_json: bool = False


def run_release(fleet: Fleet, options: ReleaseOptions, *, environ: Mapping[str, str] | None = None) -> int:
    report = Report(runbook="release", fog=options.fog, stream=sys.stderr if options.as_json else sys.stdout)
    failed = EXIT_FAILED if options.strict else EXIT_OK
    watchdog = Watchdog(report, options.timeout + WATCHDOG_GRACE, exit_code=failed).start()
    deadline = time.monotonic() + options.timeout
    try:
        fog = fleet.fog(options.fog)
        if options.node is not None:
            location = node_from_option(fleet, fog, options.node)
        else:
            location = node_from_ecx(fleet, fog, this_node(fleet))
            if ecx_group(environ) not in (None, fog.name):
                report.info(f"ECX runs this for {ecx_group(environ)}, releasing {fog.name} as asked")
        router = fog.pairing[location.node]
        nic = fog.nic_for(router)
        report.plan = {"node": location.node, "router": router, "nic": nic, "vm_gateway": str(fog.vm_gateway)}
        report.add("locate", "PASS", f"{location.node}'s router for {fog.name} is {router} ({nic})")
        fleet.check_connect_files()
    except InputError as exc:
        watchdog.cancel()
        report.add("locate", "FAIL", str(exc))
        return report.finish(EXIT_BAD_INPUT, "refused, nothing touched", as_json=options.as_json)

    since = time.monotonic()
    try:
        with fog_lock(fog.name, timeout=options.timeout):
            nr = init_nornir(fleet, dry_run=options.dry_run)
            try:
                timeout = max(0.5, min(fleet.timeouts.command, deadline - time.monotonic()))
                outcome = run_on(
                    nr, [router], set_nic_state, nic=nic, up=False, gateway=str(fog.vm_gateway), timeout=timeout
                )[router]
            finally:
                nr.close_connections(on_good=True, on_failed=True)
        error = outcome.error
    except OspfFailoverError as exc:
        outcome, error = None, exc
    watchdog.cancel()
    if outcome is not None and outcome.ok and outcome.result is not None:
        text = outcome.result.diff or already_released_text(outcome.result.result["before"])
        report.add("release", "PASS", text, host=router, since=since)
        verdict = "dry run, nothing changed" if options.dry_run else "released"
        return report.finish(EXIT_OK, verdict, as_json=options.as_json)
    if options.strict:
        report.add("release", "FAIL", error_text(error), host=router, since=since)
        return report.finish(EXIT_FAILED, "not released", as_json=options.as_json)
    report.add("release", "WARN", f"{error_text(error)}: NIC left as it is", host=router, since=since)
    return report.finish(EXIT_OK, "not released (warned; the next switch takes it down)", as_json=options.as_json)
