"""A failover command's start-up without Python's cyclic garbage collector.

Importing the libraries and loading the group's part of the inventory allocates a great many objects and
almost no garbage, and the collector runs over them again and again while they are created: about 7 % of the
start-up of a switch, measured. ``collector_paused`` switches the collector off for that part only (the
collector's state is the process's: used only where the command's own run is the process's one run), and
on again on leaving, whatever happened: the run itself, however long, is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside; as it was on leaving (a collector already off stays off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
