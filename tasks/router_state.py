"""Read the facts a plan asks of one host in one SSH round trip, each parsed once, here, where it is read.

A router serves several failover groups; the runbooks ask, for each group's NIC and VM network: is the NIC up,
does it carry the gateway, how does the router route the VM network (a few networks looked up, more found in
the routing table read once); and, once per host, the host-wide facts
(``HOST_FACTS``: OSPF neighbours, timers and configuration, IP forwarding) and NIC configuration files.
:func:`read_router_state` batches all of it into one exchange (see ``tasks.shell``) and parses each output
into its declared shape (``models.RouterState``); the single-purpose tasks (``read_nic_state``, ``read_route``,
``read_ospf_neighbors``) are thin views of it.

NIC states and routes are what every step judges: output that cannot be read fails the host's read. Any other
fact that cannot be read or parsed is a ``NotRead`` saying why in an operator's words, so that a router without
OSPF still tells its NIC, its routes and its forwarding. Exit statuses, vtysh's error texts and command names
stay here: the judges never see them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from nornir.core.task import Result, Task

from ospf_failover.archive.clean import scrub_secrets
from ospf_failover.errors import CommandFailed, ParseError, VtyshError
from ospf_failover.inventory import host_view
from ospf_failover.models import Fact, NotRead, Platform, RouterState
from ospf_failover.parsers.iproute import nic_commands, parse_nic_outputs
from ospf_failover.parsers.nic_config import NicConfig, parse_ip_forward, parse_nic_config
from ospf_failover.parsers.ospf import parse_ospf_neighbors
from ospf_failover.parsers.ospf_config import parse_ospf_config
from ospf_failover.parsers.ospf_timers import parse_ospf_interfaces, parse_ospf_process
from ospf_failover.parsers.route import parse_route_batch, parse_route_table, parse_routes
from ospf_failover.parsers.vtysh import find_vtysh_error, vtysh_error

from .shell import ABSENT, CommandOutput, read_file_command, run_batch, vtysh_command
from .sudo import sudo_refused
from .vendor_state import vendor_commands, vendor_platform, vendor_state

T = TypeVar("T")

# The facts asked once per host (Reads.facts); NIC states, routes and NIC files are asked per NIC, prefix, path.
HOST_FACTS = (
    Fact.OSPF_NEIGHBORS,
    Fact.OSPF_PROCESS,
    Fact.OSPF_INTERFACES,
    Fact.OSPF_CONFIG,
    Fact.IP_FORWARDING,
    Fact.SAVED_CONFIG,
)
OSPF_FACTS = (Fact.OSPF_NEIGHBORS, Fact.OSPF_PROCESS, Fact.OSPF_INTERFACES)  # no OSPF process: no such fact


@dataclass(frozen=True)
class NicProbe:
    """A NIC to read, and the gateway address it should carry when up."""

    nic: str
    gateway: str | None = None


@dataclass(frozen=True)
class Reads:
    """The facts one round trip reads from one host: the state of each NIC, the routes to each prefix, the
    settings of each NIC configuration file, and host-wide facts (each one of HOST_FACTS).

    A host serving several failover groups gets one Reads for all of them (:meth:`merge`), so a step costs it
    one round trip, and each fact one parse, however many groups it serves.
    """

    nics: tuple[NicProbe, ...] = ()
    prefixes: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    nic_files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        wrong = [fact for fact in self.facts if fact not in HOST_FACTS]
        if wrong:
            raise ValueError(f"{wrong[0]} is not a host-wide fact (asked per NIC, prefix or file, or by another task)")

    def merge(self, other: Reads) -> Reads:
        return Reads.joined([self, other])

    @classmethod
    def joined(cls, many: Sequence[Reads]) -> Reads:
        """Several reads of one host as one: each probe, prefix, fact and file once, in order (linear in all)."""
        return cls(
            nics=tuple(dict.fromkeys(nic for reads in many for nic in reads.nics)),
            prefixes=tuple(dict.fromkeys(prefix for reads in many for prefix in reads.prefixes)),
            facts=tuple(dict.fromkeys(fact for reads in many for fact in reads.facts)),
            nic_files=tuple(dict.fromkeys(path for reads in many for path in reads.nic_files)),
        )

    def arguments(self) -> dict[str, Any]:
        """read_router_state's keyword arguments."""
        return {"nics": self.nics, "prefixes": self.prefixes, "facts": self.facts, "nic_files": self.nic_files}


