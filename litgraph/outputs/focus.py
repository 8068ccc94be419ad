"""The picture a page opens on: the trial, its references by kind, and what matters most to them.

A graph of a few thousand nodes drawn whole is a hairball in which nothing can be read or
clicked. Every page therefore opens on a *focus*: the anchors (trials, the references they list
and the other seed papers) and the nodes ranked most important to them, at most FOCUS_SIZE,
laid out on their own to fill the canvas. The page grows it from there (a node's neighbours,
the next nodes by rank, a searched node with its path to the trial) or shows everything.

Ranking (`rank`): anchors first; then papers by links to the anchors, by the papers they share
with the anchors (co-citation and coupling: neighbours linked to an anchor), and by times cited;
authors after the papers, by how many of the focused papers they wrote. A graph with no anchor
(an author graph, a synthetic citation graph) ranks by prominence alone.

Layout (`focus_layout`): each trial at a fixed place, its references on a ring around it
grouped by kind (background, result, derived), the seed papers of a build without trials on a
ring (as many as a ring can label); every other node placed by forces outside the ring, beside
what it links to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..kinds import REFERENCE_KINDS, node_radius, node_type

FOCUS_SIZE = 300  # nodes in the first picture of a larger graph
AUTHOR_SHARE = 0.2  # of FOCUS_SIZE, for authors among papers (combined and trial graphs)
SPACING = 72.0  # page units between neighbours: two node diameters and room for a label
RING_ROOM = 1.3  # free nodes keep outside this multiple of the reference ring's radius
RING_MOST = 60  # seeds of a build without trials on a ring, at most
ITERATIONS = 200
RADIAL = 12.0  # strength of the pull towards the radius of a node's rank
SEED = 11


@dataclass
class Focus:
    """Node positions in `order` (most important first) and how many of them open the page."""

    order: np.ndarray  # every node index, once
    shown: int
    positions: np.ndarray  # (shown, 2) page units, for order[:shown]


def measures(attributes: list[dict], targets: np.ndarray, kinds: list[str]) -> np.ndarray:
    """What a node's size says: papers by times cited in the graph (in a graph without citations,
    co-citation or coupling, by citations in the build relative to the graph's most cited);
    authors and MeSH headings by papers."""
    count = len(attributes)
    cited = np.zeros(count)
    is_cite = np.array([kind == "cites" for kind in kinds], dtype=bool)
    if is_cite.any():
        cited = np.bincount(targets[is_cite], minlength=count).astype(float)
    else:
        cited_by = np.array([_number(data.get("cited_by"), 0) for data in attributes])
        cited = 100 * (cited_by / max(cited_by.max(initial=0), 1)) ** 2
    papers = np.array([_number(data.get("papers"), 1) for data in attributes])
    counted_by_papers = np.array([node_type(data) in ("author", "mesh") for data in attributes], dtype=bool)
    return np.where(counted_by_papers, papers, cited)


def radii(attributes: list[dict], measure: np.ndarray) -> np.ndarray:
    return np.array([node_radius(data, value) for data, value in zip(attributes, measure.tolist())])


def _number(value, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else default


def plan(attributes: list[dict], sources: np.ndarray, targets: np.ndarray, kinds: list[str],
         weights: np.ndarray, measure: np.ndarray, node_radii: np.ndarray, limit: int = FOCUS_SIZE) -> Focus:
    """The focus of a graph: its ranking, the first picture's nodes and their positions."""
    order, shown = rank(attributes, sources, targets, kinds, weights, measure, limit)
    chosen = order[:shown]
    positions = focus_layout(attributes, chosen, sources, targets, kinds, node_radii)
    return Focus(order=order, shown=shown, positions=positions)


