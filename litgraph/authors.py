"""Who is who: one author node per person across the papers of a build.

A name alone never merges two records; an ORCID or evidence does. Evidence is a co-author in
common (compared as surname + initials, "Sun L", the most a citation gives) or the same
affiliation. The rules, so that every merge can be predicted and explained:

1. ORCID. Records carrying one ORCID are one person; two ORCIDs are never one person.
2. Full name. Records without an ORCID that print the same full name (surname + fore name,
   folded by `model.fold`: diacritics, case, hyphens and spaces ignored, so "Jürgen Müller" is
   "Jurgen Muller" and "Ji-Young" is "Jiyoung"; letters of every script kept) are one person
   when evidence ties them, directly or through other records of that name; namesakes in
   unrelated labs stay apart. Such a person joins an ORCID person printed with the same full
   name when the evidence points to one (below).
3. Middle initial. A full name without the middle initial another prints ("John Smith", "John A
   Smith") joins that person when the evidence points to them and is strong: at least
   MIDDLE_INITIAL_EVIDENCE, as the same affiliation and three co-authors in common are. A
   middle initial is often all that tells two people apart.
4. Initials only ("Sun L" in a registry citation, "T C" on pre-2002 MEDLINE records). Each such
   record joins the person of the same surname and compatible initials ("J" fits "JA") its own
   evidence points to. The records left are grouped by initials form the same way as full names,
   and a group joins such a person when the evidence of the group points to one.

The evidence points to one candidate when it is the only one with any, or when its evidence is at
least CLEAR_LEAD times the next one's (and at least CLEAR_LEAD), counting each co-author in common
as 1 and a shared affiliation as AFFILIATION_WEIGHT. Otherwise nothing is merged: "Wang D" with
co-authors of both Wang Dandan and Wang Dong stays `author:wang_d`.

Never two authors of one paper in one person (the second "Wang D" of a paper is another node).
The `evidence` attribute of an author node says what joined its records beyond an ORCID:
`name` (the full name of an ORCID record), `coauthors`, `affiliation`.

Node ids: `author:orcid:<ORCID>`, else `author:<surname>_<fore-name>` (`author:sun_lingyun`), else
`author:<surname>_<initials>` (`author:sun_l`), and `author:group:<name>` for group authors. When
two people would get one id, the one with the most papers keeps it and each other adds its first
authorship: `author:wang_d~19489103-2` is the second author of PMID 19489103.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, ClassVar, Collection, Hashable, Iterable, Mapping

from .model import Author, Paper, author_key, fold, initials_fit, is_initial

CoauthorForm = tuple[str, str]  # (folded surname, folded initials), "sun", "l": what a citation lets one compare
AFFILIATION_WEIGHT = 2  # a shared affiliation weighs as much as two co-authors in common
CLEAR_LEAD = 3  # among candidates with evidence, one wins with this many times the next one's, and this much
MIDDLE_INITIAL_EVIDENCE = 5  # what "John Smith" needs to join "John A Smith"
# Rules added to the ORCID, full-name and initials-form rules, in the order bench/authors.py measures
# their gain: each initials-only record on its own evidence first (rule 4), co-authors compared by all
# their initials rather than the first, and the middle initial (rule 3).
RULES = ("record-by-record", "coauthor-initials", "middle-initial")


@dataclass(eq=False, slots=True)
class Mention:
    """One author as one paper lists them, with the name read once."""

    paper: str  # paper node id
    position: int  # 1-based place in the paper's byline
    author: Author
    surname: str  # folded, without spaces
    full_name: tuple[str, str] | None  # (surname, given names) without separators; None for initials only
    initials: str  # folded, "jy"
    display_name: str
    citation_name: str
    coauthors: frozenset[CoauthorForm]
    affiliations: frozenset[str]  # folded
    node: str = ""  # the author node id, once resolved

    # A mention reads as the person of that one mention, so that it is weighed against people
    # without a Person made for it (most initials-only records join someone at once).
    @property
    def mentions(self) -> tuple[Mention]:
        return (self,)

    @property
    def papers(self) -> tuple[str]:
        return (self.paper,)

    evidence: ClassVar[frozenset[str]] = frozenset()


@dataclass(eq=False, slots=True)
class Person:
    """Mentions found to be one person, and what they tell about them."""

    mentions: list[Mention] = field(default_factory=list)
    papers: set[str] = field(default_factory=set)
    coauthors: set[CoauthorForm] = field(default_factory=set)
    affiliations: set[str] = field(default_factory=set)
    initials: set[str] = field(default_factory=set)  # folded, as the mentions print them
    evidence: set[str] = field(default_factory=set)  # what joined mentions beyond a shared ORCID
    orcid: str = ""

    @classmethod
    def of(cls, mention: Mention) -> Person:
        person = cls()
        person.add(mention)
        return person

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self.papers.add(mention.paper)
        self.coauthors |= mention.coauthors
        self.affiliations |= mention.affiliations
        self.initials.add(mention.initials)

    def absorb(self, other: Person | Mention, reasons: Iterable[str]) -> None:
        for mention in other.mentions:
            self.add(mention)
        self.evidence |= other.evidence | set(reasons)

    def join(self, mention: Mention) -> None:
        """absorb(mention, evidence_with(mention)), the evidence named but not counted."""
        if not self.coauthors.isdisjoint(mention.coauthors):
            self.evidence.add("coauthors")
        if not self.affiliations.isdisjoint(mention.affiliations):
            self.evidence.add("affiliation")
        self.add(mention)

    def accepts(self, other: Person | Mention) -> bool:
        """Never two authors of one paper in one person."""
        return self.papers.isdisjoint(other.papers)

    def has_evidence_with(self, other: Person | Mention) -> bool:
        """Whether evidence_with(other) finds anything, without counting it."""
        return not (self.coauthors.isdisjoint(other.coauthors) and self.affiliations.isdisjoint(other.affiliations))

    def evidence_with(self, other: Person | Mention) -> dict[str, int]:
        """What ties the two beyond the name, and how much: each co-author in common counts 1,
        the same affiliation AFFILIATION_WEIGHT."""
        evidence = {}
        shared = len(self.coauthors & other.coauthors)
        if shared:
            evidence["coauthors"] = shared
        if not self.affiliations.isdisjoint(other.affiliations):
            evidence["affiliation"] = AFFILIATION_WEIGHT
        return evidence

    def fits_initials(self, initials: str) -> bool:
        """"j" fits "ja" and the other way round: one record may drop a middle initial."""
        return any(initials_fit(known, initials) for known in self.initials)

    @property
    def first(self) -> Mention:
        return min(self.mentions, key=lambda mention: (mention.paper, mention.position))

    @property
    def identity(self) -> str:
        """How the person was identified: orcid, name, initials or group."""
        if self.orcid:
            return "orcid"
        if self.mentions[0].author.collective:
            return "group"
        return "name" if any(mention.full_name for mention in self.mentions) else "initials"


@dataclass
class Authorship:
    """Who wrote what, once identities are resolved."""

    people: dict[str, dict]  # author node id -> node attributes
    bylines: dict[str, list[str]]  # paper node id -> author node ids in byline order
    sources: dict[str, str]  # paper node id -> where its author list came from: pubmed or registry

    def in_order_of(self, papers: Iterable[str]) -> Authorship:
        """The same, its papers in the order of `papers` (the same papers, ordered anew): what
        resolve_authors gives for them in that order, since only the papers' order follows its input."""
        return Authorship(self.people, {node: self.bylines[node] for node in papers},
                          {node: self.sources[node] for node in papers})


