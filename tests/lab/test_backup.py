"""`backup` against the session lab's routers: run from gw1, into a real git repository under the test's own
directory. Two runs without change make one commit; a change on one router is one commit of its files with its
diff; secrets never reach the directory or its history; a router that stops answering keeps its previous files
while the others are committed; a pair drifting apart is reported; observers and NIC files as the inventory says."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
ROUTERS = ("vr1", "vr2", "vr3", "vr4")
SECRETS = ("Sk3y0spf", "Md5D1gestK3y", "Ch41nK3yStr1ng", "V7yshPassw0rd")  # an OSPF simple key: 8 characters


def backup(
    lab: Lab, directory: Path, *args: str, inventory: Path | None = None, as_json: bool = True
) -> tuple[int, Any, str]:
    """Run backup inside gw1; the JSON document (or stdout's text without --json) and stderr."""
    argv = [TOOL, "--inventory", str(inventory or lab.inventory_dir), "backup", "--dir", str(directory), *args]
    done = lab.run("gw1", [*argv, "--json"] if as_json else argv, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout) if as_json else done.stdout, done.stderr


def git(directory: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(directory), *args], capture_output=True, text=True, check=True, timeout=30
    ).stdout


def commits(directory: Path) -> int:
    return int(git(directory, "rev-list", "--count", "HEAD"))


def changed_in_head(directory: Path) -> list[str]:
    return git(directory, "show", "--name-only", "--format=", "HEAD").split()


def inventory_copy(lab: Lab, tmp_path: Path) -> Path:
    copy = tmp_path / "inventory"
    shutil.copytree(lab.inventory_dir, copy)
    return copy


def edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))


def test_two_runs_without_change_make_one_commit(lab_at_start: Lab, tmp_path: Path) -> None:
    directory = tmp_path / "backups"
    code, first, _ = backup(lab_at_start, directory)
    assert code == 0, first
    assert set(first) == {"hosts", "commit", "drift", "summary"}
    assert set(first["hosts"]) == set(ROUTERS), "routers are backed up, observers only when the inventory says"
    for host, entry in first["hosts"].items():
        assert (entry["status"], entry["changed"], entry["error"]) == ("ok", True, None), (host, entry)
        assert {"running-config", "etc/frr/ospfd.conf", "etc/frr/zebra.conf"} <= set(entry["files"]), entry
    assert first["commit"] == git(directory, "rev-parse", "HEAD").strip()
    stored = (directory / "vr1" / "running-config").read_text()
    assert "hostname vr1" in stored and "router ospf" in stored
    # vtysh's bare display headers never change: kept as shown; only a header with a byte count is volatile
    assert stored.startswith("Building configuration...\n\nCurrent configuration:\n"), stored[:200]
    assert {fog: d["status"] for fog, d in first["drift"].items()} == {"customer1": "same", "customer2": "same"}

    code, second, _ = backup(lab_at_start, directory)
    assert code == 0, second
    assert second["commit"] is None and not any(e["changed"] for e in second["hosts"].values()), second
    assert commits(directory) == 1
    assert git(directory, "status", "--porcelain") == "", "nothing left uncommitted"
    assert git(directory, "log", "-1", "--format=%an <%ae>").strip() == "ospf-failover <ospf-failover@localhost>"


def test_a_change_on_one_router_is_one_commit_of_its_files_with_its_diff(lab_at_start: Lab, tmp_path: Path) -> None:
    lab, directory = lab_at_start, tmp_path / "backups"
    assert backup(lab, directory)[0] == 0
    lab.vtysh("vr2", "configure terminal", "interface lo", "description changed-for-the-backup-test")
    try:
        code, document, _ = backup(lab, directory, "--diff")
    finally:
        lab.vtysh("vr2", "configure terminal", "interface lo", "no description")
    assert code == 0, document
    assert [h for h, e in document["hosts"].items() if e["changed"]] == ["vr2"], document["hosts"]
    assert changed_in_head(directory) == ["vr2/running-config"]
    assert commits(directory) == 2
    assert git(directory, "log", "-1", "--format=%s").strip() == "backup: vr2 changed"
    assert "+ description changed-for-the-backup-test" in document["hosts"]["vr2"]["diff"]
    assert document["hosts"]["vr1"]["diff"] == ""

    code, text, _ = backup(lab, directory, "--diff", as_json=False)  # the change undone, for people
    assert code == 0
    assert "- description changed-for-the-backup-test" in text and "--- vr2/running-config (stored)" in text
    assert "backup: 4 hosts, 1 changed, 0 failed; commit " in text and "(vr2)" in text
    history = lab.run("gw1", [TOOL, "backup", "--dir", str(directory), "--history", "vr2"], timeout=30)
    lines = history.stdout.splitlines()
    assert history.returncode == 0 and len(lines) == 3, history.stdout
    added = re.search(r"  \+(\d+) -0  running-config  backup: vr2 changed$", lines[1])
    assert added is not None and int(added[1]) >= 2, lines  # interface lo / description / exit
    assert lines[0].endswith(f"+0 -{added[1]}  running-config  backup: vr2 changed"), lines
    listed = lab.run("gw1", [TOOL, "backup", "--dir", str(directory), "--history", "vr2", "--limit", "2", "--json"])
    versions = json.loads(listed.stdout)["versions"]
    assert [v["subject"] for v in versions] == ["backup: vr2 changed"] * 2, versions
    assert versions[0]["files"] == ["running-config"] and versions[0]["removed"] == versions[1]["added"]
    none = lab.run("gw1", [TOOL, "backup", "--dir", str(directory), "--history", "gw9"], timeout=30)
    assert none.returncode == 2 and none.stderr.strip() == f"ospf-failover: error: no backup of gw9 in {directory}"


