"""Plain records that every stage passes along: trials, papers, authors, links.

Parsers produce these, the expander fills a Corpus with them, and the graph builders read
them. Nothing here touches the network or networkx.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import orjson

REFERENCE_KINDS = ("background", "result", "derived")
LINK_SOURCES = ("registry", "pubmed-si", "elink-refs", "elink-citedin", "elink-similar", "reference-list", "icite",
                "nih-occ")


@dataclass(frozen=True)
class CitationNames:
    """What a citation source's findings are called: on the `cites` edges it sees (through a
    paper's references, through the papers citing it), and in a paper's `link_data` when it knows
    the paper's references or the papers citing it ("" where it cannot know)."""

    refs_edge: str
    citedin_edge: str
    refs_data: str
    citedin_data: str


# The citation sources by the names users choose them with. ELink names its two directions apart
# (PMC's reference lists and PMC's citing papers cover different papers); NIH-OCC's references and
# citing papers are one set of links, whether read from iCite's API or from its snapshot in a store.
CITATION_SOURCES = {
    "elink": CitationNames("elink-refs", "elink-citedin", "elink-refs", "elink-citedin"),
    "icite": CitationNames("icite", "icite", "icite-refs", "icite-citedin"),
    "reference-list": CitationNames("reference-list", "", "reference-list", ""),
    "nih-occ": CitationNames("nih-occ", "nih-occ", "nih-occ-refs", "nih-occ-citedin"),
}


@dataclass
class Author:
    """One author as a record lists them. `collective` is set for group authors."""

    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective: str = ""
    orcid: str = ""
    affiliations: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        if self.collective:
            return self.collective
        if not self.fore_name:
            return self.citation_name  # "Sun L": initials before a surname read as a different name
        return f"{self.fore_name} {self.last_name}".strip()

    @property
    def citation_name(self) -> str:
        """The MEDLINE short form, "Sun L"."""
        if self.collective:
            return self.collective
        return " ".join(part for part in (self.last_name, self.initials) if part)

    @property
    def sort_name(self) -> str:
        """"Sun, Lingyun" (or "Sun, L"), the form reference managers file authors under."""
        if self.collective:
            return self.collective
        given = self.fore_name or self.initials
        return f"{self.last_name}, {given}" if given else self.last_name

    @property
    def has_name(self) -> bool:
        return bool(self.collective or self.last_name or self.fore_name)

    @property
    def given_names(self) -> list[str]:
        """Folded fore-name words; empty when the record gives initials only ("T C", "J.-A.", "Е. А.",
        see `is_initial`)."""
        words = fold(self.fore_name).split()
        return [] if all(is_initial(word) for word in words) else words

    @property
    def folded_initials(self) -> str:
        """Lower-case initials without spaces, "jy" for Ji-Young, from Initials or else the fore name."""
        return fold(self.initials).replace(" ", "") or "".join(word[0] for word in fold(self.fore_name).split())


@dataclass
class Paper:
    """A paper node. `fetched` is False for papers known only from a citation or a link."""

    pmid: str = ""
    title: str = ""
    journal: str = ""
    year: int | None = None
    doi: str = ""
    pmcid: str = ""
    authors: list[Author] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    retracted: bool = False
    abstract: str = ""  # as PubMed's MEDLINE format gives it: "BACKGROUND: ... METHODS: ..."
    languages: list[str] = field(default_factory=list)  # MEDLINE's codes: "eng", "fre"
    citation: str = ""  # free-text citation, for references without a PubMed record
    is_book: bool = False
    references: list[str] = field(default_factory=list)  # cited PMIDs from the record's reference list
    trial_ids: list[str] = field(default_factory=list)  # NCT numbers in the record's DataBankList
    fetched: bool = False

    @property
    def node_id(self) -> str:
        return paper_node_id(self.pmid, self.citation)

    @property
    def named_authors(self) -> list[Author]:
        """The byline without nameless entries: the authors `Authorship.bylines` resolves, in order."""
        return [author for author in self.authors if author.has_name]


@dataclass
class Impact:
    """What NIH's iCite says of a paper, across all of PubMed: None where it says nothing."""

    citation_count: int | None = None  # papers in PubMed citing it
    rcr: float | None = None  # relative citation ratio: 1.0 is the median NIH-funded paper of its field and year
    nih_percentile: float | None = None  # its RCR's percentile among NIH-funded papers
    apt: float | None = None  # approximate potential to translate: the chance clinical articles will cite it
    is_clinical: bool | None = None  # a clinical article itself (trial, guideline...)
    clinical_citations: list[str] = field(default_factory=list)  # PMIDs of the clinical articles citing it

    @property
    def cited_by_clinical(self) -> int:
        return len(self.clinical_citations)


