"""The runner's work on the master: which minions to ask, asking them through Salt, waiting with a bound.

The master's whole inventory (``ospf_failover:inventory`` in the master config) says which minion serves which
failover group; the minions are asked with Salt's LocalClient (one job, list targeting) and waited for until every
one answered or the bound passed. Whoever has not answered by then is reported, never left out (:mod:`.merge`).
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ospf_failover.errors import InputError, OspfFailoverError
from ospf_failover.inventory import Fleet, load_inventory
from ospf_failover.runbooks.backup.plan import plan_backup

from .merge import Answer, merge_backups, merge_checks
from .minion import CONFIG_KEY, fogs_for, setting
from .slices import by_minion, served_by

DEFAULT_WAIT = 300.0  # seconds the runner waits for the minions
CACHE_POLL = 0.25  # seconds between two reads of the job cache
MINION_MARGIN = 5.0  # a minion's own bound ends this much earlier, so a slow run reports its own timeout


def master_fleet(opts: Mapping[str, Any]) -> Fleet:
    inventory = setting(opts.get(CONFIG_KEY), "inventory")
    if not inventory:
        raise InputError(f"set {CONFIG_KEY}:inventory (the whole inventory's directory) in the master config")
    return load_inventory(inventory)


def choose(fleet: Fleet, *, tgt: str | None, fogs: Any) -> dict[str, str]:
    """Failover group -> minion, for the groups asked for (default all) on the minions ``tgt`` matches (globs of
    minion IDs, comma-separated; default all). Unknown groups are bad input."""
    everything = served_by(fleet)
    wanted = fogs_for(fogs, "")
    for name in wanted:
        fleet.fog(name)  # InputError naming the known groups
    patterns = [p.strip() for p in (tgt or "*").split(",") if p.strip()]
    chosen = {
        fog: minion
        for fog, minion in everything.items()
        if (not wanted or fog in wanted) and any(fnmatch.fnmatchcase(minion, p) for p in patterns)
    }
    if not chosen:
        raise InputError(f"no failover group matches tgt={tgt!r} fogs={wanted or 'all'}")
    return chosen


def wait_bounds(opts: Mapping[str, Any], timeout: float | None) -> tuple[float, float]:
    """(runner's wait, each minion's own bound), seconds."""
    value = timeout if timeout is not None else setting(opts.get(CONFIG_KEY), "timeout")
    try:
        wait = float(value) if value is not None else DEFAULT_WAIT
    except (TypeError, ValueError):
        raise InputError(f"timeout={value!r} is not a number of seconds") from None
    if not 0 < wait <= 3600:
        raise InputError(f"timeout={value}: give seconds between 0 and 3600")
    return wait, max(wait - MINION_MARGIN, wait * 0.75)


def gather(
    opts: Mapping[str, Any], minions: Sequence[str], fun: str, kwarg: dict[str, Any], wait: float
) -> dict[str, Answer]:
    """Run ``fun`` on ``minions`` as one Salt job; every minion's answer, or its absence, after at most ``wait``.

    Answers are read from the master's job cache, which the master writes as each return arrives: a return
    event the client was not subscribed for in time (seen with Salt 3007) is not lost that way."""
    import salt.client  # the extra ospf-failover[salt]; only the runner needs it
    import salt.exceptions

    returned: dict[str, Any] = {}
    deadline = time.monotonic() + wait
    client = salt.client.get_local_client(mopts=dict(opts))
    try:
        job = client.run_job(list(minions), fun, kwarg=kwarg, tgt_type="list", timeout=wait)
        if not job:
            why = "the Salt master published the job to no minion (are their keys accepted?)"
            return {m: Answer(m, None, None, why) for m in minions}
        while time.monotonic() < deadline:
            for minion, ret in client.get_cache_returns(job["jid"]).items():
                if minion in minions and isinstance(ret, dict):
                    returned[minion] = ret.get("ret")
            if set(returned) >= set(minions):
                break
            time.sleep(CACHE_POLL)
    except salt.exceptions.SaltClientError as exc:
        reason = " ".join(str(exc).split())
        return {m: Answer(m, None, None, f"the Salt master did not run the job: {reason}") for m in minions}
    finally:
        client.destroy()
    return {m: Answer.of(m, returned.get(m), answered=m in returned, timeout=wait) for m in minions}


@dataclass(frozen=True)
class Fanout:
    """One run's plan: the master's inventory, group -> minion, the bounds, and the kwargs every minion gets."""

    fleet: Fleet
    chosen: dict[str, str]
    wait: float
    kwarg: dict[str, Any]

    @classmethod
    def plan(cls, opts: Mapping[str, Any], *, tgt: str | None, fogs: Any, timeout: float | None) -> Fanout:
        fleet = master_fleet(opts)
        chosen = choose(fleet, tgt=tgt, fogs=fogs)
        wait, own = wait_bounds(opts, timeout)
        kwarg: dict[str, Any] = {"timeout": own}
        if fogs_for(fogs, ""):
            kwarg["fogs"] = by_minion(chosen)  # each minion runs its own groups only
        return cls(fleet, chosen, wait, kwarg)

    @property
    def minions(self) -> dict[str, list[str]]:
        return by_minion(self.chosen)


def run_check(
    opts: Mapping[str, Any], *, tgt: str | None, fogs: Any, strict: bool, timeout: float | None
) -> dict[str, Any]:
    """The runner ``ospf_failover.check``: the merged document, with ``retcode``; bad input as ``error``."""
    started = time.monotonic()
    try:
        run = Fanout.plan(opts, tgt=tgt, fogs=fogs, timeout=timeout)
    except OspfFailoverError as exc:
        return {"error": str(exc), "retcode": exc.exit_code}
    kwarg = {**run.kwarg, "strict": bool(strict)}
    answers = gather(opts, sorted(run.minions), "ospf_failover.check", kwarg, run.wait)
    return merge_checks(
        run.chosen, answers, seconds=time.monotonic() - started, strict=bool(strict), unjudged=unjudged_in(run.fleet)
    )


def unjudged_in(fleet: Fleet) -> Callable[[str, str], list[dict[str, Any]]]:
    """A silent minion's group as the check would give it: every usual item, not judged for the cause."""
    from ospf_failover.runbooks.check.plan import node_name, plan_check
    from ospf_failover.runbooks.check.unjudged import unjudged

    def items(fog: str, cause: str) -> list[dict[str, Any]]:
        plan = plan_check(fleet, [fog])
        found = unjudged(
            plan.fogs[0], clusters=plan.cluster_of(plan.fogs[0].fog.nodes[0]), node_of=node_name(fleet), cause=cause
        )
        return [
            {"name": f.check, "host": f.host, "status": f.outcome.lower(), "detail": f.detail, "cause": f.cause}
            for f in found
        ]

    return items


def run_backup(opts: Mapping[str, Any], *, tgt: str | None, fogs: Any, timeout: float | None) -> dict[str, Any]:
    """The runner ``ospf_failover.backup``: every minion backs its hosts up into its own repository."""
    started = time.monotonic()
    try:
        run = Fanout.plan(opts, tgt=tgt, fogs=fogs, timeout=timeout)
    except OspfFailoverError as exc:
        return {"error": str(exc), "retcode": exc.exit_code}
    fleet = run.fleet
    hosts_of = {minion: list(plan_backup(fleet, names).hosts) for minion, names in run.minions.items()}
    answers = gather(opts, sorted(run.minions), "ospf_failover.backup", run.kwarg, run.wait)
    return merge_backups(hosts_of, answers, seconds=time.monotonic() - started)