def merge_reads(*plans: Mapping[str, Reads]) -> dict[str, Reads]:
    """Every host's reads over several plans (one per failover group), merged per host."""
    parts: dict[str, list[Reads]] = {}
    for plan in plans:
        for host, reads in plan.items():
            parts.setdefault(host, []).append(reads)
    return {host: each[0] if len(each) == 1 else Reads.joined(each) for host, each in parts.items()}


def route_command(suite: str, prefix: str) -> str:
    return f"show ip route {prefix} json" if suite == "frr" else f"show ip route {prefix}"


def route_table_command(suite: str) -> str:
    return "show ip route json" if suite == "frr" else "show ip route"


ROUTES_PER_VTYSH = 40  # route reads one vtysh run makes: about 1.5 kB of command line, well within a terminal line
ROUTE_LOOKUPS = 1  # prefixes looked up at most; more are found in the routing table, read once


def reads_route_table(prefixes: Sequence[str]) -> bool:
    """Whether a host asked for ``prefixes`` reads its routing table once instead of looking each one up: a host
    serving several failover groups (an observer of every group) reads one table, however many groups it serves,
    and each prefix is found in it; a switch's one prefix is looked up, whatever the table's size."""
    return len(prefixes) > ROUTE_LOOKUPS


def route_reads(suite: str, prefixes: Sequence[str]) -> list[list[str]]:
    """The prefixes looked up, grouped by vtysh run. Starting vtysh costs about 40 ms, so FRR, whose JSON answers
    can be told apart, reads up to ROUTES_PER_VTYSH prefixes in one run; Quagga's text answers cannot be, one run
    each. (More than ROUTE_LOOKUPS prefixes are not looked up: see :func:`reads_route_table`.)"""
    if suite != "frr":
        return [[prefix] for prefix in prefixes]
    return [list(prefixes[i : i + ROUTES_PER_VTYSH]) for i in range(0, len(prefixes), ROUTES_PER_VTYSH)]


def route_commands(suite: str, vtysh: str, prefixes: Sequence[str]) -> list[str]:
    """The vtysh runs that read the routes to ``prefixes``: the routing table once, or the prefixes' look-ups."""
    if not prefixes:
        return []
    if reads_route_table(prefixes):
        return [vtysh_command(vtysh, route_table_command(suite))]
    return [
        vtysh_command(vtysh, *(route_command(suite, prefix) for prefix in run)) for run in route_reads(suite, prefixes)
    ]


def neighbor_command(suite: str) -> str:
    return "show ip ospf neighbor json" if suite == "frr" else "show ip ospf neighbor"


# The vtysh command of each host-wide fact read through vtysh (the suite's JSON form where FRR has one).
VTYSH_FACTS: dict[Fact, Callable[[str], str]] = {
    Fact.OSPF_NEIGHBORS: neighbor_command,
    Fact.OSPF_PROCESS: lambda suite: "show ip ospf json" if suite == "frr" else "show ip ospf",
    Fact.OSPF_INTERFACES: lambda suite: "show ip ospf interface json" if suite == "frr" else "show ip ospf interface",
    Fact.OSPF_CONFIG: lambda suite: "show running-config",
}


# Where each suite keeps the configuration it starts with: the integrated file when there is one (what vtysh's
# "write memory" writes), else the daemons' own files (the original how-to's Quagga).
SAVED_FILES = {
    "frr": ("/etc/frr/frr.conf", ("/etc/frr/zebra.conf", "/etc/frr/ospfd.conf")),
    "quagga": ("/etc/quagga/Quagga.conf", ("/etc/quagga/zebra.conf", "/etc/quagga/ospfd.conf")),
}


