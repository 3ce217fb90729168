"""switch and verify under faults that come from outside the lab's script, as ECX's start.sh and genw.sh run them:
they stop when waiting cannot help, never go quiet, report times that mean what they say, end within --timeout,
and a monitor never delays a failover. Every test asserts the lines, the exit code and a bound in time.

The lab's OSPF dead interval is 4 s (docs/lab.md), so the grace of a state that cannot converge is 8 s there.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ospf_failover.engine.lock import LOCK_DIR_ENV, fog_lock
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
VR1, VR2 = "192.168.76.251", "192.168.76.252"
VR2_MGMT = "192.168.75.252"  # the address the tool connects to
HEARTBEAT_BOUND = 6.0  # seconds: the longest gap allowed between two lines (the promise is 5 s, the beat 4 s)


@dataclass(frozen=True)
class Ran:
    """One run of the tool: exit code, its stdout lines with when each came, stderr, and how long it took."""

    code: int
    lines: list[tuple[float, str]]
    stderr: str
    seconds: float

    @property
    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def gaps(self) -> list[float]:
        times = [at for at, _ in self.lines]
        return [later - earlier for earlier, later in itertools.pairwise(times)]


def run_tool(
    lab: Lab,
    host: str,
    *args: str,
    env: dict[str, str] | None = None,
    inventory: Path | None = None,
    timeout: float = 90,
) -> Ran:
    """Run ospf-failover inside ``host`` against the lab's inventory (ECX's [I]/[W]/[E] lines on stdout), noting
    when each line arrives."""
    settings = [f"{key}={value}" for key, value in (env or {}).items()]
    argv = ["env", *settings, TOOL, "--inventory", str(inventory or lab.inventory_dir), *args]
    start = time.monotonic()
    process = lab.popen(host, argv)
    assert process.stdout is not None and process.stderr is not None
    lines: list[tuple[float, str]] = []
    pending = ""
    deadline = start + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout.fileno()], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(process.stdout.fileno(), 65536).decode()
            if not chunk:
                break
            now = time.monotonic()
            pending += chunk
            *complete, pending = pending.split("\n")
            lines += [(now - start, line) for line in complete]
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
        stderr = process.stderr.read()
        process.wait(timeout=10)
    seconds = time.monotonic() - start
    ran = Ran(code=code, lines=lines, stderr=stderr, seconds=seconds)
    assert "Traceback" not in ran.text + stderr, f"a traceback: {stderr}"
    return ran


def line_matching(ran: Ran, pattern: str) -> str:
    found = [line for _, line in ran.lines if re.search(pattern, line)]
    assert found, f"no line matches {pattern!r}:\n{ran.text}"
    return found[0]


def ecx(fog: str) -> dict[str, str]:
    """What ECX gives start.sh on node-b (the group's second server)."""
    return {"CLP_GROUPNAME": fog, "CLP_EVENT": "FAILOVER", "CLP_SERVER": "OTHER", "CLP_RESOURCENAME": "exec-gateway"}


def test_a_rogue_standby_holding_the_gateway_stops_the_switch_within_the_grace(lab_at_start: Lab) -> None:
    lab = lab_at_start
    # vr3 was rebuilt (a new host key) and its gateway NIC brought up by hand: it holds 10.0.1.254, and the tool
    # rightly refuses to talk to it. ECX starts customer2 on node-b, whose router is vr4.
    lab.change_host_key("vr3")
    lab.set_nic("vr3", up=True)
    lab.set_fog_node("customer2", "node-b")
    try:
        warned = run_tool(
            lab, "node-b", "switch", "customer2", "--verify", "warn", "--timeout", "300", env=ecx("customer2")
        )
        failed = run_tool(lab, "node-b", "switch", "customer2", "--timeout", "300", env=ecx("customer2"))
    finally:
        lab.restore_host_key("vr3")
    print(f"measured: rogue standby, --verify warn {warned.seconds:.2f} s, --verify fail {failed.seconds:.2f} s")
    assert warned.code == 0, warned.text
    assert warned.seconds < 20, f"ECX waited {warned.seconds:.1f} s for a state that cannot converge"
    cause = line_matching(warned, r"^\[W\] switch customer2: verify: cannot converge: ")
    assert "vr3 (host key refused) still holds 10.0.1.254: gw1, gw2 route 10.0.1.0/24 via 192.168.76.123" in cause
    assert "twice OSPF's dead interval of 4 s" in cause
    assert warned.lines[-1][1].startswith(
        "[W] switch customer2: switched, NOT verified: waiting cannot help (verify=warn)"
    )
    line_matching(warned, r"^\[W\] switch customer2: connect: \[vr3\] .*host key.*nothing was sent to it")
    assert "partition" not in line_matching(warned, r"connect: \[vr3\]")
    assert failed.code == 3 and failed.seconds < 20, (failed.seconds, failed.text)
    line_matching(failed, r"^\[E\] switch customer2: verify: cannot converge: vr3 \(host key refused\) still holds")


def test_verify_names_the_wrong_holder_and_stops_within_the_grace(lab_at_start: Lab) -> None:
    lab = lab_at_start  # customer1 runs on node-a: vr1's to hold
    lab.set_nic("vr1", up=False)
    lab.set_nic("vr2", up=True)
    ran = run_tool(lab, "node-a", "verify", "customer1", "--timeout", "60")
    print(f"measured: verify, the wrong router holding the gateway: {ran.seconds:.2f} s")
    assert ran.code == 3, ran.text
    assert ran.seconds < 20, f"verify polled a static wrong state for {ran.seconds:.1f} s"
    cause = line_matching(ran, r"^\[E\] verify customer1: verify: cannot converge: ")
    assert "vr2 holds 10.0.0.254 (eth1 up with it), although customer1 runs on node-a (vr1's side)" in cause
    assert "vr1 does not hold 10.0.0.254" in cause
    assert ran.lines[-1][1].startswith("[E] verify customer1: NOT as it should be: waiting cannot help in ")


def test_a_standby_cut_off_just_before_the_switch_is_waited_for_until_the_dead_interval(
    lab_at_start: Lab, tmp_path: Path
) -> None:
    # The seed's own failure: vr1's ESXi host died, so vr1 is unreachable and still in every observer's routes
    # until their dead interval (4 s) passes. That converges: the grace (8 s) covers it, no early stop. A connect
    # timeout of 1 s lets the switch reach verification while the observers still route through vr1.
    lab = lab_at_start
    quick = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, quick)
    defaults = yaml.safe_load((quick / "defaults.yaml").read_text())
    defaults["connection_options"]["netmiko"]["extras"]["conn_timeout"] = 1.0
    (quick / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    lab.cut_off("vr1")
    try:
        ran = run_tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "60", inventory=quick)
    finally:
        lab.restore("vr1")
    print(f"measured: standby cut off just before the switch: {ran.seconds:.2f} s; {ran.lines[-1][1]}")
    assert ran.code == 0, ran.text
    assert "cannot converge" not in ran.text
    summary = ran.lines[-1][1]
    assert summary.startswith("[W] switch customer1: switched and verified in "), summary
    moved = re.search(r"gw1 (\d+\.\d+) s, gw2 (\d+\.\d+) s$", summary)
    assert moved, summary
    assert all(1.0 < float(seconds) < 8.0 for seconds in moved.groups()), "verified once the dead interval passed"
    assert "vr1 unreachable" in summary


