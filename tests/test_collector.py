"""The cyclic collector is paused while litgraph makes millions of objects, and resumes without
looking them over one by one."""

from __future__ import annotations

import gc
import weakref

from litgraph.collector import collector_paused


class Node:
    pass


def test_objects_made_in_a_pause_join_the_oldest_generation_and_their_cycles_are_still_freed():
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        kept = [{"paper": number} for number in range(100_000)]
        cycle = Node()
        cycle.itself = cycle
        gone = weakref.ref(cycle)
        del cycle
    assert gc.isenabled()
    assert gc.get_count()[0] < 1_000  # the young generation holds none of them
    assert any(obj is kept for obj in gc.get_objects(generation=2))
    gc.collect()
    assert gone() is None


def test_a_pause_inside_another_leaves_the_collector_to_the_outer_one():
    gc.enable()
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_frozen_by_the_program_stay_frozen():
    gc.enable()
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        with collector_paused():
            pass
        assert gc.get_freeze_count() >= max(frozen, 1)
    finally:
        gc.unfreeze()