def rank(attributes: list[dict], sources: np.ndarray, targets: np.ndarray, kinds: list[str],
         weights: np.ndarray, measure: np.ndarray, limit: int = FOCUS_SIZE) -> tuple[np.ndarray, int]:
    """Every node index, most important first, and how many open the page."""
    count = len(attributes)
    types = np.array([node_type(data) for data in attributes], dtype=object)
    anchors = _anchors(attributes, types, targets, kinds)
    people = types == "author"
    authored = np.array([kind == "authored" for kind in kinds], dtype=bool)
    among_papers = ~people[sources] & ~people[targets]
    score = _closeness(count, anchors, sources[among_papers], targets[among_papers], weights[among_papers])
    ranked_anchors = _anchors_ranked(types, anchors, targets, kinds, score, measure)
    if people.all() or not people.any():
        order = np.concatenate([ranked_anchors, _by(score, measure, ~anchors)])
        return order, min(count, limit)
    # papers (and trials) first; then the authors who wrote two or more of the papers in focus
    ranked_papers = np.concatenate([ranked_anchors, _by(score, measure, ~anchors & ~people)])
    focus_papers = ranked_papers[:limit - int(limit * AUTHOR_SHARE)]
    in_focus = np.zeros(count, dtype=bool)
    in_focus[focus_papers] = True
    written = np.bincount(sources[authored][in_focus[targets[authored]]], minlength=count).astype(float)
    investigators = np.array([kind == "investigator" for kind in kinds], dtype=bool)
    written[targets[investigators]] += 10  # a trial's matched investigator belongs with it
    authors = _by(written, measure, people)
    key_authors = authors[written[authors] >= 2][:limit - len(focus_papers)]
    first_picture = np.concatenate([focus_papers, key_authors])
    taken = np.zeros(count, dtype=bool)
    taken[first_picture] = True
    ranked = np.concatenate([ranked_papers, authors])
    shown = count if count <= limit else len(first_picture)  # a small graph is shown whole
    return np.concatenate([first_picture, ranked[~taken[ranked]]]), shown


def _anchors(attributes: list[dict], types: np.ndarray, targets: np.ndarray, kinds: list[str]) -> np.ndarray:
    """Trials, the papers they list, and seed papers."""
    anchors = (types == "trial") | np.array([data.get("seed") is True for data in attributes], dtype=bool)
    references = np.array([kind in REFERENCE_KINDS for kind in kinds], dtype=bool)
    anchors[targets[references]] = True
    return anchors


def _anchors_ranked(types: np.ndarray, anchors: np.ndarray, targets: np.ndarray, kinds: list[str],
                    score: np.ndarray, measure: np.ndarray) -> np.ndarray:
    """Trials, then the papers they list, then the other seeds, each by score and measure: when
    there are more anchors than the first picture holds (thousands of seed PMIDs), the trials and
    their references still open the page."""
    trials = types == "trial"
    listed = np.zeros(len(types), dtype=bool)
    listed[targets[np.array([kind in REFERENCE_KINDS for kind in kinds], dtype=bool)]] = True
    listed &= ~trials
    return np.concatenate([np.flatnonzero(trials), _by(score, measure, listed),
                           _by(score, measure, anchors & ~trials & ~listed)])


def _closeness(count: int, anchors: np.ndarray, sources: np.ndarray, targets: np.ndarray,
               weights: np.ndarray) -> np.ndarray:
    """Links to the anchors (x4), neighbours linked to an anchor (co-citation and coupling with
    them), counted over links either way."""
    ends = np.concatenate([sources, targets])
    others = np.concatenate([targets, sources])
    doubled = np.concatenate([weights, weights])
    direct = np.bincount(ends, weights=doubled * anchors[others], minlength=count)
    touches = np.bincount(ends, weights=anchors[others].astype(float), minlength=count) > 0
    shared = np.bincount(ends, weights=touches[others].astype(float), minlength=count)
    return 4 * direct + shared


