"""``ospf-failover parse route|ospf-neighbor --platform DEVICE_TYPE``: other vendors' outputs print the same JSON
shapes as FRR's, refusals exit 2 with one line on stderr."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ospf_failover.cli.command_line import main
from ospf_failover.models import OspfNeighbor, Route
from ospf_failover.parsers.vendors.dispatch import VENDOR_PLATFORMS, parse_vendor_ospf_neighbors, parse_vendor_routes

from .cases import FIXTURES, shape_errors
from .test_vendor_recordings import VENDOR_OUTPUTS

# One recording per platform and kind (Yamaha has no neighbour recording).
ROUTES = {
    "cisco_ios": "cisco_ios__show_ip_route__vyosdoc_cisco_peer.txt",
    "cisco_xe": "cisco_xe__show_ip_route__genie_isis_default_ecmp.txt",
    "cisco_nxos": "cisco_nxos__show_ip_route_vrf_all__ntc_null0_hidden.txt",
    "arista_eos": "arista_eos__show_ip_route__eantc_4312f_two_line.txt",
    "juniper_junos": "juniper_junos__show_route_10.0.0.3__svdk_vmx_ecmp.txt",
    "yamaha": "yamaha__show_ip_route__ribbit_rtx1300.txt",
    "vyos": "vyos__show_ip_route__vyosdoc_15_local_routes.txt",
}
NEIGHBORS = {
    "cisco_ios": "cisco_ios__show_ip_ospf_neighbor__unetlab_2620_2way.txt",
    "cisco_xe": "cisco_xe__show_ip_ospf_10_neighbor__genie_vlan_dup_ids.txt",
    "cisco_nxos": "cisco_nxos__show_ip_ospf_neighbors__ntc.txt",
    "arista_eos": "arista_eos__show_ip_ospf_neighbor__ntc_instance_vrf.txt",
    "juniper_junos": "juniper_junos__show_ospf_neighbor__ntc.txt",
    "vyos": "vyos__show_ip_ospf_neighbor__vyosdoc_15_vti.txt",
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["parse", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_platform_has_a_route_case() -> None:
    assert set(ROUTES) == set(VENDOR_PLATFORMS)
    assert set(NEIGHBORS) == set(VENDOR_PLATFORMS) - {"yamaha"}


@pytest.mark.parametrize(("platform", "name"), sorted(ROUTES.items()))
def test_routes_print_the_frr_shape(capsys: pytest.CaptureFixture[str], platform: str, name: str) -> None:
    recording = VENDOR_OUTPUTS / name
    code, out, err = _run(capsys, "route", str(recording), "--platform", platform)
    assert (code, err) == (0, "")
    routes = json.loads(out)
    assert routes and shape_errors(routes, list[Route]) == []
    assert routes == parse_vendor_routes(recording.read_text(), platform)  # type: ignore[arg-type]


@pytest.mark.parametrize(("platform", "name"), sorted(NEIGHBORS.items()))
def test_neighbors_print_the_frr_shape(capsys: pytest.CaptureFixture[str], platform: str, name: str) -> None:
    recording = VENDOR_OUTPUTS / name
    code, out, err = _run(capsys, "ospf-neighbor", "--platform", platform, str(recording))
    assert (code, err) == (0, "")
    neighbors = json.loads(out)
    assert neighbors and shape_errors(neighbors, list[OspfNeighbor]) == []
    assert neighbors == parse_vendor_ospf_neighbors(recording.read_text(), platform)  # type: ignore[arg-type]


def test_vrf_picks_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    recording = str(VENDOR_OUTPUTS / "arista_eos__show_ip_route_vrf_all__ntc_two_vrfs.txt")
    code, out, _ = _run(capsys, "route", recording, "--platform", "arista_eos", "--vrf", "RED")
    assert code == 0 and json.loads(out)[0]["prefix"] == "10.1.31.100/32"
    code, _, err = _run(capsys, "route", recording, "--platform", "arista_eos", "--vrf", "BLUE")
    assert code == 2 and "no table of VRF 'BLUE'" in err and err.count("\n") == 1


def test_linux_is_frr_or_quagga_detected(capsys: pytest.CaptureFixture[str]) -> None:
    recording = str(FIXTURES / "quagga-0.99/show_ip_route.txt")
    assert _run(capsys, "route", recording, "--platform", "linux") == _run(capsys, "route", recording)


PAGED = "Codes: L - local, C - connected\n\n --More-- \n"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["ospf-neighbor", "--platform", "yamaha", "-"], "", "OSPF neighbour status is not read"),
        (["route", "--platform", "cisco_ios", "-"], PAGED, "at line 3: a pager's prompt"),
        (["route", "--platform", "juniper_junos", "-"], "syntax error, expecting <command>.\n", "refused the command"),
        (["route", "--platform", "frr", "--vrf", "red", "-"], "", "--vrf applies to other vendors' outputs"),
        (["route", "--platform", "cisco_asa", "-"], "", "invalid choice: 'cisco_asa'"),
    ],
)
def test_refusals_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str, message: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, f"one line naming the reason, got {err!r}"


def test_help_names_the_device_types_and_what_they_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(platform in out for platform in VENDOR_PLATFORMS)
    assert "show ospf neighbor" in out and "--More--" in out and "--vrf" in out


def test_installed_console_script_reads_a_junos_route() -> None:
    script = Path(sys.executable).parent / "ospf-failover"
    recording = VENDOR_OUTPUTS / "juniper_junos__show_route_10.0.0.3__svdk_vmx_ecmp.txt"
    completed = subprocess.run(
        [str(script), "parse", "route", "--platform", "juniper_junos", str(recording)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    (route,) = json.loads(completed.stdout)
    assert [(hop["ip"], hop["active"]) for hop in route["nexthops"]] == [("192.168.4.1", False), ("192.168.1.1", True)]
