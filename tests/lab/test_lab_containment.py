"""A lab's inventory connects only from inside that lab's own network namespaces.

Outside, the tool runs in a throw-away namespace with a name of the lab's prefix that is no lab host (created
empty and deleted again by the fixture): even a refusal that failed could send nothing anywhere from there. Every
command that connects must refuse there (exit 2, one line, under strace: not one IPv4/IPv6 connect attempted);
inside a lab host the same commands work, and the commands that never connect work anywhere.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ospf_failover.containment import refusal, runs_inside
from ospf_failover.inventory import load_inventory
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
REPO = Path(__file__).resolve().parents[2]
PROBE = (
    "import sys\n"
    "from ospf_failover.containment import runs_inside\n"
    "from ospf_failover.inventory import load_inventory\n"
    "print(runs_inside(load_inventory(sys.argv[1]).lab))\n"
)
# The commands that connect, each harmless inside the lab at its start state (customer1 on node-a, vr2 released).
REPORTED_ON_STDERR = {  # one error line on stderr, nothing on stdout
    "check": ["check"],
    "status": ["status", "customer1"],
    "backup": ["backup", "--all", "--dir", "{tmp}/backups"],
}
REPORTED_AS_STEPS = {  # ECX's log format on stdout: the refusal on the locate step, then the verdict
    "switch": ["switch", "customer1", "--node", "node-a"],
    "verify": ["verify", "customer1", "--node", "node-a"],
    "release": ["release", "customer1", "--node", "node-b"],
}


@pytest.fixture
def outside(lab: Lab) -> Iterator[str]:
    """An empty network namespace named like the lab's hosts (its prefix) but none of them: no link, no address."""
    name = f"{lab.state['prefix']}outside"
    assert name not in lab.state["namespaces"]
    subprocess.run(["ip", "netns", "add", name], check=True, timeout=10)
    try:
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, timeout=10)


def in_namespace(namespace: str, argv: list[str], lab: Lab, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ip", "netns", "exec", namespace, *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=lab.environment(),
        check=False,
    )


def connects_traced(trace: Path) -> list[str]:
    """The IPv4/IPv6 connect() calls strace saw (UNIX sockets are local: not counted)."""
    return [line for line in trace.read_text().splitlines() if "AF_INET" in line]


def test_the_decision_follows_the_namespace_not_its_name(lab: Lab, outside: str, tmp_path: Path) -> None:
    inventory = str(lab.inventory_dir)
    assert lab.run("gw1", [sys.executable, "-c", PROBE, inventory], check=True).stdout == "True\n"
    assert lab.run("node-a", [sys.executable, "-c", PROBE, inventory], check=True).stdout == "True\n"
    assert in_namespace(outside, [sys.executable, "-c", PROBE, inventory], lab).stdout == "False\n"
    marker = load_inventory(inventory).lab
    assert marker is not None and not runs_inside(marker), "this test process runs outside the lab"
    # The same namespace listed as the lab's: now it is inside (the lab's list decides, not the prefix).
    listed = tmp_path / "inventory"
    subprocess.run(["cp", "-r", inventory, str(listed)], check=True, timeout=10)
    defaults = yaml.safe_load((listed / "defaults.yaml").read_text())
    defaults["data"]["lab"]["namespaces"].append(outside)
    (listed / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    assert in_namespace(outside, [sys.executable, "-c", PROBE, str(listed)], lab).stdout == "True\n"


def test_a_lab_host_names_its_own_namespace_only(lab: Lab) -> None:
    prefix = lab.state["prefix"]
    assert lab.run("node-a", ["ip", "netns", "identify"], check=True).stdout.strip() == f"{prefix}node-a"
    assert lab.run("vr1", ["ls", "/run/netns"], check=True).stdout.split() == [f"{prefix}vr1"]


def test_strace_sees_a_connect_attempt_from_the_outside_namespace(lab: Lab, outside: str, tmp_path: Path) -> None:
    """The control for the test below: an attempt to reach a lab address from there is seen, and fails at once."""
    trace = tmp_path / "trace"
    attempt = (
        "import socket\ntry:\n socket.create_connection(('192.168.75.251', 22), timeout=1)\nexcept OSError:\n pass"
    )
    done = in_namespace(
        outside, ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), "python3", "-c", attempt], lab
    )
    assert done.returncode == 0, done.stderr
    assert len(connects_traced(trace)) == 1 and "192.168.75.251" in connects_traced(trace)[0], trace.read_text()


def test_every_connecting_command_refuses_outside_the_lab_and_sends_nothing(
    lab_at_start: Lab, outside: str, tmp_path: Path
) -> None:
    lab = lab_at_start
    marker = load_inventory(lab.inventory_dir).lab
    assert marker is not None
    line = refusal(marker)
    bound = load_inventory(lab.inventory_dir).ssh.conn_timeout  # a connect attempt could take that long
    for name, args in {**REPORTED_ON_STDERR, **REPORTED_AS_STEPS}.items():
        trace = tmp_path / f"{name}.trace"
        argv = [TOOL, "--inventory", str(lab.inventory_dir), *(a.format(tmp=tmp_path) for a in args)]
        started = time.monotonic()
        done = in_namespace(outside, ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), *argv], lab)
        seconds = time.monotonic() - started
        print(f"{name}: exit {done.returncode} in {seconds:.2f} s")
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        assert connects_traced(trace) == [], f"{name} tried to connect: {connects_traced(trace)}"
        assert seconds < bound, f"{name} took {seconds:.1f} s to refuse (the connect timeout is {bound} s)"
        if name in REPORTED_ON_STDERR:
            assert (done.stdout, done.stderr) == ("", f"ospf-failover: error: {line}\n"), name
        else:
            errors = [text for text in done.stdout.splitlines() if not text.startswith("[I] ")]  # release: its plan
            assert done.stderr == "" and len(errors) == 2, (name, done.stdout, done.stderr)
            assert errors[0] == f"[E] {name} customer1: locate: {line}", errors
            assert errors[1].startswith(f"[E] {name} customer1: refused, nothing touched in "), errors
    assert not (tmp_path / "backups").exists(), "a refused backup creates no repository"


def test_the_same_commands_work_inside_a_lab_host(lab_at_start: Lab, tmp_path: Path) -> None:
    lab = lab_at_start
    for name, args in {**REPORTED_ON_STDERR, **REPORTED_AS_STEPS}.items():
        argv = [TOOL, "--inventory", str(lab.inventory_dir), *(a.format(tmp=tmp_path) for a in args)]
        done = lab.run("node-a", argv, timeout=120)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert "rehearsal lab" not in done.stdout + done.stderr, name
    assert (tmp_path / "backups" / ".git").is_dir()


def test_commands_that_never_connect_work_anywhere(lab: Lab, outside: str) -> None:
    validate = [TOOL, "--inventory", str(lab.inventory_dir), "inventory", "validate"]
    recorded = REPO / "tests" / "fixtures" / "clpstat" / "ansible_x51_linux_2node_lanhb.txt"
    parse = [TOOL, "--inventory", str(lab.inventory_dir), "parse", "clpstat", str(recorded)]
    for argv in (validate, parse):
        assert in_namespace(outside, argv, lab).returncode == 0, argv
        here = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)  # the root namespace
        assert here.returncode == 0 and here.stderr == "", (argv, here.stderr)
    assert in_namespace(outside, validate, lab).stdout.startswith(f"inventory {lab.inventory_dir} is valid")
