"""The clpstat stand-in prints what the project's clpstat parser reads, and misbehaves on request."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ospf_failover.errors import ParseError
from ospf_failover.parsers.clpstat import parse_clpstat
from ospf_failover_lab.cluster import ClusterStateFile, initial_state, standin_script


@pytest.fixture
def standin(tmp_path: Path) -> tuple[Path, ClusterStateFile]:
    state = ClusterStateFile(tmp_path)
    state.create(initial_state(servers=["node-a", "node-b"], groups=["customer1", "customer-with-a-long-name"]))
    script = tmp_path / "clpstat"
    script.write_text(standin_script(tmp_path))
    script.chmod(0o755)
    return script, state


def run(script: Path, *args: str, host: str = "node-b") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OFL_CLPSTAT_HOSTNAME": host}
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env, timeout=10, check=False)


def test_default_layout(standin: tuple[Path, ClusterStateFile]) -> None:
    script, _ = standin
    done = run(script, "--local")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == " ========================  CLUSTER STATUS  ==========================="
    assert lines[-1] == " " + "=" * 69
    assert "   *node-b ..........: Online           " in lines
    assert "    node-a ..........: Online           " in lines
    assert "      current        : node-a" in lines
    assert "    customer-with-a- : Online           " in lines, "names are cut to 16 characters"
    assert "      exec-gateway   : Online           " in lines
    assert all(line.index(":") == 21 for line in lines[3:-1] if not line.lstrip().startswith("<"))
    status = parse_clpstat(done.stdout)
    assert [s["name"] for s in status["servers"]] == ["node-a", "node-b"]
    assert [s["local"] for s in status["servers"]] == [False, True]
    assert status["groups"][0]["current"] == "node-a"


def test_long_layout_and_state_changes(standin: tuple[Path, ClusterStateFile]) -> None:
    script, state = standin
    state.set_group_server("customer1", "node-b")
    state.set_group_server("customer-with-a-long-name", None)
    done = run(script, "--long", host="node-a")
    lines = done.stdout.splitlines()
    assert "   *node-a ...........................: Online           " in lines
    assert "    customer-with-a-long-name ........: Offline          " in lines
    status = parse_clpstat(done.stdout)
    assert status["layout"] == "long"
    assert [g["current"] for g in status["groups"]] == ["node-b", None]


def test_busy_n_times_then_normal(standin: tuple[Path, ClusterStateFile]) -> None:
    script, state = standin
    state.set_clpstat(busy=2)
    assert [run(script).returncode for _ in range(3)] == [9, 9, 0]
    assert state.read()["clpstat"] == {"mode": "normal", "busy_remaining": 0}


def test_garbage_is_refused_by_the_parser(standin: tuple[Path, ClusterStateFile]) -> None:
    script, state = standin
    state.set_clpstat(garbage=True)
    done = run(script, "--local")
    assert done.returncode == 0
    with pytest.raises(ParseError):
        parse_clpstat(done.stdout)
    state.set_clpstat()
    parse_clpstat(run(script).stdout)


def test_unknown_option_fails(standin: tuple[Path, ClusterStateFile]) -> None:
    script, _ = standin
    assert run(script, "--bogus").returncode == 1
