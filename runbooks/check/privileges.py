"""The check's ``privileges`` judge, pure: did sudo refuse a command the tool needs on a host of the group?

An unprivileged login runs what needs root through ``sudo -n``; a rule missing for one of those commands makes
sudo refuse it, and the fact it was to read is missing (NotRead) or the host's read fails. Other checks then say
what they could not judge; this one names the commands sudo refused, per host, so that the rules can be added
(``ospf-failover inventory sudoers HOST`` prints them all). One item per router, observer and cluster node of
the group, whatever the faults: a pass, or a warning (the check itself changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ospf_failover.errors import SUDO_REFUSES, PrivilegeError
from ospf_failover.models import NotRead, RouterState

from .findings import FogSeen, Judgement

_REFUSED = re.compile(rf"{SUDO_REFUSES} (?P<quote>['\"])(?P<command>.*?)(?P=quote)")
SHOWN = 160  # characters of a refused command shown (a vtysh run may read forty routes)


def privileges(fog: FogSeen) -> list[Judgement]:
    """Per router, observer and cluster node of the group: WARN naming each command sudo refused there, else
    PASS."""
    plan, seen = fog.plan, fog.seen
    judged: list[Judgement] = []
    for host in (*plan.fog.routers, *plan.fog.observers, *plan.fog.nodes):
        found: list[str] = []
        if host in seen.errors:
            found += _refused_in(seen.errors[host])
        state = seen.states.get(host)
        if state is not None:
            found += _refused_facts(state)
        status = seen.clpstat.get(host)
        if isinstance(status, NotRead):
            found += [*_refused_facts_of([status]), *_refused_in(status.reason)]
        refused = list(dict.fromkeys(found))
        if refused:
            named = ", ".join(repr(_shown(command)) for command in refused)
            rules = "its rule" if len(refused) == 1 else "their rules"
            judged.append(Judgement(host, "WARN", f"{SUDO_REFUSES} {named}: add {rules} (ospf-failover inventory "
                                                  f"sudoers {host})"))  # fmt: skip
        else:
            judged.append(Judgement(host, "PASS", "sudo refused no command read here"))
    return judged


def _shown(command: str) -> str:
    return command if len(command) <= SHOWN else command[: SHOWN - 3] + "..."


def _refused_in(text: str) -> list[str]:
    return [match["command"] for match in _REFUSED.finditer(text)]


def _refused_facts(state: RouterState) -> Iterator[str]:
    facts = [state.get(key) for key in ("neighbors", "ospf_process", "ospf_interfaces", "ospf_config", "ip_forwarding")]
    yield from _refused_facts_of([*facts, *state.get("nic_configs", {}).values()])


def _refused_facts_of(values: list[object]) -> Iterator[str]:
    for value in values:
        if isinstance(value, NotRead) and isinstance(value.cause, PrivilegeError):
            yield value.cause.refused