def test_a_switch_that_waits_is_never_quiet(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.stop_daemon("gw2", "ospfd")  # gw2's route cannot move; gw1 and vr2 are fine: that is still converging
    try:
        ran = run_tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "30")
    finally:
        lab.start_daemon("gw2", "ospfd")
    print(f"measured: a 30 s wait took {ran.seconds:.2f} s, longest gap {max(ran.gaps()):.2f} s")
    assert ran.code == 3, ran.text
    assert 29.5 < ran.seconds < 31.0, f"the run took {ran.seconds:.1f} s for --timeout 30"
    assert max(ran.gaps()) <= HEARTBEAT_BOUND, [f"{gap:.1f}" for gap in ran.gaps()]
    beats = [line for _, line in ran.lines if line.startswith("[I] switch customer1: verify: waiting ")]
    assert len(beats) >= 6, ran.text
    assert all("gw2: 10.0.0.0/24 via 192.168.76.252 (now: no route to 10.0.0.0/24)" in beat for beat in beats)
    assert "cannot converge" not in ran.text
    line_matching(ran, r"^\[E\] switch customer1: verify: \[gw2\] no route to 10.0.0.0/24; ospfd is not running")


def test_an_observer_cut_off_is_unreachable_not_slow_and_skews_no_other(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.cut_off("gw2")
    try:
        ran = run_tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "30", "--json")
    finally:
        lab.restore("gw2")
    assert ran.code == 3
    report = json.loads(ran.text)
    print(f"measured: gw2 cut off: {report['convergence_seconds']}, run {ran.seconds:.2f} s")
    assert report["convergence_seconds"]["gw1"] < 1.5, report["convergence_seconds"]
    assert report["convergence_seconds"]["gw2"] is None
    assert report["routes"]["gw2"] == "unreachable"
    assert report["verdict"] == "switched, NOT verified (gw2 unreachable)"
    gw2 = [s for s in report["steps"] if s["host"] == "gw2"]
    assert gw2 and all("connect timeout" in s["message"] and s["outcome"] in ("WARN", "FAIL") for s in gw2), gw2


