"""``ospf-failover switch``: alone, leading the switches that start with it, or following one.

When a node dies ECX starts every group of that node at once, one ``switch`` per group. The first process to
reach the meeting point (:mod:`ospf_failover.rendezvous`) leads: it starts its own run at once, as a lone switch
would, and runs every request handed to it on a thread of its own, in the same process: one Python start-up and
one inventory load for all of them, every router's connects bounded by one count. A follower only parses its
command line, hands it over and prints what comes back: its own lines, document and exit code.

The inventory is loaded through the command's own loading (:func:`.loading.load_for`) and reused for the requests
of the same directory whose group it holds; each run gets Nornir hosts of its own (its sessions are its own).
Each group keeps its lock: two requests for one group run one after the other, never merged.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import io
import os
import sys
import threading
import time
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, TextIO

from ospf_failover import rendezvous
from ospf_failover.locking import lock_directory
from ospf_failover.rendezvous import Meeting, Outlet, Request

from .arguments import process_started
from .failure import exit_for
from .startup import collector_paused

if TYPE_CHECKING:
    from ospf_failover.inventory import Fleet
    from ospf_failover.runbooks.switch.run import Output

FOLLOWER_GRACE = 1.5  # seconds past a follower's deadline its leader waits for its run (the watchdog's grace and more)


def handle_switch(args: argparse.Namespace) -> int:
    started = process_started()
    if args.debug or not rendezvous.coordination_wanted():
        return switch_alone(args, started=started)
    request = request_of(args, started=started)
    address = rendezvous.meeting_point(request.meeting)
    meeting = rendezvous.meet(address, request, give_up_at=rendezvous.deadline_of(request) + FOLLOWER_GRACE)
    if meeting.followed is not None:
        return after_following(args, meeting, started=started)
    with sharing_connections(meeting.leader is not None), rendezvous.leading(meeting, FOLLOWER_GRACE) as leader:
        fleets = SharedFleets()
        if leader is not None:
            leader.start_serving(lambda request, outlet: serve(request, outlet, fleets))
        return switch_alone(args, started=started, fleets=fleets, leading=leader is not None)


@contextlib.contextmanager
def sharing_connections(wanted: bool) -> Iterator[None]:
    """While a leader runs its switches and its followers', their sessions to a router share SSH connections
    (``transport.shared``): a node's groups open each router a few times, not once per group."""
    if not wanted:
        yield
        return
    from ospf_failover.transport.plugin import SessionPlugin
    from ospf_failover.transport.shared import ClientPool

    SessionPlugin.pool = pool = ClientPool()
    try:
        yield
    finally:
        SessionPlugin.pool = None
        pool.close()


def request_of(args: argparse.Namespace, *, started: float | None) -> Request:
    return Request(
        fog=args.fog,
        inventory=os.path.abspath(args.inventory),
        node=args.node,
        dry_run=args.dry_run,
        as_json=args.json,
        timeout=args.timeout,
        verify=args.verify,
        started=started if started is not None else time.monotonic(),
        environ=rendezvous.ecx_environment(os.environ),
        pid=os.getpid(),
        meeting=rendezvous.meeting_key(inventory=os.path.abspath(args.inventory), lock_dir=str(lock_directory())),
    )


def after_following(args: argparse.Namespace, meeting: Meeting, *, started: float | None) -> int:
    """The leader's exit code; or, when it went away without one, a run alone (a line says why first when the
    leader had drawn some of this group's lines)."""
    followed = meeting.followed
    assert followed is not None
    if followed.exit_code is not None:
        return followed.exit_code
    if followed.printed:
        stream = sys.stderr if args.json else sys.stdout
        print(f"[W] switch {args.fog}: {followed.why}: running alone", file=stream, flush=True)
    return switch_alone(args, started=started)


def switch_alone(
    args: argparse.Namespace,
    *,
    started: float | None,
    fleets: SharedFleets | None = None,
    output: Output | None = None,
    environ: dict[str, str] | None = None,
    leading: bool = False,
) -> int:
    """One switch as the command runs it: the inventory (a refusal's JSON document on ``output`` with --json),
    then the runbook. Errors propagate to the caller, which says them. ``leading``: followers' runs may start
    during this one's start-up."""
    stdout = output.stdout if output is not None else None
    own = output is None  # this process's own run: the loaded hosts are its own
    # a follower's run is a thread among others: the collector is the process's
    with collector_paused(freeze=not leading) if own else contextlib.nullcontext():
        from ospf_failover.runbooks.switch.run import SwitchOptions, run_switch

        from .loading import load_for, options_from

        if fleets is not None:
            fleet = fleets.load(args, stdout=stdout, shared=not own)
        else:
            fleet = load_for(args, "switch", fog=args.fog)
    options = options_from(args, SwitchOptions, started=started)
    return run_switch(fleet, options, environ=environ, output=output)


