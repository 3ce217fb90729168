"""What a switch (or a verify) of one failover group knows, step after step: what it was given, then what each
step found. The steps read it and extend it; nothing else is handed from one step to the next."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field

from ospf_failover.engine.batch import Timed
from ospf_failover.inventory import Fleet, Fog
from ospf_failover.models import NicState

from ..shared.locate import Location
from .plan import Plan, SwitchOptions

Opened = Future[Timed]  # background Nornir work: each host's outcome, and when it finished


@dataclass
class SwitchState:
    fleet: Fleet
    options: SwitchOptions
    fog: Fog
    environ: Mapping[str, str] | None = None  # ECX's environment (None: this process's)
    # locate: where the group runs; under ECX, clpstat's word on it, read in the background (``busy`` is set
    # when clpstat answered busy)
    location: Location = field(init=False, repr=False)
    cross_check: Opened | None = field(default=None, init=False, repr=False)
    clpstat_busy: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    # plan
    plan: Plan = field(init=False, repr=False)
    # connect: each router reached, with its NIC as read; the routers not reached, with why in a few words;
    # each observer's session, opening in the background
    known: dict[str, NicState] = field(default_factory=dict, init=False)
    untouched: dict[str, str] = field(default_factory=dict, init=False)
    observer_sessions: dict[str, Opened] = field(default_factory=dict, init=False, repr=False)
    # active-up: when the active router's change was confirmed (None: nothing changed, as in the verify command)
    moved_at: float | None = field(default=None, init=False)

    @property
    def standbys(self) -> list[str]:
        """The standbys reached at connect: those whose NIC the switch takes down, and verify reads."""
        return [router for router in self.plan.standbys if router in self.known]