def test_secrets_never_reach_the_directory_or_its_history(lab_at_start: Lab, tmp_path: Path) -> None:
    lab, directory = lab_at_start, tmp_path / "backups"
    simple, digest, chain, password = SECRETS
    ripd = lab.host_dir("vr1") / "frr" / "etc" / "ripd.conf"  # /etc/frr/ripd.conf inside vr1
    try:
        ripd.write_text(f"password {password}\n!\nkey chain kc1\n key 1\n  key-string {chain}\n!\n")
        lab.vtysh("vr1", "configure terminal", "interface lo", f"ip ospf authentication-key {simple}")
        lab.vtysh("vr1", "configure terminal", "interface lo", f"ip ospf message-digest-key 1 md5 {digest}")
        assert simple in lab.vtysh("vr1", "show running-config"), "the key is configured"
        code, document, _ = backup(lab, directory)
        kept_code, kept, warning = backup(lab, tmp_path / "with-secrets", "--keep-secrets")
    finally:
        ripd.unlink(missing_ok=True)
        lab.vtysh("vr1", "configure terminal", "interface lo", "no ip ospf authentication-key")
        lab.vtysh("vr1", "configure terminal", "interface lo", "no ip ospf message-digest-key 1")
    assert code == 0, document
    assert document["summary"]["secrets"] == "removed" and document["hosts"]["vr1"]["secrets_removed"] == 4
    running = (directory / "vr1" / "running-config").read_text()
    assert "ip ospf authentication-key <removed>" in running and "message-digest-key 1 md5 <removed>" in running
    assert "key-string <removed>" in (directory / "vr1" / "etc" / "frr" / "ripd.conf").read_text()
    everything = b"".join(path.read_bytes() for path in directory.rglob("*") if path.is_file())
    history = git(directory, "log", "-p", "--all") + subprocess.run(
        ["git", "-C", str(directory), "cat-file", "--batch-all-objects", "--batch"],
        capture_output=True, check=True, timeout=30,
    ).stdout.decode(errors="replace")  # fmt: skip
    for secret in SECRETS:
        assert secret.encode() not in everything, f"{secret} in a file of {directory}"
        assert secret not in history, f"{secret} in the git history"
    assert kept_code == 0 and kept["summary"]["secrets"] == "kept"
    assert "--keep-secrets" in warning and "git history" in warning
    assert simple in (tmp_path / "with-secrets" / "vr1" / "running-config").read_text()


