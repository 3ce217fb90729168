"""check and backup through a real Salt master and two minions, each with its slice of a 4-customer lab:
the merged document covers every group once, finds a fault in each slice, reports a minion stopped mid-run
within the bound, and salt-run exits with the merged retcode. Backup (last) commits in each minion's repository."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ospf_failover.polling import wait_until
from ospf_failover_lab.lab import Lab
from ospf_failover_lab.salt_site import SaltSite, descendants

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
FOGS = ["customer1", "customer2", "customer3", "customer4"]  # customer1/2 on minion-a, customer3/4 on minion-b
STOP_BOUND = 15  # seconds the runner waits in the stopped-minion test


def salt_run(site: SaltSite, *args: str, timeout: float = 120) -> tuple[int, dict[str, Any]]:
    done = site.salt_run("--out", "json", *args, timeout=timeout)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, document


def statuses(document: dict[str, Any]) -> dict[str, str]:
    return {fog["name"]: fog["status"] for fog in document["fogs"]}


def failing(document: dict[str, Any], fog: str) -> set[tuple[str, str | None]]:
    row = next(f for f in document["fogs"] if f["name"] == fog)
    return {(c["name"], c["host"]) for c in row["checks"] if c["status"] == "fail"}


def verdicts(document: dict[str, Any]) -> set[tuple[str, str, str | None, str]]:
    return {(f["name"], c["name"], c["host"], c["status"]) for f in document["fogs"] for c in f["checks"]}


def split_brain_seen(lab: Lab) -> tuple[bool, None, str]:
    """Does gw1 route customer2's and customer3's networks through both routers of their pair (OSPF caught up)?"""
    carriers = lab.route_carriers("gw1")
    both = {network: sorted(carriers.get(network, [])) for network in ("10.0.1.0/24", "10.0.2.0/24")}
    return both == {"10.0.1.0/24": ["vr1", "vr2"], "10.0.2.0/24": ["vr3", "vr4"]}, None, str(both)


def test_merged_check_covers_every_group_once_and_finds_a_fault_in_each_slice(salt_site: SaltSite) -> None:
    lab = salt_site.lab
    code, document = salt_run(salt_site, "ospf_failover.check")
    assert code == 0, document.get("summary", document)
    assert [f["name"] for f in document["fogs"]] == FOGS
    assert document["summary"] == {**document["summary"], "fogs": 4, "pass": 4, "warn": 0, "fail": 0}
    assert document["minions"] == {m: {"answered": True, "retcode": 0, "error": None} for m in ("minion-a", "minion-b")}
    assert {"vr1", "vr2", "vr3", "vr4", "gw1", "gw2"} <= set(document["hosts"])

    lab.set_nic("vr2", up=True, fog="customer2")  # minion-a's slice: split brain on customer2
    lab.set_nic("vr4", up=True, fog="customer3")  # minion-b's slice: split brain on customer3
    try:
        wait_until(lambda: split_brain_seen(lab), what="both split brains on gw1", timeout=30, interval=0.5)
        code, document = salt_run(salt_site, "ospf_failover.check")
        direct = salt_site.salt(
            "--out", "json", "--static", "-t", "60", "minion-b", "ospf_failover.check"
        )  # fmt: skip
        local = lab.run("gw2", [TOOL, "--inventory", salt_site.minion_setting("minion-b", "inventory"), "check",
                                "--json"], timeout=120)  # fmt: skip
    finally:
        lab.set_nic("vr2", up=False, fog="customer2")
        lab.set_nic("vr4", up=False, fog="customer3")
        lab.wait_converged(timeout=30)
    assert code == 1, document["summary"]
    assert statuses(document) == {"customer1": "pass", "customer2": "fail", "customer3": "fail", "customer4": "pass"}, [
        (f["name"], failing(document, f["name"])) for f in document["fogs"]
    ]
    for fog in ("customer2", "customer3"):
        assert ("single-advertiser", None) in failing(document, fog), failing(document, fog)
    # The execution module returns the document check --json prints on the minion, with its exit code.
    assert direct.stdout.startswith("{"), direct.stdout + direct.stderr
    through_salt = json.loads(direct.stdout)["minion-b"]
    assert through_salt["retcode"] == local.returncode == 1
    assert set(through_salt) == {"fogs", "hosts", "summary", "retcode"}
    assert verdicts(through_salt) == verdicts(json.loads(local.stdout))


def test_tgt_and_fogs_choose_what_runs_and_bad_input_is_retcode_2(salt_site: SaltSite) -> None:
    code, document = salt_run(salt_site, "ospf_failover.check", "tgt=minion-b", "fogs=customer1,customer4")
    assert code == 0 and [f["name"] for f in document["fogs"]] == ["customer4"], document.get("summary", document)
    assert set(document["minions"]) == {"minion-b"}
    code, document = salt_run(salt_site, "ospf_failover.check", "fogs=nosuch")
    assert code == 2 and "failover group 'nosuch' is not in inventory" in document["error"], document


def job_started(site: SaltSite, minion: str) -> tuple[bool, None, str]:
    """Is minion's job running its check child process now?"""
    pid = site.processes[minion].pid
    for child in descendants(pid):
        try:
            words = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ospf_failover" in words and b"check" in words:
            return True, None, ""
    return False, None, f"no check running under {minion}"