def saved_config_command(suite: str, reader: str = "cat {path}") -> str:
    """The saved configuration's text, printed by ``reader`` (the inventory's ``read_file``); exit status ABSENT
    when the router has none of the files."""
    integrated, (zebra, ospfd) = SAVED_FILES["frr" if suite == "frr" else "quagga"]
    return (
        f"if [ -f {integrated} ]; then {reader.format(path=integrated)}; elif [ -f {ospfd} ]; then "
        f"{{ if [ -f {zebra} ]; then {reader.format(path=zebra)}; fi; {reader.format(path=ospfd)}; }}; "
        f"else (exit {ABSENT}); fi"
    )


def saved_text(files: Mapping[str, str], suite: str) -> str | None:
    """The saved configuration among files read from the router (path -> text), as
    :func:`saved_config_command` picks it; None when the router has none of them."""
    integrated, daemons = SAVED_FILES["frr" if suite == "frr" else "quagga"]
    if integrated in files:
        return files[integrated]
    if daemons[1] in files:
        return "".join(files[path] for path in daemons if path in files)
    return None


def fact_command(fact: Fact, *, suite: str, vtysh: str, reader: str = "cat {path}") -> str:
    if fact is Fact.IP_FORWARDING:
        return "cat /proc/sys/net/ipv4/ip_forward"
    if fact is Fact.SAVED_CONFIG:
        return saved_config_command(suite, reader)
    return vtysh_command(vtysh, VTYSH_FACTS[fact](suite))


def checked_vtysh_output(host: str, output: CommandOutput) -> str:
    """vtysh's answer, or VtyshError when it is an error text (vtysh exits 0 on most of them); PrivilegeError when
    sudo refused to run it."""
    refused = sudo_refused(host, output)
    if refused is not None:
        raise refused
    reason = vtysh_error(output.output)
    if reason is None and output.exit_status != 0:
        reason = f"exit status {output.exit_status}"
    if reason is not None:
        raise VtyshError(host=host, command=output.command, output=output.output, reason=reason)
    return output.output


def read_fact(
    fact: Fact, output: CommandOutput, parse: Callable[[str], T], *, host: str, what: str | None = None
) -> T | NotRead:
    """``output`` parsed into the fact's shape, or NotRead saying why not: the daemon that is not running, no
    OSPF process, the command's failure, or the parser's refusal (its one message, not prefixed again).
    ``what``: the thing read, in words, when the fact's label does not say enough (a file's path)."""
    label = what or fact.label
    refused = sudo_refused(host, output)
    if refused is not None:
        return NotRead(fact, f"{label} could not be read: {refused.reason}", cause=refused)
    through_vtysh = fact in VTYSH_FACTS
    found = find_vtysh_error(output.output) if through_vtysh else None
    if found is not None:
        cause = VtyshError(host=host, command=output.command, output=output.output, reason=found.reason)
        if fact in OSPF_FACTS and found.reason.startswith("OSPF is not enabled"):
            return NotRead(fact, f"no OSPF process (vtysh: {found.line.strip()})", cause=cause)
        if found.reason.endswith(" is not running"):
            return NotRead(fact, found.reason, cause=cause)
        return NotRead(fact, f"{label} could not be read: {found.reason}", cause=cause)
    if output.exit_status != 0:
        status = f"exit status {output.exit_status}"
        failed: Exception = (
            VtyshError(host=host, command=output.command, output=output.output, reason=status)
            if through_vtysh
            else CommandFailed(host=host, command=output.command, output=output.output, exit_status=output.exit_status)
        )
        shown = output.output.strip().splitlines()[0][:120] if output.output.strip() else status
        return NotRead(fact, f"{label} could not be read: {shown}", cause=failed)
    if fact in OSPF_FACTS and through_vtysh and not output.output.strip():  # FRR without router ospf, some commands
        return NotRead(fact, "no OSPF process (vtysh answers nothing)")
    try:
        return parse(output.output)
    except ParseError as exc:
        if fact in OSPF_FACTS and _empty_json(output.output):
            return NotRead(fact, "no OSPF process (vtysh answers {})", cause=exc)
        if fact in OSPF_FACTS and exc.reason.startswith("OSPF is not enabled"):  # Quagga's text for it
            return NotRead(fact, f"no OSPF process (vtysh: {(exc.line or exc.reason).strip()})", cause=exc)
        return NotRead(fact, not_understood(label, exc), cause=exc)