def test_a_connect_waits_no_longer_than_the_run_has_left(lab_at_start: Lab) -> None:
    """gw2 cut off: its SSH connect would wait the inventory's conn_timeout (5 s in the lab); with --timeout 2
    it is cut to what the run has left, so the run ends by itself, with its verdict and its document, not by the
    watchdog."""
    lab = lab_at_start
    lab.cut_off("gw2")
    try:
        ran = run_tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "2", "--json")
    finally:
        lab.restore("gw2")
    print(f"measured: switch --timeout 2 with gw2 cut off took {ran.seconds:.2f} s")
    assert "still running after" not in ran.stderr, ran.stderr
    assert ran.code == 3 and ran.seconds < 3.0, (ran.code, ran.seconds, ran.stderr)
    report = json.loads(ran.text)
    assert report["routes"]["gw2"] == "unreachable" and report["convergence_seconds"]["gw1"] is not None, report


def test_verify_on_a_steady_state_says_where_the_route_is_not_that_it_moved(lab_at_start: Lab) -> None:
    ran = run_tool(lab_at_start, "node-a", "verify", "customer1", "--node", "node-a")
    assert ran.code == 0 and ran.seconds < 10, ran.text
    assert "moved" not in ran.text and "after " not in ran.text, ran.text
    assert ran.lines[-1][1].endswith("route to 10.0.0.0/24: vr2 via vr1, gw1 via vr1, gw2 via vr1"), ran.text


def test_a_tiny_timeout_bounds_the_whole_run(lab_at_start: Lab) -> None:
    lab = lab_at_start
    # 0.1 s: less than the command's own start-up, so the time is up before anything is touched (0.3 s was, until
    # a switch loaded only its group's part of the inventory; then it changed the NICs and could not verify).
    ran = run_tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "0.1")
    print(f"measured: switch --timeout 0.1 took {ran.seconds:.2f} s")
    assert ran.seconds < 1.1, f"switch --timeout 0.1 took {ran.seconds:.2f} s"
    assert ran.code == 1, ran.text
    assert ran.lines[-1][1].startswith("[E] switch customer1: out of time (--timeout 0.1 s) before "), ran.text
    assert lab.holds_gateway("vr1") and not lab.holds_gateway("vr2"), "nothing changed"
    zero = lab.run("node-b", [TOOL, "--inventory", str(lab.inventory_dir), "switch", "customer1", "--timeout", "0"])
    assert zero.returncode == 2 and "0 < S <= 1800" in zero.stderr, zero.stderr