def _by(score: np.ndarray, measure: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Indices where `among`, by score, then measure, both descending, then index."""
    candidates = np.flatnonzero(among)
    order = np.lexsort((candidates, -measure[candidates], -score[candidates]))
    return candidates[order]


# --- layout ----------------------------------------------------------------------------------


def focus_layout(attributes: list[dict], chosen: np.ndarray, sources: np.ndarray, targets: np.ndarray,
                 kinds: list[str], node_radii: np.ndarray) -> np.ndarray:
    """Page positions (len(chosen), 2) for the chosen nodes, laid out among themselves."""
    count = len(chosen)
    if count == 0:
        return np.zeros((0, 2))
    local = np.full(len(attributes), -1, dtype=np.int64)
    local[chosen] = np.arange(count)
    inside = (local[sources] >= 0) & (local[targets] >= 0)
    edge_kinds = [kind for kind, keep in zip(kinds, inside.tolist()) if keep]
    first, second = local[sources[inside]], local[targets[inside]]
    picked = [attributes[index] for index in chosen.tolist()]
    sizes = node_radii[chosen]
    fixed, places, rings = _fixed_places(picked, first, second, edge_kinds)
    positions = _settle(count, first, second, sizes, fixed, places, rings, _sector_groups(picked, fixed))
    return positions


def _sector_groups(attributes: list[dict], fixed: np.ndarray) -> list:
    """The community of each free node of the picture's main type (papers, or authors in an author
    graph), so that each community starts in a wedge of its own; None for the others."""
    types = [node_type(data) for data in attributes]
    free_types = [kind for kind, still in zip(types, fixed.tolist()) if not still]
    main = max(set(free_types), key=free_types.count) if free_types else None
    return [data.get("community") if kind == main and not still and isinstance(data.get("community"), int) else None
            for data, kind, still in zip(attributes, types, fixed.tolist())]


def _fixed_places(attributes: list[dict], first: np.ndarray, second: np.ndarray,
                  kinds: list[str]) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, float]]]:
    """Which nodes sit still and where: trials, and their references on a ring by kind (or the
    seeds on a ring); and each ring's centre and radius, which other nodes keep out of."""
    count = len(attributes)
    fixed = np.zeros(count, dtype=bool)
    places = np.zeros((count, 2))
    trials = [index for index, data in enumerate(attributes) if node_type(data) == "trial"]
    listed: dict[int, list[tuple[int, int]]] = {trial: [] for trial in trials}  # trial -> (kind rank, node)
    placed: set[int] = set(trials)
    for u, v, kind in zip(first.tolist(), second.tolist(), kinds):
        if kind in REFERENCE_KINDS and u in listed and v not in placed:
            listed[u].append((REFERENCE_KINDS.index(kind), v))
            placed.add(v)
    if not trials:
        seeds = [index for index, data in enumerate(attributes) if data.get("seed") is True]
        if len(seeds) > RING_MOST:  # more than a ring can label: the seeds find their places by forces
            return fixed, places, []
        if len(seeds) <= 1:
            fixed[seeds] = True
            return fixed, places, [(np.zeros(2), SPACING)] if seeds else []
        return fixed, places, [_ring(fixed, places, np.zeros(2), [(0, seed) for seed in seeds], attributes)]
    centres = _trial_centres(len(trials), max((len(items) for items in listed.values()), default=0))
    rings = []
    for trial, centre in zip(trials, centres):
        fixed[trial] = True
        places[trial] = centre
        if listed[trial]:
            rings.append(_ring(fixed, places, centre, listed[trial], attributes))
        else:
            rings.append((centre, SPACING))
    return fixed, places, rings


def _trial_centres(trials: int, most_references: int) -> np.ndarray:
    if trials == 1:
        return np.zeros((1, 2))
    apart = 2.6 * _ring_radius(most_references) + SPACING
    radius = apart / (2 * math.sin(math.pi / trials))
    angles = 2 * math.pi * np.arange(trials) / trials + math.pi
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


def _ring_radius(members: int) -> float:
    # room inside for the trial's label, and between members for theirs
    return max(4.2 * SPACING, (members + 3) * SPACING * 0.85 / (2 * math.pi))


def _ring(fixed: np.ndarray, places: np.ndarray, centre: np.ndarray, members: list[tuple[int, int]],
          attributes: list[dict]) -> tuple[np.ndarray, float]:
    """Members on a circle around `centre`, grouped by kind rank with a gap between groups, each
    group ordered by year then title, starting at the top."""
    members = sorted(members, key=lambda item: (item[0], _year(attributes[item[1]]),
                                                str(attributes[item[1]].get("label") or "")))
    groups = len({rank for rank, _ in members})
    slots = len(members) + (groups if groups > 1 else 0)
    radius = _ring_radius(len(members))
    slot, previous = 0, None
    for rank, node in members:
        if previous is not None and rank != previous and groups > 1:
            slot += 1  # a gap between kinds
        angle = -math.pi / 2 + 2 * math.pi * slot / max(slots, 1)
        places[node] = centre + radius * np.array([math.cos(angle), math.sin(angle)])
        fixed[node] = True
        slot, previous = slot + 1, rank
    return centre, radius