def not_understood(label: str, refused: ParseError) -> str:
    """A parser's refusal in an operator's words: what was read, where it stopped making sense and why, and the
    line, its secrets removed (a configuration line may hold one)."""
    where = f" at line {refused.line_number}" if refused.line_number is not None else ""
    shown = f" ({scrub_secrets(refused.line.strip())[0]!r})" if refused.line and refused.line.strip() else ""
    return f"{label} not understood{where}: {refused.reason}{shown}"


def _empty_json(text: str) -> bool:
    try:
        return text.lstrip().startswith("{") and json.loads(text) == {}
    except ValueError:
        return False


def read_nic_config(path: str, output: CommandOutput, *, host: str) -> NicConfig | NotRead:
    """A NIC configuration file's settings; NotRead, ``absent``, when the file does not exist."""
    what = f"the NIC's configuration file {path}"
    if output.exit_status == ABSENT and sudo_refused(host, output) is None:
        return NotRead(Fact.NIC_CONFIG, f"{what} does not exist", absent=True)
    return read_fact(Fact.NIC_CONFIG, output, parse_nic_config, host=host, what=what)


def _store_fact(state: RouterState, fact: Fact, output: CommandOutput, *, host: str, platform: Platform) -> None:
    if fact is Fact.OSPF_NEIGHBORS:
        state["neighbors"] = read_fact(fact, output, lambda text: parse_ospf_neighbors(text, platform), host=host)
    elif fact is Fact.OSPF_PROCESS:
        state["ospf_process"] = read_fact(
            fact, output, lambda text: parse_ospf_process(text, platform=platform), host=host
        )
    elif fact is Fact.OSPF_INTERFACES:
        state["ospf_interfaces"] = read_fact(
            fact, output, lambda text: parse_ospf_interfaces(text, platform=platform), host=host
        )
    elif fact is Fact.OSPF_CONFIG:
        state["ospf_config"] = read_fact(fact, output, parse_ospf_config, host=host)
    elif fact is Fact.IP_FORWARDING:
        state["ip_forwarding"] = read_fact(fact, output, parse_ip_forward, host=host)
    elif fact is Fact.SAVED_CONFIG:
        if output.exit_status == ABSENT:
            state["saved_config"] = NotRead(fact, "no saved configuration file", absent=True)
        else:
            state["saved_config"] = read_fact(fact, output, parse_ospf_config, host=host, what=fact.label)


def read_router_state(
    task: Task,
    *,
    nics: Sequence[NicProbe] = (),
    prefixes: Sequence[str] = (),
    facts: Sequence[Fact] = (),
    nic_files: Sequence[str] = (),
    timeout: float | None = None,
) -> Result:
    """Read NIC states, routes to prefixes, host-wide facts and NIC configuration files in one round trip.

    Result: ``result`` is a RouterState (:func:`router_state`); ``changed`` is False. A NIC state or route that
    cannot be read raises (vtysh error texts VtyshError, unreadable output ParseError); any other fact is then a
    NotRead. An unreachable host raises a ConnectionFailed subclass. An observer of another platform is read
    through its own CLI (:mod:`.vendor_state`): the same facts, the same shapes.
    """
    view = host_view(task.host)
    suite, vtysh = view.routing_suite or "frr", view.vtysh
    asked = Reads(nics=tuple(nics), prefixes=tuple(prefixes), facts=tuple(map(Fact, facts)), nic_files=tuple(nic_files))
    if not view.on_linux:
        platform = vendor_platform(view.platform, host=task.host.name)
        sent = [read.command for read in vendor_commands(asked, platform, host=task.host.name)]
        answers = [output.output for output in run_batch(task, sent, timeout=timeout)] if sent else []
        state = vendor_state(asked, answers, platform=platform, host=task.host.name)
        return Result(host=task.host, result=state, changed=False)
    commands = router_commands(asked, suite=suite, vtysh=vtysh, reader=view.read_file)
    outputs = run_batch(task, commands, timeout=timeout) if commands else []
    state = router_state(asked, outputs, platform="frr" if suite == "frr" else "quagga", host=task.host.name)
    return Result(host=task.host, result=state, changed=False)