def serve(request: Request, outlet: Outlet, fleets: SharedFleets) -> None:
    """A follower's switch, run here: drawn on its streams, its exit code sent last (the watchdog's line and
    code instead when its run overruns). Never raises: what goes wrong is the follower's one-line error."""
    from ospf_failover.runbooks.switch.run import Output

    stdout, stderr = outlet.stream("stdout"), outlet.stream("stderr")

    def overrun(line: str, code: int) -> None:
        print(line, file=stderr, flush=True)
        outlet.send({"exit": code})

    args = arguments_of(request)
    output = Output(stdout=stdout, stderr=stderr, overrun=overrun)  # type: ignore[arg-type]
    try:
        code = switch_alone(args, started=request.started, fleets=fleets, output=output, environ=request.environ)
    except (Exception, KeyboardInterrupt) as exc:
        code = exit_for(exc, inventory=args.inventory, debug=False, stderr=stderr)  # type: ignore[arg-type]
    outlet.send({"exit": code})


def arguments_of(request: Request) -> argparse.Namespace:
    """The follower's command line as the switch's parser would have given it."""
    return argparse.Namespace(
        command="switch",
        fog=request.fog,
        inventory=request.inventory,
        node=request.node,
        dry_run=request.dry_run,
        json=request.as_json,
        timeout=request.timeout,
        verify=request.verify,
        debug=False,
    )


class SharedFleets:
    """What a leader loaded for the requests it runs. Its own run loads its group's part, as a lone switch does
    (no added start-up); the others share one load of the whole inventory with broken groups set aside (one load
    for every group it holds), each run with its own copy of its group's Nornir hosts, so that no two runs share
    a session. A group that load cannot give as it is (set aside for a problem of its own or a clash, not in it,
    or the load refused for a problem that is no group's) gets its own part loaded, as a lone switch would: the
    same run, or the same refusal. Loads happen one at a time: the requests that arrive meanwhile wait for the
    first and reuse it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, Fleet | None] = {}

    def load(self, args: argparse.Namespace, *, stdout: TextIO | None = None, shared: bool = True) -> Fleet:
        """The inventory for ``args``'s switch. ``shared``: other runs may use this load too, so the run gets
        its group's hosts as copies of its own (the leader's own run passes False: it loads its group's part)."""
        from ospf_failover.errors import OspfFailoverError

        from .loading import load_for

        if not shared:
            return load_for(args, "switch", fog=args.fog, stdout=stdout)
        key = os.path.abspath(args.inventory)
        with self._lock:
            if key not in self._loaded:
                try:
                    self._loaded[key] = load_for(args, "switch", broken_groups=True, stdout=io.StringIO())
                except OspfFailoverError:
                    self._loaded[key] = None  # a problem that is no group's: each group's part decides
            fleet = self._loaded[key]
        if fleet is None or args.fog not in fleet.fogs:
            return load_for(args, "switch", fog=args.fog, stdout=stdout)
        return own_hosts(fleet, group_hosts(fleet, args.fog))


def group_hosts(fleet: Fleet, fog: str) -> list[str]:
    """The hosts a switch of ``fog`` may open sessions to: its nodes, routers and observers (none when the
    inventory has no such group: the run refuses it before it connects)."""
    group = fleet.fogs.get(fog)
    if group is None:
        return []
    return [*group.pairing, *group.pairing.values(), *group.observers]


def own_hosts(fleet: Fleet, names: Collection[str]) -> Fleet:
    """``fleet`` whose Nornir inventory holds copies of the hosts ``names`` (shallow: the same validated data,
    no session yet), and no other host."""
    from nornir.core.inventory import Hosts, Inventory

    hosts = Hosts()
    for name in dict.fromkeys(names):
        private = copy.copy(fleet.inventory.hosts[name])
        private.connections = {}
        hosts[name] = private
    inventory = Inventory(hosts=hosts, groups=fleet.inventory.groups, defaults=fleet.inventory.defaults)
    return dataclasses.replace(fleet, inventory=inventory)
