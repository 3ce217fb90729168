"""What a backup keeps of a configuration: secrets removed (every form the runbook promises), volatile lines
dropped, the rest untouched; on recorded outputs and on lines written for each secret's form."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospf_failover.archive import REMOVED, clean, drop_volatile, scrub_secrets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QUAGGA = FIXTURES / "quagga-0.99.22"
FRR_LAB = FIXTURES / "frr-8.4-lab"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (" ip ospf authentication-key s3cret", " ip ospf authentication-key "),
        (" ip ospf message-digest-key 1 md5 s3cret", " ip ospf message-digest-key 1 md5 "),
        (
            " area 0.0.0.1 virtual-link 10.1.1.1 authentication-key s3cret",
            " area 0.0.0.1 virtual-link 10.1.1.1 authentication-key ",
        ),
        (
            " area 1 virtual-link 10.1.1.1 message-digest-key 2 md5 s3cret",
            " area 1 virtual-link 10.1.1.1 message-digest-key 2 md5 ",
        ),
        ("  key-string s3cret", "  key-string "),
        (" ip rip authentication string s3cret", " ip rip authentication string "),
        ("password s3cret", "password "),
        ("password 8 s3cret", "password 8 "),
        ("enable password s3cret", "enable password "),
        (" neighbor 10.1.1.1 password s3cret", " neighbor 10.1.1.1 password "),
        (" area-password md5 s3cret", " area-password md5 "),
        ("snmp-server community s3cret RO", "snmp-server community "),
        ("rocommunity s3cret 10.0.0.0/8", "rocommunity "),
        ("com2sec readonly default s3cret", "com2sec readonly default "),
        ("psk=s3cret", "psk="),
        ("password=s3cret", "password="),
        ('PSK="s3cret"', "PSK="),
        ("wep-key0=s3cret", "wep-key0="),
        ("  leap-password = s3cret", "  leap-password = "),
        (
            " ipv6 ospf6 authentication key-id 1 hash-algo hmac-sha-256 key s3cret",
            " ipv6 ospf6 authentication key-id 1 hash-algo hmac-sha-256 key ",
        ),
        (" ip nhrp authentication s3cret", " ip nhrp authentication "),
        ("smux peer .1.3.6.1.4.1.3317.1.2.5 s3cret", "smux peer .1.3.6.1.4.1.3317.1.2.5 "),
        ("pin=s3cret", "pin="),
        ("#IEEE_8021X_PIN=s3cret", "#IEEE_8021X_PIN="),
        ("! ip ospf authentication-key s3cret", "! ip ospf authentication-key "),
        ("tacacs-server host 10.1.1.1 key 7 s3cret", "tacacs-server host 10.1.1.1 key 7 "),
        ("radius-server key s3cret", "radius-server key "),
        ("secret 5 s3cret", "secret "),  # a keyword followed by a value in a form not known here
        ("ppp chap password: s3cret", "ppp chap password: "),
        ("private-key=s3cret", "private-key="),
        ("preshared-key=s3cret", "preshared-key="),
        ("mka-cak=s3cret", "mka-cak="),
        ("MACSEC_CAK=s3cret", "MACSEC_CAK="),
        ("KEY1=s3cret", "KEY1="),
        ("    wpa-psk s3cret", "    wpa-psk "),
    ],
)
def test_every_promised_kind_of_secret_is_removed(line: str, kept: str) -> None:
    scrubbed, count = scrub_secrets(line)
    assert "s3cret" not in scrubbed, scrubbed
    assert scrubbed.startswith(kept + REMOVED), scrubbed
    assert count == 1
    assert scrub_secrets(scrubbed) == (scrubbed, 0), "scrubbing twice changes nothing more"


@pytest.mark.parametrize(
    "line",
    [
        "service password-encryption",
        " ip ospf authentication message-digest",
        " ip ospf authentication key-chain kc1",
        "psk-flags=1",
        "password-flags=0",
        "key chain kc1",
        " key 1",
        "no password",
        "ip route 10.9.0.0/16 192.168.75.1",
        "private-key=/etc/pki/client.key",
        "private-key=file:///etc/pki/client.pem",
        "private-key=test-key-and-cert.pem",
        "pin-flags=1",
        "mapping=eth1",
        "description my secret link",
    ],
)
def test_lines_that_only_mention_a_secret_are_kept(line: str) -> None:
    assert scrub_secrets(line) == (line, 0)


def test_a_recorded_quagga_display_loses_its_passwords_and_keeps_its_header() -> None:
    text = (QUAGGA / "manual_r1_show_running-config.txt").read_text()
    assert "easGhRG2CUfNw" in text and text.startswith("Current configuration:")
    kept = clean(text)
    assert "easGhRG2CUfNw" not in kept.text and "uE0E.09Znr01M" not in kept.text
    assert kept.secrets == 2 and kept.volatile == 0  # a bare header never changes: kept as the router shows it
    assert "password 8 <removed>\nenable password 8 <removed>\n" in kept.text
    assert "service password-encryption" in kept.text and kept.text.startswith("Current configuration:\n")


def test_a_recorded_quagga_file_loses_its_md5_keys() -> None:
    text = (QUAGGA / "twoareas_testserver1_cat__etc_quagga_ospfd_conf.txt").read_text()
    kept = clean(text)
    assert " md5 hello" not in kept.text and "password zebra" not in kept.text
    assert kept.secrets == text.count(" md5 hello") + text.count("password zebra")
    assert kept.text.count(f"ip ospf message-digest-key 1 md5 {REMOVED}") == text.count(" md5 hello")


def test_a_recorded_frr_display_keeps_every_configuration_line() -> None:
    text = (FRR_LAB / "vr1active_vr1_show_running-config.txt").read_text()
    kept = clean(text)
    assert kept.secrets == 0 and kept.volatile == 0  # Building configuration... / Current configuration: never change
    assert text.startswith("Building configuration...\n")
    assert kept.text == text.strip("\n") + "\n"


def test_keep_secrets_keeps_them_and_still_drops_volatile_lines() -> None:
    text = "Building configuration...\n\nCurrent configuration : 1234 bytes\n!\npassword zebra\nend\n"
    header = "Building configuration...\n\n"
    assert clean(text, keep_secrets=True).text == f"{header}!\npassword zebra\nend\n"
    assert clean(text).text == f"{header}!\npassword {REMOVED}\nend\n"


def test_volatile_lines_of_other_displays_and_files_go() -> None:
    text = "\n".join(
        [
            "! Last configuration change at 10:02:11 UTC Tue Dec 1 2026",
            "! NVRAM config last updated at 10:02:12 UTC Tue Dec 1 2026",
            "!Time: Tue Dec  1 10:02:13 2026",
            "! router uptime is 3 days",
            "timestamp=1615917585",
            "hostname vr1",
        ]
    )
    assert drop_volatile(text) == ("hostname vr1", 5)


def test_a_recorded_keyfile_loses_its_activation_timestamp_only() -> None:
    text = (FIXTURES / "nic-config" / "desktop_wired_connection_1_nmconnection.txt").read_text()
    kept = clean(text)
    assert "timestamp=" in text and "timestamp=" not in kept.text
    assert kept.text.splitlines() == [
        line for line in text.strip("\n").splitlines() if not line.startswith("timestamp=")
    ]


def test_line_endings_and_the_last_newline_are_made_the_same() -> None:
    assert clean("hostname vr1\r\n!\r\n\n\n").text == clean("hostname vr1\n!").text == "hostname vr1\n!\n"
