"""Registry officials (the principal investigator and others) matched to the authors of their
trial's papers, with the evidence for each match.

Only authors of the trial's own papers are candidates: that is where an investigator is expected
to publish, and it keeps a common name from matching a stranger elsewhere in the graph. A full
name that agrees (in either order, diacritics folded) is a match; an initials-only author
("Sun L") matches on surname and initials only when no full-name author does.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Author, Official, fold, initials_fit


@dataclass
class Candidate:
    """An author of some of the trial's papers, as the graph knows them."""

    node: str
    name: Author  # the fullest form of the name among their records
    affiliations: list[str]
    trial_papers: int


@dataclass
class Match:
    official: Official
    node: str
    evidence: list[str]


def match_officials(officials: list[Official], candidates: list[Candidate], papers: int) -> list[Match]:
    """Each official's matching author nodes; `papers` is how many papers the trial has."""
    matches = []
    for official in officials:
        tokens = fold(official.name).split()
        if len(tokens) < 2:
            continue  # a surname alone ("Sun", as facility contacts are listed) is no evidence
        full = [c for c in candidates if c.name.given_names and _same_full_name(tokens, c)]
        agreeing = full or [c for c in candidates if not c.name.given_names and _same_initials(tokens, c)]
        for candidate in agreeing:
            matches.append(Match(official, candidate.node, _evidence(official, candidate, bool(full), papers)))
    return matches


def _same_full_name(tokens: list[str], candidate: Candidate) -> bool:
    name = candidate.name.given_names + fold(candidate.name.last_name).split()
    return sorted(name) == sorted(tokens)


def _same_initials(tokens: list[str], candidate: Candidate) -> bool:
    """"Lingyun Sun" or "Sun Lingyun" against "Sun L": the surname, then agreeing initials."""
    surname = fold(candidate.name.last_name).split()
    initials = candidate.name.folded_initials
    count = len(surname)
    for given, last in ((tokens[:-count], tokens[-count:]), (tokens[count:], tokens[:count])):
        given_initials = "".join(word[0] for word in given)
        if last == surname and given_initials and initials and initials_fit(given_initials, initials):
            return True
    return False


def _evidence(official: Official, candidate: Candidate, full_name: bool, papers: int) -> list[str]:
    evidence = ["same full name" if full_name else "same surname and initials",
                f"author of {candidate.trial_papers} of the trial's {papers} papers"]
    if official.affiliation and any(_same_place(official.affiliation, a) for a in candidate.affiliations):
        evidence.append("same affiliation")
    return evidence


def _same_place(first: str, second: str) -> bool:
    """Affiliations agree when most of the shorter one's words appear in the other."""
    a, b = set(fold(first).split()), set(fold(second).split())
    shorter = min(a, b, key=len)
    return bool(shorter) and len(a & b) >= 0.6 * len(shorter)
