"""``ospf-failover backup``: back up, or with --history list a host's versions."""

from __future__ import annotations

import argparse
from typing import Any

from ospf_failover.runbooks.shared.defaults import BACKUP_HISTORY_LIMIT, CHECK_WORKERS

from .arguments import history_limit, workers

AUTHOR = "ospf-failover <ospf-failover@localhost>"  # archive.DEFAULT_AUTHOR, without loading it for --help
BACKUP_EXIT_CODES = (
    "Exit codes: 0 every host backed up (a pair's OSPF drift is a warning), 1 a host could not be backed up "
    "(the others are committed, its previous files kept), a group has an inventory problem of its own (not "
    "backed up, the others are) or the repository could not be written, 2 bad input or an inventory problem "
    "that is no group's (--history: no backup of HOST)."
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="back up routers' configurations (scrubbed) into a git repository; show changes and pair drift",
        description="Fetch each router's running configuration (vtysh), its routing suite's files and its "
        "NICs' configuration files (observers too, where the inventory sets backup: true), remove volatile lines "
        "and secrets, and store them under DIR/HOST/ in a git repository: one commit per run that changed "
        "something, naming the hosts that changed. Then compare each failover group's routers' OSPF "
        "configurations. With --history HOST: that host's versions, one line each.",
        epilog=BACKUP_EXIT_CODES,
    )
    backup.add_argument("fogs", metavar="FOG", nargs="*", help="failover groups whose hosts to back up")
    backup.add_argument("--all", dest="every", action="store_true", help="every failover group (also the default)")
    backup.add_argument("--dir", dest="directory", default="backups", help="the backup repository (default backups/)")
    backup.add_argument("--diff", action="store_true", help="show what changed since the previous backup, per host")
    backup.add_argument(
        "--keep-secrets",
        action="store_true",
        help="store passwords, keys and communities as they are (warned about; they stay in git's history)",
    )
    backup.add_argument("--json", action="store_true", help="one JSON document on stdout")
    backup.add_argument(
        "--workers", type=workers, default=CHECK_WORKERS, help=f"hosts read at once (default {CHECK_WORKERS})"
    )
    backup.add_argument("--author", default=AUTHOR, help=f"the commits' author, 'Name <email>' (default {AUTHOR!r})")
    backup.add_argument("--history", metavar="HOST", help="list HOST's backed up versions instead of backing up")
    backup.add_argument(
        "--limit",
        type=history_limit,
        default=BACKUP_HISTORY_LIMIT,
        help=f"with --history: versions shown (default {BACKUP_HISTORY_LIMIT})",
    )
    backup.set_defaults(handler=handle_backup)


def handle_backup(args: argparse.Namespace) -> int:
    from ospf_failover.errors import InputError

    from .loading import load_for, options_from

    if args.history is not None:
        given = [name for name, on in (("FOG", args.fogs), ("--all", args.every), ("--diff", args.diff)) if on]
        if given or args.keep_secrets:
            raise InputError(f"--history lists versions: it takes no {', '.join(given) or '--keep-secrets'}")
        from ospf_failover.runbooks.backup.history import show_history

        return show_history(args.directory, args.history, limit=args.limit, as_json=args.json)
    from ospf_failover.runbooks.backup.run import BackupOptions, run_backup

    return run_backup(
        load_for(args, "backup", broken_groups=True), options_from(args, BackupOptions, fogs=tuple(args.fogs))
    )
