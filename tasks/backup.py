"""Stage a router's backup: fetch its configuration, clean it, and say what changed since the stored one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nornir.core.task import Result, Task
from nornir_utils.plugins.tasks.files import write_file

from ospf_failover.archive import RUNNING_CONFIG, clean, scrub_secrets, stored_files, stored_path
from ospf_failover.inventory import host_view
from ospf_failover.models import Fact, NotRead
from ospf_failover.parsers.ospf_config import OspfConfig, parse_ospf_config

from .config import fetch_config
from .router_state import read_fact, saved_text
from .shell import CommandOutput


def stage_backup(task: Task, *, nics: Sequence[str] = (), directory: str, keep_secrets: bool = False) -> Result:
    """Fetch the host's configuration (:func:`fetch_config`), drop its volatile lines and (unless
    ``keep_secrets``) its secrets, and compare each file with the one stored under ``directory/HOST``: the diff
    and ``changed`` are nornir-utils' ``write_file`` run as a dry run, so nothing is written here.

    Result: ``result`` is ``{"files": {path: text}, "ospf_config": OspfConfig or NotRead, "saved_config":
    OspfConfig or NotRead, "changed": [path], "secrets": N, "secrets_per_file": {path: N}}`` (``ospf_config``: the
    running configuration's OSPF part, parsed once, for the pure drift judge; ``saved_config``: the saved files'
    OSPF part, for the pure judge of a change not saved, both read without their secrets; ``secrets_per_file``:
    the secrets removed from each file, 0 included); ``diff`` the unified diffs, files removed included;
    ``changed`` True when a file differs, is new or is gone.
    """
    root = Path(directory) / task.host.name
    stored = stored_files(root)
    known = tuple(f"/{path}" for path in stored if path != RUNNING_CONFIG)
    fetched: dict[str, str] = fetch_config(task, nics=tuple(nics), known=known).result
    files: dict[str, str] = {}
    diffs: list[str] = []
    changed: list[str] = []
    per_file: dict[str, int] = {}
    for source, text in fetched.items():
        relative = stored_path(source)
        cleaned = clean(text, keep_secrets=keep_secrets)
        files[relative] = cleaned.text
        per_file[relative] = cleaned.secrets
        compared = task.run(
            task=write_file,
            name=f"compare {relative}",
            filename=str(root / relative),
            content=cleaned.text,
            dry_run=True,
            severity_level=10,
        )[0]
        if compared.changed:
            changed.append(relative)
            diffs.append(_with_headers(f"{task.host.name}/{relative}", compared.diff))
    removed = sorted(set(stored) - set(files))
    changed += removed
    diffs += [f"--- {task.host.name}/{relative} (stored)\n+++ /dev/null (gone from the router)" for relative in removed]
    # The drift and saved judges show configuration lines (even with --keep-secrets): they read them scrubbed.
    scrubbed, _ = scrub_secrets(fetched[RUNNING_CONFIG])
    running = CommandOutput(command="show running-config", output=scrubbed, exit_status=0)
    ospf_config = read_fact(Fact.OSPF_CONFIG, running, parse_ospf_config, host=task.host.name)
    result = {
        "files": files,
        "ospf_config": ospf_config,
        "saved_config": _saved_config(task, fetched),
        "changed": changed,
        "secrets": sum(per_file.values()),
        "secrets_per_file": dict(sorted(per_file.items())),
    }
    return Result(host=task.host, result=result, changed=bool(diffs), diff="\n".join(diffs))


def _saved_config(task: Task, fetched: dict[str, str]) -> OspfConfig | NotRead:
    """The OSPF part of the configuration the router starts with, from the files fetched."""
    text = saved_text(fetched, host_view(task.host).routing_suite or "frr")
    if text is None:
        return NotRead(Fact.SAVED_CONFIG, "no saved configuration file", absent=True)
    saved = CommandOutput(command="cat", output=scrub_secrets(text)[0], exit_status=0)
    return read_fact(Fact.SAVED_CONFIG, saved, parse_ospf_config, host=task.host.name, what=Fact.SAVED_CONFIG.label)


def _with_headers(name: str, diff: str) -> str:
    """write_file's unified diff under headers naming the host's file (its own name the local path)."""
    lines = [line for line in diff.splitlines() if line]  # difflib's headers end in a newline of their own
    start = next((i for i, line in enumerate(lines) if line.startswith("@@")), len(lines))
    return "\n".join([f"--- {name} (stored)", f"+++ {name} (router)", *lines[start:]])