def test_a_monitor_polling_a_wrong_state_never_delays_a_switch(lab_at_start: Lab) -> None:
    lab = lab_at_start
    argv = [TOOL, "--inventory", str(lab.inventory_dir), "switch", "customer1", "--node", "node-a"]
    lab.set_nic("vr1", up=False)  # customer1 on node-a, but nobody holds its gateway: wrong until a switch
    alone = lab.run("node-a", argv, timeout=60)
    assert alone.returncode == 0, alone.stdout
    baseline = float(re.findall(r"switched and verified in (\d+\.\d+) s", alone.stdout)[0])

    lab.set_nic("vr1", up=False)
    genw = lab.popen("node-a", [TOOL, "--inventory", str(lab.inventory_dir), "verify", "customer1", "--timeout", "20"])
    try:
        time.sleep(2.0)  # the monitor is polling the wrong state now
        assert genw.poll() is None, "the monitor should still be polling"
        start = time.monotonic()
        during = lab.run("node-a", argv, timeout=60)
        took = time.monotonic() - start
        seen, _ = genw.communicate(timeout=30)
    finally:
        if genw.poll() is None:
            genw.kill()
            genw.communicate(timeout=10)
    # The monitor polled on while the switch ran, and saw what the switch made right.
    assert genw.returncode == 0 and "[I] verify customer1: verified in " in seen, seen
    assert during.returncode == 0, during.stdout
    assert "waited" not in during.stdout, during.stdout
    reported = float(re.findall(r"switched and verified in (\d+\.\d+) s", during.stdout)[0])
    print(f"measured: switch alone {baseline:.2f} s, beside a polling verify {reported:.2f} s ({took:.2f} s outside)")
    assert reported - baseline < 1.0, (baseline, reported, took)


