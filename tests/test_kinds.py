"""The registry of graph kinds, node types and edge kinds: reference kinds every reader can tell
apart, and words a reader understands."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from litgraph.kinds import (EDGE_KINDS, GRAPH_KINDS, GRAPH_NAMES, NODE_TYPES, REFERENCE_KINDS, edge_width, page_registry,
                            plain_date, plain_phase, plain_status)

# Machado, Oliveira & Fernandes (2009), severity 1: simulated dichromacy on linear RGB.
DICHROMACY = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
APART = 40  # CIELAB units (ΔE*ab); about 2.3 is a just-noticeable difference


def linear(colour: str) -> np.ndarray:
    channels = np.array([int(colour[at:at + 2], 16) for at in (1, 3, 5)]) / 255
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb_linear, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, matrix=None) -> np.ndarray:
    rgb = linear(colour)
    return lab(rgb if matrix is None else np.array(matrix) @ rgb)


def test_reference_kinds_stay_apart_for_colour_blind_readers():
    colours = {kind: EDGE_KINDS[kind].colour for kind in REFERENCE_KINDS}
    for vision, matrix in {"normal": None, **DICHROMACY}.items():
        for a, b in combinations(REFERENCE_KINDS, 2):
            distance = np.linalg.norm(seen(colours[a], matrix) - seen(colours[b], matrix))
            assert distance >= APART, (vision, a, b, round(distance, 1))


def test_the_palette_it_replaced_would_have_failed():
    # background #0d9488, result #16a34a, derived #db2777: two greens, and three close under dichromacy
    old = ("#0d9488", "#16a34a", "#db2777")
    closest = min(np.linalg.norm(seen(a, matrix) - seen(b, matrix))
                  for matrix in DICHROMACY.values() for a, b in combinations(old, 2))
    assert closest < APART / 2


def test_reference_kinds_differ_in_line_style_too():
    styles = [(EDGE_KINDS[kind].width, EDGE_KINDS[kind].dashes) for kind in REFERENCE_KINDS]
    assert len(set(styles)) == 3
    background, result, derived = (EDGE_KINDS[kind] for kind in REFERENCE_KINDS)
    assert not background.dashes and not result.dashes and derived.dashes  # solid, solid, dashed
    assert result.width >= 1.5 * background.width  # thick


def test_every_graph_and_kind_has_its_words():
    assert GRAPH_NAMES == tuple(GRAPH_KINDS)  # graphs.py builds these (tests/test_graphs.py)
    assert all(kind.description and kind.sizes.startswith("Node size") for kind in GRAPH_KINDS.values())
    assert all(style.outgoing and style.incoming and style.label for style in EDGE_KINDS.values())
    assert {"trial", "paper", "author", "mesh"} <= set(NODE_TYPES)
    registry = page_registry()
    assert list(registry["edges"]["derived"]["dashes"]) == list(EDGE_KINDS["derived"].dashes)
    assert registry["referenceKinds"] == list(REFERENCE_KINDS)


def test_weighted_links_widen_in_half_pixels():
    assert edge_width("cocited", 1) == EDGE_KINDS["cocited"].width
    assert edge_width("cocited", 2) < edge_width("cocited", 3) <= 8
    assert edge_width("cites", 50) == EDGE_KINDS["cites"].width  # not a weighted kind


def test_registry_values_in_plain_words():
    assert plain_status("COMPLETED") == "Completed"
    assert plain_status("ACTIVE_NOT_RECRUITING") == "Active, not recruiting"
    assert plain_status("Recruiting") == "Recruiting"  # a record's own words stay
    assert plain_phase("PHASE3") == "Phase 3" and plain_phase("PHASE1, PHASE2") == "Phase 1/2"
    assert plain_phase("NA") == "Not applicable" and plain_phase("Phase 2") == "Phase 2"
    assert plain_date("2011-06") == "June 2011" and plain_date("2011-06-15") == "15 June 2011"
    assert plain_date("June 2011") == "June 2011" and plain_date("2011-13") == "2011-13"