def resolve_authors(papers: Mapping[str, Paper], rules: Collection[str] = RULES) -> Authorship:
    """Group every paper's authors into people, by the rules in this module's docstring; `rules`
    leaves out those of RULES it does not name, to measure what each adds."""
    coauthor_initials = None if "coauthor-initials" in rules else 1
    mentions = [mention for node in sorted(papers) for mention in _mentions(node, papers[node], coauthor_initials)]
    people = _Resolver(rules).resolve(mentions)
    names = {person: _usual_name(person) for person in people}
    ids = _node_ids(people, names)
    for node_id, person in ids.items():
        for mention in person.mentions:
            mention.node = node_id
    bylines: dict[str, list[str]] = {node: [] for node in papers}
    for mention in mentions:  # paper by paper, each in byline order
        bylines[mention.paper].append(mention.node)
    return Authorship(
        people={node_id: _attributes(person, names[person]) for node_id, person in ids.items()},
        bylines=bylines,
        sources={node: "pubmed" if paper.fetched else "registry" for node, paper in papers.items()},
    )


def _mentions(node: str, paper: Paper, coauthor_initials: int | None = None) -> list[Mention]:
    """The paper's authors; co-authors as surname + their first `coauthor_initials` initials (None: all)."""
    authors = paper.named_authors
    names = [_name_forms(author.last_name, author.fore_name, author.initials, author.collective) for author in authors]
    forms = frozenset((surname, initials[:coauthor_initials]) for (surname, _, initials, _, _), author in zip(names, authors)
                      if not author.collective)  # a group shared by two papers says nothing of who wrote them
    return [Mention(node, position, author, surname, (surname, given) if given else None, initials,
                    display_name, citation_name, coauthors=forms - {(surname, initials[:coauthor_initials])},
                    affiliations=frozenset(_folded_affiliation(text) for text in author.affiliations if text))
            for position, (author, (surname, given, initials, display_name, citation_name))
            in enumerate(zip(authors, names), start=1)]