@dataclass
class PaperLinks:
    """What one citation source knows of one paper's links. None is "not known", never "none":
    a source that holds no reference list of a paper has not said that it cites nothing."""

    pmid: str
    references: list[str] | None = None  # PMIDs it cites
    citing: list[str] | None = None  # PMIDs citing it
    similar: list[str] | None = None  # PubMed's similar articles
    impact: Impact | None = None
    error: str = ""  # the source could not answer for this paper


@dataclass
class TrialReference:
    """A reference as the registry lists it: the kind is kept exactly as registered."""

    kind: str
    citation: str = ""
    pmid: str = ""
    retracted: bool = False

    @property
    def node_id(self) -> str:
        return paper_node_id(self.pmid, self.citation)


@dataclass
class Official:
    name: str
    role: str = ""
    affiliation: str = ""


@dataclass
class Trial:
    nct_id: str
    title: str = ""
    official_title: str = ""
    status: str = ""
    phase: str = ""
    conditions: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    sponsor: str = ""
    start_date: str = ""
    completion_date: str = ""
    enrollment: int | None = None
    officials: list[Official] = field(default_factory=list)
    references: list[TrialReference] = field(default_factory=list)
    source: str = ""  # where the record came from: a file name or the registry URL

    @property
    def node_id(self) -> str:
        return f"nct:{self.nct_id}"


@dataclass
class Problem:
    """Something that could not be fetched or read, kept for the summary and the warning."""

    what: str
    reason: str
    ids: list[str] = field(default_factory=list)
    service: str = ""  # the key of the service asked (eutils, icite), when one was


@dataclass
class Corpus:
    """Everything one build knows: what the records said and what E-utilities answered."""

    trials: dict[str, Trial] = field(default_factory=dict)
    papers: dict[str, Paper] = field(default_factory=dict)  # keyed by paper node id
    # (citing node id, cited node id) -> sources that saw the citation (a frozenset once expanded)
    cites: dict[tuple[str, str], set[str] | frozenset[str]] = field(default_factory=dict)
    # unordered pair (sorted) -> sources; PubMed "similar articles"
    similar: dict[tuple[str, str], set[str] | frozenset[str]] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)  # paper node id -> hops from the seeds
    seeds: set[str] = field(default_factory=set)  # paper node ids listed by a trial or the user
    # NCT id -> paper node ids whose PubMed record names the trial (DataBankList / [si] search)
    pubmed_si: dict[str, set[str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # PMIDs asked of PubMed and not returned
    # paper node id -> which sources know its references or citing papers (`CitationNames`' data
    # names: elink-refs, icite-citedin, reference-list...); a fetched paper absent here has no
    # citation data in any source asked
    link_sources: dict[str, set[str]] = field(default_factory=dict)
    impact: dict[str, Impact] = field(default_factory=dict)  # paper node id -> what iCite says of it
    truncated: int = 0  # papers left out because of max_papers
    # requests per wave, the fewest each could take: a wave needs the answers of the one before (the
    # registry and searches, then each level of papers), so these are the dependent steps of a build
    waves: list[int] = field(default_factory=list)
    wave_calls: list[dict[str, int]] = field(default_factory=list)  # each wave's requests by call (efetch, icite...)
    ids_asked: int = 0  # PMIDs sent to each call, summed: a per-PMID client's request count
    problems: list[Problem] = field(default_factory=list)

    @property
    def planned_requests(self) -> int:
        """The fewest requests this build could take: one per full batch."""
        return sum(self.waves)

    def add_wave(self, calls: dict[str, int]) -> None:
        """One wave of requests that need nothing from each other, by call."""
        self.wave_calls.append({call: count for call, count in calls.items() if count})
        self.waves.append(sum(calls.values()))

    def add_cite(self, citing: str, cited: str, source: str) -> None:
        if citing != cited:
            _add_source(self.cites, (citing, cited), source)

    def add_trial_paper(self, nct_id: str, node: str) -> None:
        """PubMed says `node` reports the trial: its record carries the NCT number."""
        if nct_id in self.trials:
            self.pubmed_si.setdefault(nct_id, set()).add(node)

    def add_similar(self, a: str, b: str, source: str = "elink-similar") -> None:
        if a != b:
            _add_source(self.similar, tuple(sorted((a, b))), source)


def _add_source(links: dict, pair: tuple[str, str], source: str) -> None:
    """One more source of a link, as a new set: an expanded corpus shares one frozenset between
    the links with the same sources, so none is changed in place."""
    links[pair] = links.get(pair, frozenset()) | {source}


@dataclass(frozen=True)
class LibraryRecord:
    """What a record of the reviewer's library says that can tell a paper (litgraph.sources.library
    reads them); any of these may be empty."""

    pmid: str = ""
    doi: str = ""
    title: str = ""
    year: int | None = None
    first_author: str = ""  # the first author as the record names them: "Sun, Lingyun", "Sun L"
    where: str = ""  # "zotero.ris, record 12": said beside a match


def normal_doi(text: str) -> str:
    """"https://doi.org/10.1000/ABC." -> "10.1000/abc": DOIs are case-insensitive."""
    match = re.search(r"10\.\d{4,9}/\S+", text or "")
    return match.group().rstrip(".,;)]}").lower() if match else ""


def normal_title(text: str) -> str:
    """Letters and digits alone, folded: case, diacritics, markup, punctuation and spaces aside, as
    exports drop hyphens with or without the space ("Age-related" -> "agerelated", "AGERELATED")."""
    return fold(re.sub(r"<[^>]+>", " ", text or "")).replace(" ", "")


def canonical_bytes(corpus: Corpus) -> bytes:
    """The corpus as bytes that are equal exactly when two corpora are: sets sorted, dict order
    kept where it matters (papers are in graph order)."""
    return orjson.dumps({
        "trials": list(corpus.trials.values()),
        "papers": list(corpus.papers.values()),
        "cites": [[*pair, sorted(sources)] for pair, sources in corpus.cites.items()],
        "similar": [[*pair, sorted(sources)] for pair, sources in corpus.similar.items()],
        "depth": corpus.depth,
        "seeds": sorted(corpus.seeds),
        "pubmed_si": {nct_id: sorted(nodes) for nct_id, nodes in corpus.pubmed_si.items()},
        "link_sources": {node: sorted(sources) for node, sources in corpus.link_sources.items()},
        "impact": corpus.impact,
        "missing": corpus.missing,
        "problems": corpus.problems,
    }, option=orjson.OPT_SORT_KEYS)


def is_initial(word: str) -> bool:
    """One folded letter of a script with capitals ("j", "е"); "伟" is a whole given name."""
    return len(word) == 1 and word != word.upper()


def initials_fit(first: str, second: str) -> bool:
    """Folded initials of one person: "j" fits "ja" and the other way round, as one record may drop
    a middle initial."""
    return first.startswith(second) or second.startswith(first)


def paper_node_id(pmid: str, citation: str = "") -> str:
    """`pmid:N`, or `ref:<hash>` for a reference that has no PMID, so nothing listed is dropped."""
    if pmid:
        return f"pmid:{pmid}"
    normalised = " ".join(citation.lower().split())
    return "ref:" + hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:12]


# Latin letters NFKD leaves whole, which fold to ASCII as their plain forms ("Jørgensen" -> "jorgensen").
_UNDECOMPOSED = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
                               "ı": "i", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th",
                               "Þ": "Th"})