def test_a_minion_stopped_mid_run_fails_its_groups_naming_it_within_the_bound(salt_site: SaltSite) -> None:
    lab = salt_site.lab
    argv = salt_site.salt_run_argv("--out", "json", "ospf_failover.check", f"timeout={STOP_BOUND}")
    started = time.monotonic()
    run = lab.popen("gw1", argv)
    try:
        wait_until(
            lambda: job_started(salt_site, "minion-b"), what="minion-b's check", timeout=STOP_BOUND, interval=0.1
        )
        salt_site.stop_minion("minion-b")
        stdout, stderr = run.communicate(timeout=STOP_BOUND + 30)
    except BaseException:
        run.kill()
        run.communicate(timeout=10)
        raise
    finally:
        if "minion-b" not in salt_site.processes:
            salt_site.start_minion("minion-b", timeout=60)  # back for the tests after this one
    elapsed = time.monotonic() - started
    document = json.loads(stdout)
    assert run.returncode == 1, stdout + stderr
    assert elapsed < STOP_BOUND + 20, elapsed
    assert statuses(document) == {"customer1": "pass", "customer2": "pass", "customer3": "fail", "customer4": "fail"}
    cause = f"minion minion-b did not answer within {STOP_BOUND} s"
    healthy = {f["name"]: [(c["name"], c["host"]) for c in f["checks"]] for f in document["fogs"]}
    for fog in ("customer3", "customer4"):
        row = next(f for f in document["fogs"] if f["name"] == fog)
        assert row["causes"] == [cause], row
        # the same (check, host) items a group of this shape always has, each not judged, naming the minion
        assert [c["name"] for c in row["checks"]] == [name for name, _ in healthy["customer1"]], row
        assert all(c["detail"] == f"not judged: {cause}" and c["status"] in ("fail", "warn") for c in row["checks"])
    assert document["minions"]["minion-b"]["answered"] is False


def git(repository: str, *args: str) -> str:
    done = subprocess.run(["git", "-C", repository, *args], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


def test_backup_through_salt_commits_in_each_minions_repository_like_a_local_run(
    salt_site: SaltSite, tmp_path: Path
) -> None:
    lab = salt_site.lab
    code, document = salt_run(salt_site, "ospf_failover.backup")
    assert code == 0, document
    assert set(document["hosts"]) == {"vr1", "vr2", "vr3", "vr4"}, document["hosts"]
    for minion in ("minion-a", "minion-b"):
        repository = salt_site.minion_setting(minion, "backup_dir")
        assert document["commits"][minion] == git(repository, "rev-parse", "HEAD"), document["commits"]
    local = lab.run("gw2", [TOOL, "--inventory", salt_site.minion_setting("minion-b", "inventory"), "backup",
                            "--all", "--dir", str(tmp_path / "local"), "--json"], timeout=120)  # fmt: skip
    assert local.returncode == 0, local.stderr
    mine = json.loads(local.stdout)
    through_salt = git(salt_site.minion_setting("minion-b", "backup_dir"), "ls-files").splitlines()
    assert sorted(through_salt) == sorted(git(str(tmp_path / "local"), "ls-files").splitlines())
    files = {host: seen["files"] for host, seen in mine["hosts"].items()}
    assert {host: document["hosts"][host]["files"] for host in files} == files
