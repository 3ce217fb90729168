"""A lab group's failover in an inventory of a thousand groups, one of them broken.

The session lab's inventory is copied inside the lab's directory and grown by 1,000 synthetic failover groups on
100 synthetic router pairs (hosts on loopback addresses of the lab host the tool runs in, port 1: refused at
once, nothing leaves that namespace), on the lab's cluster nodes, one of them with a gateway outside its network.
``switch``, ``verify`` and ``release`` of the lab's customer1 behave as with the lab's own inventory, against
the real routers; ``check`` reports the broken group failing its inventory check and checks the lab's groups as
it does over the lab's own inventory.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
SYNTHETIC = 1000
PER_PAIR = 10
BROKEN = "synthetic7"


def grown(lab: Lab) -> Path:
    """The lab's inventory with SYNTHETIC more failover groups, BROKEN's gateway outside its network."""
    target = lab.inventory_dir.parent / "inventory-thousand"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(lab.inventory_dir, target)
    hosts = yaml.safe_load((target / "hosts.yaml").read_text())
    groups = yaml.safe_load((target / "groups.yaml").read_text())
    router_data = {
        "routing_suite": "frr",
        "nic_down": "ip link set dev {nic} down",
        "nic_up": "ip link set dev {nic} up",
    }
    for number in range(SYNTHETIC):
        pair, slot = divmod(number, PER_PAIR)
        routers = (f"svr{2 * pair + 1}", f"svr{2 * pair + 2}")
        for index, router in enumerate(routers):
            if router not in hosts:
                address = ipaddress.IPv4Address("127.0.3.1") + 2 * pair + index
                hosts[router] = {"hostname": str(address), "port": 1, "groups": ["routers"], "data": router_data}
        network = ipaddress.IPv4Network((int(ipaddress.IPv4Address("10.100.0.0")) + (number << 8), 24))
        name = f"synthetic{number}"
        gateway = network.network_address + 254 if name != BROKEN else ipaddress.IPv4Address("10.99.0.254")
        groups[name] = {
            "data": {
                "vm_network": str(network),
                "vm_gateway": str(gateway),
                "nic": f"eth1.{100 + slot}",
                "pairing": {"node-a": routers[0], "node-b": routers[1]},
                "observers": [],
            }
        }
        for host in (*routers, "node-a", "node-b"):
            hosts[host]["groups"].append(name)
    (target / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    (target / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return target


def tool(lab: Lab, where: str, inventory: Path, *args: str, timeout: float = 150) -> tuple[int, dict[str, Any]]:
    done = lab.run(where, [TOOL, "--inventory", str(inventory), *args, "--json"], timeout=timeout)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    try:
        return done.returncode, json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"stdout is not one JSON document: {done.stdout!r} / {done.stderr}") from None


def test_a_lab_group_fails_over_in_a_thousand_groups_with_one_broken(lab_at_start: Lab) -> None:
    lab = lab_at_start
    big, own = grown(lab), lab.inventory_dir
    validate = lab.run("node-a", [TOOL, "--inventory", str(big), "inventory", "validate"], timeout=120)
    assert validate.returncode == 2 and f"{BROKEN}.data.vm_gateway" in validate.stderr, validate.stderr

    code, report = tool(lab, "node-a", big, "verify", "customer1", "--node", "node-a")
    assert code == 0, report
    code, report = tool(lab, "node-b", big, "switch", "customer1", "--node", "node-b")
    assert code == 0, report
    assert lab.holds_gateway("vr2") and not lab.holds_gateway("vr1"), "customer1's gateway did not move to vr2"
    code, report = tool(lab, "node-b", big, "verify", "customer1", "--node", "node-b")
    assert code == 0, report
    code, report = tool(lab, "node-a", own, "switch", "customer1", "--node", "node-a")  # back, the lab's own
    assert code == 0, report
    assert lab.holds_gateway("vr1") and not lab.holds_gateway("vr2"), "customer1's gateway did not come back"
    code, report = tool(lab, "node-b", big, "release", "customer1", "--node", "node-b")
    assert code == 0, report
    assert lab.holds_gateway("vr1") and not lab.holds_gateway("vr2"), "releasing the standby moved the gateway"

    clean_code, clean = tool(lab, "gw1", own, "check", timeout=300)
    code, document = tool(lab, "gw1", big, "check", timeout=300)
    assert clean_code == 0, clean
    assert code == 1, document["summary"]
    fogs = {fog["name"]: fog for fog in document["fogs"]}
    assert len(fogs) == 2 + SYNTHETIC, len(fogs)
    broken = fogs[BROKEN]
    assert broken["status"] == "fail", broken
    assert [(c["name"], c["status"]) for c in broken["checks"]] == [("inventory", "fail")], broken
    assert f"{BROKEN}.data.vm_gateway" in broken["checks"][0]["detail"], broken
    for fog in clean["fogs"]:
        lab_fog = fogs[fog["name"]]
        assert lab_fog["status"] == fog["status"] == "pass", lab_fog
        assert [(c["name"], c["host"]) for c in lab_fog["checks"]] == [(c["name"], c["host"]) for c in fog["checks"]]
    assert fogs["synthetic8"]["status"] == "fail", fogs["synthetic8"]  # its routers refuse: read, not broken
    assert "inventory" not in {c["name"] for c in fogs["synthetic8"]["checks"]}, fogs["synthetic8"]
