"""Read everything a check needs from one router in one SSH round trip.

A router serves several failover groups; the runbooks ask, for each group's NIC and VM network: is the NIC up,
does it carry the gateway, how does the router route the VM network; and, once per router, its OSPF
neighbours. :func:`read_router_state` batches all of it into one exchange (see ``tasks.shell``); the
single-purpose tasks (``read_nic_state``, ``read_route``, ``read_ospf_neighbors``) are thin views of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nornir.core.task import Result, Task

from ospf_failover.errors import VtyshError
from ospf_failover.inventory import host_view
from ospf_failover.models import CommandText, Platform, RouterState
from ospf_failover.parsers.iproute import address_command, link_command, parse_nic_state
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.route import parse_route_batch, parse_routes
from ospf_failover.parsers.vtysh import vtysh_error

from .shell import CommandOutput, read_file_command, run_batch, vtysh_command


@dataclass(frozen=True)
class NicProbe:
    """A NIC to read, and the gateway address it should carry when up."""

    nic: str
    gateway: str | None = None


@dataclass(frozen=True)
class Reads:
    """What one round trip reads from one router: NICs, routes to prefixes, OSPF neighbours.

    A router serving several failover groups gets one Reads for all of them (:meth:`merge`), so a step costs it
    one round trip however many groups it carries.
    """

    nics: tuple[NicProbe, ...] = ()
    prefixes: tuple[str, ...] = ()
    neighbors: bool = False
    texts: tuple[str, ...] = ()  # names of TEXT_READS, and "file:PATH" for a file's content

    def merge(self, other: Reads) -> Reads:
        return Reads(
            nics=tuple(dict.fromkeys((*self.nics, *other.nics))),
            prefixes=tuple(dict.fromkeys((*self.prefixes, *other.prefixes))),
            neighbors=self.neighbors or other.neighbors,
            texts=tuple(dict.fromkeys((*self.texts, *other.texts))),
        )

    def arguments(self) -> dict[str, Any]:
        """read_router_state's keyword arguments."""
        return {"nics": self.nics, "prefixes": self.prefixes, "neighbors": self.neighbors, "texts": self.texts}


def route_command(suite: str, prefix: str) -> str:
    return f"show ip route {prefix} json" if suite == "frr" else f"show ip route {prefix}"


ROUTES_PER_VTYSH = 40  # route reads one vtysh run makes: about 1.5 kB of command line, well within a terminal line


def route_reads(suite: str, prefixes: Sequence[str]) -> list[list[str]]:
    """The prefixes grouped by vtysh run. Starting vtysh costs about 40 ms, so FRR, whose JSON answers can be told
    apart, reads up to ROUTES_PER_VTYSH prefixes in one run; Quagga's text answers cannot be, one run each."""
    if suite != "frr":
        return [[prefix] for prefix in prefixes]
    return [list(prefixes[i : i + ROUTES_PER_VTYSH]) for i in range(0, len(prefixes), ROUTES_PER_VTYSH)]


def neighbor_command(suite: str) -> str:
    return "show ip ospf neighbor json" if suite == "frr" else "show ip ospf neighbor"


# Reads whose output is kept as it came (RouterState["texts"]), for the check's pure parsers: name -> command
# (vtysh commands take the suite's JSON form where FRR has one).
TEXT_READS: dict[str, Callable[[str], str]] = {
    "running-config": lambda suite: "show running-config",
    "ospf": lambda suite: "show ip ospf json" if suite == "frr" else "show ip ospf",
    "ospf-interfaces": lambda suite: "show ip ospf interface json" if suite == "frr" else "show ip ospf interface",
    "ospf-neighbors": neighbor_command,
}
IP_FORWARD = "ip-forward"  # the kernel's IPv4 forwarding switch, read from /proc


def text_command(name: str, *, suite: str, vtysh: str) -> str:
    if name == IP_FORWARD:
        return "cat /proc/sys/net/ipv4/ip_forward"
    if name.startswith("file:"):
        return read_file_command(name.removeprefix("file:"))
    if name not in TEXT_READS:
        raise ValueError(f"unknown read {name!r}")
    return vtysh_command(vtysh, TEXT_READS[name](suite))


