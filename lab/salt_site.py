"""A Salt master and minions inside a lab's hosts, for the tests and the benchmark of the Salt extension.

Every daemon runs inside a lab host's namespaces (``Lab.exec_argv``): the master listens on its host's mgmt
address, minions in other hosts reach it over the lab's mgmt network. Configuration lives in one directory (no
/etc/salt): ``DIR/master/``, ``DIR/<minion>/``, keys pre-seeded so no acceptance is waited for. Daemons are
stopped by PID: SIGTERM, a bounded wait, then SIGKILL of the whole process tree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from ospf_failover.errors import LabError
from ospf_failover.polling import wait_until

from .lab import Lab
from .namespaces import is_alive, kill_pids

READY_LINE = "Minion is ready to receive requests!"
FETCH_ATTEMPTS = 2  # a slice the master's file list did not hold yet is fetched again after the list is renewed
MINION_SETTINGS = {  # Salt 3007's jobs linger ~30 s after answering with the default return retries
    "return_retry_timer": 1,
    "return_retry_timer_max": 2,
    "return_retry_tries": 2,
    "log_level_logfile": "info",
}


def salt_tool(name: str) -> str:
    """A Salt command of the running Python's venv (salt-master, salt-minion, salt-run, salt, salt-key)."""
    return str(Path(sys.executable).with_name(name))


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid`` (one /proc scan)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_trees(processes: Sequence[subprocess.Popen[Any]], *, grace: float = 6.0) -> None:
    """SIGTERM each daemon and every process below it (its jobs and their children) at once, wait up to ``grace``,
    then SIGKILL whatever is left of the trees; reap them. LabError naming what did not stop."""
    trees = [pid for process in processes for pid in (process.pid, *descendants(process.pid))]
    left = kill_pids(trees, grace=grace)
    left += kill_pids([pid for p in processes for pid in descendants(p.pid) if is_alive(pid)], grace=0.5)
    for process in processes:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            left.append(process.pid)
    if left:
        raise LabError(f"Salt processes {sorted(set(left))} did not stop")


