"""Secrets of configurations written by other people (../shared/fixtures/peer-configs: FRR, Quagga, network-scripts
ifcfg and keys files, NetworkManager keyfiles), placed on the session lab's routers where `backup` reads them:
through the real `backup` (run inside gw1) none of them reaches the backup directory, its files or its git
history, every line that must stay is stored unchanged, and each file's count of secrets removed is reported;
and none of them, nor a key configured in a router's running configuration, is printed by a failing `backup` or
a `check` with --debug and --json.

FRR and Quagga files go to the router's /etc/frr as ``<name>.conf`` (backup reads /etc/frr/*.conf; the lab's
routers run FRR), NIC files to the path the inventory's ``nic_config_file`` names, under the router's own /run:
NetworkManager keyfiles in a first backup, network-scripts ifcfg files with their keys files in a second one, into
the same repository.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from ospf_failover.archive import REMOVED
from ospf_failover_lab.lab import Lab

TOOL = str(Path(sys.executable).with_name("ospf-failover"))
ROUTERS = ("vr1", "vr2", "vr3", "vr4")
PLACED_DIR = "/run/peer-configs"  # the routers' own /run: private to each lab host
KEYFILES = PLACED_DIR + "/NetworkManager/system-connections/{nic}.nmconnection"
IFCFG = PLACED_DIR + "/network-scripts/ifcfg-{nic}"
SUITE_KINDS = ("frr", "quagga")
# Keys an FRR router takes in its running configuration (command, secret, undo), each a secret of a peer file.
RUNNING_SECRETS = (
    ("ip ospf authentication-key", "XXXXXXXX", "no ip ospf authentication-key"),  # frr_cheburnet_r3_frr.conf
    ("ip ospf message-digest-key 1 md5", "ABCDEFGHIJK", "no ip ospf message-digest-key 1"),  # ..._abr_md5.conf
)


@dataclass(frozen=True)
class Peer:
    directory: Path
    spec: Mapping[str, Mapping[str, Any]]  # secrets.json

    def text(self, name: str) -> str:
        return (self.directory / name).read_text(encoding="utf-8")

    def secrets(self, name: str) -> list[str]:
        return [*self.spec[name]["secrets"], *self.spec[name].get("commented_secrets", [])]

    def all_secrets(self) -> list[str]:
        return sorted({secret for name in self.spec for secret in self.secrets(name)})

    def named(self, *kinds: str, prefix: str = "") -> list[str]:
        return sorted(n for n, s in self.spec.items() if s["kind"] in kinds and n.startswith(prefix))

    def innocent_lines(self) -> set[str]:
        """Lines of the files that hold none of their own file's secrets: text that may be kept as it is."""
        return {
            line
            for name in self.spec
            for line in self.text(name).split("\n")
            if not any(secret in line for secret in self.secrets(name))
        }


@dataclass(frozen=True)
class Placed:
    name: str  # the peer file
    router: str
    path: str  # where the router has it

    @property
    def stored(self) -> str:
        """Where backup keeps it, under the router's directory."""
        return self.path.lstrip("/")


@pytest.fixture(scope="module")
def peer(shared_fixtures: Path) -> Peer:
    directory = shared_fixtures / "peer-configs"
    return Peer(directory, json.loads((directory / "secrets.json").read_text()))


def nic_of(lab: Lab, router: str) -> str:
    return next(customer.nic for customer in lab.topology.customers if router in customer.routers)


def put(lab: Lab, placed: Placed, text: str) -> None:
    """The file on the router, readable by root only, as NIC files with keys are."""
    script = 'umask 077 && mkdir -p "$(dirname "$1")" && cat > "$1"'
    lab.run(placed.router, ["sh", "-c", script, "sh", placed.path], input=text, check=True)


def remove(lab: Lab, placed: Sequence[Placed]) -> None:
    for router in ROUTERS:
        paths = [p.path for p in placed if p.router == router]
        lab.run(router, ["rm", "-rf", PLACED_DIR, *paths], check=True)


def suite_placement(peer: Peer, routers: Sequence[str] = ROUTERS) -> list[Placed]:
    """Every FRR and Quagga file in a router's /etc/frr, as <name>.conf, spread over ``routers``."""
    names = peer.named(*SUITE_KINDS)
    return [
        Placed(name, routers[i % len(routers)], f"/etc/frr/{name.removesuffix('.txt').removesuffix('.conf')}.conf")
        for i, name in enumerate(names)
    ]


