"""The switch runbook: hand a failover group's VM gateway to the router on the side where the group runs; and the
verify command, which is the switch without the steps that change anything.

locate -> plan (pure) -> connect to the group's routers and read their NICs (one round trip each, in parallel; the
observers connect in the background) -> standby NICs down -> active NIC up + gratuitous ARP -> verify by polling,
bounded, stopping early when what is wrong cannot converge. Called by ECX's start.sh on every failover; ECX's
custom monitor (genw.sh) runs verify.

Locks: switch holds the group's lock (switch and release exclude each other); verify holds none, so that a
monitor never delays a failover (it may see a switch under way, which the grace covers: see ``progress``).

Exit codes: 0 done and verified (or verification warned/off), 1 the active router could not take over,
2 bad input, inventory, or clpstat garbage/disagreement (nothing touched), 3 switched but not verified in time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from ospf_failover.engine import Runbook, Step, command_renderers, run_steps
from ospf_failover.inventory import Fleet

from .plan import SwitchOptions
from .state import SwitchState
from .steps import after_take_over, connect, dry_run, locate, plan, release_standbys, take_over
from .verify import verify

MAX_WORKERS = 32

SWITCH: tuple[Step[SwitchState], ...] = (
    Step("locate", locate, connects=True),
    Step("plan", plan),
    Step("connect", connect, connects=True),
    Step("dry-run", dry_run),
    Step("standby-down", release_standbys, connects=True, changes=True),
    Step("active-up", take_over, connects=True, changes=True, phase_exit=after_take_over),
    Step("verify", verify, connects=True),
)
VERIFY = tuple(step for step in SWITCH if not step.changes)

__all__ = ["SWITCH", "VERIFY", "Output", "SwitchOptions", "run_switch", "run_verify"]


@dataclass(frozen=True)
class Output:
    """Where a run draws when it is not this process's own command: another process's stdout and stderr, and
    what to do past the bound instead of this process's last line and exit (see ospf_failover.rendezvous)."""

    stdout: TextIO
    stderr: TextIO
    overrun: Callable[[str, int], None] | None = None


def run_switch(
    fleet: Fleet, options: SwitchOptions, *, environ: Mapping[str, str] | None = None, output: Output | None = None
) -> int:
    return _run("switch", SWITCH, fleet, options, environ, lock=True, output=output)


def run_verify(fleet: Fleet, options: SwitchOptions, *, environ: Mapping[str, str] | None = None) -> int:
    return _run("verify", VERIFY, fleet, options, environ, lock=False)


def _run(
    name: str,
    steps: Sequence[Step[SwitchState]],
    fleet: Fleet,
    options: SwitchOptions,
    environ: Mapping[str, str] | None,
    *,
    lock: bool,
    output: Output | None = None,
) -> int:
    runbook = runbook_of(name, fleet, options, lock=lock, output=output)

    def prepare() -> SwitchState:
        fog = fleet.fog(options.fog)
        fleet.check_connect_files()
        return SwitchState(fleet=fleet, options=options, fog=fog, environ=environ)

    return run_steps(fleet, runbook, prepare, steps)


def runbook_of(name: str, fleet: Fleet, options: SwitchOptions, *, lock: bool, output: Output | None = None) -> Runbook:
    """How a switch or a verify runs: bounded by ``--timeout`` from the command's start, never quiet, the
    switch holding its group's lock; drawn on ``output`` when given."""
    streams = {"stdout": output.stdout, "stderr": output.stderr} if output is not None else {}
    return Runbook(
        name,
        (options.fog,),
        tuple(command_renderers(options.as_json, **streams)),
        lock=lock,
        timeout=options.timeout,
        started=options.started,
        heartbeat=True,
        workers=min(MAX_WORKERS, max(4, len(fleet.hosts))),
        dry_run=options.dry_run,
        overrun=output.overrun if output is not None else None,
    )
