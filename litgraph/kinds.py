"""What each graph, node type and edge kind is, and how it looks: the one home of these facts.

The graph builders take the graph names from here; the interactive page (through its embedded
metadata), the SVG image and index.html take colours, line styles, sizes, legend words, panel
wording and descriptions from here, so the picture, the legend and the panel always agree.

Reference kinds are told apart by hue *and* line style: the hues are from Paul Tol's and
Okabe & Ito's colour-blind-safe palettes (the three stay at least 50 CIELAB units apart under
simulated protanopia, deuteranopia and tritanopia, as tests/test_kinds.py checks), and
background, result and derived links are solid, thick and dashed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from .model import REFERENCE_KINDS


@dataclass(frozen=True)
class Size:
    """A node's radius (page units, or pixels in the SVG): min(base + per·√measure, cap)."""

    base: float
    per: float = 0.0
    cap: float = 0.0

    def radius(self, measure: float) -> float:
        if not self.per:
            return self.base
        return min(self.base + self.per * math.sqrt(max(measure, 0.0)), self.cap)


@dataclass(frozen=True)
class NodeType:
    label: str
    plural: str
    colour: str
    border: str
    shape: str  # vis-network's: dot, diamond, triangle, square
    size: Size
    size_by: str = ""  # what its size says, for the legend ("times cited in this graph")


@dataclass(frozen=True)
class EdgeKind:
    label: str
    colour: str
    width: float  # screen pixels
    opacity: float
    arrow: bool
    outgoing: str  # the panel's name for these links seen from their source...
    incoming: str  # ...and from their target
    dashes: tuple[int, ...] = ()  # dash and gap lengths in pixels; () is a solid line
    weighted: bool = False  # wider for a larger `weight`
    weight_note: str = ""  # what a weight counts: "{n} papers together"
    web: bool = False  # one of the many links drawn first, below the rest, faint
    arrowheads: bool = True  # drawn at the target of a directed link (authorship needs none to read)


@dataclass(frozen=True)
class GraphKind:
    description: str  # what the graph shows, for index.html
    sizes: str  # what node sizes say on this graph's page


NODE_TYPES: dict[str, NodeType] = {
    "trial": NodeType("Trial", "Trials", "#7c3aed", "#4c1d95", "diamond", Size(34)),
    "paper": NodeType("Paper", "Papers", "#3b82f6", "#1e40af", "dot", Size(7, 3, 38), "times cited in this graph"),
    "author": NodeType("Author", "Authors", "#f59e0b", "#92400e", "triangle", Size(6, 2.5, 26), "papers written"),
    "mesh": NodeType("MeSH heading", "MeSH headings", "#14b8a6", "#115e59", "square", Size(6, 2.5, 26),
                     "papers indexed with it"),
}
# Other things a paper's size can say, from iCite's figures: (legend words, attribute, size rule).
PAPER_SIZES: dict[str, tuple[str, str, Size]] = {
    "pubmed": ("times cited in all of PubMed (iCite)", "citation_count", Size(7, 1.2, 38)),
    "rcr": ("relative citation ratio (iCite)", "rcr", Size(7, 7, 38)),
}
OTHER_NODE = NodeType("Other", "Other", "#94a3b8", "#475569", "dot", Size(8))

# Marks drawn on paper nodes over the type colour; a paper known only from a citation also has its
# fill lightened by UNFETCHED_LIGHTEN and a dashed border.
MARKS = {"seed": "#0f172a", "retracted": "#dc2626", "unfetched": "#94a3b8", "new": "#16a34a"}
MARK_WORDS = {"seed": "Seed: listed by the trial or given", "retracted": "Retracted",
              "unfetched": "Known only from a citation", "new": "New since the last build"}
UNFETCHED_LIGHTEN = 0.6
SEED_GROWTH = 3  # a seed paper is drawn this much larger, and at least SEED_RADIUS
SEED_RADIUS = 12

