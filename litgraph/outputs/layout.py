"""Node positions computed in Python for graphs too large for the browser's physics.

`spread_layout` is a force-directed layout in O(iterations · (N + E + grid² log grid)).
`Layouts` remembers the positions of one build's graphs, so a graph that shares most of its
nodes with one laid out before (the paper graph inside the combined graph, the co-citation
graph inside the paper graph) starts from those places and needs a few settling steps instead
of a whole layout; its picture then also matches the other graph's.
"""

from __future__ import annotations

import math
from typing import Hashable, Sequence

import numpy as np

FULL_ITERATIONS = (150, 30)  # at most / at least; fewer for larger graphs (see `iterations_for`)
SETTLE_ITERATIONS = 15  # from positions another graph of the build already gave most nodes
# The largest move in the first step, as a share of the starting spread (√N): large first steps
# untangle the graph in fewer iterations (then they shrink to 1%). From a warm start, half:
# the picture is kept, yet the graph's own structure (co-authorship) still comes out.
FIRST_STEP = {"full": 1.0, "settle": 0.5}
GRID = 128  # cells per side of the repulsion field
SEED = 7  # random start positions, fixed so a graph always gets the same picture
WARM_START_SHARE = 0.9  # a warm start needs this share of the nodes placed from known positions
SPACING = 45.0  # page units of room per node side, about two node diameters
OUTLIER_REACH = 1.15  # nodes beyond this multiple of the 98th-percentile radius are pulled in


def iterations_for(count: int) -> int:
    """Steps of a full layout: 150 up to 2,000 nodes, fewer above, 30 from 10,000 nodes.

    Measured on a 10,000-paper build (bench/writers.py): 30 steps place linked nodes and
    communities as close as 150 did, while each step costs 15-25 ms at 25,000 nodes.
    """
    most, least = FULL_ITERATIONS
    return max(least, min(most, round(most * 2000 / max(count, 1))))


def spread_layout(count: int, sources: np.ndarray, targets: np.ndarray, *, start: np.ndarray | None = None) -> np.ndarray:
    """Positions (count, 2) in layout units, centred; `start` (count, 2) settles given positions.

    Fruchterman–Reingold with degree-weighted repulsion, where the all-pairs repulsion is
    computed as a field on a grid by FFT convolution (particle–mesh) instead of N² pairs.
    Coordinates are kept as (2, N) so every step works on contiguous rows. Deterministic.
    """
    if count == 0:
        return np.zeros((0, 2))
    if start is None:
        positions = np.random.default_rng(SEED).uniform(-1.0, 1.0, (2, count)) * math.sqrt(count)
        step = FIRST_STEP["full"] * math.sqrt(count)
        iterations = iterations_for(count)
    else:
        positions = np.array(start, dtype=float).T.copy()
        step = FIRST_STEP["settle"] * math.sqrt(count)
        iterations = SETTLE_ITERATIONS
    mass = 1.0 + np.bincount(sources, minlength=count) + np.bincount(targets, minlength=count)
    field = _RepulsionField(GRID)
    cooling = 0.01 ** (1 / iterations)  # the last step is 1% of the first
    for _ in range(iterations):
        force = field.force(positions, mass)
        force += _spring_force(positions, sources, targets)
        force -= 0.02 * mass * positions  # gravity keeps separate components in view
        length = _length(force) + 1e-9
        positions += force * (np.minimum(length, step) / length)
        step *= cooling
    return (positions - positions.mean(axis=1, keepdims=True)).T


def page_positions(positions: np.ndarray) -> np.ndarray:
    """Whole page units: zoomed so the bulk of the nodes (2nd–98th percentile box) gets
    SPACING² each, with far outliers (a lone node pushed away by the whole graph) pulled in,
    so fitting the view does not shrink the graph to a corner.

    Edge lengths are no guide to the zoom: in a dense citation hairball most edges span the
    whole drawing.
    """
    if len(positions) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    radius = np.hypot(positions[:, 0], positions[:, 1])
    reach = OUTLIER_REACH * max(float(np.percentile(radius, 98)), 1e-9)
    gathered = positions * np.minimum(1.0, reach / np.maximum(radius, 1e-9))[:, None]
    low, high = np.percentile(gathered, [2, 98], axis=0)
    width, height = np.maximum(high - low, 1e-9)
    return np.round(gathered * (SPACING * math.sqrt(len(positions) / (width * height)))).astype(np.int64)


