"""The check's readiness judges on recorded lab output: a standby that could take over, one that could not
(forwarding off, no OSPF, the address nowhere, a NIC up at boot), configuration drift and the timer budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.inventory import load_inventory
from ospf_failover.models import CommandText, NicState, RouterState
from ospf_failover.runbooks.check.observe import Observed
from ospf_failover.runbooks.check.plan import FogPlan, plan_check
from ospf_failover.runbooks.check.readiness import config_drift, convergence_budget, standby_ready

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4-lab"
KEYFILE = "/run/NetworkManager/system-connections/eth1.nmconnection"
REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


def recorded(host: str, name: str) -> CommandText:
    return CommandText(output=(LAB / f"vr1active_{host}_{name}.txt").read_text(), exit_status=0)


def nic(*, holds: bool, up: bool) -> NicState:
    addresses = ["10.0.0.254/24"] if holds or not up else []
    return {"nic": "eth1", "exists": True, "up": up, "lower_up": up, "addresses": addresses, "has_gateway": holds}


def router(
    host: str, *, holds: bool, up: bool | None = None, texts: dict[str, CommandText] | None = None
) -> RouterState:
    read = {
        "running-config": recorded(host, "show_running-config"),
        "ospf": recorded(host, "show_ip_ospf_json"),
        "ospf-interfaces": recorded(host, "show_ip_ospf_interface_json"),
        "ip-forward": CommandText(output="1\n", exit_status=0),
        **(texts or {}),
    }
    return {
        "nics": {"eth1": nic(holds=holds, up=holds if up is None else up)},
        "routes": {},
        "neighbors": [],
        "texts": read,
    }


@pytest.fixture
def plan() -> FogPlan:
    """customer1 as the lab has it: vr1 and vr2 on eth1, vr2's NIC file its NetworkManager keyfile, gw1."""
    fog = plan_check(load_inventory(REPO_INVENTORY), ["customer1"]).fogs[0]
    narrowed = fog.fog.model_copy(update={"observers": ("gw1",), "nic": "eth1"})
    return FogPlan(
        fog=narrowed,
        nics={"vr1": "eth1", "vr2": "eth1"},
        next_hops=fog.next_hops,
        nic_files={"vr2": KEYFILE},
        platforms={"vr1": "frr", "vr2": "frr", "gw1": "frr"},
        budget=10.0,
    )


def observed(**states: RouterState) -> Observed:
    gw1: RouterState = {
        "nics": {},
        "routes": {},
        "neighbors": [],
        "texts": {
            "ospf": recorded("gw1", "show_ip_ospf_json"),
            "ospf-interfaces": recorded("gw1", "show_ip_ospf_interface_json"),
        },
    }
    return Observed(states={"vr1": router("vr1", holds=True), "vr2": router("vr2", holds=False), "gw1": gw1, **states})


KEYFILE_TEXT = (LAB / "vr1active_vr1_cat__run_NetworkManager_system-connections_eth1_nmconnection.txt").read_text()


def test_a_ready_standby_and_a_pair_that_agrees(plan: FogPlan) -> None:
    seen = observed()
    [(name, host, outcome, detail)] = standby_ready(plan, seen)
    assert (name, host, outcome) == ("standby-ready", "vr2", "PASS"), detail
    assert detail.startswith("10.0.0.254 configured on eth1; OSPF covers 10.0.0.0/24")
    assert config_drift(plan, seen) == [("config-drift", "vr2", "PASS", "same OSPF configuration as vr1")]
    [(_, _, outcome, detail)] = convergence_budget(plan, seen)
    assert outcome == "PASS" and detail == "silent death 4.5 s, planned switch 0.5 s (budget 10 s)"


def test_an_address_style_standby_is_ready_from_its_keyfile(plan: FogPlan) -> None:
    released = router(
        "vr2", holds=False, up=True, texts={f"file:{KEYFILE}": CommandText(output=KEYFILE_TEXT, exit_status=0)}
    )
    [(_, _, outcome, detail)] = standby_ready(plan, observed(vr2=released))
    assert outcome == "PASS" and f"configured in {KEYFILE}" in detail


@pytest.mark.parametrize(
    ("texts", "outcome", "detail"),
    [
        ({"ip-forward": CommandText(output="0\n", exit_status=0)}, "FAIL", "IP forwarding is off"),
        ({"running-config": CommandText(output="hostname vr2\n!\nend\n", exit_status=0)}, "FAIL", "no router ospf"),
        (
            {
                f"file:{KEYFILE}": CommandText(
                    output=KEYFILE_TEXT.replace("autoconnect=false", "autoconnect=true"), exit_status=0
                )
            },
            "WARN",
            "comes up at boot",
        ),
        (
            {"running-config": CommandText(output="% Unknown command: show running-config\n", exit_status=0)},
            "FAIL",
            "cannot tell",
        ),
    ],
)
def test_a_standby_that_could_not_take_over_says_why(
    plan: FogPlan, texts: dict[str, CommandText], outcome: str, detail: str
) -> None:
    [(_, host, found, text)] = standby_ready(plan, observed(vr2=router("vr2", holds=False, texts=texts)))
    assert host == "vr2" and found == outcome and detail in text, text


def test_the_gateway_nowhere_fails(plan: FogPlan) -> None:
    gone = router("vr2", holds=False, up=True)  # address-style released, and no keyfile read
    [(_, _, outcome, detail)] = standby_ready(plan, observed(vr2=gone))
    assert outcome == "FAIL" and detail == "10.0.0.254 is neither on eth1 nor in its configuration file"


def test_drift_and_budget_name_what_differs(plan: FogPlan) -> None:
    config = recorded("vr2", "show_running-config")["output"].replace(
        "router ospf\n", "router ospf\n auto-cost reference-bandwidth 1000\n"
    )
    drifted = router("vr2", holds=False, texts={"running-config": CommandText(output=config, exit_status=0)})
    [(_, host, outcome, detail)] = config_drift(plan, observed(vr2=drifted))
    assert (host, outcome) == ("vr2", "WARN") and "only vr2: router ospf: auto-cost reference-bandwidth 1000" in detail
    tight = FogPlan(**{**plan.__dict__, "budget": 1.0})
    [(_, _, outcome, detail)] = convergence_budget(tight, observed())
    assert outcome == "WARN" and "over the budget of 1 s" in detail and "change " in detail