EDGE_KINDS: dict[str, EdgeKind] = {
    "background": EdgeKind("Background reference", "#332288", 1.8, 0.95, True,
                           "Background references", "Background reference of"),
    "result": EdgeKind("Result reference", "#D55E00", 3.4, 0.95, True, "Result references", "Result reference of"),
    "derived": EdgeKind("Derived reference", "#44AA99", 2.2, 0.95, True, "Derived references", "Derived reference of",
                        dashes=(7, 4)),
    "investigator": EdgeKind("Investigator", "#AA4499", 2, 0.9, True, "Investigators", "Investigator of",
                             dashes=(2, 3)),
    "cites": EdgeKind("Cites", "#94a3b8", 0.8, 0.45, True, "Cites", "Cited by", web=True),
    "similar": EdgeKind("Similar article", "#a78bfa", 0.8, 0.7, False, "Similar articles", "Similar articles",
                        dashes=(4, 3), web=True),
    "cocited": EdgeKind("Co-cited", "#0284c7", 0.8, 0.45, False, "Co-cited with", "Co-cited with", weighted=True,
                        weight_note="cited together by {n} papers", web=True),
    "coupled": EdgeKind("Shared references", "#c026d3", 0.8, 0.45, False, "Shares references with",
                        "Shares references with", weighted=True, weight_note="{n} shared references", web=True),
    "cooccurs": EdgeKind("Indexed together", "#65a30d", 0.8, 0.45, False, "Indexed together with",
                         "Indexed together with", weighted=True, weight_note="{n} papers with both", web=True),
    "authored": EdgeKind("Authored", "#f2c14e", 0.7, 0.45, True, "Wrote", "Authors", web=True, arrowheads=False),
    "coauthor": EdgeKind("Co-author", "#d97706", 0.8, 0.45, False, "Co-authors", "Co-authors", weighted=True,
                         weight_note="{n} papers together", web=True),
}
OTHER_EDGE = EdgeKind("", "#64748b", 1, 0.9, False, "", "")

GRAPH_KINDS: dict[str, GraphKind] = {
    "trial": GraphKind("The trials and the papers their records list, by reference kind: background, result, derived.",
                       "Node size: papers by times cited in this graph; authors by papers written."),
    "paper": GraphKind("Every paper and the citations between them (citing → cited), and similar articles when asked for.",
                       "Node size: times cited by the papers of this graph."),
    "author": GraphKind("The authors, linked by the papers they wrote together.",
                        "Node size: papers written; link width: papers together."),
    "combined": GraphKind("Trials, papers and authors in one graph: references, citations and authorship.",
                          "Node size: papers by times cited in this graph; authors by papers written."),
    "cocitation": GraphKind("The most cited papers, linked when papers of this build cite both (co-citation).",
                            "Node size: times cited in the whole build; link width: papers citing both."),
    "coupling": GraphKind("The papers citing most, linked when they cite the same papers (bibliographic coupling).",
                          "Node size: times cited in the whole build; link width: references in common."),
    "mesh": GraphKind("MeSH headings, linked when papers are indexed with both.",
                      "Node size: papers indexed with the heading; link width: papers with both."),
}
GRAPH_NAMES = tuple(GRAPH_KINDS)

# Colour by year: oldest to newest (viridis stops), interpolated in between.
YEAR_PALETTE = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
NO_YEAR_COLOUR = "#cbd5e1"
# Colours by community, largest first (Tol's muted and bright palettes); the rest share COMMUNITY_REST.
COMMUNITY_PALETTE = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#332288", "#117733",
                     "#999933", "#882255", "#44AA99", "#DDCC77")
COMMUNITY_REST = "#cbd5e1"

# Where a link or a paper's citation data came from, in words.
SOURCE_WORDS = {"registry": "the trial's registry record", "pubmed-si": "PubMed records naming the trial",
                "elink-refs": "PubMed Central's references (elink)", "elink-citedin": "PubMed Central's citing papers (elink)",
                "elink-similar": "PubMed's similar articles", "reference-list": "the PubMed record's reference list",
                "icite": "NIH Open Citation Collection (iCite)", "icite-refs": "references in iCite (NIH-OCC)",
                "icite-citedin": "citing papers in iCite (NIH-OCC)", "nih-occ": "NIH Open Citation Collection (store)",
                "nih-occ-refs": "references in the NIH-OCC snapshot", "nih-occ-citedin": "citing papers in the NIH-OCC snapshot",
                "pubmed": "PubMed"}

# The citation sources as a sentence names them ("references known for 61% of papers: iCite 57%, ...").
CITATION_SOURCE_NAMES = {"elink": "elink", "icite": "iCite", "reference-list": "reference lists", "nih-occ": "NIH-OCC"}

# How a candidate for screening was found, relative to the paper one hop nearer the seeds.
DIRECTION_WORDS = {"backward": "backward: cited by", "forward": "forward: citing", "similar": "similar to"}
NEW_WORDS = "New since {date}"  # a paper a rebuild found that the build before it had not (`new_since`)

