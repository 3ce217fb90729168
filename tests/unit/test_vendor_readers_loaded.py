"""Other vendors' readers are imported when their platform is first read, or when a switch asks for its
observers' platforms ahead of their first read; a failover among Linux routers imports none of them."""

from __future__ import annotations

import subprocess
import sys


def modules_after(code: str) -> list[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from ospf_failover.parsers.vendors import dispatch\n"
            f"{code}\n"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('ospf_failover.parsers.vendors.'))))\n",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split()


READERS = {"cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos", "yamaha", "vyos"}


def loaded_readers(modules: list[str]) -> set[str]:
    return {name.rsplit(".", 1)[1] for name in modules} & READERS


def test_no_reader_is_imported_with_the_dispatcher() -> None:
    assert loaded_readers(modules_after("pass")) == set()


def test_the_platforms_asked_for_are_imported_and_others_ignored() -> None:
    modules = modules_after("dispatch.load_readers(['cisco_xe', 'linux', 'vyos'])")
    assert loaded_readers(modules) == {"cisco_ios", "vyos"}


def test_a_first_read_imports_its_platforms_readers() -> None:
    code = "try:\n    dispatch.parse_vendor_routes('% Invalid input', 'juniper_junos')\nexcept Exception:\n    pass"
    assert loaded_readers(modules_after(code)) == {"juniper_junos"}
