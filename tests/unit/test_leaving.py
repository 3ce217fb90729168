"""The command ends without Python's finalization, losing nothing: everything printed reaches a pipe (a large
document too), the exit code is kept, and a non-daemon thread still working is waited for as usual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_INVENTORY = Path(__file__).resolve().parents[2] / "inventory"


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a child whose standard streams are block-buffered (as when a pipe or file takes them)."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60, check=False, env=environment
    )


def test_what_is_still_buffered_reaches_the_pipe_and_the_code_is_kept() -> None:
    done = python(
        "import json, sys\n"
        "from ospf_failover.cli.leaving import leave\n"
        "print(json.dumps({'rows': ['x' * 100] * 5000}))\n"
        "print('the last words', end='')\n"
        "print('on stderr', end='', file=sys.stderr)\n"
        "leave(3)\n"
    )
    assert done.returncode == 3
    document, last = done.stdout.rsplit("\n", 1)
    assert len(json.loads(document)["rows"]) == 5000
    assert last == "the last words", "a buffered line was lost"
    assert done.stderr == "on stderr"


def test_a_working_thread_is_waited_for(tmp_path: Path) -> None:
    mark = tmp_path / "written"
    done = python(
        "import pathlib, sys, threading, time\n"
        "from ospf_failover.cli.leaving import leave\n"
        "def work():\n"
        "    time.sleep(0.3)\n"
        "    pathlib.Path(sys.argv[1]).write_text('done')\n"
        "threading.Thread(target=work).start()\n"
        "leave(0)\n",
        str(mark),
    )
    assert done.returncode == 0
    assert mark.read_text() == "done", "the exit did not wait for the thread"


def test_the_command_prints_its_document_and_exit_code_through_the_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ospf_failover", "--inventory", str(REPO_INVENTORY), "verify", "nope", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert document["exit_code"] == 2 and document["fog"] == "nope"
