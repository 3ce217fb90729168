"""``ospf-failover backup --history HOST``: a host's backed up versions, newest first, one line each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ospf_failover.archive import Repository, Version
from ospf_failover.errors import EXIT_OK, InputError


def version_line(version: Version) -> str:
    """``DATE  COMMIT  +A -R  FILES  SUBJECT``."""
    files = ", ".join(version.files) or "-"
    return f"{version.date}  {version.commit[:12]}  +{version.added} -{version.removed}  {files}  {version.subject}"


def show_history(directory: str, host: str, *, limit: int, as_json: bool) -> int:
    repository = Repository(Path(directory))
    versions = repository.history(host, limit=limit)
    if not versions:
        raise InputError(f"no backup of {host} in {repository.path}")
    if as_json:
        document = {
            "host": host,
            "directory": str(repository.path),
            "versions": [
                {
                    "commit": v.commit,
                    "date": v.date,
                    "subject": v.subject,
                    "added": v.added,
                    "removed": v.removed,
                    "files": list(v.files),
                }
                for v in versions
            ],
        }
        print(json.dumps(document, indent=2))
    else:
        for version in versions:
            print(version_line(version))
    sys.stdout.flush()
    return EXIT_OK