def _year(data: dict) -> int:
    year = data.get("year")
    return year if isinstance(year, int) and not isinstance(year, bool) else 9999


def _settle(count: int, first: np.ndarray, second: np.ndarray, sizes: np.ndarray, fixed: np.ndarray,
            places: np.ndarray, rings: list[tuple[np.ndarray, float]], groups: list) -> np.ndarray:
    """Forces among the free nodes, all pairs (the focus is small), with the fixed nodes in
    place. Springs are linear (not Fruchterman–Reingold's square, under which a dense citation
graph collapses into one lump) and weaker at hubs (divided by √ of both ends' degrees), so a much cited paper
    does not swallow its neighbourhood; each free node is drawn towards a radius that grows with
    its rank (nodes are given in rank order), so what matters most sits nearest the trial, and is
    kept outside the rings. Each community starts in a wedge of its own (`groups`), so the
    picture reads as sectors by topic. A last pass moves apart any two nodes that still overlap."""
    rng = np.random.default_rng(SEED)
    free = ~fixed
    positions = places.copy()
    inner = max((radius * RING_ROOM for _, radius in rings), default=0.0) + SPACING * 0.5
    outer = math.sqrt(inner ** 2 + count * (1.15 * SPACING) ** 2 / math.pi)  # a disc with room for each
    rank = np.cumsum(free) / max(int(free.sum()), 1)
    target = inner + (outer - inner) * np.sqrt(rank)
    positions[free] = _starting_places(positions, fixed, first, second, rng, target, groups)[free]
    if not free.any():
        return _stretched(positions)
    degree = np.bincount(np.concatenate([first, second]), minlength=count) + 1.0
    spring = 1.0 / np.sqrt(degree[first] * degree[second])
    # on average half a plain spring, less in dense graphs, whose many springs would crush the picture
    # into a ball: about as much pull in all as there is push
    spring *= len(spring) / max(spring.sum(), 1e-9) * 0.5 * min(1.0, 2 * count / max(len(spring), 1))
    room = (sizes[:, None] + sizes[None, :] + 0.35 * SPACING).astype(np.float32)  # node edges this far apart at least
    step = SPACING
    cooling = 0.01 ** (1 / ITERATIONS)
    x, y = positions[:, 0].copy(), positions[:, 1].copy()
    for _ in range(ITERATIONS):
        push = _repulsion(x, y, room)
        # Σ_j (x_i - x_j) push_ij, as two matrix-vector products instead of an N×N difference
        total = push.sum(axis=1)
        fx, fy = x * total - push @ x.astype(np.float32), y * total - push @ y.astype(np.float32)
        px, py = x[second] - x[first], y[second] - y[first]
        pull = spring / 3  # linear springs: a far neighbour pulls, but not as the square of the distance
        for force, along in ((fx, px * pull), (fy, py * pull)):
            force += np.bincount(first, weights=along, minlength=count) - np.bincount(second, weights=along,
                                                                                     minlength=count)
        radius = np.sqrt(x * x + y * y) + 1e-6
        towards = RADIAL * (target - radius) / radius  # radial spring to the rank's radius
        fx += towards * x * SPACING / 10
        fy += towards * y * SPACING / 10
        size = np.sqrt(fx * fx + fy * fy) + 1e-9
        scale = np.where(free, np.minimum(size, step) / size, 0.0)
        x, y = _outside_rings(x + fx * scale, y + fy * scale, free, rings)
        step *= cooling
    x, y = _apart(x, y, sizes, free)
    return _stretched(np.column_stack([x, y]))


