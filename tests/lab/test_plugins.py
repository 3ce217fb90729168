"""An operator's script over the inventory and session plugins (tests/lab/plugin_nornir.py), run inside a lab host:
validated hosts with their views, a batch on every host over the ``ospf_failover`` connection, and a changed host
key refused with both keys' fingerprints, as OpenSSH computes them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from ospf_failover_lab import sshd
from ospf_failover_lab.lab import Lab

SCRIPT = Path(__file__).resolve().with_name("plugin_nornir.py")


def run_script(lab: Lab) -> dict[str, Any]:
    done = lab.run("node-b", [sys.executable, str(SCRIPT), str(lab.inventory_dir)], timeout=90)
    assert done.returncode == 0 and "Traceback" not in done.stdout, done.stderr  # Nornir logs a failed task on stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def openssh_fingerprint(public_key: Path) -> str:
    done = subprocess.run(["ssh-keygen", "-l", "-f", str(public_key)], capture_output=True, text=True, check=True)
    return done.stdout.split()[1]


def test_a_plain_script_gets_validated_hosts_and_runs_batches(lab_at_start: Lab) -> None:
    report = run_script(lab_at_start)
    assert report["views"]["vr1"] == "router" and report["views"]["node-a"] == "cluster_node", report["views"]
    assert report["views"]["gw1"] == "observer" and None not in report["views"].values(), report["views"]
    for name, outcome in report["hosts"].items():
        assert outcome["ok"], (name, outcome)
        assert outcome["outputs"] == [[name, 0], ["", 1], ["to-stderr", 0]], (name, outcome)


def test_a_changed_host_key_is_refused_with_both_fingerprints(lab_at_start: Lab) -> None:
    lab = lab_at_start
    key = lab.host_dir("vr1") / "ssh" / f"{sshd.HOST_KEY_NAME}.pub"
    lab.change_host_key("vr1")
    try:
        offered = openssh_fingerprint(key)
        known = openssh_fingerprint(key.with_name(f"{sshd.HOST_KEY_NAME}.orig.pub"))
        report = run_script(lab)
    finally:
        lab.restore_host_key("vr1")
    refused = report["hosts"]["vr1"]
    assert refused["error_type"] == "HostKeyError" and "host key does not match" in refused["error"], refused
    assert (refused["offered"], refused["known"]) == (offered, known) and offered != known, refused
    assert report["hosts"]["vr2"]["ok"], report["hosts"]["vr2"]  # one refused host stops no other
