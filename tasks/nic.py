"""Bring a router's VM-side NIC up or down with the inventory's command, and prove that it took."""

from __future__ import annotations

from nornir.core.task import Result, Task

from ospf_failover.errors import DeviceError
from ospf_failover.gateway import describe, holds_gateway
from ospf_failover.inventory import host_view
from ospf_failover.models import NicChange, NicState, RouterState
from ospf_failover.parsers.iproute import address_command, link_command, parse_nic_state

from .router_state import NicProbe, read_router_state
from .shell import run_batch
from .sudo import sudo_refused

__all__ = ["describe", "in_wanted_state", "set_nic_state"]


def in_wanted_state(state: NicState, *, up: bool, gateway: str | None) -> bool:
    """Up: the link up with the gateway on it. Down: released, i.e. not carrying the gateway (link down, or link
    up without the address, as NetworkManager leaves it)."""
    if up:
        return state["up"] and (gateway is None or state["has_gateway"])
    return not holds_gateway(state, gateway)


def set_nic_state(
    task: Task,
    *,
    nic: str,
    up: bool,
    gateway: str | None = None,
    announce: bool = True,
    known: NicState | None = None,
    timeout: float | None = None,
) -> Result:
    """Bring ``nic`` up (carrying ``gateway``) or down, using the host's ``nic_up`` / ``nic_down`` template.

    "Down" means released: the NIC no longer carries ``gateway``, whether its link went down or only the address
    went (NetworkManager keeps the link up); a NIC already released is left alone. Reads the state first (unless
    the caller read it just before: ``known``) and acts only when needed; honours dry run (reads and reports,
    touches nothing); reads the state again after acting, in the same round trip, and raises DeviceError when
    it did not take. On the way up, the host's ``announce_gateway``
    command (gratuitous ARP) runs too, also when the NIC was up already: a VM that has just moved still holds
    the other router's MAC address for the gateway.

    Result: ``result`` is a NicChange; ``changed`` is whether the state differs (would differ, in a dry run);
    ``diff`` is ``"nic: before -> after"``.
    """
    host = task.host
    wanted = "up" if up else "down"
    probe = NicProbe(nic, gateway)
    if known is None:
        before_state: RouterState = read_router_state(task, nics=[probe], timeout=timeout).result
        before = before_state["nics"][nic]
    else:
        before = known
    if not before["exists"]:
        raise DeviceError(host=host.name, command=link_command(nic), output="", reason=f"NIC {nic} does not exist")
    change = NicChange(
        nic=nic, wanted=wanted, before=before, after=before, command=None, announced=None, announce_output=None
    )
    already = in_wanted_state(before, up=up, gateway=gateway)
    if task.is_dry_run():
        diff = "" if already else f"{nic}: {describe(before, gateway)} -> {wanted} (dry run)"
        return Result(host=host, result=change, changed=not already, diff=diff)
    view = host_view(host)
    announce_template = view.announce_gateway if up and announce and gateway else None
    if already and not announce_template:
        return Result(host=host, result=change, changed=False)

    template = view.nic_up if up else view.nic_down
    if template is None:
        key = "nic_up" if up else "nic_down"
        raise DeviceError(host=host.name, command="", output="", reason=f"not a router: no {key} in the inventory")
    command = None if already else template.format(nic=nic)
    commands = [] if command is None else [command]
    if announce_template:
        commands.append(announce_template.format(nic=nic, gateway=gateway))
    commands += [link_command(nic), address_command(nic)]
    outputs = run_batch(task, commands, timeout=timeout)
    refused = sudo_refused(host.name, outputs[0]) if command else None
    if refused is not None:
        raise refused
    link, addresses = outputs[-2], outputs[-1]
    after = parse_nic_state(
        nic=nic, link=link.output, link_status=link.exit_status, addresses=addresses.output, gateway=gateway
    )
    change["after"] = after
    change["command"] = command
    if announce_template:
        announced = outputs[-3]
        change["announced"] = announced.exit_status == 0
        change["announce_output"] = announced.output
    if not in_wanted_state(after, up=up, gateway=gateway):
        missing = " (the gateway address is not on it)" if up and after["up"] else ""
        ran = f"after {command!r} (exit status {outputs[0].exit_status})" if command else "although it was before"
        raise DeviceError(
            host=host.name,
            command=command or link_command(nic),
            output=outputs[0].output,
            reason=f"{nic} is {describe(after, gateway)} {ran}{missing}",
        )
    changed = describe(before, gateway) != describe(after, gateway)
    diff = f"{nic}: {describe(before, gateway)} -> {describe(after, gateway)}" if changed else ""
    return Result(host=host, result=change, changed=changed, diff=diff)