def _repulsion(x: np.ndarray, y: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Per pair, the push divided by the distance: K²/d², and a strong push where two nodes come
    closer than their `room`. float32: the picture does not need more, and it halves the work."""
    points = np.column_stack([x, y]).astype(np.float32)
    squares = (points * points).sum(axis=1)
    distance2 = np.maximum(squares[:, None] + squares[None, :] - 2 * (points @ points.T), 1e-6)
    inverse = 1.0 / np.sqrt(distance2)
    push = SPACING * SPACING * inverse * inverse + 4 * SPACING * np.maximum(room - 1.0 / inverse, 0) * inverse
    np.fill_diagonal(push, 0)
    return push


def _apart(x: np.ndarray, y: np.ndarray, sizes: np.ndarray, free: np.ndarray, rounds: int = 60):
    """Moves overlapping free nodes apart until every pair is at least their radii and a margin
    apart (or the rounds run out)."""
    room = sizes[:, None] + sizes[None, :] + 0.2 * SPACING
    for _ in range(rounds):
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        distance = np.sqrt(dx * dx + dy * dy) + 1e-6
        overlap = np.maximum(room - distance, 0)
        np.fill_diagonal(overlap, 0)
        if not overlap.any():
            break
        share = np.where(free[None, :], 0.5, 1.0) * free[:, None]  # a free node takes all of a push from a fixed one
        move = overlap * share / distance
        x = x + (dx * move).sum(axis=1)
        y = y + (dy * move).sum(axis=1)
    return x, y


def _starting_places(positions: np.ndarray, fixed: np.ndarray, first: np.ndarray, second: np.ndarray,
                     rng: np.random.Generator, target: np.ndarray, groups: list) -> np.ndarray:
    """Free nodes start at their rank's radius: a community's members in its wedge (wedges sized by
    members, the largest first), the others in the direction of what they link to, else anywhere."""
    count = len(positions)
    angle = rng.uniform(0, 2 * math.pi, count)
    placed = fixed.copy()
    members: dict[int, list[int]] = {}
    for node, group in enumerate(groups):
        if group is not None:
            members.setdefault(group, []).append(node)
    total = sum(len(nodes) for nodes in members.values())
    start = -math.pi / 2
    for group in sorted(members, key=lambda key: (-len(members[key]), key)):
        nodes = members[group]
        width = 2 * math.pi * len(nodes) / total
        for k, node in enumerate(nodes):  # in rank order: alternately either side of the wedge's middle
            offset = ((k + 1) // 2) * (1 if k % 2 else -1) / max(len(nodes), 1)
            angle[node] = start + width * (0.5 + offset)
            placed[node] = True
        start += width
    for _ in range(2):  # the rest towards what they link to, placed first
        ends = np.concatenate([first, second])
        others = np.concatenate([second, first])
        useful = placed[others] & ~placed[ends]
        direction = np.where(fixed[others], np.arctan2(positions[others, 1], positions[others, 0]), angle[others])
        sx = np.bincount(ends[useful], weights=np.cos(direction[useful]), minlength=count)
        sy = np.bincount(ends[useful], weights=np.sin(direction[useful]), minlength=count)
        beside = (sx * sx + sy * sy) > 1e-9
        angle[beside] = np.arctan2(sy[beside], sx[beside]) + rng.normal(0, 0.15, int(beside.sum()))
        placed |= beside
    return np.column_stack([np.cos(angle), np.sin(angle)]) * target[:, None]


def _outside_rings(x: np.ndarray, y: np.ndarray, free: np.ndarray,
                   rings: list[tuple[np.ndarray, float]]) -> tuple[np.ndarray, np.ndarray]:
    for (cx, cy), radius in rings:
        ox, oy = x - cx, y - cy
        distance = np.sqrt(ox * ox + oy * oy) + 1e-9
        keep = radius * RING_ROOM
        stretch = np.where(free & (distance < keep), keep / distance, 1.0)
        x, y = cx + ox * stretch, cy + oy * stretch
    return x, y


def _stretched(positions: np.ndarray) -> np.ndarray:
    """Centred and wider than high, as a page's canvas is."""
    centred = positions - (positions.max(axis=0) + positions.min(axis=0)) / 2
    return np.round(centred * np.array([1.4, 1.0])).astype(np.int64)
