"""paramiko loads invoke only to run ssh_config ``Match exec`` lines: the sessions skip it (a third of paramiko's
start-up) unless the inventory's netmiko extras name an ssh_config file. Each case runs in a fresh interpreter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"
PROBE = """
import sys
from ospf_failover.inventory import load_inventory
from ospf_failover.nornir_setup import init_nornir
init_nornir(load_inventory(sys.argv[1]))
import paramiko.config
print("invoke loaded" if paramiko.config.invoke is not None else "invoke skipped")
"""


def probe(inventory: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(inventory)], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def test_sessions_without_an_ssh_config_file_skip_invoke() -> None:
    assert probe(REPO_INVENTORY) == "invoke skipped"


def test_sessions_reading_an_ssh_config_file_get_invoke(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(REPO_INVENTORY, inventory)
    config = tmp_path / "ssh_config"
    config.write_text("Host *\n  ConnectTimeout 5\n")
    defaults = yaml.safe_load((inventory / "defaults.yaml").read_text())
    defaults["connection_options"]["netmiko"]["extras"]["ssh_config_file"] = str(config)
    (inventory / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    assert probe(inventory) == "invoke loaded"