def test_a_router_that_stops_answering_keeps_its_files_and_the_others_are_committed(
    lab_at_start: Lab, tmp_path: Path
) -> None:
    lab, directory = lab_at_start, tmp_path / "backups"
    inventory = inventory_copy(lab, tmp_path)
    edit_yaml(inventory / "defaults.yaml", lambda d: d["data"].setdefault("timeouts", {}).update(command=3))
    assert backup(lab, directory, inventory=inventory)[0] == 0
    before = {r: (directory / r / "running-config").read_text() for r in ROUTERS}
    stuck = lab.host_dir("vr3") / "frr" / "etc" / "stuck.conf"  # reading it never ends: vr3 stops answering
    try:
        os.mkfifo(stuck)
        for router in ("vr1", "vr3", "vr4"):
            lab.vtysh(router, "configure terminal", "interface lo", "description changed-while-cut-off")
        lab.cut_off("vr4")  # and vr4 answers nothing at all
        code, document, _ = backup(lab, directory, inventory=inventory)
    finally:
        lab.restore("vr4")
        stuck.unlink(missing_ok=True)
        for router in ("vr1", "vr3", "vr4"):
            lab.vtysh(router, "configure terminal", "interface lo", "no description")
    assert code == 1, document
    hosts = document["hosts"]
    assert {h: e["status"] for h, e in hosts.items()} == {"vr1": "ok", "vr2": "ok", "vr3": "failed", "vr4": "failed"}
    assert hosts["vr3"]["error"].startswith("vr3: ") and "no complete answer within 3 s" in hosts["vr3"]["error"]
    assert hosts["vr3"]["files"] == [] and hosts["vr3"]["changed"] is False
    for router in ("vr3", "vr4"):
        assert (directory / router / "running-config").read_text() == before[router], f"{router}'s files kept"
    assert "changed-while-cut-off" in (directory / "vr1" / "running-config").read_text()
    assert changed_in_head(directory) == ["vr1/running-config"], "what succeeded is committed"
    body = git(directory, "log", "-1", "--format=%B")
    assert "vr3: not backed up, previous files kept" in body and "vr4: not backed up" in body, body
    assert document["drift"]["customer2"]["status"] == "unknown"
    assert git(directory, "status", "--porcelain") == ""


def test_two_routers_of_a_pair_drifting_apart_are_reported(lab_at_start: Lab, tmp_path: Path) -> None:
    lab = lab_at_start
    lab.vtysh("vr4", "configure terminal", "router ospf", "auto-cost reference-bandwidth 1000")
    try:
        code, document, _ = backup(lab, tmp_path / "backups")
        people_code, text, _ = backup(lab, tmp_path / "backups", "customer2", as_json=False)
    finally:
        lab.vtysh("vr4", "configure terminal", "router ospf", "no auto-cost reference-bandwidth")
    assert code == 0 and people_code == 0, document
    drift = document["drift"]
    assert drift["customer1"]["status"] == "same"
    assert drift["customer2"]["status"] == "differs" and drift["customer2"]["routers"] == ["vr3", "vr4"]
    assert drift["customer2"]["differences"] == [
        {"between": ["vr3", "vr4"], "only": {"vr3": [], "vr4": ["router ospf: auto-cost reference-bandwidth 1000"]}}
    ]
    assert "warn customer2: 2 of 2 hosts backed up, 0 changed; OSPF configuration differs" in text, text
    assert "only vr4: router ospf: auto-cost reference-bandwidth 1000" in text
    assert "customer1" not in text, "only the groups named are backed up"


def test_observers_are_backed_up_when_the_inventory_says_so(lab_at_start: Lab, tmp_path: Path) -> None:
    inventory = inventory_copy(lab_at_start, tmp_path)
    edit_yaml(inventory / "groups.yaml", lambda groups: groups["observers"]["data"].update(backup=True))
    code, document, _ = backup(lab_at_start, tmp_path / "backups", inventory=inventory)
    assert code == 0, document
    assert set(document["hosts"]) == {*ROUTERS, "gw1", "gw2"}
    assert "hostname gw2" in (tmp_path / "backups" / "gw2" / "running-config").read_text()
    assert document["drift"]["customer1"]["routers"] == ["vr1", "vr2"], "observers are not compared with routers"


def test_nic_files_are_backed_up_on_every_kind_of_router(styled_lab: Lab, tmp_path: Path) -> None:
    code, document, _ = backup(styled_lab, tmp_path / "backups")
    assert code == 0, document
    keyfile = "run/NetworkManager/system-connections/eth1.nmconnection"
    for router in ROUTERS:
        files = document["hosts"][router]["files"]
        if styled_lab.router_style(router) == "address":
            assert keyfile in files, (router, files)
            assert "[ipv4]" in (tmp_path / "backups" / router / keyfile).read_text()
        else:
            assert keyfile not in files, (router, files)


def test_bad_input_is_one_line_and_exit_2(lab_at_start: Lab, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("not a backup\n")
    cases = {
        ("--dir", str(busy)): "is not a backup repository",
        ("--dir", str(tmp_path / "b"), "--author", "nobody"): "'Name <email>'",
        ("--dir", str(tmp_path / "b"), "customer1", "--all"): "not both",
        ("--dir", str(tmp_path / "b"), "customer9"): "customer9",
        ("--dir", str(tmp_path / "b"), "--history", "vr1", "--diff"): "--history lists versions",
    }
    for args, message in cases.items():
        done = lab_at_start.run("gw1", [TOOL, "--inventory", str(lab_at_start.inventory_dir), "backup", *args])
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr, (args, done.stderr)
    assert (busy / "notes.txt").read_text() == "not a backup\n" and not (busy / ".git").exists()
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir()), "bad input makes no repository"
