"""The Salt extension's wiring, without a master: the entry point Salt's loader reads, the pure parts staying
free of Salt, and the minion side's child process with its one-line errors."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

from ospf_failover.salt.loader import loader_dirs
from ospf_failover.salt.minion import check_argv, run_command


def test_salts_loader_finds_the_execution_module_and_the_runner_through_the_entry_point() -> None:
    points = [p for p in importlib.metadata.entry_points(group="salt.loader") if p.value.startswith("ospf_failover")]
    assert [p.value for p in points] == ["ospf_failover.salt.loader:loader_dirs"]
    dirs = points[0].load()()
    assert dirs == loader_dirs() and set(dirs) == {"modules", "runners"}
    for kind in ("modules", "runners"):
        assert (Path(dirs[kind][0]) / "ospf_failover.py").is_file(), dirs


def test_slicing_merging_and_the_minion_side_do_not_import_salt() -> None:
    probe = (
        "import sys, ospf_failover.salt.slices, ospf_failover.salt.merge, ospf_failover.salt.minion\n"
        "print(sorted(m for m in sys.modules if m == 'salt' or m.startswith('salt.')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_a_bad_slice_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_command(check_argv([], strict=False), inventory=str(tmp_path / "none"), timeout=60)
    assert result["retcode"] == 2 and "\n" not in result["error"], result
    assert "none: (directory): not found" in result["error"], result
    unset = run_command(["check", "--json"], inventory=None, timeout=60)
    assert unset == {"error": "set ospf_failover:inventory (the slice's directory) in the minion config or pillar",
                     "retcode": 2}  # fmt: skip


def test_python_dash_m_runs_the_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "ospf_failover", "--version"], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stdout.startswith("ospf-failover "), done.stdout + done.stderr


def test_the_execution_module_answers_bad_settings_as_one_line_errors(tmp_path: Path) -> None:
    from ospf_failover.salt.modules import ospf_failover as module

    module.__opts__ = {"id": "minion-a"}
    module.__context__ = {}
    module.__salt__ = {"config.get": lambda key, default=None: {"inventory": str(tmp_path), "timeout": "soon"}}
    answer = module.check()
    assert answer == {"error": "timeout='soon' is not a number of seconds", "retcode": 2}
    assert module.__context__["retcode"] == 2

    def refused(url: str, staging: str) -> None:
        raise PermissionError(13, "Permission denied", staging)

    module.__salt__ = {"config.get": lambda key, default=None: {"inventory": "/proc/no/such"}, "cp.get_dir": refused}
    fetched = module.fetch_slice()
    assert fetched["retcode"] == 1 and fetched["error"].startswith(("PermissionError", "FileNotFoundError")), fetched
