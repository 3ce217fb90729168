"""``lab status`` for people: two aligned tables in plain text when stdout is not a terminal; --json unchanged."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from ospf_failover_lab import cli

STATUS: dict[str, Any] = {
    "directory": "/srv/lab",
    "customers": 2,
    "timers": "fast",
    "nic_style": "link",
    "up_seconds": 12.5,
    "hosts": {
        "vr1": {
            "role": "router",
            "namespace": "ofl-vr1",
            "mgmt_address": "192.168.77.11",
            "uplink_address": "10.255.0.11",
            "anchor": 4242,
            "daemons": {"zebra": 101, "ospfd": 102, "sshd": None},
        },
        "observer-long": {
            "role": "observer",
            "namespace": "ofl-observer-long",
            "mgmt_address": None,
            "uplink_address": None,
            "anchor": None,
            "daemons": {"zebra": 123456, "ospfd": 123457, "sshd": None},
        },
    },
    "fogs": {
        "customer1": {
            "vm_network": "10.0.0.0/24",
            "cluster_node": "node-a",
            "vm_site": "node-a",
            "routers": ["vr1", "vr2"],
            "route_via": {"gw1": ["vr1"], "gw2": ["vr1"]},
        },
        "customer2": {
            "vm_network": "10.0.1.0/24",
            "cluster_node": None,
            "vm_site": None,
            "routers": ["vr3", "vr4"],
            "route_via": {"gw1": ["vr3", "vr4"], "gw2": []},
        },
    },
    "clpstat": {"mode": "busy", "busy_remaining": 2},
}

EXPECTED = """\
lab in /srv/lab: 2 customer(s), timers fast, NIC style link
HOST          ROLE      NAMESPACE         MGMT             DAEMONS (PID; - = not running)
vr1           router    ofl-vr1           192.168.77.11    zebra:101 ospfd:102 sshd:-
observer-long observer  ofl-observer-long                  zebra:123456 ospfd:123457 sshd:-  [namespace holder gone]

FOG          VM NETWORK     CLUSTER  VM SITE  ROUTE VIA (gw1 / gw2)
customer1    10.0.0.0/24    node-a   node-a   vr1 / vr1
customer2    10.0.1.0/24    None     -        vr3+vr4 / no route

clpstat stand-in: busy (2 busy answer(s) left)
"""


class _FakeLab:
    @staticmethod
    def attach(directory: str) -> _FakeLab:
        assert directory == "/srv/lab"
        return _FakeLab()

    def status(self) -> dict[str, Any]:
        return STATUS


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *, as_json: bool) -> str:
    monkeypatch.setattr(cli, "Lab", _FakeLab)
    monkeypatch.setenv("FORCE_COLOR", "1")  # stdout that is not a terminal stays plain text all the same
    monkeypatch.setenv("COLUMNS", "40")  # and is not wrapped to a narrow width
    assert cli._status(argparse.Namespace(dir="/srv/lab", json=as_json)) == 0
    return capsys.readouterr().out


def test_the_tables_are_plain_aligned_text(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(monkeypatch, capsys, as_json=False)
    assert "\x1b" not in out, "escape codes in output that is not a terminal"
    assert [line.rstrip() for line in out.splitlines()] == EXPECTED.splitlines()


def test_json_is_the_status_itself(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(monkeypatch, capsys, as_json=True)
    assert out == json.dumps(STATUS, indent=2) + "\n"
