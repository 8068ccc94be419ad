"""Living updates: what changed between two builds of a review, from their snapshots (the
candidates.json `litgraph.candidates.snapshot` makes). Pure: two documents in, the changes out.

A month later the reviewer wants only what is new: papers the earlier build did not have, and
for each seed the papers citing it now that did not then; papers whose record changed (retracted
since, given a PMCID, a DOI); and the citation and similarity links gained or lost.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .candidates import SNAPSHOT_FORMAT, paper_name


@dataclass
class Changes:
    since: str  # when the earlier build was made ("2026-11-01"); "" when unknown
    new_papers: list[str] = field(default_factory=list)  # node ids, in the newer build's order
    gone_papers: list[str] = field(default_factory=list)
    new_citing: dict[str, list[str]] = field(default_factory=dict)  # seed -> papers citing it that did not before
    retracted: list[str] = field(default_factory=list)  # retracted since
    new_pmcid: list[str] = field(default_factory=list)
    new_doi: list[str] = field(default_factory=list)
    links_gained: list[list[str]] = field(default_factory=list)  # [a, b, "cites" | "similar"]
    links_lost: list[list[str]] = field(default_factory=list)

    def counts(self) -> dict:
        """How many of each, for summary.json."""
        return {"since": self.since, "new_papers": len(self.new_papers), "gone_papers": len(self.gone_papers),
                "new_citing": {seed: len(papers) for seed, papers in self.new_citing.items()},
                "retracted": len(self.retracted), "new_pmcid": len(self.new_pmcid), "new_doi": len(self.new_doi),
                "links_gained": len(self.links_gained), "links_lost": len(self.links_lost)}

    def document(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """The changes in words, a line each, for the terminal."""
        since = f" since {self.since}" if self.since else ""
        lines = [f"{len(self.new_papers):,} new papers{since}, {len(self.gone_papers):,} no longer found"]
        lines += [f"  {len(papers):,} new papers citing seed {paper_name(seed)}: {', '.join(map(paper_name, papers[:5]))}"
                  + (", …" if len(papers) > 5 else "") for seed, papers in self.new_citing.items()]
        for what, papers in (("retracted since", self.retracted), ("given a PMCID", self.new_pmcid),
                             ("given a DOI", self.new_doi)):
            if papers:
                lines.append(f"  {len(papers):,} {what}: {', '.join(map(paper_name, papers[:5]))}"
                             + (", …" if len(papers) > 5 else ""))
        lines.append(f"{len(self.links_gained):,} links gained, {len(self.links_lost):,} lost")
        return lines


def diff(old: dict, new: dict, since: str = "") -> Changes:
    """What `new` (a snapshot) has that `old` had not, and the other way round."""
    for document in (old, new):
        if document.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"not a litgraph snapshot ({document.get('format')!r}, expected {SNAPSHOT_FORMAT})")
    old_papers, new_papers = old["papers"], new["papers"]
    both = [node for node in new_papers if node in old_papers]
    old_links, new_links = _links(old), _links(new)
    old_citers, new_citers = _citers(old), _citers(new)
    return Changes(
        since=since,
        new_papers=[node for node in new_papers if node not in old_papers],
        gone_papers=[node for node in old_papers if node not in new_papers],
        new_citing={seed: citing for seed in new["seeds"]
                    if (citing := [node for node in new_citers.get(seed, []) if node not in set(old_citers.get(seed, ()))])},
        retracted=[node for node in both if new_papers[node]["retracted"] and not old_papers[node]["retracted"]],
        new_pmcid=[node for node in both if new_papers[node]["pmcid"] and not old_papers[node]["pmcid"]],
        new_doi=[node for node in both if new_papers[node]["doi"] and not old_papers[node]["doi"]],
        links_gained=[list(link) for link in new_links if link not in old_links],
        links_lost=[list(link) for link in old_links if link not in new_links],
    )


def _links(document: dict) -> dict[tuple[str, str, str], None]:
    """Every link, in the document's order."""
    return {**{(a, b, "cites"): None for a, b in document["cites"]},
            **{(a, b, "similar"): None for a, b in document["similar"]}}


def _citers(document: dict) -> dict[str, list[str]]:
    """seed -> the papers citing it, in the document's paper order."""
    order = {node: place for place, node in enumerate(document["papers"])}
    seeds = set(document["seeds"])
    citing: dict[str, list[str]] = {}
    for a, b in document["cites"]:
        if b in seeds:
            citing.setdefault(b, []).append(a)
    return {seed: sorted(papers, key=lambda node: order.get(node, len(order))) for seed, papers in citing.items()}


NEW_SINCE = "new_since"  # the node attribute marking a paper a rebuild found new: the earlier build's date


def mark_new(graphs: dict, changes: Changes | None) -> None:
    """Set `new_since` on the nodes of the papers `changes` found new (and take it from the rest),
    so the pages can mark them and show only them."""
    new = set(changes.new_papers) if changes else set()
    for graph in graphs.values():
        for node, data in graph.nodes(data=True):
            if node in new:
                data[NEW_SINCE] = changes.since or "the last build"
            else:
                data.pop(NEW_SINCE, None)
