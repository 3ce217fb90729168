"""``ospf-failover parse``: one JSON document on stdout, or exit 2 and one line on stderr."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ospf_failover.cli.command_line import main

from .cases import FIXTURES


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["parse", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("order", ["file-first", "platform-first"])
def test_file_and_platform_in_either_order(capsys: pytest.CaptureFixture[str], order: str) -> None:
    recorded = str(FIXTURES / "quagga-0.99/show_ip_route.txt")
    argv = [recorded, "--platform", "quagga"] if order == "file-first" else ["--platform", "quagga", recorded]
    code, out, _ = _run(capsys, "route", *argv)
    assert code == 0 and json.loads(out)[0]["prefix"] == "10.0.12.0/24"


def test_parse_route_file_prints_one_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "route", str(FIXTURES / "frr-8.4/vr2active_gw1_show_ip_route_10_0_0_0_24_json.txt"))
    assert (code, err) == (0, "")
    assert json.loads(out)[0]["nexthops"][0]["ip"] == "192.168.76.252"


def test_parse_clpstat_reads_stdin_by_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = (FIXTURES / "clpstat/vagrant_x50_linux.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(recording)))
    code, out, _ = _run(capsys, "clpstat")
    assert code == 0
    assert json.loads(out)["groups"][0]["current"] == "server1"


def test_parse_quagga_1_2_route_table_with_platform(capsys: pytest.CaptureFixture[str]) -> None:
    recorded = str(FIXTURES / "quagga-1.2/splitbrain_gw1_show_ip_route.txt")
    code, out, err = _run(capsys, "route", recorded, "--platform", "quagga")
    assert (code, err) == (0, ""), "Quagga 1.2's legend names NHRP, as FRR's does: still Quagga output"
    assert [len(route["nexthops"]) for route in json.loads(out) if route["prefix"] == "10.0.0.0/24"] == [2]


def test_parse_ospf_neighbor_with_platform(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "ospf-neighbor", str(FIXTURES / "quagga-0.99/show_ip_ospf_neighbor.txt"), "--platform", "quagga"
    )
    assert code == 0
    assert [neighbor["neighbor_id"] for neighbor in json.loads(out)] == ["1.1.1.1", "3.3.3.3"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clpstat", str(FIXTURES / "clpstat/groupmap_view.txt")], "GROUPMAP INFORMATION view"),
        (["ospf-neighbor", str(FIXTURES / "frr-8.4/ospfddown_vr1_show_ip_ospf_neighbor.txt")], "ospfd is not running"),
        (
            ["ospf-neighbor", str(FIXTURES / "frr-8.4/ospfunconfigured_vr1_show_ip_ospf_neighbor_json.txt")],
            "not enabled",
        ),
        (
            ["ospf-neighbor", str(FIXTURES / "frr-7.5/ospfunconfigured_vr1_show_ip_ospf_neighbor.txt")],
            "OSPF instance not found",
        ),
        (["route", "/nonexistent/recording.txt"], "cannot read /nonexistent/recording.txt"),
        (
            ["route", str(FIXTURES / "frr-8.4/vr2active_gw1_show_ip_route.txt"), "--platform", "quagga"],
            "platform given",
        ),
        (
            ["clpstat", str(FIXTURES / "clpstat/vagrant_x50_linux.txt"), "--platform", "frr"],
            "unrecognized arguments: --platform",
        ),
    ],
)
def test_refusals_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == "", "nothing on stdout when refused"
    assert err.count("\n") == 1 and message in err, f"one line naming the reason, got {err!r}"


def test_binary_input_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00clpstat")
    code, _, err = _run(capsys, "clpstat", str(binary))
    assert code == 2 and "not UTF-8" in err


def test_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "bgp"]) == 2
    assert "invalid choice: 'bgp'" in capsys.readouterr().err


def test_help_explains_detection(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--help"]) == 0
    out = capsys.readouterr().out
    assert "detection" in out and "Up Time" in out and "first non-blank character" in out


def test_installed_console_script_refuses_without_a_traceback() -> None:
    script = Path(sys.executable).parent / "ospf-failover"
    assert script.exists(), f"console script not installed next to {sys.executable}"
    completed = subprocess.run(
        [str(script), "parse", "clpstat", "-"],
        input=(FIXTURES / "clpstat/incomplete_footer_missing.txt").read_bytes(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    stderr = completed.stderr.decode()
    assert completed.returncode == 2, stderr
    assert completed.stdout == b""
    assert "Traceback" not in stderr and stderr.count("\n") == 1
    assert "incomplete display" in stderr


def test_installed_console_script_prints_parsed_json() -> None:
    script = Path(sys.executable).parent / "ospf-failover"
    completed = subprocess.run(
        [str(script), "parse", "route", str(FIXTURES / "frr-10.3/splitbrain_gw1_show_ip_route.txt")],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    routes = json.loads(completed.stdout)
    assert [len(route["nexthops"]) for route in routes if route["prefix"] == "10.0.0.0/24"] == [2]