def router_commands(reads: Reads, *, suite: str, vtysh: str, reader: str = "cat {path}") -> list[str]:
    """The shell commands of ``reads``, in the order :func:`router_state` reads their outputs (files printed by
    ``reader``, the inventory's ``read_file``)."""
    commands: list[str] = []
    commands += nic_commands([probe.nic for probe in reads.nics])
    commands += route_commands(suite, vtysh, reads.prefixes)
    commands += [fact_command(fact, suite=suite, vtysh=vtysh, reader=reader) for fact in reads.facts]
    commands += [read_file_command(path, reader) for path in reads.nic_files]
    return commands


def router_state(reads: Reads, outputs: Sequence[CommandOutput], *, platform: Platform, host: str) -> RouterState:
    """The outputs of :func:`router_commands` parsed, each once, into the facts of ``reads`` (pure)."""
    state = RouterState(nics={}, routes={}, neighbors=None)
    position = 0
    if reads.nics:  # one NIC's own two reads, or every NIC's link and addresses once
        read = outputs[position : position + len(nic_commands([probe.nic for probe in reads.nics]))]
        position += len(read)
        probes = [(probe.nic, probe.gateway) for probe in reads.nics]
        state["nics"].update(parse_nic_outputs(probes, [(output.output, output.exit_status) for output in read]))
    if reads.prefixes and reads_route_table(reads.prefixes):
        text = checked_vtysh_output(host, outputs[position])
        position += 1
        state["routes"].update(parse_route_table(text, reads.prefixes, platform=platform))
    for run in route_reads(platform, reads.prefixes) if not reads_route_table(reads.prefixes) else ():
        text = checked_vtysh_output(host, outputs[position])
        position += 1
        if len(run) == 1:
            state["routes"][run[0]] = parse_routes(text, platform=platform)
        else:
            state["routes"].update(parse_route_batch(text, run))
    for fact in reads.facts:
        _store_fact(state, fact, outputs[position], host=host, platform=platform)
        position += 1
    if reads.nic_files:
        state["nic_configs"] = {
            path: read_nic_config(path, output, host=host)
            for path, output in zip(reads.nic_files, outputs[position:], strict=True)
        }
    return state


def read_nic_state(task: Task, *, nic: str, gateway: str | None = None) -> Result:
    """Is ``nic`` up, and does it carry ``gateway``? Result: ``result`` is a NicState; ``changed`` False."""
    state: RouterState = read_router_state(task, nics=[NicProbe(nic, gateway)]).result
    return Result(host=task.host, result=state["nics"][nic], changed=False)


def read_route(task: Task, *, prefix: str) -> Result:
    """How the router routes ``prefix``: ``result`` is a list of Route (empty when not in table)."""
    state: RouterState = read_router_state(task, prefixes=[prefix]).result
    return Result(host=task.host, result=state["routes"][prefix], changed=False)


def read_ospf_neighbors(task: Task) -> Result:
    """The router's OSPF neighbours: ``result`` is a list of OspfNeighbor (JSON on FRR, text on Quagga). Neighbours
    that cannot be read raise what stopped them (VtyshError when ospfd is not running, ParseError)."""
    state: RouterState = read_router_state(task, facts=[Fact.OSPF_NEIGHBORS]).result
    neighbors = state["neighbors"]
    if isinstance(neighbors, NotRead):
        raise neighbors.cause or VtyshError(host=task.host.name, command="", output="", reason=neighbors.reason)
    return Result(host=task.host, result=neighbors, changed=False)