def nic_rounds(lab: Lab, peer: Peer) -> list[tuple[str, list[Placed]]]:
    """(nic_config_file template, the NIC files placed) per backup: keyfiles, then ifcfg files with keys files."""
    keyfiles = [
        Placed(name, router, KEYFILES.format(nic=nic_of(lab, router)))
        for name, router in zip(peer.named("keyfile"), ROUTERS, strict=True)
    ]
    ifcfgs, keys = peer.named("ifcfg", prefix="ifcfg_"), peer.named("ifcfg", prefix="keys_")
    scripts: list[Placed] = []
    for i, router in enumerate(ROUTERS):
        ifcfg = Placed(ifcfgs[i % len(ifcfgs)], router, IFCFG.format(nic=nic_of(lab, router)))
        scripts.append(ifcfg)
        if i < len(keys):  # the last router has an ifcfg file without a keys file
            scripts.append(Placed(keys[i], router, ifcfg.path.replace("/ifcfg-", "/keys-")))
    return [(KEYFILES, keyfiles), (IFCFG, scripts)]


def inventory_with(lab: Lab, tmp_path: Path, *, routers: Mapping[str, Any] | None = None) -> Path:
    """A copy of the lab's inventory; ``routers``: data set on the routers' group."""
    copy = tmp_path / "inventory"
    if not copy.exists():
        shutil.copytree(lab.inventory_dir, copy)
    groups = yaml.safe_load((copy / "groups.yaml").read_text())
    groups["routers"]["data"].update(routers or {})
    (copy / "groups.yaml").write_text(yaml.safe_dump(groups))
    return copy


def run_tool(lab: Lab, inventory: Path, *args: str, where: str = "gw1") -> subprocess.CompletedProcess[str]:
    return lab.run(where, [TOOL, "--inventory", str(inventory), *args], timeout=180)


def backup(lab: Lab, inventory: Path, directory: Path) -> dict[str, Any]:
    done = run_tool(lab, inventory, "backup", "--dir", str(directory), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def git(directory: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(directory), *args], capture_output=True, check=True, timeout=60).stdout


def git_objects(directory: Path) -> Iterator[tuple[str, bytes]]:
    """Every object of the repository, reachable or not: ``git cat-file --batch-all-objects --batch``."""
    raw = git(directory, "cat-file", "--batch-all-objects", "--batch")
    position = 0
    while position < len(raw):
        end = raw.index(b"\n", position)
        _, kind, size = raw[position:end].split()
        yield kind.decode(), raw[end + 1 : end + 1 + int(size)]
        position = end + 1 + int(size) + 1


def tree_names(tree: bytes) -> Iterator[str]:
    position = 0
    while position < len(tree):
        name_end = tree.index(b"\0", position)
        yield tree[position:name_end].split(b" ", 1)[1].decode()
        position = name_end + 1 + 20


def kept_texts(directory: Path, names: set[str]) -> tuple[dict[str, str], set[str]]:
    """Everything the backup keeps that a secret could hide in, and every name in its trees.

    Texts: each file of the directory, each object's content (blobs whole; a commit's message, names of the files
    taken out: they are the router's file names), and ``git log -p --all``'s patch lines and hunk contexts (its
    headers are ids, dates and names). Object ids and dates are left out: they are hex digits and numbers.
    """
    texts = {f"file {p}": p.read_text() for p in directory.rglob("*") if p.is_file() and ".git" not in p.parts}
    tree_entries: set[str] = set()
    for number, (kind, body) in enumerate(git_objects(directory)):
        if kind == "blob":
            texts[f"blob {number}"] = body.decode(errors="replace")
        elif kind == "commit":
            texts[f"commit {number}"] = without(body.decode().split("\n\n", 1)[1], names)
        elif kind == "tree":
            tree_entries.update(tree_names(body))
    patch: list[str] = []
    for line in git(directory, "log", "-p", "--all", "--format=%x00%B").decode(errors="replace").split("\n"):
        if line.startswith("@@"):
            patch.append(line.split("@@", 2)[2].removeprefix(" "))
        elif line[:1] in ("+", "-", " ") and not line.startswith(("+++ ", "--- ")):
            patch.append(line[1:])
        elif not line.startswith(("diff --git", "index ", "new file", "deleted file", "\\ No newline")):
            patch.append(without(line, names))  # the commit's message
    texts["git log -p --all"] = "\n".join(patch)
    return texts, tree_entries