def merge_reads(*plans: Mapping[str, Reads]) -> dict[str, Reads]:
    """Every host's reads over several plans (one per failover group), merged per host."""
    merged: dict[str, Reads] = {}
    for plan in plans:
        for host, reads in plan.items():
            merged[host] = merged[host].merge(reads) if host in merged else reads
    return merged


def checked_vtysh_output(host: str, output: CommandOutput) -> str:
    """vtysh's answer, or VtyshError when it is an error text (vtysh exits 0 on most of them)."""
    reason = vtysh_error(output.output)
    if reason is None and output.exit_status != 0:
        reason = f"exit status {output.exit_status}"
    if reason is not None:
        raise VtyshError(host=host, command=output.command, output=output.output, reason=reason)
    return output.output


def read_router_state(
    task: Task,
    *,
    nics: Sequence[NicProbe] = (),
    prefixes: Sequence[str] = (),
    neighbors: bool = False,
    texts: Sequence[str] = (),
    timeout: float | None = None,
) -> Result:
    """Read NIC states, routes to prefixes, (optionally) OSPF neighbours and texts in one round trip.

    Result: ``result`` is a RouterState; ``changed`` is False. vtysh error texts raise VtyshError, unreadable
    output ParseError, an unreachable host a ConnectionFailed subclass.
    """
    host = task.host
    view = host_view(host)
    suite, vtysh = view.routing_suite or "frr", view.vtysh
    commands: list[str] = []
    for probe in nics:
        commands += [link_command(probe.nic), address_command(probe.nic)]
    route_runs = route_reads(suite, prefixes)
    commands += [vtysh_command(vtysh, *(route_command(suite, prefix) for prefix in run)) for run in route_runs]
    if neighbors:
        commands.append(vtysh_command(vtysh, neighbor_command(suite)))
    commands += [text_command(name, suite=suite, vtysh=vtysh) for name in texts]
    outputs = run_batch(task, commands, timeout=timeout) if commands else []

    state = RouterState(nics={}, routes={}, neighbors=None)
    position = 0
    for probe in nics:
        link, addresses = outputs[position], outputs[position + 1]
        position += 2
        state["nics"][probe.nic] = parse_nic_state(
            nic=probe.nic,
            link=link.output,
            link_status=link.exit_status,
            addresses=addresses.output,
            gateway=probe.gateway,
        )
    platform: Platform = "frr" if suite == "frr" else "quagga"
    for run in route_runs:
        text = checked_vtysh_output(host.name, outputs[position])
        position += 1
        if len(run) == 1:
            state["routes"][run[0]] = parse_routes(text, platform=platform)
        else:
            state["routes"].update(parse_route_batch(text, run))
    if neighbors:
        state["neighbors"] = parse_ospf_neighbors(checked_vtysh_output(host.name, outputs[position]), platform=platform)
        position += 1
    if texts:
        state["texts"] = {
            name: CommandText(output=out.output, exit_status=out.exit_status)
            for name, out in zip(texts, outputs[position:], strict=True)
        }
    return Result(host=host, result=state, changed=False)


def read_nic_state(task: Task, *, nic: str, gateway: str | None = None) -> Result:
    """Is ``nic`` up, and does it carry ``gateway``? Result: ``result`` is a NicState; ``changed`` False."""
    state: RouterState = read_router_state(task, nics=[NicProbe(nic, gateway)]).result
    return Result(host=task.host, result=state["nics"][nic], changed=False)


def read_route(task: Task, *, prefix: str) -> Result:
    """How the router routes ``prefix``: ``result`` is a list of Route (empty when not in table)."""
    state: RouterState = read_router_state(task, prefixes=[prefix]).result
    return Result(host=task.host, result=state["routes"][prefix], changed=False)


def read_ospf_neighbors(task: Task) -> Result:
    """The router's OSPF neighbours: ``result`` is a list of OspfNeighbor (JSON on FRR, text on Quagga)."""
    state: RouterState = read_router_state(task, neighbors=True).result
    return Result(host=task.host, result=state["neighbors"], changed=False)
