"""Lab observers that play another vendor's CLI over SSH, so that netmiko's real drivers run end to end.

A played observer is still an FRR router (the lab's gw1 or gw2); its sshd hands every login to
:mod:`.terminal` (``ForceCommand``), which behaves as the vendor's CLI does towards netmiko: login banner and
prompt, echo of what is typed, paging until the session turns it off, the session commands netmiko's driver
sends, error answers to anything else. The ``show`` commands are answered from the observer's real FRR state
(vtysh's JSON, read at each command), rendered in the vendor's format (:mod:`.ios`, :mod:`.junos`).
"""

from __future__ import annotations

PLAYED_PLATFORMS = ("cisco_ios", "cisco_xe", "juniper_junos")


def parse_observer_platforms(text: str) -> dict[str, str]:
    """``gw1=cisco_ios,gw2=juniper_junos`` as a mapping (ValueError naming what is wrong)."""
    platforms: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        observer, equals, platform = item.partition("=")
        if not equals or not observer.strip() or not platform.strip():
            raise ValueError(f"{item!r} is not OBSERVER=PLATFORM (e.g. gw1=cisco_ios)")
        platforms[observer.strip()] = platform.strip()
    return platforms


def checked_observer_platforms(platforms: dict[str, str], observers: tuple[str, ...]) -> dict[str, str]:
    """``platforms`` when every key is one of ``observers`` and every value a platform the lab can play;
    ValueError naming the first that is not."""
    for observer, platform in platforms.items():
        if observer not in observers:
            raise ValueError(f"{observer!r} is not one of the lab's observers ({', '.join(observers)})")
        if platform not in PLAYED_PLATFORMS:
            raise ValueError(
                f"{observer}: the lab cannot play {platform!r}; it plays {', '.join(PLAYED_PLATFORMS)} "
                "(FRR observers need no option)"
            )
    return dict(platforms)


TYPED_LOG = "played.log"  # in the host's directory: every line the played CLI was sent


def force_command(*, python: str, platform: str, hostname: str, log: str | None = None) -> str:
    """The sshd ``ForceCommand`` that makes every login to ``hostname`` talk to its played ``platform`` CLI
    (``log``: where it appends every line it is sent)."""
    import shlex

    argv = [python, "-m", "ospf_failover_lab.played", "--platform", platform, "--hostname", hostname]
    return shlex.join([*argv, *(["--log", log] if log else [])])
