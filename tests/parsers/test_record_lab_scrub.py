"""The lab recorder's scrubbing (tests/fixtures/record_lab.py): recordings stay parseable and stable."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .cases import FIXTURES, Case, load_cases


def _recorder() -> ModuleType:
    path = FIXTURES / "record_lab.py"
    spec = importlib.util.spec_from_file_location("record_lab", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("record_lab", module)
    spec.loader.exec_module(module)
    return module


record_lab = _recorder()
# The placeholders the recorder gives MAC addresses, mapped to themselves: scrubbing again changes none of them.
_PLACEHOLDER_MACS = {f"02:00:00:00:00:{n:02x}": f"02:00:00:00:00:{n:02x}" for n in range(1, 256)}


def _lab_cases() -> list[Case]:
    return [case for case in load_cases() if case.platform_dir == "frr-8.4-lab"]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in _lab_cases()])
def test_lab_recordings_are_scrubbed(case: Case) -> None:
    assert record_lab.scrub(case.text, dict(_PLACEHOLDER_MACS)) == case.text


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.id) for case in load_cases() if case.platform_dir == "frr-8.4" and not case.refused],
)
def test_scrubbing_a_recording_changes_no_parsed_value(case: Case) -> None:
    scrubbed = record_lab.scrub(case.text, {})
    assert case.parse(scrubbed) == case.expected["result"]


def test_scrub_fixes_uptimes_and_keeps_the_columns() -> None:
    row = (
        "192.168.76.2    254 Full/Backup     1h02m03s           12.345s 192.168.76.2    eth0:192.168.76.1"
        "     12     3     0"
    )
    scrubbed = record_lab.scrub(row, {})
    assert scrubbed == (
        "192.168.76.2    254 Full/Backup     10m00s              3.000s 192.168.76.2    eth0:192.168.76.1"
        "      0     0     0"
    )
    assert (
        record_lab.scrub('"upTimeInMsec":504262,\n"upTime":"8m24s",', {})
        == '"upTimeInMsec":600000,\n"upTime":"10m00s",'
    )
    assert record_lab.scrub("O>* 10.0.0.0/24 [110/20] via 192.168.76.252, eth0, weight 1, 1d02h03m", {}).endswith(
        ", 00:10:00"
    )
    assert record_lab.scrub("  Last update 00:05:39 ago", {}) == "  Last update 00:10:00 ago"


def test_file_names_follow_the_shared_recordings() -> None:
    assert record_lab.file_name("vr1active", "gw1", "show ip route 10.0.0.0/24 json") == (
        "vr1active_gw1_show_ip_route_10_0_0_0_24_json.txt"
    )
    assert record_lab.file_name("vr1active", "node-a", "clpstat --long") == "vr1active_node-a_clpstat_--long.txt"


def test_recorder_sits_beside_the_fixtures() -> None:
    assert record_lab.__file__ is not None
    assert Path(record_lab.__file__).parent == FIXTURES
