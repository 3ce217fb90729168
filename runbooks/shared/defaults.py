"""Default bounds of the runbooks, kept apart so the command line can show them without loading Nornir."""

from __future__ import annotations

SWITCH_TIMEOUT = 120.0  # seconds; well under ECX's 1800 s exec resource timeout, room for OSPF's 40 s dead interval
RELEASE_TIMEOUT = 60.0
VERIFY_TIMEOUT = 20.0
CHECK_WORKERS = 20  # hosts read at once by `check` (connects in flight stay bounded by the inventory)
BACKUP_HISTORY_LIMIT = 20  # versions `backup --history` lists
