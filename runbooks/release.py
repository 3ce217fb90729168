"""The release runbook (ECX's stop.sh): take the gateway NIC down on the router paired with this node.

ECX's default reaction to a failing stop script is to shut the OS down, so an unreachable router is a warning
and an alert (exit 0), unless ``strict``. A router that answers but whose NIC will not go down is a failure.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

from ospf_failover.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, ConnectionFailed, InputError
from ospf_failover.inventory import Fleet
from ospf_failover.nornir_setup import init_nornir, run_on
from ospf_failover.runbooks.defaults import RELEASE_TIMEOUT
from ospf_failover.runbooks.locate import ecx_group, node_from_ecx, node_from_option, this_node
from ospf_failover.runbooks.lock import fog_lock
from ospf_failover.runbooks.report import Report
from ospf_failover.runbooks.switch import error_text, start_watchdog
from ospf_failover.tasks.nic import set_nic_state


@dataclass(frozen=True)
class ReleaseOptions:
    fog: str
    node: str | None = None
    strict: bool = False
    dry_run: bool = False
    timeout: float = RELEASE_TIMEOUT
    as_json: bool = False


def run_release(fleet: Fleet, options: ReleaseOptions, *, environ: Mapping[str, str] | None = None) -> int:
    fog = fleet.fog(options.fog)
    fleet.check_connect_files()
    report = Report(runbook="release", fog=fog.name, stream=sys.stderr if options.as_json else sys.stdout)
    start_watchdog(report, options.timeout + 15.0)
    try:
        if options.node is not None:
            location = node_from_option(fleet, fog, options.node)
        else:
            location = node_from_ecx(fleet, fog, this_node(fleet))
            if ecx_group(environ) not in (None, fog.name):
                report.info(f"ECX runs this for {ecx_group(environ)}, releasing {fog.name} as asked")
    except InputError as exc:
        report.add("locate", "FAIL", str(exc))
        return report.finish(EXIT_BAD_INPUT, "refused, nothing touched", as_json=options.as_json)
    router = fog.pairing[location.node]
    nic = fog.nic_for(router)
    report.plan = {"node": location.node, "router": router, "nic": nic, "vm_gateway": str(fog.vm_gateway)}
    report.add("locate", "PASS", f"{location.node}'s router for {fog.name} is {router} ({nic})")
    with fog_lock(fog.name, timeout=options.timeout):
        nr = init_nornir(fleet, dry_run=options.dry_run)
        try:
            since = time.monotonic()
            outcome = run_on(nr, [router], set_nic_state, nic=nic, up=False, gateway=str(fog.vm_gateway))[router]
        finally:
            nr.close_connections(on_good=True, on_failed=True)
    if outcome.ok and outcome.result is not None:
        text = outcome.result.diff or f"{nic} already down"
        report.add("release", "PASS", text, host=router, since=since)
        verdict = "dry run, nothing changed" if options.dry_run else "released"
        return report.finish(EXIT_OK, verdict, as_json=options.as_json)
    if isinstance(outcome.error, ConnectionFailed) and not options.strict:
        report.add("release", "WARN", f"{error_text(outcome.error)}: NIC left as it is", host=router, since=since)
        return report.finish(EXIT_OK, "router unreachable, not released (warned)", as_json=options.as_json)
    report.add("release", "FAIL", error_text(outcome.error), host=router, since=since)
    return report.finish(EXIT_FAILED, "not released", as_json=options.as_json)
