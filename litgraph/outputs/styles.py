"""How node types and edge kinds look, shared by the interactive page and the SVG image."""

from __future__ import annotations

from collections import Counter
from typing import Any

NODE_STYLES: dict[str, dict[str, str]] = {
    "trial": {"label": "Trial", "colour": "#7c3aed", "border": "#4c1d95", "shape": "diamond"},
    "paper": {"label": "Paper", "colour": "#3b82f6", "border": "#1e40af", "shape": "dot"},
    "author": {"label": "Author", "colour": "#f59e0b", "border": "#92400e", "shape": "triangle"},
    "mesh": {"label": "MeSH heading", "colour": "#14b8a6", "border": "#115e59", "shape": "square"},
}
OTHER_NODE_STYLE = {"label": "Other", "colour": "#94a3b8", "border": "#475569", "shape": "dot"}
# Marks drawn on paper nodes on top of the type colour; a paper known only from a citation also
# has its fill lightened by UNFETCHED_LIGHTEN.
MARKS = {"seed": "#0f172a", "retracted": "#dc2626", "unfetched": "#94a3b8"}
UNFETCHED_LIGHTEN = 0.6
# Colour by year: oldest to newest (viridis stops), interpolated in between.
YEAR_PALETTE = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]

# `weighted` kinds draw wider for a larger `weight` (papers together, shared citations...); the many
# citation and authorship links are fainter than the registry's few reference links.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "background": {"label": "Background reference", "colour": "#0d9488", "width": 2, "opacity": 0.9, "arrow": True},
    "result": {"label": "Result reference", "colour": "#16a34a", "width": 2.5, "opacity": 0.9, "arrow": True},
    "derived": {"label": "Derived reference", "colour": "#db2777", "width": 2, "opacity": 0.9, "arrow": True},
    "investigator": {"label": "Investigator", "colour": "#ea580c", "width": 2, "opacity": 0.9, "arrow": True},
    "cites": {"label": "Cites", "colour": "#94a3b8", "width": 1, "opacity": 0.55, "arrow": True},
    "similar": {"label": "Similar article", "colour": "#a78bfa", "width": 1, "opacity": 0.7,
                "arrow": False, "dashes": True},
    "cocited": {"label": "Co-cited", "colour": "#0284c7", "width": 1, "opacity": 0.45,
                "arrow": False, "weighted": True},
    "coupled": {"label": "Shared references", "colour": "#c026d3", "width": 1, "opacity": 0.45,
                "arrow": False, "weighted": True},
    "cooccurs": {"label": "Indexed together", "colour": "#65a30d", "width": 1, "opacity": 0.45,
                 "arrow": False, "weighted": True},
    "authored": {"label": "Authored", "colour": "#fcd34d", "width": 1, "opacity": 0.6, "arrow": True},
    "coauthor": {"label": "Co-author", "colour": "#d97706", "width": 1, "opacity": 0.45,
                 "arrow": False, "weighted": True},
}
# Drawn first, below the rest: the many citation-like links (in large graphs, in batches).
EDGE_DRAW_ORDER = ["cites", "similar", "cocited", "coupled", "cooccurs", "coauthor", "authored"]
OTHER_EDGE_STYLE = {"label": "", "colour": "#64748b", "width": 1, "opacity": 0.9, "arrow": False}

# Colours by community, largest first; the rest share COMMUNITY_REST.
COMMUNITY_PALETTE = ["#2563eb", "#ea580c", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777",
                     "#4d7c0f", "#7c2d12", "#1e3a8a", "#be123c"]
COMMUNITY_REST = "#cbd5e1"


def node_type(attributes: dict) -> str:
    value = attributes.get("type")
    return "other" if value is None or value == "" else str(value)  # as litgraph.js reads it


def node_style(key: str) -> dict[str, str]:
    return NODE_STYLES.get(key) or {**OTHER_NODE_STYLE, "label": key}


def edge_style(key: str) -> dict[str, Any]:
    return EDGE_STYLES.get(key) or {**OTHER_EDGE_STYLE, "label": key}


def lighter(colour: str, amount: float) -> str:
    """A #rrggbb colour moved towards white by `amount` (0..1), as litgraph.js's `mix` does."""
    channels = [int(colour[at:at + 2], 16) for at in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def ordered(counts: Counter, known: dict) -> list[tuple[str, int]]:
    """Known types and kinds in their fixed order first, then anything else by name."""
    first = [(key, counts[key]) for key in known if key in counts]
    return first + sorted((key, count) for key, count in counts.items() if key not in known)


def legend_counts(attributes: list[dict], edge_kinds: list[str]) -> dict[str, Any]:
    """What a legend counts: node types and edge kinds in legend order, and the marked papers."""
    papers = [data for data in attributes if data.get("type") == "paper"]
    return {
        "node_types": ordered(Counter(node_type(data) for data in attributes), NODE_STYLES),
        "marks": {"seed": sum(1 for data in papers if data.get("seed") is True),
                  "retracted": sum(1 for data in papers if data.get("retracted") is True),
                  "unfetched": sum(1 for data in papers if data.get("fetched") is False)},
        "edge_kinds": ordered(Counter(edge_kinds), EDGE_STYLES),
    }


def page_styles() -> dict[str, Any]:
    """The tables as litgraph.js reads them."""
    return {"nodes": NODE_STYLES, "otherNode": OTHER_NODE_STYLE, "marks": MARKS, "unfetchedLighten": UNFETCHED_LIGHTEN,
            "edges": EDGE_STYLES, "otherEdge": OTHER_EDGE_STYLE, "drawOrder": EDGE_DRAW_ORDER,
            "communities": COMMUNITY_PALETTE, "communityRest": COMMUNITY_REST, "yearPalette": YEAR_PALETTE}