def without(text: str, names: set[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "<name>")
    return text


def leaks(texts: Mapping[str, str], secrets: Sequence[str], innocent: set[str]) -> list[str]:
    """Each line that holds a secret and is not a line that may be kept as it is."""
    return [
        f"{where}: {secret!r} in {line!r}"
        for where, text in texts.items()
        for line in text.split("\n")
        if line not in innocent
        for secret in secrets
        if secret in line
    ]


def test_no_secret_of_any_peer_file_is_kept_and_every_kept_line_is(
    lab_at_start: Lab, tmp_path: Path, peer: Peer
) -> None:
    lab, directory = lab_at_start, tmp_path / "backups"
    baseline = tmp_path / "baseline"
    backup(lab, lab.inventory_dir, baseline)  # the lab's own files: what is kept with no peer file placed
    suite = suite_placement(peer)
    rounds = nic_rounds(lab, peer)
    placed_everything = [*suite, *(p for _, nic_files in rounds for p in nic_files)]
    assert {p.name for p in placed_everything} == set(peer.spec), "all 33 files are placed"
    documents: list[tuple[list[Placed], dict[str, Any]]] = []
    try:
        for placed in suite:
            put(lab, placed, peer.text(placed.name))
        for template, nic_files in rounds:
            for placed in nic_files:
                put(lab, placed, peer.text(placed.name))
            inventory = inventory_with(lab, tmp_path, routers={"nic_config_file": template})
            placed_now = suite if not documents else []
            documents.append(([*placed_now, *nic_files], backup(lab, inventory, directory)))
    finally:
        remove(lab, placed_everything)

    for placed_in_round, document in documents:
        for router in ROUTERS:
            entry = document["hosts"][router]
            assert entry["status"] == "ok", entry
            assert entry["secrets_removed"] == sum(entry["secrets_per_file"].values()), entry
            assert sorted(entry["secrets_per_file"]) == entry["files"], "a count for every file backed up"
        for placed in placed_in_round:
            entry = document["hosts"][placed.router]
            assert placed.stored in entry["files"], (placed, entry["files"])
            stored = (directory / placed.router / placed.stored).read_text()
            secrets = peer.secrets(placed.name)
            assert not [s for s in secrets if s in stored], f"{placed.name} on {placed.router}: a secret kept"
            lines = stored.split("\n")
            lost = [line for line in peer.spec[placed.name]["must_keep"] if line not in lines]
            assert not lost, f"{placed.name}: lines changed or dropped: {lost}"
            bearing = sum(1 for line in peer.text(placed.name).split("\n") if any(s in line for s in secrets))
            count = entry["secrets_per_file"][placed.stored]
            assert count == stored.count(REMOVED) and count >= bearing >= 1, (placed.name, count, bearing)
    assert any(p.stored.endswith("/keys-eth1") for p in placed_everything), "keys-<nic> files are read"

    files = {path for _, document in documents for e in document["hosts"].values() for path in e["files"]}
    names = files | set(ROUTERS) | {f"{router}/{path}" for router in ROUTERS for path in files}
    texts, tree_entries = kept_texts(directory, names)
    assert tree_entries <= {part for path in names for part in path.split("/")}, "trees hold the routers' names"
    innocent = peer.innocent_lines() | {
        line for path in baseline.rglob("*") if path.is_file() and ".git" not in path.parts
        for line in path.read_text().split("\n")
    }  # fmt: skip
    assert not leaks(texts, peer.all_secrets(), innocent)
    assert int(git(directory, "rev-list", "--count", "--all")) == 2, "one commit per backup that changed something"


def tool_text(text: str, *, names: set[str]) -> str:
    """What the tool printed, with what it writes of its own taken out: names of files and directories, its
    placeholders and field names, durations and commit ids (numbers and hex digits)."""
    text = without(text, names)
    text = re.sub(r"<secret>|<removed>|\bsecrets(?:_removed|_per_file)?\b", "<word>", text)
    text = re.sub(r"\b\d+\.\d+\b", "<number>", text)
    return re.sub(r"\b[0-9a-f]{7,40}\b", "<id>", text)


def test_no_secret_in_what_a_failing_backup_and_a_check_print(lab_at_start: Lab, tmp_path: Path, peer: Peer) -> None:
    """vr1 carries secrets in its files (every FRR and Quagga peer file, an ifcfg file and its keys file) and in
    its running configuration; vr2's ifcfg file has its keys file's PSK pasted in twice (the NIC file parser
    refuses it, showing the line); vr3 carries some too (the Quagga files, a keyfile with a PSK) and one file that
    cannot be read, so its backup fails; vr4 is cut off."""
    lab = lab_at_start
    suite = suite_placement(peer, routers=("vr1",))
    quagga = [Placed(p.name, "vr3", p.path) for p in suite if peer.spec[p.name]["kind"] == "quagga"]
    nic = nic_of(lab, "vr1")
    nic_files = [
        Placed("ifcfg_nm_test_wired_802_1x_password_raw", "vr1", IFCFG.format(nic=nic)),
        Placed("keys_nm_test_wifi_wpa_psk_2", "vr1", IFCFG.replace("/ifcfg-", "/keys-").format(nic=nic)),
        Placed("keyfile_balena_sample_wifi.nmconnection", "vr3", KEYFILES.format(nic=nic_of(lab, "vr3"))),
    ]
    pasted = Placed("keys_nm_test_wifi_sae", "vr2", IFCFG.format(nic=nic_of(lab, "vr2")))
    placed = [*suite, *quagga, *nic_files, pasted]
    secrets = sorted({s for p in placed for s in peer.secrets(p.name)} | {key for _, key, _ in RUNNING_SECRETS})
    inventory = inventory_with(lab, tmp_path)
    hosts = yaml.safe_load((inventory / "hosts.yaml").read_text())
    hosts["vr1"]["data"]["nic_config_file"] = IFCFG
    hosts["vr2"]["data"]["nic_config_file"] = IFCFG
    hosts["vr3"]["data"]["nic_config_file"] = KEYFILES
    (inventory / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    unreadable = "/etc/frr/unreadable.conf"  # a directory: `cat` fails on it
    outputs: dict[str, subprocess.CompletedProcess[str]] = {}
    try:
        for file in placed:
            put(lab, file, peer.text(file.name))
        ifcfg = peer.text("ifcfg_nm_test_wired_8021x_tls_p12_no_client_cert")
        put(lab, pasted, ifcfg + "\n" + peer.text(pasted.name) * 2)
        lab.run("vr3", ["mkdir", unreadable], check=True)
        for command, secret, _ in RUNNING_SECRETS:
            lab.vtysh("vr1", "configure terminal", "interface lo", f"{command} {secret}")
        running = lab.vtysh("vr1", "show running-config")
        assert all(key in running for _, key, _ in RUNNING_SECRETS), "vr1 runs with its keys"
        lab.cut_off("vr4")
        backups = str(tmp_path / "backups")
        outputs["backup --json"] = run_tool(lab, inventory, "--debug", "backup", "--dir", backups, "--json")
        outputs["backup"] = run_tool(lab, inventory, "--debug", "backup", "--dir", backups)
        outputs["check --json"] = run_tool(lab, inventory, "--debug", "check", "--json")
        outputs["check"] = run_tool(lab, inventory, "--debug", "check")
    finally:
        lab.restore("vr4")
        lab.run("vr3", ["rmdir", unreadable])
        for _, _, undo in RUNNING_SECRETS:
            lab.vtysh("vr1", "configure terminal", "interface lo", undo)
        remove(lab, placed)

    backed_up = json.loads(outputs["backup --json"].stdout)
    statuses = {host: entry["status"] for host, entry in backed_up["hosts"].items()}
    assert statuses == {"vr1": "ok", "vr2": "ok", "vr3": "failed", "vr4": "failed"}, backed_up["hosts"]
    assert "exit status 1" in backed_up["hosts"]["vr3"]["error"], "vr3's read failed"
    assert backed_up["hosts"]["vr1"]["secrets_removed"] > len(suite), "vr1's secrets were read (and removed)"
    checked = json.loads(outputs["check --json"].stdout)
    assert checked["hosts"]["vr4"]["reachable"] is False and checked["hosts"]["vr1"]["reachable"] is True
    vr2 = [c["detail"] for fog in checked["fogs"] for c in fog["checks"] if c["host"] == "vr2"]
    refused = [detail for detail in vr2 if "twice" in detail]
    assert refused and "WPA_PSK=<removed>" in refused[0], "vr2's NIC file is refused, its line shown without the PSK"
    assert all(done.returncode == 1 for done in outputs.values()), {k: v.returncode for k, v in outputs.items()}
    assert "Traceback" in outputs["backup --json"].stderr, "--debug shows the failed hosts' tracebacks"
    names = {
        path for entry in backed_up["hosts"].values() for path in entry["files"]
    } | {str(tmp_path), str(lab.directory), unreadable}  # fmt: skip
    printed = {f"{name} {stream}": text for name, done in outputs.items() for stream, text in (
        ("stdout", done.stdout), ("stderr", done.stderr))}  # fmt: skip
    found = [
        f"{where}: {secret!r} in {line!r}"
        for where, text in printed.items()
        for line in tool_text(text, names=names).split("\n")
        for secret in secrets
        if secret in line
    ]
    assert not found, found
