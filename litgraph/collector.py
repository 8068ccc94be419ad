"""The cyclic garbage collector, paused while a stage makes a great many objects and no cycles.

Graph building and writing make millions of dicts, lists and short-lived containers, all either
kept or freed by reference counting. The collector, which runs every few hundred new objects and
now and then rescans every object alive (the corpus and the graphs), would find nothing to free
and took a third of graph building and longer than the writing itself.

`collector_paused` is the one owner of that policy: `litgraph.build` and the writers pause it for
their stages, the command (`litgraph.cli.main`) for all of its run; a pause inside another leaves
the collector to the outer one, and each puts it back as it found it, however the block ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector for the block; it resumes (if it was on) with the objects the block
    made among the oldest, where only a full collection looks at them (and frees any cycle among
    them), instead of its next young collection looking over every one of them at once (0.3 s
    after building the graphs of 10,000 papers). That move is a freeze and an unfreeze, which
    splice lists; it is left out where objects are frozen already, as a forking server does."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()  # what was frozen joins the oldest generation
            gc.enable()
