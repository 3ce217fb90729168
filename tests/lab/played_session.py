"""Log into a lab observer with netmiko's real driver for a device type and send commands; print what came back
as JSON. Run inside a lab host (the observers are reachable only from there)::

    played_session.py LAB_DIR ADDRESS DEVICE_TYPE COMMAND [COMMAND...]

``--raw ROWS`` instead of a device type opens a plain interactive shell of ROWS lines (paramiko's, no session
preparation: paging stays as the device starts it) and answers every pager prompt with a space.
"""

from __future__ import annotations

import json
import re
import sys
import time
from typing import Any

import paramiko
from netmiko import ConnectHandler


def with_driver(lab_dir: str, address: str, device_type: str, commands: list[str]) -> dict[str, Any]:
    started = time.monotonic()
    connection = ConnectHandler(
        device_type=device_type,
        host=address,
        username="root",
        use_keys=True,
        key_file=f"{lab_dir}/ssh/id_ed25519",
        allow_agent=False,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=f"{lab_dir}/inventory/known_hosts",
        conn_timeout=5,
        session_log=f"{lab_dir}/{device_type}-{address}.log",
    )
    connected = time.monotonic() - started
    try:
        outputs = {command: connection.send_command(command) for command in commands}
        prompt = connection.find_prompt()
    finally:
        connection.disconnect()
    return {"prompt": prompt, "connect_seconds": connected, "outputs": outputs}


def raw_shell(lab_dir: str, address: str, rows: int, commands: list[str]) -> dict[str, Any]:
    client = paramiko.SSHClient()
    client.load_host_keys(f"{lab_dir}/inventory/known_hosts")
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(address, username="root", key_filename=f"{lab_dir}/ssh/id_ed25519", timeout=5, allow_agent=False)
    try:
        channel = client.invoke_shell(width=200, height=rows)
        channel.settimeout(10)
        text = _read_until(channel, re.compile(r"[#>] ?$"))
        pages = 0
        for command in commands:
            channel.send((command + "\n").encode())
            while True:
                text += _read_until(channel, re.compile(r"(?:[#>] ?|--More-- |---\(more[^)]*\)---)$"))
                if not re.search(r"(?:--More-- |---\(more[^)]*\)---)$", text):
                    break
                pages += 1
                channel.send(b" ")
    finally:
        client.close()
    return {"text": text, "pager_prompts": pages}


def _read_until(channel: paramiko.Channel, pattern: re.Pattern[str]) -> str:
    text = ""
    deadline = time.monotonic() + 10
    while not pattern.search(text):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {pattern.pattern!r} in {text[-200:]!r}")
        text += channel.recv(65536).decode()
    return text


def main() -> int:
    lab_dir, address, device_type, *commands = sys.argv[1:]
    if device_type == "--raw":
        report = raw_shell(lab_dir, address, int(commands[0]), commands[1:])
    else:
        report = with_driver(lab_dir, address, device_type, commands)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