@lru_cache(maxsize=1 << 16)  # the same names recur across a build's papers
def _name_forms(last_name: str, fore_name: str, initials: str, collective: str) -> tuple[str, str, str, str, str]:
    """Surname and given names without separators, and initials ("" when the record gives none),
    folded; and the name displayed and cited."""
    author = Author(last_name=last_name, fore_name=fore_name, initials=initials, collective=collective)
    return (fold(last_name).replace(" ", ""), "".join(author.given_names), author.folded_initials,
            author.display_name, author.citation_name)


@lru_cache(maxsize=1 << 16)  # a build's authors share a few thousand affiliations
def _folded_affiliation(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=1 << 16)
def _without_initials(fore_name: str) -> str:
    """The given names a middle initial may be dropped from: "John A" and "John" are "john"."""
    return "".join(word for word in fold(fore_name).split() if not is_initial(word))


class _Resolver:
    """Applies the rules in order: ORCID, full names, the middle initial, then initials-only forms."""

    def __init__(self, rules: Collection[str] = RULES) -> None:
        self.rules = rules
        self.people: list[Person] = []
        # people with an ORCID or a full name, by surname and by surname and the first letter of any
        # initials they print ("" for none): only those can fit an initials form
        self.by_surname: dict[str, list[Person]] = defaultdict(list)
        self.by_lead: dict[tuple[str, str], dict[Person, None]] = defaultdict(dict)

    def resolve(self, mentions: list[Mention]) -> list[Person]:
        groups, orcids, unkeyed = self._by_key(mentions)
        self.people += groups.values()
        for person in orcids.values():
            self._keep(person)
        with_orcid_by_name = defaultdict(list)
        for person in orcids.values():
            for name in {mention.full_name for mention in person.mentions if mention.full_name}:
                with_orcid_by_name[name].append(person)
        for cluster in _linked([mention for mention in unkeyed if mention.full_name], lambda m: m.full_name):
            self._by_full_name(cluster, with_orcid_by_name[cluster.mentions[0].full_name])
        if "middle-initial" in self.rules:
            self._by_middle_initial()
        initials_only = [mention for mention in unkeyed if not mention.full_name]
        if "record-by-record" in self.rules:
            initials_only = [mention for mention in initials_only if not self._by_initials(mention)]
        for cluster in _linked(initials_only, lambda m: (m.surname, m.initials)):
            if not self._by_initials(cluster):
                self.people.append(cluster)
        return self.people

    def _keep(self, person: Person) -> None:
        self.people.append(person)
        self.by_surname[person.mentions[0].surname].append(person)
        self._index(person)

    def _index(self, person: Person) -> None:
        """(Again) under each first letter of its initials: a person grows as it absorbs others."""
        for lead in {initials[:1] for initials in person.initials}:
            self.by_lead[person.mentions[0].surname, lead][person] = None

    def _candidates(self, surname: str, initials: str) -> list[Person]:
        """The people of that surname whose initials fit these."""
        people = ({**self.by_lead[surname, initials[0]], **self.by_lead[surname, ""]} if initials
                  else self.by_surname[surname])
        return [person for person in people if person.fits_initials(initials)]

    @staticmethod
    def _by_key(mentions: list[Mention]) -> tuple[dict[str, Person], dict[str, Person], list[Mention]]:
        """Group authors by name, the records carrying each ORCID, and the mentions left to read by name."""
        groups: dict[str, Person] = {}
        orcids: dict[str, Person] = {}
        unkeyed = []
        for mention in mentions:
            author = mention.author
            if author.collective:
                groups.setdefault(author_key(author), Person()).add(mention)
                continue
            person = orcids.setdefault(author.orcid, Person(orcid=author.orcid)) if author.orcid else None
            if person is not None and mention.paper not in person.papers:  # one ORCID twice on a paper: an error
                person.add(mention)
            else:
                unkeyed.append(mention)
        return groups, orcids, unkeyed

    def _by_full_name(self, cluster: Person, with_orcid: list[Person]) -> None:
        chosen = _chosen_by_evidence(cluster, with_orcid)
        if chosen:
            chosen[0].absorb(cluster, ["name", *chosen[1]])
            self._index(chosen[0])
        else:
            self._keep(cluster)

    def _by_middle_initial(self) -> None:
        """Each person of one full name without an ORCID into the person printing that name with more
        initials ("John Smith" into "John A Smith") the evidence points to, when it is strong."""
        by_name: dict[tuple[str, str], dict[Person, None]] = defaultdict(dict)  # (surname, names without initials)
        for people in self.by_surname.values():
            for person in people:
                for mention in person.mentions:
                    if mention.full_name:
                        by_name[mention.surname, _without_initials(mention.author.fore_name)][person] = None
        absorbed: set[Person] = set()
        for people in by_name.values():
            for person in [person for person in people if not person.orcid] if len(people) > 1 else ():
                initials = person.mentions[0].initials
                candidates = [other for other in people if other is not person and other not in absorbed and any(
                    len(known) > len(initials) and known.startswith(initials) for known in other.initials)]
                chosen = _chosen_by_evidence(person, candidates, MIDDLE_INITIAL_EVIDENCE)
                if chosen:
                    chosen[0].absorb(person, chosen[1])
                    absorbed.add(person)
                    self._forget(person)
                    self._index(chosen[0])

    def _forget(self, person: Person) -> None:
        """A person absorbed by another, out of the people and the indexes."""
        surname = person.mentions[0].surname
        self.people.remove(person)
        self.by_surname[surname].remove(person)
        for lead in {initials[:1] for initials in person.initials}:
            self.by_lead[surname, lead].pop(person, None)

    def _by_initials(self, cluster: Person | Mention) -> bool:
        """Into the person the evidence points to, if any; the order of candidates does not matter,
        as _chosen_by_evidence picks no one on a tie."""
        chosen = _chosen_by_evidence(cluster, self._candidates(cluster.mentions[0].surname, cluster.mentions[0].initials))
        if chosen:
            chosen[0].absorb(cluster, chosen[1])
            self._index(chosen[0])
        return chosen is not None


