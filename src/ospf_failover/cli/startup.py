"""A failover command's start-up without Python's cyclic garbage collector.

Importing the libraries and loading the group's part of the inventory allocates a great many objects and
almost no garbage, and the collector runs over them again and again while they are created, a
noticeable part of a switch's start-up. ``collector_paused`` switches the collector off for that part only (the
collector's state is the process's: used only where the command's own run is the process's one run), and
on again on leaving, whatever happened: the run itself, however long, is collected as usual.

When the command runs as the ``ospf-failover`` script (:func:`for_the_script`), what the start-up made is also
frozen on leaving (``gc.freeze``): modules, classes and the inventory live until the process ends, so the run's
collections need not go over them again. Called as a function (tests, a
program of the user's) nothing is frozen: what is frozen is never collected.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_SCRIPT: dict[str, bool] = {"freeze": False}


def for_the_script() -> None:
    """The process is the command: freeze what its start-up made."""
    _SCRIPT["freeze"] = True


@contextmanager
def collector_paused(*, freeze: bool = True) -> Iterator[None]:
    """No cyclic garbage collection inside; as it was on leaving (a collector already off stays off).
    ``freeze=False``: nothing frozen even in the script (a leader's followers are served meanwhile: what their
    runs make is not the start-up's)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze and _SCRIPT["freeze"]:
            gc.freeze()
        if was_enabled:
            gc.enable()
