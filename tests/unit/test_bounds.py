"""Nothing may hang start.sh: the per-group lock waits a bounded time, and the watchdog ends a run that overruns."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ospf_failover.engine.lock import fog_lock, lock_path
from ospf_failover.errors import LockTimeout


def test_a_second_run_for_the_group_waits_then_gives_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSPF_FAILOVER_LOCK_DIR", str(tmp_path / "locks"))
    with fog_lock("customer1", timeout=1) as waited:
        assert waited < 0.5
        start = time.monotonic()
        with pytest.raises(LockTimeout, match="customer1"), fog_lock("customer1", timeout=0.4):
            pass
        assert 0.3 < time.monotonic() - start < 2
        with fog_lock("customer2", timeout=0.4):  # another group is not held up
            pass
    with fog_lock("customer1", timeout=0.4):  # released when the holder is done
        pass
    assert lock_path("customer1").parent == tmp_path / "locks"


def test_lock_names_are_safe_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSPF_FAILOVER_LOCK_DIR", str(tmp_path))
    assert lock_path("../etc/passwd").parent == tmp_path


@pytest.mark.parametrize("exit_code", [1, 3, 0])
def test_watchdog_ends_the_process_with_the_phase_exit_code(exit_code: int) -> None:
    program = (
        "import time\n"
        "from ospf_failover.engine.watchdog import Watchdog\n"
        f"Watchdog('switch customer1', 0.3, exit_code={exit_code}).start()\n"
        "time.sleep(30)\n"
    )
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=20, check=False)
    assert time.monotonic() - start < 10
    assert done.returncode == exit_code
    assert f"[E] switch customer1: still running after 0 s: giving up (exit {exit_code})" in done.stderr