# ClinicalTrials.gov API v2 enumerations in plain words (the record text already has them so).
STATUS_WORDS = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting", "COMPLETED": "Completed",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation", "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting", "SUSPENDED": "Suspended", "TERMINATED": "Terminated", "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available", "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available", "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld", "UNKNOWN": "Unknown status",
}
PHASE_WORDS = {"EARLY_PHASE1": "Early phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2", "PHASE3": "Phase 3",
               "PHASE4": "Phase 4", "NA": "Not applicable"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def node_type(attributes: dict) -> str:
    """A node's type as the legend and the page name it: its `type`, else "other"."""
    value = attributes.get("type")
    return "other" if value is None or value == "" else str(value)


def node_kind(key: str) -> NodeType:
    return NODE_TYPES.get(key) or NodeType(key, key, OTHER_NODE.colour, OTHER_NODE.border, OTHER_NODE.shape,
                                           OTHER_NODE.size)


def edge_kind(key: str) -> EdgeKind:
    return EDGE_KINDS.get(key) or EdgeKind(key, OTHER_EDGE.colour, OTHER_EDGE.width, OTHER_EDGE.opacity, False,
                                           key + " →", key + " ←")


def node_radius(attributes: dict, measure: float) -> float:
    """The drawn radius of a node whose size measure (citations, papers) is `measure`."""
    kind = node_type(attributes)
    radius = node_kind(kind).size.radius(measure)
    if kind == "paper" and attributes.get("seed") is True:
        radius = max(radius + SEED_GROWTH, SEED_RADIUS)
    return radius


def edge_width(kind: str, weight: float) -> float:
    """Pixels: the kind's width, wider for heavier links of weighted kinds (in half pixels)."""
    style = edge_kind(kind)
    if not style.weighted or weight <= 1:
        return style.width
    return min(round(2 * (style.width + math.log2(weight))) / 2, 8)


def lighter(colour: str, amount: float) -> str:
    """A #rrggbb colour moved towards white by `amount` (0..1), as the page's `mix` does."""
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
        "node_types": ordered(Counter(node_type(data) for data in attributes), NODE_TYPES),
        "marks": {"seed": sum(1 for data in papers if data.get("seed") is True),
                  "retracted": sum(1 for data in papers if data.get("retracted") is True),
                  "unfetched": sum(1 for data in papers if data.get("fetched") is False),
                  "new": sum(1 for data in papers if data.get("new_since"))},
        "edge_kinds": ordered(Counter(edge_kinds), EDGE_KINDS),
    }


def plain_status(value: str) -> str:
    """"COMPLETED" -> "Completed"; values already in words stay as they are."""
    return STATUS_WORDS.get(str(value).strip().upper().replace(" ", "_").replace(",", ""), str(value))


def plain_phase(value: str) -> str:
    """"PHASE1, PHASE2" or "PHASE1/PHASE2" -> "Phase 1/2"."""
    parts = [part for part in re.split(r"[,/|\s]+", str(value).strip().upper()) if part]
    if parts and all(part.startswith("PHASE") for part in parts) and len(parts) > 1:
        return "Phase " + "/".join(part.removeprefix("PHASE") for part in parts)
    return PHASE_WORDS.get(parts[0], str(value)) if len(parts) == 1 else str(value)


def plain_date(value: str) -> str:
    """"2011-06" -> "June 2011", "2011-06-15" -> "15 June 2011"; other forms unchanged."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", str(value).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return str(value)
    month = f"{MONTHS[int(match[2]) - 1]} {match[1]}"
    return f"{int(match[3])} {month}" if match[3] else month


def completeness_line(citation_data: dict) -> str:
    """How complete a build's citation links are, in words: "References known for 61% of papers:
    elink 29%, iCite 57%, reference lists 40%; citing papers known for 97%" (summary.json's
    `citation_data`); "" for a build without papers that have a PMID."""
    if not citation_data.get("papers"):
        return ""
    references, citing = citation_data.get("references_known", {}), citation_data.get("citing_known", {})
    sources = [f"{CITATION_SOURCE_NAMES.get(name, name)} {share:.0%}" for name, share in references.items() if name != "any"]
    line = f"References known for {references.get('any', 0):.0%} of papers" + (": " + ", ".join(sources) if sources else "")
    return line + (f"; citing papers known for {citing['any']:.0%}" if "any" in citing else "")


def page_registry() -> dict[str, Any]:
    """Everything above as the page reads it (JSON)."""
    def plain(table: dict) -> dict:
        return {key: asdict(value) for key, value in table.items()}

    return {"nodes": plain(NODE_TYPES), "otherNode": asdict(OTHER_NODE), "edges": plain(EDGE_KINDS),
            "otherEdge": asdict(OTHER_EDGE), "referenceKinds": list(REFERENCE_KINDS), "marks": MARKS,
            "markWords": MARK_WORDS, "unfetchedLighten": UNFETCHED_LIGHTEN, "seedGrowth": SEED_GROWTH,
            "seedRadius": SEED_RADIUS, "yearPalette": list(YEAR_PALETTE), "noYear": NO_YEAR_COLOUR,
            "communities": list(COMMUNITY_PALETTE), "communityRest": COMMUNITY_REST, "sourceWords": SOURCE_WORDS}