def _linked(mentions: list[Mention], name: Callable[[Mention], Hashable]) -> list[Person]:
    """Mentions of one name form tied together by evidence, directly or through other mentions."""
    by_name: dict[Hashable, list[Person]] = defaultdict(list)
    for mention in mentions:
        clusters = by_name[name(mention)]
        linked = [cluster for cluster in clusters
                  if mention.paper not in cluster.papers and cluster.has_evidence_with(mention)]
        if not linked:
            clusters.append(Person.of(mention))
            continue
        linked.sort(key=lambda cluster: -len(cluster.mentions))
        largest = linked[0]  # the others join it, so a growing person is never copied again
        largest.join(mention)
        for joining in linked[1:]:
            if largest.accepts(joining):
                largest.absorb(joining, largest.evidence_with(joining))
                clusters.remove(joining)
    return [person for clusters in by_name.values() for person in clusters]


def _chosen_by_evidence(cluster: Person | Mention, candidates: list[Person],
                        least: int = 1) -> tuple[Person, list[str]] | None:
    """The candidate the evidence points to: the only one with any, or the one with a clear lead;
    and only if its evidence weighs at least `least`."""
    supported = [(sum(evidence.values()), person, sorted(evidence)) for person in candidates
                 if person.accepts(cluster) and (evidence := person.evidence_with(cluster))]
    supported.sort(key=lambda item: -item[0])
    if not supported:
        return None
    strength, person, reasons = supported[0]
    if strength >= least and (len(supported) == 1 or strength >= max(CLEAR_LEAD * supported[1][0], CLEAR_LEAD)):
        return person, reasons
    return None


def _node_ids(people: list[Person], names: dict[Person, Author]) -> dict[str, Person]:
    """Readable ids; where two people share one, the one with most papers keeps it plain."""
    by_id: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_id[f"author:orcid:{person.orcid}" if person.orcid else author_key(names[person])].append(person)
    ids: dict[str, Person] = {}
    for plain, namesakes in by_id.items():
        if len(namesakes) > 1:
            namesakes.sort(key=lambda person: (-len(person.papers), person.first.paper, person.first.position))
        ids[plain] = namesakes[0]
        for person in namesakes[1:]:
            first = person.first
            ids[f"{plain}~{first.paper.removeprefix('pmid:').replace(':', '-')}-{first.position}"] = person
    return ids


def _usual_name(person: Person) -> Author:
    """The form most records print, full names before initials; on a tie, with diacritics, then longer."""
    if len(person.mentions) == 1:
        return person.mentions[0].author
    named = [mention for mention in person.mentions if mention.full_name or mention.author.collective]
    counts = Counter(mention.display_name for mention in named or person.mentions)
    best = max(counts, key=lambda name: (counts[name], not name.isascii(), len(name), name))
    return next(mention.author for mention in person.mentions if mention.display_name == best)


def _attributes(person: Person, usual_name: Author) -> dict:
    authors = [mention.author for mention in person.mentions]
    name = usual_name.display_name
    variants = [form for mention in person.mentions for form in (mention.display_name, mention.citation_name)
                if form]
    affiliations = [text for author in authors for text in author.affiliations if text]
    return {
        "type": "author",
        "label": name,
        "name": name,
        "orcid": person.orcid,
        "affiliations": list(dict.fromkeys(affiliations)),
        "papers": len(person.papers),
        "variants": list(dict.fromkeys(variants)),
        "identity": person.identity,
        "evidence": sorted(person.evidence),
    }
