"""Progress on long work: a bar on stderr while hosts are read, when stderr is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def host_progress(total: int, *, doing: str = "reading") -> Iterator[Callable[[str], None]]:
    """Yields ``advance(host)``, to call as each host is done. The bar goes once they all are; off a terminal
    (cron, Salt, a pipe) or for one host there is none."""
    if not sys.stderr.isatty() or total < 2:
        yield lambda host: None
        return
    from rich.console import Console  # loaded only when drawn
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(f"{doing} {total} hosts", total=total)
        yield lambda host: bar.advance(task)