# Marks a name is spelt with or without: the diacritics of Latin, Greek and Cyrillic letters, Hebrew
# points and Arabic vowel signs. The vowel signs of Indic scripts, kana voicing marks and the like
# are letters' parts and stay.
_OPTIONAL_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                             "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
                             "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]")


@lru_cache(maxsize=1 << 16)  # names and affiliations repeat across a build's papers
def fold(text: str) -> str:
    """A name as it is compared: lower case, diacritics dropped ("Jørgensen" -> "jorgensen", "Ελένη" ->
    "ελενη"), letters and digits of every script kept ("王小明"), anything else a word break.

    Text with no letter or digit at all folds to its UTF-8 bytes in hex after "#" ("?" -> "#3f"), a
    form no lettered name folds to, so it is never the empty key; only blank text folds to "".
    """
    if text.isascii():
        folded = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    else:
        decomposed = _OPTIONAL_MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).casefold()))
        kept = "".join(char if unicodedata.category(char)[0] in "LNM" else " " for char in decomposed)
        folded = " ".join(unicodedata.normalize("NFC", kept).split())
    if folded or text.isspace() or not text:
        return folded
    return "#" + text.strip().encode("utf-8").hex()


def author_key(author: Author) -> str:
    """The node id an author's own record gives them, before `litgraph.authors` decides who is who.

    `author:orcid:<ORCID>` when the record has one; `author:group:<name>` for a group author; else
    the folded surname and fore name, `author:sun_lingyun`, or the initials when the record gives
    nothing more, `author:sun_l`. Words within a part are joined by "-": `author:kim_ji-young`.
    """
    if author.orcid:
        return f"author:orcid:{author.orcid}"
    if author.collective:
        return "author:group:" + fold(author.collective).replace(" ", "-")
    given = "-".join(author.given_names) or author.folded_initials
    return "author:" + "_".join(part for part in (fold(author.last_name).replace(" ", "-"), given) if part)
