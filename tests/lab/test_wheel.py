"""The package as users install it: a wheel built from a clean clone of the repository, installed (not editable)
into a fresh venv outside the checkout, runs every command, the lab's included, with nothing from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(argv: list[str], *, timeout: float, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{argv} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout + done.stderr


def clean_clone(destination: Path) -> Path:
    """A clone of the repository's HEAD: what is committed, nothing of the working tree."""
    run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(destination)], timeout=120, cwd=REPO)
    return destination


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin directory of a fresh venv with the wheel installed; the venv lives outside the checkout."""
    base = tmp_path_factory.mktemp("wheel")
    source = clean_clone(base / "source")
    run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(source)],
        timeout=300,
        cwd=base,
    )
    wheels = list((base / "dist").glob("ospf_failover-*.whl"))
    assert len(wheels) == 1, wheels
    venv.create(base / "venv", with_pip=True)
    bin_dir = base / "venv" / "bin"
    run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])], timeout=600, cwd=base)
    yield bin_dir


def test_the_wheel_ships_the_package_and_its_files(installed: Path) -> None:
    probe = (
        "import ospf_failover, ospf_failover.ecx as e\n"
        "import ospf_failover_lab.cluster as c, ospf_failover_lab.nic_style as n\n"
        "print(ospf_failover.__file__); print(e.SCRIPTS)\n"
        "print(sorted(p.name for p in e.SCRIPTS.iterdir() if p.suffix == '.sh'))\n"
        "print(c.STANDIN.is_file(), n.STANDIN.is_file())"
    )
    lines = run([str(installed / "python"), "-c", probe], timeout=60, cwd=installed).splitlines()
    site = str(installed.parent)
    assert lines[0].startswith(site) and lines[1].startswith(site), lines
    assert str(REPO) not in "\n".join(lines)
    assert lines[2] == "['genw.sh', 'start.sh', 'stop.sh']"
    assert lines[3] == "True True"


def test_the_wheel_renders_the_shipped_sudo_rules(installed: Path, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    for name in ("hosts.yaml", "groups.yaml", "known_hosts"):
        (inventory / name).write_text((REPO / "inventory" / name).read_text())
    defaults = (REPO / "inventory" / "defaults.yaml").read_text().replace("username: root", "username: operator")
    (inventory / "defaults.yaml").write_text(defaults + "  clpstat: sudo -n /usr/sbin/clpstat --local\n")
    rules = run([str(installed / "ospf-failover"), "--inventory", str(inventory), "inventory", "sudoers", "node-a"],
                timeout=60, cwd=installed)  # fmt: skip
    assert "Cmnd_Alias OSPF_FAILOVER_CLPSTAT = /usr/sbin/clpstat --local" in rules, rules
    assert rules.rstrip().endswith("operator ALL = (root) NOPASSWD: OSPF_FAILOVER_CLPSTAT"), rules


def test_switch_help_from_the_wheel_imports_no_lab_module(installed: Path) -> None:
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    done = subprocess.run(
        [str(installed / "ospf-failover"), "switch", "--help"],
        cwd=installed,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "usage: ospf-failover switch" in done.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")]
    assert "ospf_failover.cli.runbooks" in imported  # the profile is there and is read right
    assert [m for m in imported if m.startswith("ospf_failover_lab")] == []


@pytest.mark.lab
def test_lab_up_failover_down_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("the rehearsal lab needs root (network namespaces, FRR, sshd): run the suite as root")
    tool = str(installed / "ospf-failover")
    lab_dir = tmp_path / "lab"
    prefix = f"ofl-w{os.getpid() % 100000}-"
    try:
        run([tool, "lab", "up", "--dir", str(lab_dir), "--prefix", prefix], timeout=300, cwd=tmp_path)
        moved = run([tool, "lab", "failover", "--dir", str(lab_dir), "customer1"], timeout=300, cwd=tmp_path)
        assert "start.sh on node-b exited 0" in moved, moved
        assert "[I] switch customer1: switched and verified" in moved, moved
        status = run([tool, "lab", "status", "--dir", str(lab_dir), "--json"], timeout=60, cwd=tmp_path)
        assert '"cluster_node": "node-b"' in status
    finally:
        run([tool, "lab", "down", "--dir", str(lab_dir)], timeout=300, cwd=tmp_path)
    assert not [
        line
        for line in subprocess.run(
            ["ip", "netns", "list"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.splitlines()
        if line.startswith(prefix)
    ]