class Layouts:
    """The positions of the graphs laid out so far in one build, in one frame of reference.

    A graph most of whose nodes are known, directly or as neighbours of known nodes, settles
    from there; any other graph gets a full layout. If it shares nodes with the known ones, its
    layout becomes the frame for the next graphs; if not (MeSH headings), it joins the frame.
    """

    def __init__(self) -> None:
        self.known: dict[Hashable, tuple[float, float]] = {}

    def positions(self, ids: Sequence[Hashable], sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Layout-unit positions (len(ids), 2) for a graph whose edges join node indices."""
        start = self._start(ids, sources, targets)
        positions = spread_layout(len(ids), sources, targets, start=start)
        if start is None and any(node in self.known for node in ids):
            self.known = {}  # a new frame: positions from the old one would not fit with it
        self.known.update(zip(ids, map(tuple, positions.tolist())))
        return positions

    def _start(self, ids: Sequence[Hashable], sources: np.ndarray, targets: np.ndarray) -> np.ndarray | None:
        if not self.known:
            return None
        start = np.zeros((len(ids), 2))
        placed = np.zeros(len(ids), dtype=bool)
        for index, node in enumerate(ids):
            at = self.known.get(node)
            if at is not None:
                start[index] = at
                placed[index] = True
        if not placed.any():
            return None
        for _ in range(2):  # then neighbours of those, then theirs
            placed = _place_beside_neighbours(start, placed, sources, targets)
        if placed.mean() < WARM_START_SHARE:
            return None
        rng = np.random.default_rng(len(ids))
        start[~placed] = rng.normal(0.0, start[placed].std(axis=0) + 1e-9, ((~placed).sum(), 2))
        return start


def _place_beside_neighbours(start: np.ndarray, placed: np.ndarray, sources: np.ndarray,
                             targets: np.ndarray) -> np.ndarray:
    """Unplaced nodes go to the mean place of their placed neighbours, plus a little noise so
    nodes with the same neighbours (the authors of one paper) do not coincide."""
    count = len(placed)
    ends = np.concatenate([sources, targets])
    others = np.concatenate([targets, sources])
    useful = placed[others] & ~placed[ends]
    ends, others = ends[useful], others[useful]
    links = np.bincount(ends, minlength=count)
    newly = links > 0
    if not newly.any():
        return placed
    for axis in (0, 1):
        total = np.bincount(ends, weights=start[others, axis], minlength=count)
        start[newly, axis] = total[newly] / links[newly]
    start[newly] += np.random.default_rng(count).normal(0.0, 1.0, (int(newly.sum()), 2))
    return placed | newly


class _RepulsionField:
    """Repulsion Σ m_j (x − x_j)/|x − x_j|² sampled on a grid: cloud-in-cell deposit, FFT convolution."""

    def __init__(self, grid: int):
        self.grid = grid
        self.padded = 2 * grid  # zero padding: the convolution must not wrap around
        offsets = np.fft.fftfreq(self.padded, 1.0 / self.padded)
        dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
        distance2 = dx * dx + dy * dy
        distance2[0, 0] = 1.0  # the kernel is zero there anyway (dx = dy = 0)
        self.kernels = (np.fft.rfft2(dx / distance2), np.fft.rfft2(dy / distance2))

    def force(self, positions: np.ndarray, mass: np.ndarray) -> np.ndarray:
        low = positions.min(axis=1, keepdims=True)
        cell = max(float((positions.max(axis=1, keepdims=True) - low).max()), 1e-9) / (self.grid - 1.001)
        scaled = (positions - low) / cell
        corner = np.minimum(np.floor(scaled).astype(np.int64), self.grid - 2)
        stencil = self._stencil(corner, scaled - corner)
        far = self._far_field(mass, cell, stencil)
        return far + _near_repulsion(positions, mass, stencil[0][0])

    def _far_field(self, mass: np.ndarray, cell: float, stencil: list) -> np.ndarray:
        size = self.padded * self.padded
        shape = (self.padded, self.padded)
        density = np.zeros(size)
        for cells, weights in stencil:
            density += np.bincount(cells, weights=weights * mass, minlength=size)
        spectrum = np.fft.rfft2(density.reshape(shape))
        force = np.zeros((2, len(mass)))
        for axis, kernel in enumerate(self.kernels):
            field = np.fft.irfft2(spectrum * kernel, s=shape).ravel()
            for cells, weights in stencil:
                force[axis] += weights * field[cells]
        return force * (mass / cell)

    def _stencil(self, corner: np.ndarray, frac: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The four grid cells around each node and their bilinear weights."""
        fx, fy = frac
        cell = corner[0] * self.padded + corner[1]
        return [
            (cell, (1 - fx) * (1 - fy)),
            (cell + self.padded, fx * (1 - fy)),
            (cell + 1, (1 - fx) * fy),
            (cell + self.padded + 1, fx * fy),
        ]


def _near_repulsion(positions: np.ndarray, mass: np.ndarray, cells: np.ndarray, reach: int = 12) -> np.ndarray:
    """Exact repulsion between nodes sharing a grid cell, which the field cannot tell apart.

    Without it a clique (all co-authors of one paper) collapses into a single dot. Nodes are
    sorted by cell and each is paired with the next `reach` nodes of the same cell.
    """
    count = positions.shape[1]
    order = np.argsort(cells, kind="stable")
    sorted_cells = cells[order]
    firsts, seconds = [], []
    for step in range(1, min(reach, count - 1) + 1):
        same = sorted_cells[step:] == sorted_cells[:-step]
        if not same.any():
            break
        firsts.append(order[:-step][same])
        seconds.append(order[step:][same])
    if not firsts:
        return np.zeros_like(positions)
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    delta = _differences(positions, a, b)
    push = delta * (mass[a] * mass[b] / (delta[0] * delta[0] + delta[1] * delta[1] + 1e-4))
    return _pairwise_sum(push, a, b, count)


def _spring_force(positions: np.ndarray, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Fruchterman–Reingold attraction d² along every edge."""
    delta = _differences(positions, sources, targets)
    return _pairwise_sum(delta * _length(delta), targets, sources, positions.shape[1])


def _differences(positions: np.ndarray, firsts: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    # row by row: numpy gathers 1-D rows several times faster than positions[:, firsts]
    return np.stack([row[firsts] - row[seconds] for row in positions])


def _length(vectors: np.ndarray) -> np.ndarray:
    # not np.hypot, which guards against overflow at ten times the cost
    return np.sqrt(vectors[0] * vectors[0] + vectors[1] * vectors[1])


def _pairwise_sum(force: np.ndarray, gaining: np.ndarray, losing: np.ndarray, count: int) -> np.ndarray:
    """Per node: the pair forces it gains as the first end of a pair minus those as the second."""
    ends = np.concatenate([gaining, losing])
    return np.stack([np.bincount(ends, weights=np.concatenate([row, -row]), minlength=count) for row in force])