def test_switch_and_release_still_exclude_each_other_and_verify_is_not_held(
    lab_at_start: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = lab_at_start
    monkeypatch.setenv(LOCK_DIR_ENV, str(lab.directory / "locks"))  # where the lab's runs keep their locks
    base = [TOOL, "--inventory", str(lab.inventory_dir)]
    with fog_lock("customer1", timeout=5):  # held as a switch holds it
        verify = lab.run("node-a", [*base, "verify", "customer1", "--node", "node-a"], timeout=60)
        release = lab.run("node-a", [*base, "release", "customer1", "--timeout", "2"], timeout=60)
    assert verify.returncode == 0 and "waited" not in verify.stdout and "another run" not in verify.stdout
    assert release.returncode == 0 and "another run holds" in release.stdout, release.stdout
    assert lab.holds_gateway("vr1"), "a release that could not take the lock changed nothing"


def test_clpstat_busy_when_it_locates_the_group_touches_nothing(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_fog_node("customer1", "node-b")
    lab.set_clpstat(busy=60)  # busy for about 60 s: far beyond the retries
    try:
        ran = run_tool(lab, "node-b", "switch", "customer1")  # by hand: clpstat says where the group runs
    finally:
        lab.set_clpstat()
    print(f"measured: clpstat busy, by hand: {ran.seconds:.2f} s")
    assert ran.code == 2, ran.text
    assert ran.seconds < 15, ran.seconds
    refused = line_matching(ran, r"^\[E\] switch customer1: locate: clpstat on node-b \(local\) answered busy ")
    assert re.search(r"busy \(exit status 9\) for \d+\.\d s \(\d+ runs\): nothing touched", refused), refused
    assert ran.lines[-1][1].startswith("[E] switch customer1: refused, nothing touched in "), ran.text
    assert max(ran.gaps(), default=0.0) <= HEARTBEAT_BOUND
    assert lab.holds_gateway("vr1") and not lab.holds_gateway("vr2")


def test_clpstat_busy_under_ecx_delays_nothing(lab_at_start: Lab) -> None:
    lab = lab_at_start
    lab.set_fog_node("customer1", "node-b")
    lab.set_clpstat(busy=60)
    try:
        ran = run_tool(lab, "node-b", "switch", "customer1", "--verify", "warn", "--json", env=ecx("customer1"))
    finally:
        lab.set_clpstat()
    assert ran.code == 0
    report = json.loads(ran.text)
    print(f"measured: clpstat busy under ECX: {report['convergence_seconds']}, run {report['seconds']} s")
    assert report["verdict"] == "switched and verified"
    assert all(s is not None and s < 1.5 for s in report["convergence_seconds"].values()), report["convergence_seconds"]
    warning = [s for s in report["steps"] if s["step"] == "locate" and s["outcome"] == "WARN"]
    assert warning and "busy" in warning[0]["message"] and "trusting ECX" in warning[0]["message"], report["steps"]
    assert report["seconds"] < 3.0, report["seconds"]


def fingerprint_of(public_key: Path) -> str:
    """The SHA256 fingerprint ssh-keygen gives a public key file (run on the machine: a file, no network)."""
    done = subprocess.run(
        ["ssh-keygen", "-lf", str(public_key)], capture_output=True, text=True, timeout=10, check=True
    )
    return done.stdout.split()[1]


def test_a_changed_host_key_is_one_line_with_both_fingerprints(lab_at_start: Lab) -> None:
    lab = lab_at_start
    keys = lab.host_dir("vr2") / "ssh"
    lab.change_host_key("vr2")
    try:
        offered = fingerprint_of(keys / "ssh_host_ed25519_key.pub")
        known = fingerprint_of(keys / "ssh_host_ed25519_key.orig.pub")
        ran = run_tool(lab, "node-b", "switch", "customer1", "--node", "node-b", "--timeout", "30")
    finally:
        lab.restore_host_key("vr2")
    assert ran.code == 1, ran.text  # the active router: nothing changed anywhere
    line = line_matching(ran, r"^\[E\] switch customer1: connect: \[vr2\] ")
    assert offered != known and offered in line and known in line, (offered, known, line)
    assert "vr2 (192.168.75.252): host key does not match" in line and "nothing was sent to it" in line
    assert "partition" not in ran.text
    assert lab.holds_gateway("vr1") and not lab.holds_gateway("vr2")


def test_an_unknown_host_is_told_how_to_add_it(lab_at_start: Lab, tmp_path: Path) -> None:
    lab = lab_at_start
    strange = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, strange)
    known_hosts = strange / "known_hosts"
    known_hosts.write_text(
        "".join(line for line in known_hosts.read_text().splitlines(keepends=True) if VR2_MGMT not in line)
    )
    defaults = yaml.safe_load((strange / "defaults.yaml").read_text())
    defaults["connection_options"]["netmiko"]["extras"]["alt_key_file"] = str(known_hosts)
    (strange / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    offered = fingerprint_of(lab.host_dir("vr2") / "ssh" / "ssh_host_ed25519_key.pub")
    ran = run_tool(lab, "node-a", "verify", "customer1", "--node", "node-a", "--timeout", "10", inventory=strange)
    assert ran.code == 3, ran.text  # verify: a standby it cannot read is not as it should be
    assert ran.lines[-1][1].startswith("[E] verify customer1: NOT as it should be (vr2 unreachable) in "), ran.text
    line = line_matching(ran, r"^\[W\] verify customer1: connect: \[vr2\] ")
    assert f"vr2 ({VR2_MGMT}): host key is not in known_hosts: it offers {offered}; nothing was sent to it" in line
    assert line.endswith(f"then add it: ssh-keyscan -t ed25519 {VR2_MGMT} >> {known_hosts}"), line
