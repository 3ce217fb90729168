"""The check's ``privileges`` judge, pure: did sudo refuse a command the tool needs on a host of the group?

An unprivileged login runs what needs root through ``sudo -n``; a rule missing for one of those commands makes
sudo refuse it, and the fact it was to read is missing (NotRead) or the host's read fails. Other checks then say
what they could not tell; this one names the command sudo refused, on which host, so that the rule can be added
(``ospf-failover inventory sudoers HOST`` prints them all). A warning: the check itself changes nothing, and the
same commands were refused in no other way.
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
    """WARN per host (router, observer, cluster node of the group) and command sudo refused; PASS otherwise."""
    plan, seen = fog.plan, fog.seen
    refused: dict[str, list[str]] = {}
    for host in (*plan.fog.routers, *plan.fog.observers):
        texts = [seen.errors[host]] if host in seen.errors else []
        state = seen.states.get(host)
        found = [*_refused_in(texts), *(_refused_facts(state) if state is not None else ())]
        if found:
            refused[host] = found
    for node in plan.fog.nodes:
        status = seen.clpstat.get(node)
        if isinstance(status, NotRead):
            found = [*_refused_facts_of([status]), *_refused_in([status.reason])]
            if found:
                refused[node] = found
    if not refused:
        return [Judgement(None, "PASS", "sudo refused no command the check ran")]
    return [
        Judgement(host, "WARN", f"{SUDO_REFUSES} {_shown(command)!r}: add its rule (ospf-failover inventory sudoers "
                  f"{host})")
        for host, commands in refused.items()
        for command in dict.fromkeys(commands)
    ]  # fmt: skip


def _shown(command: str) -> str:
    return command if len(command) <= SHOWN else command[: SHOWN - 3] + "..."


def _refused_in(texts: list[str]) -> Iterator[str]:
    for text in texts:
        for match in _REFUSED.finditer(text):
            yield match["command"]


def _refused_facts(state: RouterState) -> Iterator[str]:
    facts = [state.get(key) for key in ("neighbors", "ospf_process", "ospf_interfaces", "ospf_config", "ip_forwarding")]
    yield from _refused_facts_of([*facts, *state.get("nic_configs", {}).values()])


def _refused_facts_of(values: list[object]) -> Iterator[str]:
    for value in values:
        if isinstance(value, NotRead) and isinstance(value.cause, PrivilegeError):
            yield value.cause.refused
