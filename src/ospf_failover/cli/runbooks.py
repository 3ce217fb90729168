"""``ospf-failover switch`` and ``ospf-failover release``: the runbooks ECX's start.sh and stop.sh call."""

from __future__ import annotations

import argparse
from typing import Any

from ospf_failover.runbooks.shared.defaults import CHECK_WORKERS, RELEASE_TIMEOUT, SWITCH_TIMEOUT, VERIFY_TIMEOUT

from .arguments import positive_seconds, process_started, timeout_help, workers
from .loading import load_for, options_from
from .startup import collector_paused

SWITCH_EXIT_CODES = (
    "Exit codes: 0 switched and verified (or verification warned/off), 1 the active router could not take over "
    "(nothing changed when it was unreachable), 2 bad input, inventory, or clpstat garbage/disagreement "
    "(nothing touched: clpstat busy beyond its retries included), 3 switched but not verified in time, or in a "
    "state that cannot converge (--verify fail)."
)
RELEASE_EXIT_CODES = (
    "Exit codes: 0 released, or not released with a warning and an alert (router unreachable, NIC refusing, lock "
    "held: ECX shuts the OS down when a stop script fails), 1 not released, with --strict only, 2 bad input or "
    "inventory."
)


CHECK_EXIT_CODES = (
    "Exit codes: 0 nothing failed (warnings allowed, unless --strict), 1 a check failed (with --strict: or "
    "warned; a group with an inventory problem of its own fails its inventory check), 2 bad input, or an "
    "inventory problem that is no group's (defaults.yaml, a file). With --format nagios, the plugin "
    "guidelines' codes instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad input or inventory)."
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    switch = subparsers.add_parser(
        "switch",
        help="move a failover group's VM gateway to the router on its active node's side, and verify",
        description="Find where the failover group FOG is active (--node; else this node when run by ECX, "
        "CLP_GROUPNAME set; else clpstat), take the gateway NIC down on every other router of the group, bring "
        "it up on the active side's router (with gratuitous ARP), then poll until OSPF shows the VM network via "
        "the active router only on every standby and observer; the poll stops early when what is wrong cannot "
        "converge (e.g. a router it may not touch holds the gateway) once that lasted twice the OSPF dead "
        "interval (10 s when unknown). A line at least every 5 s while it waits.",
        epilog=SWITCH_EXIT_CODES,
    )
    switch.add_argument("fog", metavar="FOG", help="failover group name, as in ECX")
    switch.add_argument("--node", help="the cluster node the group is active on (skips ECX's call and clpstat)")
    switch.add_argument("--dry-run", action="store_true", help="read the current state, say what would change")
    switch.add_argument("--json", action="store_true", help="one JSON document on stdout; step lines on stderr")
    switch.add_argument("--timeout", type=positive_seconds, default=SWITCH_TIMEOUT, help=timeout_help(SWITCH_TIMEOUT))
    switch.add_argument(
        "--verify",
        choices=("fail", "warn", "off"),
        default="fail",
        help="when OSPF has not moved the route in time: exit 3 (fail, default), exit 0 with warnings (warn), "
        "or do not check (off)",
    )
    switch.set_defaults(handler=handle_switch)

    verify = subparsers.add_parser(
        "verify",
        help="check, without changing anything, that a failover group's gateway and routes are where it runs",
        description="Locate the failover group FOG like switch does, then poll (up to --timeout) until the active "
        "router carries the gateway and every standby and observer routes the VM network via it only, stopping "
        "early when what is wrong cannot converge (twice the OSPF dead interval, 10 s when unknown). Changes "
        "nothing and takes no lock, so it never delays a switch or release: this is the check ECX's custom "
        "monitor (ecx/genw.sh) runs.",
        epilog="Exit codes: 0 as it should be, 1 the active router unreachable, 2 bad input or inventory, 3 not as it "
        "should be within --timeout or in a state that cannot converge (an unreachable standby or observer "
        "included).",
    )
    verify.add_argument("fog", metavar="FOG", help="failover group name, as in ECX")
    verify.add_argument("--node", help="the cluster node the group is active on (default: ECX's call or clpstat)")
    verify.add_argument("--json", action="store_true", help="one JSON document on stdout; step lines on stderr")
    verify.add_argument("--timeout", type=positive_seconds, default=VERIFY_TIMEOUT, help=timeout_help(VERIFY_TIMEOUT))
    verify.set_defaults(handler=handle_verify)

    release = subparsers.add_parser(
        "release",
        help="take the gateway NIC down on the router paired with this node (ECX stop.sh)",
        description="Take the failover group's gateway NIC down on the router paired with this node (or --node).",
        epilog=RELEASE_EXIT_CODES,
    )
    release.add_argument("fog", metavar="FOG", help="failover group name, as in ECX")
    release.add_argument("--node", help="the cluster node whose router to release (default: this node)")
    release.add_argument("--strict", action="store_true", help="exit 1 when the router is unreachable")
    release.add_argument("--dry-run", action="store_true", help="read the current state, change nothing")
    release.add_argument("--json", action="store_true", help="one JSON document on stdout; step lines on stderr")
    release.add_argument(
        "--timeout", type=positive_seconds, default=RELEASE_TIMEOUT, help=timeout_help(RELEASE_TIMEOUT)
    )
    release.set_defaults(handler=handle_release)
    register_check(subparsers)


def register_check(subparsers: argparse._SubParsersAction[Any]) -> None:
    check = subparsers.add_parser(
        "check",
        help="check every failover group (or those named): is the state right, would a failover work",
        description="Read every router and observer of the failover groups once (one SSH round trip each, for "
        "all the groups it serves) and clpstat once per cluster, then judge each group: reachable, "
        "ospf-neighbors, single-advertiser, cluster-agreement, observer-route, standby-ready, config-drift, "
        "config-saved, convergence-budget, privileges: the same items every run, each not a pass pointing to its "
        "cause. Changes nothing. One line per group with its causes, then a table of what is not right; --json: one "
        "document; --format: Prometheus text or a Nagios/Icinga plugin line.",
        epilog=CHECK_EXIT_CODES,
    )
    check.add_argument("fogs", metavar="FOG", nargs="*", help="failover groups to check (default: all)")
    check.add_argument("--json", action="store_true", help="one JSON document on stdout")
    check.add_argument(
        "--workers", type=workers, default=CHECK_WORKERS, help=f"hosts read at once (default {CHECK_WORKERS})"
    )
    check.add_argument("--strict", action="store_true", help="a warning fails the run too (exit 1)")
    check.add_argument(
        "--format",
        choices=("prometheus", "nagios"),
        help="prometheus: the Prometheus text format (metrics per group, check and host); nagios: a "
        "Nagios/Icinga plugin's status line with performance data and its exit codes",
    )
    check.add_argument(
        "--output",
        metavar="FILE",
        help="with --format prometheus: write the metrics to FILE atomically (node_exporter's textfile "
        "collector reads FILE.prom files) instead of stdout",
    )
    check.set_defaults(handler=handle_check)

    status = subparsers.add_parser(
        "status",
        help="draw one failover group as it is now: nodes, routers, who holds the gateway, observers' routes",
        description="Read the failover group's routers, observers and clpstat (as check does) and draw the "
        "original how-to's picture: the nodes and where clpstat says the group (the VM) runs, each router with "
        "its addresses and whether it holds the gateway, each observer's next hop by router name and the OSPF "
        "adjacencies; what is wrong is marked where it is, then a verdict and the causes. Changes nothing.",
        epilog="Exit codes, as check's: 0 nothing failed (warnings allowed), 1 a check failed (a router or "
        "observer not read included), 2 bad input or inventory.",
    )
    status.add_argument("fog", metavar="FOG", help="failover group name, as in ECX")
    status.add_argument("--json", action="store_true", help="one JSON document on stdout")
    status.set_defaults(handler=handle_status)


def handle_switch(args: argparse.Namespace) -> int:
    from .switching import handle_switch as switch

    return switch(args)  # alone, leading the switches started with it, or following one (rendezvous)


def handle_verify(args: argparse.Namespace) -> int:
    with collector_paused():
        from ospf_failover.runbooks.switch.run import SwitchOptions, run_verify

        fleet = load_for(args, "verify", fog=args.fog)
    return run_verify(fleet, options_from(args, SwitchOptions, started=process_started()))


def handle_release(args: argparse.Namespace) -> int:
    with collector_paused():
        from ospf_failover.runbooks.release.run import ReleaseOptions, run_release

        fleet = load_for(args, "release", fog=args.fog)
    return run_release(fleet, options_from(args, ReleaseOptions, started=process_started()))


def handle_check(args: argparse.Namespace) -> int:
    from ospf_failover.errors import InputError, InventoryError, OspfFailoverError
    from ospf_failover.runbooks.check.run import CheckOptions, run_check

    if args.format is not None and args.json:
        raise InputError("give --json or --format, not both")
    if args.output is not None and args.format != "prometheus":
        raise InputError("--output FILE goes with --format prometheus")
    if args.format != "nagios":
        return run_check(
            load_for(args, "check", broken_groups=True), options_from(args, CheckOptions, fogs=tuple(args.fogs))
        )
    try:  # a plugin that cannot run says so in its one line, as UNKNOWN
        return run_check(
            load_for(args, "check", broken_groups=True), options_from(args, CheckOptions, fogs=tuple(args.fogs))
        )
    except OspfFailoverError as exc:
        problems = (
            f" ({len(exc.problems)} problem(s), first: {exc.problems[0]})" if isinstance(exc, InventoryError) else ""
        )
        print(f"OSPF-FAILOVER UNKNOWN - {exc}{problems}".replace("|", "/"))
        return 3


def handle_status(args: argparse.Namespace) -> int:
    from ospf_failover.runbooks.status.run import StatusOptions, run_status

    return run_status(load_for(args, "status", fog=args.fog), options_from(args, StatusOptions))
