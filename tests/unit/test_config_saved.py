"""A change made with vtysh and not written: the saved configuration is found among the router's files as the
router would start from it, and compared with the running one (check's config-saved, backup's saved)."""

from __future__ import annotations

from pathlib import Path

from ospf_failover.models import Fact, NotRead
from ospf_failover.parsers.ospf_config import parse_ospf_config
from ospf_failover.runbooks.backup.plan import judge_saved
from ospf_failover.tasks.router_state import saved_config_command, saved_text
from ospf_failover.tasks.shell import ABSENT

RUNNING = Path(__file__).resolve().parents[1] / "fixtures" / "frr-8.4-lab" / "vr1active_vr2_show_running-config.txt"


def test_the_integrated_file_is_the_saved_configuration_else_the_daemons_files() -> None:
    files = {"/etc/frr/zebra.conf": "hostname vr2\n", "/etc/frr/ospfd.conf": "router ospf\n", "running-config": "x"}
    assert saved_text(files, "frr") == "hostname vr2\nrouter ospf\n"
    assert saved_text({**files, "/etc/frr/frr.conf": "frr\n"}, "frr") == "frr\n"
    assert saved_text({"/etc/quagga/ospfd.conf": "router ospf\n"}, "quagga") == "router ospf\n"
    assert saved_text({"running-config": "x"}, "frr") is None
    command = saved_config_command("quagga")
    assert "/etc/quagga/Quagga.conf" in command and f"(exit {ABSENT})" in command


def test_backup_says_when_the_running_configuration_is_not_saved() -> None:
    running = parse_ospf_config(RUNNING.read_text())
    assert judge_saved(running, running)["status"] == "same"
    saved = parse_ospf_config(RUNNING.read_text().replace(" network 10.0.0.0/24 area 0\n", ""))
    found = judge_saved(running, saved)
    assert found["status"] == "differs" and found["only_running"] == ["router ospf: network 10.0.0.0/24 area 0.0.0.0"]
    assert found["only_saved"] == [] and found["detail"].startswith("running configuration not saved")
    absent = NotRead(Fact.SAVED_CONFIG, "no saved configuration file", absent=True)
    assert judge_saved(running, absent) == {
        "status": "unknown",
        "only_running": [],
        "only_saved": [],
        "detail": "no saved configuration file",
    }
