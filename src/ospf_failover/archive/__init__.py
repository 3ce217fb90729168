"""Configuration backups: what is kept of a configuration (:mod:`.clean`) and where (:mod:`.repository`)."""

from __future__ import annotations

from .clean import REMOVED, Cleaned, clean, drop_volatile, scrub_secrets
from .repository import (
    DEFAULT_AUTHOR,
    RUNNING_CONFIG,
    Repository,
    Version,
    parse_author,
    parse_log,
    stored_files,
    stored_path,
)

__all__ = [
    "DEFAULT_AUTHOR",
    "REMOVED",
    "RUNNING_CONFIG",
    "Cleaned",
    "Repository",
    "Version",
    "clean",
    "drop_volatile",
    "parse_author",
    "parse_log",
    "scrub_secrets",
    "stored_files",
    "stored_path",
]