def inventory_with_minions(
    lab: Lab, target: Path, served_by: Mapping[str, str], *, site_groups: Mapping[str, str] | None = None
) -> Path:
    """A copy of the lab's inventory in ``target`` with each failover group's minion (group -> minion). A group
    in ``site_groups`` (group -> site group) inherits it from that site group instead."""
    shutil.copytree(lab.inventory_dir, target)
    groups = yaml.safe_load((target / "groups.yaml").read_text())
    for fog, minion in served_by.items():
        site = (site_groups or {}).get(fog)
        if site is None:
            groups[fog]["data"]["minion"] = minion
        else:
            groups.setdefault(site, {"data": {"minion": minion}})
            groups[fog]["groups"] = [site]
    (target / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    return target


@dataclass
class SaltSite:
    """A master in ``master_host`` and minions (ID -> lab host), configured in ``directory``."""

    lab: Lab
    directory: Path
    master_host: str
    minions: Mapping[str, str]
    settings: Mapping[str, Any] = field(default_factory=dict)  # the master's ospf_failover settings
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def master_dir(self) -> Path:
        return self.directory / "master"

    @property
    def file_roots(self) -> Path:
        return self.directory / "files"

    def minion_dir(self, minion: str) -> Path:
        return self.directory / minion

    def minion_setting(self, minion: str, key: str) -> str:
        return {
            "inventory": str(self.minion_dir(minion) / "inventory"),
            "backup_dir": str(self.minion_dir(minion) / "backups"),
        }[key]

    def _common(self, base: Path) -> dict[str, Any]:
        return {
            "root_dir": str(base), "pki_dir": str(base / "pki"), "cachedir": str(base / "cache"),
            "sock_dir": str(base / "sock"), "pidfile": str(base / "salt.pid"), "log_file": str(base / "salt.log"),
            "user": "root",
        }  # fmt: skip

    def configure(self) -> None:
        """Write the master's and minions' configs and pre-seed the minions' keys."""
        address = self.lab.topology.host(self.master_host).mgmt_address
        self.file_roots.mkdir(parents=True, exist_ok=True)
        master = {
            **self._common(self.master_dir), "interface": address, "publish_port": 4505, "ret_port": 4506,
            "file_roots": {"base": [str(self.file_roots)]}, "worker_threads": 3, "ospf_failover": dict(self.settings),
        }  # fmt: skip
        self._write(self.master_dir / "master", master)
        (self.master_dir / "pki" / "minions").mkdir(parents=True, exist_ok=True)
        for minion in self.minions:
            base = self.minion_dir(minion)
            config = {
                **self._common(base), **MINION_SETTINGS, "id": minion, "master": address, "master_port": 4506,
                "publish_port": 4505,
                "ospf_failover": {key: self.minion_setting(minion, key) for key in ("inventory", "backup_dir")},
            }  # fmt: skip
            self._write(base / "minion", config)
            keys = base / "pki"
            keys.mkdir(parents=True, exist_ok=True)
            self._run_here([salt_tool("salt-key"), "-c", str(self.master_dir), f"--gen-keys={minion}",
                            f"--gen-keys-dir={keys}", "--yes"])  # fmt: skip
            (keys / f"{minion}.pem").rename(keys / "minion.pem")
            (keys / f"{minion}.pub").rename(keys / "minion.pub")
            shutil.copy(keys / "minion.pub", self.master_dir / "pki" / "minions" / minion)

    @staticmethod
    def _write(path: Path, content: Mapping[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(dict(content), sort_keys=False))

    @staticmethod
    def _run_here(argv: Sequence[str]) -> None:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise LabError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-300:]}")

    def _start(self, name: str, host: str, argv: Sequence[str], log: Path) -> None:
        with log.open("ab") as output:
            out: IO[bytes] = output
            self.processes[name] = subprocess.Popen(
                self.lab.exec_argv(host, argv), stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                env=self.lab.environment(), start_new_session=True,
            )  # fmt: skip

    def start(self, *, timeout: float = 60.0) -> float:
        """Start the master, then every minion; return once each minion is ready (seconds it took)."""
        started = time.monotonic()
        self._start("master", self.master_host, [salt_tool("salt-master"), "-c", str(self.master_dir)],
                    self.master_dir / "daemon.out")  # fmt: skip
        wait_until(self._master_ready, what="salt-master listening", timeout=timeout, interval=0.2)
        for minion in self.minions:
            self.start_minion(minion, timeout=max(5.0, timeout - (time.monotonic() - started)))
        return time.monotonic() - started

    def _master_ready(self) -> tuple[bool, None, str]:
        self._alive("master")
        ready = (self.master_dir / "sock" / "master_event_pub.ipc").exists()
        listening = "4506" in self.lab.run(self.master_host, ["ss", "-Hltn"], timeout=10).stdout
        return ready and listening, None, "no event socket or ret port yet"

    def _alive(self, name: str) -> None:
        process = self.processes[name]
        if process.poll() is not None:
            raise LabError(f"salt {name} exited {process.returncode} (see {self.directory})")

    def start_minion(self, minion: str, *, timeout: float = 60.0) -> None:
        base = self.minion_dir(minion)
        log = base / "salt.log"
        before = log.read_text(errors="replace").count(READY_LINE) if log.exists() else 0
        argv = [salt_tool("salt-minion"), "-c", str(base), "--disable-keepalive"]
        self._start(minion, self.minions[minion], argv, base / "daemon.out")

        def ready() -> tuple[bool, None, str]:
            self._alive(minion)
            count = log.read_text(errors="replace").count(READY_LINE) if log.exists() else 0
            return count > before, None, f"{minion} not ready"

        wait_until(ready, what=f"salt-minion {minion} ready", timeout=timeout, interval=0.2)

    def stop_minion(self, minion: str) -> None:
        process = self.processes.pop(minion, None)
        if process is not None:
            stop_trees([process])

    def stop(self) -> None:
        """Stop every daemon at once (by PID, bounded, then killed); raise if one did not stop."""
        running = list(self.processes.values())
        self.processes.clear()
        stop_trees(running)

    def salt(self, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        """``salt -c MASTER_DIR ARGS...`` in the master's host."""
        return self.lab.run(self.master_host, [salt_tool("salt"), "-c", str(self.master_dir), *args], timeout=timeout)

    def salt_run_argv(self, *args: str) -> list[str]:
        return [salt_tool("salt-run"), "-c", str(self.master_dir), *args]

    def salt_run(self, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        """``salt-run -c MASTER_DIR ARGS...`` in the master's host."""
        return self.lab.run(self.master_host, self.salt_run_argv(*args), timeout=timeout)

    def hand_out_slices(self, whole: Path, *, timeout: float = 60.0) -> None:
        """Write every minion's slice of ``whole`` into the master's file server (``salt-slices``), then have each
        minion fetch its own (``ospf_failover.fetch_slice``)."""
        argv = [
            str(Path(sys.executable).with_name("ospf-failover")), "--inventory", str(whole), "salt-slices",
            "--out", str(self.file_roots / "ospf-failover"), "--minion-dir", str(self.directory / "{minion}" /
            "inventory"), "--key-file", str(self.lab.key_file),
        ]  # fmt: skip
        self._run_here(argv)
        for attempt in range(FETCH_ATTEMPTS):
            if attempt:  # the master listed its files before the slices were all written: list them again
                self.salt_run("fileserver.clear_file_list_cache", timeout=timeout)
                self.salt_run("fileserver.update", timeout=timeout)
            done = self.salt("--out", "json", "--static", "*", "ospf_failover.fetch_slice", "-t", str(int(timeout)))
            try:
                fetched = json.loads(done.stdout)
            except ValueError:
                fetched = {}
            ok = sorted(m for m, r in fetched.items() if isinstance(r, dict) and r.get("retcode") == 0)
            if ok == sorted(self.minions):
                return
        raise LabError(f"the minions did not fetch their slices: {done.stdout.strip()[-500:]} {done.stderr[-300:]}")

    def pss_kib(self, field: str = "Pss") -> int:
        """The master's memory: PSS (or RSS, ``field="Rss"``) of salt-master and every process below it, KiB."""
        pid = self.processes["master"].pid
        return sum(pss_kib(p, field) for p in [pid, *descendants(pid)])


def pss_kib(pid: int, field: str = "Pss") -> int:
    """A process's proportional set size (or another smaps_rollup ``field``: Rss), KiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


__all__ = ["SaltSite", "descendants", "inventory_with_minions", "pss_kib", "stop_trees"]
