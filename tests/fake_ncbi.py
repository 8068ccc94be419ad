"""A local stand-in for NCBI E-utilities and the ClinicalTrials.gov API v2, for tests and benchmarks.

Every answer has the shape of a real one (root element, DOCTYPE, nesting, attribute names), modelled
on the recorded responses in shared/fixtures. It serves three kinds of data:

* a synthetic corpus from `corpus.py`, rendered to PubMed XML on the fly (or, for benchmarks, once
  ahead into a file beside the corpus: `RenderedAnswers`);
* real fixture files: PubmedArticleSet files split into their articles byte for byte, eLinkResult
  files indexed by input id, v2 study JSON by nctId;
* whatever a test adds (`add_article_xml`, `add_links`, `add_study`, `add_search`);
* NIH iCite's `GET /api/pubs?pmids=…` over the corpus, each record built with exactly the keys of
  the real record in shared/fixtures/icite (read when the server starts; found through
  LITGRAPH_FIXTURES like the tests' fixtures), plus the real record itself.

Citations are only partly visible, and differently to each source, as they are for real: ELink's
refs/citedin only through papers in PMC, reference lists in EFetch records for the papers whose
publisher deposited one (~60%), iCite's references for PMC papers and a share of the others
(~62% in all), iCite records for all but ~3% of papers. `full_citations=True` makes ELink and
iCite know every paper's references, as if every paper were in PMC.

It can also misbehave the way the real services do: NCBI's 3-requests/second rule (429 with the
JSON body), added latency, and injected faults (5xx, slow answers, truncated bodies, <ERROR> inside
an HTTP 200, the rate-limit JSON with status 200, dropped connections). Every request is logged.
What it does not implement (other databases, retmode=json, ELink commands other than neighbor,
ESummary...) answers HTTP 501 in plain text, so a gap in the fake never passes for NCBI behaviour.

    with FakeNCBI(corpus=corpus.generate(500), rate_limit=3) as server:
        requests.get(f"{server.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": "30000002"})

Standalone: `python tests/fake_ncbi.py --corpus DIR --port 8765 --rate-limit 3 --latency 0.1` prints
LITGRAPH_EUTILS_URL=..., LITGRAPH_CTGOV_URL=... and LITGRAPH_ICITE_URL=... and serves until killed. From a bench script:

    spec = importlib.util.spec_from_file_location("fake_ncbi", "tests/fake_ncbi.py")
    fake_ncbi = sys.modules["fake_ncbi"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fake_ncbi)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import hashlib
import itertools
import json
import os
import re
import signal
import sqlite3
import sys
import threading
import time
import traceback
import uuid
import xml.etree.ElementTree as ElementTree
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

try:
    import corpus as corpus_model
except ModuleNotFoundError:  # imported by path from a bench script: corpus.py sits next to this file
    sys.path.append(str(Path(__file__).resolve().parent))
    import corpus as corpus_model

# ---------------------------------------------------------------------------------------------
# Prologs, copied from real answers (see shared/fixtures/README.md for the source of each)
# ---------------------------------------------------------------------------------------------

PUBMED_PROLOG = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
).encode()
ESEARCH_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
ELINK_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink 20101123//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
)
EPOST_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE ePostResult PUBLIC "-//NLM//DTD epost 20090526//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20090526/epost.dtd">'
)
# EFetch reports errors in its own root element (seen in a real 400 answer, massimoaria/pubmedR#7).
EFETCH_ERROR_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eEfetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
)
ERROR_ROOTS = {
    "efetch": ("eFetchResult", EFETCH_ERROR_PROLOG),
    "esearch": ("eSearchResult", ESEARCH_PROLOG),
    "elink": ("eLinkResult", ELINK_PROLOG),
    "epost": ("ePostResult", EPOST_PROLOG),
}
XML_TYPE = "text/xml; charset=UTF-8"
EUTILS = {"efetch.fcgi": "efetch", "elink.fcgi": "elink", "esearch.fcgi": "esearch", "epost.fcgi": "epost"}
EUTILITY_ENDPOINTS = frozenset(EUTILS.values())
# Real databases this fake does not serve answer 501, unknown names get NCBI's "Invalid db name".
OTHER_NCBI_DBS = {"pmc", "gene", "protein", "nuccore", "nucleotide", "taxonomy", "mesh", "books", "structure",
                  "snp", "clinvar", "medgen", "biosample", "sra", "omim", "nlmcatalog", "all"}
PUBMED_SEARCH_WINDOW = 9999  # PubMed ESearch serves records 0..9998 only (retstart > 9998 is an error)
RETSTART_ERROR = (
    "Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. For PubMed, ESearch can only "
    "retrieve the first 9,999 records matching the query. To obtain more than 9,999 PubMed records, consider "
    "using EDirect that contains additional logic to batch PubMed search results automatically so that an "
    "arbitrary number can be retrieved. For details see https://www.ncbi.nlm.nih.gov/books/NBK25499/"
)
MAX_UID = 2**64 - 1
SI_TERM = re.compile(r"\s*(NCT\d{8})\s*\[(?:si|secondary source id)\]\s*", re.IGNORECASE)
NCT_ID = re.compile(r"NCT(\d{1,8})", re.IGNORECASE)
ARTICLE_CHUNK = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.DOTALL)
FIRST_PMID = re.compile(rb"<PMID[^>]*>\s*(\d+)\s*</PMID>")
NCT_ACCESSION = re.compile(rb"<AccessionNumber>\s*(NCT\d{8})\s*</AccessionNumber>")
ROOT_TAG = re.compile(rb"<([A-Za-z][^\s/>]*)")
ICITE_FIXTURE = Path("icite") / "needle_in_a_haysack_icite_api_pubs_32162448.json"
ICITE_MAX_PMIDS = 1000  # iCite's documented cap per request
ICITE_REFERENCES_BEYOND_PMC = 0.3  # share of non-PMC papers whose references iCite has (Crossref, text mining)
ICITE_MISSING = 0.03  # share of papers iCite holds no record of
CLINICAL_TYPES = {"Randomized Controlled Trial", "Clinical Trial, Phase III"}


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _xml_reply(text: str, status: int = 200) -> Reply:
    return Reply(status, XML_TYPE, text.encode())


def _text_reply(status: int, text: str) -> Reply:
    return Reply(status, "text/plain", text.encode())


def _error_xml(endpoint: str, *messages: str) -> str:
    """<ERROR> inside the endpoint's real root element (epost2/3, esearch.baderror, elink)."""
    root, prolog = ERROR_ROOTS[endpoint]
    errors = "".join(f"\n\t<ERROR>{_escape(message)}</ERROR>" for message in messages)
    return f"{prolog}<{root}>{errors}\n</{root}>\n"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape(text: str) -> str:
    """XML text the way NCBI writes it: markup escaped, non-ASCII as hex character references."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text if text.isascii() else _NON_ASCII.sub(_char_reference, text)


def _char_reference(match: re.Match) -> str:
    return f"&#x{ord(match.group()):x};"


# ---------------------------------------------------------------------------------------------
# PubMed XML for corpus papers
# ---------------------------------------------------------------------------------------------

class ArticleRenderer:
    """Renders `corpus.Paper` records as <PubmedArticle> elements shaped like 2025 EFetch output."""

    def __init__(self, corpus: corpus_model.Corpus) -> None:
        self.corpus = corpus
        self.xml = functools.lru_cache(maxsize=8192)(self.render)  # ~8 kB each: repeats are cheap, memory bounded
        self._references: dict[int, str] = {}  # <Reference> per cited PMID; well-cited papers recur constantly

    def render(self, pmid: int) -> bytes:
        paper = self.corpus.papers[pmid]
        return "".join((
            "<PubmedArticle>", self._medline_citation(paper), self._pubmed_data(paper), "</PubmedArticle>",
        )).encode()

    def _medline_citation(self, paper: corpus_model.Paper) -> str:
        medline = paper.status == "MEDLINE"
        method = ' IndexingMethod="Automated"' if medline else ""
        completed = _date_element("DateCompleted", *_months_later(paper, 3)) if medline else ""
        return "".join((
            f'<MedlineCitation Status="{paper.status}" Owner="NLM"{method}><PMID Version="1">{paper.pmid}</PMID>',
            completed, _date_element("DateRevised", *_months_later(paper, 14)),
            self._article(paper), self._journal_info(paper), "<CitationSubset>IM</CitationSubset>" if medline else "",
            self._comments_corrections(paper), _mesh_headings(paper), "</MedlineCitation>",
        ))

    def _article(self, paper: corpus_model.Paper) -> str:
        issn, title, iso = _journal_names(paper.journal)
        volume, issue, first, last = corpus_model.issue_details(paper)
        doi = f'<ELocationID EIdType="doi" ValidYN="Y">{_escape(paper.doi)}</ELocationID>' if paper.doi else ""
        return "".join((
            '<Article PubModel="Print-Electronic"><Journal>',
            f'<ISSN IssnType="Electronic">{issn}</ISSN><JournalIssue CitedMedium="Internet">',
            f"<Volume>{volume}</Volume><Issue>{issue}</Issue><PubDate><Year>{paper.year}</Year>",
            f"<Month>{corpus_model.MONTHS[paper.month - 1]}</Month></PubDate></JournalIssue>",
            f"<Title>{title}</Title><ISOAbbreviation>{iso}</ISOAbbreviation>",
            f"</Journal><ArticleTitle>{_escape(paper.title)}</ArticleTitle>",
            f"<Pagination><StartPage>{first}</StartPage><EndPage>{last}</EndPage>",
            f"<MedlinePgn>{first}-{last}</MedlinePgn></Pagination>", doi, _abstract(paper),
            self._authors(paper), "<Language>eng</Language>", _databanks(paper), _publication_types(tuple(paper.types)),
            _date_element("ArticleDate", paper.year, paper.month, paper.day, ' DateType="Electronic"'), "</Article>",
        ))

    def _authors(self, paper: corpus_model.Paper) -> str:
        if not paper.authors and not paper.collective:
            return ""  # e.g. retraction notices
        entries = [self._author(pid, affiliation, flags) for pid, affiliation, flags in paper.authors]
        if paper.collective:
            entries.append(f'<Author ValidYN="Y"><CollectiveName>{_escape(paper.collective)}</CollectiveName></Author>')
        return f'<AuthorList CompleteYN="Y">{"".join(entries)}</AuthorList>'

    @functools.lru_cache(maxsize=200_000)
    def _author(self, person_id: int, affiliation: int, flags: int) -> str:
        view = corpus_model.author_view(self.corpus.people[person_id], affiliation, flags)
        orcid = f'<Identifier Source="ORCID">{view.orcid}</Identifier>' if view.orcid else ""
        return (f'<Author ValidYN="Y"><LastName>{_escape(view.last)}</LastName><ForeName>{_escape(view.fore)}'
                f'</ForeName><Initials>{_escape(view.initials)}</Initials>{orcid}<AffiliationInfo><Affiliation>'
                f'{_escape(view.affiliation)}</Affiliation></AffiliationInfo></Author>')

    @staticmethod
    def _journal_info(paper: corpus_model.Paper) -> str:
        country = corpus_model.JOURNALS[paper.journal].country
        return (f"<MedlineJournalInfo><Country>{country}</Country>"
                f"<MedlineTA>{_journal_names(paper.journal)[2]}</MedlineTA></MedlineJournalInfo>")

    def _comments_corrections(self, paper: corpus_model.Paper) -> str:
        cards = self.corpus.index.cards
        if paper.retraction_in:
            ref_type, other = "RetractionIn", cards[paper.retraction_in]
        elif paper.retraction_of:
            ref_type, other = "RetractionOf", cards[paper.retraction_of]
        else:
            return ""
        source = corpus_model.short_citation(other) + (f". doi: {other.doi}." if other.doi else ".")
        return (f'<CommentsCorrectionsList><CommentsCorrections RefType="{ref_type}"><RefSource>{_escape(source)}'
                f'</RefSource><PMID Version="1">{other.pmid}</PMID></CommentsCorrections></CommentsCorrectionsList>')

    def _pubmed_data(self, paper: corpus_model.Paper) -> str:
        ids = [f'<ArticleId IdType="pubmed">{paper.pmid}</ArticleId>']
        if paper.pmcid:
            ids.append(f'<ArticleId IdType="pmc">{paper.pmcid}</ArticleId>')
        if paper.doi:
            ids.append(f'<ArticleId IdType="doi">{_escape(paper.doi)}</ArticleId>')
        return "".join((
            "<PubmedData>", _history(paper), "<PublicationStatus>ppublish</PublicationStatus>",
            f"<ArticleIdList>{''.join(ids)}</ArticleIdList>", self._reference_list(paper), "</PubmedData>",
        ))

    def _reference_list(self, paper: corpus_model.Paper) -> str:
        if not paper.refs_deposited or not (paper.refs or paper.extra_refs):
            return ""
        known = self._references
        entries = [known.get(pmid) or self._reference(pmid) for pmid in paper.refs]
        entries += [f"<Reference><Citation>{_escape(_outside_pubmed(paper, n))}</Citation></Reference>"
                    for n in range(paper.extra_refs)]
        return f"<ReferenceList>{''.join(entries)}</ReferenceList>"

    def _reference(self, pmid: int) -> str:
        cited = self.corpus.index.cards[pmid]
        ids = f'<ArticleId IdType="doi">{_escape(cited.doi)}</ArticleId>' if cited.doi else ""
        ids += f'<ArticleId IdType="pmc">{cited.pmcid}</ArticleId>' if cited.pmcid else ""
        reference = self._references[pmid] = (
            f"<Reference><Citation>{_escape(corpus_model.short_citation(cited))}</Citation>"
            f'<ArticleIdList>{ids}<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></Reference>')
        return reference


def _months_later(paper: corpus_model.Paper, months: int) -> tuple[int, int, int]:
    index = paper.year * 12 + paper.month - 1 + months
    return index // 12, index % 12 + 1, paper.day


def _date_element(name: str, year: int, month: int, day: int, attributes: str = "") -> str:
    return f"<{name}{attributes}><Year>{year}</Year><Month>{month:02d}</Month><Day>{day:02d}</Day></{name}>"


def _abstract(paper: corpus_model.Paper) -> str:
    sections = corpus_model.abstract_of(paper)
    if not sections:
        return ""
    texts = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{label}">{_escape(text)}</AbstractText>' if label
        else f"<AbstractText>{_escape(text)}</AbstractText>"
        for label, text in sections
    )
    return f"<Abstract>{texts}</Abstract>"


def _databanks(paper: corpus_model.Paper) -> str:
    if not paper.nct:
        return ""
    numbers = "".join(f"<AccessionNumber>{nct}</AccessionNumber>" for nct in paper.nct)
    return (f'<DataBankList CompleteYN="Y"><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>'
            f"<AccessionNumberList>{numbers}</AccessionNumberList></DataBank></DataBankList>")


# The small vocabularies below recur in every record, so their XML is built once.

@functools.cache
def _journal_names(journal: int) -> tuple[str, str, str]:
    """ISSN, title and ISO abbreviation of a journal, escaped."""
    entry = corpus_model.JOURNALS[journal]
    return entry.issn, _escape(entry.title), _escape(entry.iso)


@functools.cache
def _publication_types(types: tuple[str, ...]) -> str:
    entries = "".join(f'<PublicationType UI="{corpus_model.PUBLICATION_TYPES[name]}">{_escape(name)}'
                      f"</PublicationType>" for name in sorted(types))
    return f"<PublicationTypeList>{entries}</PublicationTypeList>"


def _mesh_headings(paper: corpus_model.Paper) -> str:
    if not paper.mesh:
        return ""
    return f"<MeshHeadingList>{''.join(_mesh_heading(*heading) for heading in paper.mesh)}</MeshHeadingList>"


@functools.cache
def _mesh_heading(descriptor: str, qualifier: str, major: int) -> str:
    """A major topic is flagged on its qualifier when it has one, as MEDLINE does."""
    name = _escape(corpus_model.MESH[descriptor])
    flag = "Y" if major else "N"
    if not qualifier:
        return (f'<MeshHeading><DescriptorName UI="{descriptor}" MajorTopicYN="{flag}">{name}</DescriptorName>'
                f"</MeshHeading>")
    return (f'<MeshHeading><DescriptorName UI="{descriptor}" MajorTopicYN="N">{name}</DescriptorName>'
            f'<QualifierName UI="{qualifier}" MajorTopicYN="{flag}">{corpus_model.QUALIFIERS[qualifier]}'
            f"</QualifierName></MeshHeading>")


def _history(paper: corpus_model.Paper) -> str:
    def stamp(status: str, year: int, month: int, day: int, clock: bool = True) -> str:
        time_of_day = "<Hour>6</Hour><Minute>0</Minute>" if clock else ""
        return (f'<PubMedPubDate PubStatus="{status}"><Year>{year}</Year><Month>{month}</Month><Day>{day}</Day>'
                f"{time_of_day}</PubMedPubDate>")

    received = _months_later(paper, -4)
    accepted = _months_later(paper, -1)
    published = (paper.year, paper.month, paper.day)
    return "".join((
        "<History>", stamp("received", *received, clock=False), stamp("accepted", *accepted, clock=False),
        stamp("pubmed", *published), stamp("medline", *_months_later(paper, 3)), stamp("entrez", *published),
        "</History>",
    ))


def _outside_pubmed(paper: corpus_model.Paper, n: int) -> str:
    """A reference to something PubMed does not index: only its citation text is deposited."""
    year = paper.year - 1 - (paper.pmid + n) % 9
    return f"World Health Organization. Global report {n + 1} on health statistics. Geneva: WHO; {year}."


# ---------------------------------------------------------------------------------------------
# What the server knows
# ---------------------------------------------------------------------------------------------

class DataStore:
    """Articles, links, searches and studies, from a corpus, fixture files and test additions."""

    def __init__(self, corpus: corpus_model.Corpus | None, icite_template: dict | None = None,
                 full_citations: bool = False) -> None:
        self.corpus = corpus
        self.renderer = ArticleRenderer(corpus) if corpus else None
        self.icite_template = icite_template  # the real record whose keys every corpus record has
        self.full_citations = full_citations
        self.icite_records: dict[int, dict] = {}  # real iCite records, served as they are
        self.raw_articles: dict[int, bytes] = {}
        self.extra_links: dict[int, dict[str, list[int]]] = defaultdict(dict)
        self.extra_databank: dict[str, set[int]] = defaultdict(set)
        self.searches: dict[str, list[int]] = {}
        self.studies: dict[str, dict] = dict(corpus.studies) if corpus else {}
        self.rendered: RenderedAnswers | None = None  # the corpus's answers rendered ahead, if asked for

    def article(self, pmid: int) -> bytes | None:
        raw = self.raw_articles.get(pmid)
        if raw is None and self.corpus and pmid in self.corpus.papers:
            return self.rendered.article(pmid) if self.rendered else self.renderer.xml(pmid)
        return raw

    def rendered_linkset(self, pmid: int) -> str | None:
        """The one-id LinkSet with every link type rendered ahead, if it is and no test changed its links."""
        if self.rendered is None or pmid in self.extra_links:
            return None
        return self.rendered.linkset(pmid)

    def links(self, pmid: int) -> dict[str, list[int]]:
        """Link name -> linked PMIDs, as NCBI would list them for this one input id."""
        found: dict[str, list[int]] = {}
        if self.corpus and pmid in self.corpus.papers:
            found = self._corpus_links(pmid)
        found.update(self.extra_links.get(pmid, {}))
        return found

    def _corpus_links(self, pmid: int) -> dict[str, list[int]]:
        paper = self.corpus.papers[pmid]
        similar = [pmid] + self.corpus.similar(pmid)  # NCBI lists the paper itself first
        found = {"pubmed_pubmed": similar, "pubmed_pubmed_five": similar[:5]}
        if (paper.pmcid or self.full_citations) and paper.refs:  # reference lists come from PMC full text
            found["pubmed_pubmed_refs"] = sorted(paper.refs, reverse=True)
        cards = self.corpus.index.cards
        citers = sorted((citer for citer in paper.cited_by if cards[citer].pmcid or self.full_citations), reverse=True)
        if citers:  # "cited in PMC articles": only citing papers in PMC count
            found["pubmed_pubmed_citedin"] = citers
        return found

    def icite_json(self, pmid: int) -> bytes | None:
        """iCite's record of a PMID as its answer writes it (compact JSON), or None."""
        if self.rendered and pmid not in self.icite_records:
            return self.rendered.icite(pmid)
        record = self.icite_record(pmid)
        return None if record is None else json.dumps(record, separators=(",", ":")).encode()

    def icite_record(self, pmid: int) -> dict | None:
        """iCite's record of a PMID: a real one, or one made for a corpus paper iCite holds."""
        if pmid in self.icite_records:
            return self.icite_records[pmid]
        return self._icite_record(pmid) if self.icite_holds(pmid) else None

    def icite_holds(self, pmid: int) -> bool:
        """iCite has a record of the corpus paper (all but a share of them)."""
        return bool(self.corpus) and pmid in self.corpus.papers and _share(pmid, "icite-holds") >= ICITE_MISSING

    def icite_knows_references(self, pmid: int) -> bool:
        """NIH-OCC has the paper's references: from PMC, or (for a share of the rest) Crossref and text mining."""
        return self.full_citations or pmid in self._icite_referenced

    @functools.cached_property
    def _icite_referenced(self) -> set[int]:
        """The corpus papers whose references NIH-OCC has, drawn once: every iCite record asks it of
        each of its citing papers, thousands for a famous paper."""
        return {pmid for pmid, card in self.corpus.index.cards.items()
                if card.pmcid or _share(pmid, "icite-refs") < ICITE_REFERENCES_BEYOND_PMC}

    def _icite_record(self, pmid: int) -> dict:
        """A corpus paper's record with the real record's keys, in its order (a key the real record
        has and this lacks is a KeyError: loud, never a record of another shape)."""
        paper = self.corpus.papers[pmid]
        cards = self.corpus.index.cards
        citers = sorted(citer for citer in paper.cited_by if self.icite_knows_references(citer))
        clinical = [citer for citer in citers if self._clinical(citer)]
        descriptors = {heading[0] for heading in paper.mesh}
        human, animal = int("D006801" in descriptors), int(bool(descriptors & {"D000818", "D051379"}))
        cellular = int(not human and not animal)
        field_rate = 1.5 + (paper.subtopic % 5) * 0.4
        expected = field_rate * 0.6
        per_year = len(citers) / max(1, corpus_model.LAST_YEAR + 1 - paper.year)
        ratio = per_year / expected
        people = self.corpus.people
        values = {
            "_id": str(pmid), "animal": animal,
            "authors": [{"lastName": people[pid].last, "fullName": f"{people[pid].last}, {people[pid].fore}",
                         "firstName": people[pid].fore} for pid, _, _ in paper.authors],
            "doi": paper.doi, "human": human, "pmid": pmid, "title": paper.title,
            "apt": 0.95 if clinical else 0.75 if human else 0.25 if animal else 0.05,
            "citedByClinicalArticle": bool(clinical),
            "citedByPmidsByYear": [{str(citer): cards[citer].year} for citer in citers],
            "year": paper.year, "journal": corpus_model.JOURNALS[paper.journal].iso,
            "is_research_article": "Review" not in paper.types, "citation_count": len(citers),
            "field_citation_rate": field_rate, "expected_citations_per_year": expected, "citations_per_year": per_year,
            "relative_citation_ratio": ratio, "nih_percentile": round(100 * ratio / (ratio + 1), 1),
            "molecular_cellular": cellular, "x_coord": animal - cellular, "y_coord": human,
            "is_clinical": self._clinical(pmid), "cited_by_clin": clinical, "cited_by": citers,
            "references": sorted(paper.refs) if self.icite_knows_references(pmid) else [],
            "provisional": paper.year >= corpus_model.LAST_YEAR - 1,
        }
        return {key: values[key] for key in self.icite_template}

    def _clinical(self, pmid: int) -> bool:
        return pmid in self._clinical_papers

    @functools.cached_property
    def _clinical_papers(self) -> set[int]:
        """The corpus's clinical articles, found once: a famous paper has thousands of citers to sort."""
        return corpus_model.papers_of_type(self.corpus.papers, CLINICAL_TYPES)

    def databank_papers(self, nct: str) -> list[int]:
        """Papers whose DataBankList carries the NCT number, newest first (PubMed's default order)."""
        found = set(self.extra_databank.get(nct, ()))
        if self.corpus:
            found.update(self.corpus.index.databank.get(nct, ()))
        return sorted(found, reverse=True)

    def add_article_xml(self, xml: str | bytes) -> list[int]:
        data = xml.encode() if isinstance(xml, str) else xml
        added = []
        for chunk in ARTICLE_CHUNK.finditer(data):
            article = chunk.group()
            pmid = int(FIRST_PMID.search(article).group(1))
            self.raw_articles[pmid] = article
            for nct in NCT_ACCESSION.findall(article):
                self.extra_databank[nct.decode()].add(pmid)
            added.append(pmid)
        if not added:
            raise ValueError("no <PubmedArticle> or <PubmedBookArticle> element found")
        return added

    def add_linksets_xml(self, data: bytes) -> None:
        """Index an eLinkResult by input id; a LinkSet of several inputs cannot be attributed, so skip it."""
        for linkset in ElementTree.fromstring(data).iter("LinkSet"):
            ids = [element.text.strip() for element in linkset.findall("IdList/Id")]
            if linkset.findtext("DbFrom") != "pubmed" or len(ids) != 1:
                continue
            for linkset_db in linkset.findall("LinkSetDb"):
                if linkset_db.findtext("DbTo") == "pubmed":
                    links = [int(element.text) for element in linkset_db.findall("Link/Id")]
                    self.extra_links[int(ids[0])][linkset_db.findtext("LinkName")] = links

    def add_study(self, study: dict) -> str:
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        self.studies[nct] = study
        return nct

    def load_fixtures(self, paths: Iterable[str | Path]) -> None:
        for path in _files(paths):
            if path.suffix == ".json":
                document = json.loads(path.read_bytes())
                if isinstance(document, dict) and "protocolSection" in document:
                    self.add_study(document)
                elif isinstance(document, dict) and isinstance(document.get("data"), list):  # an iCite answer
                    self.icite_records.update((record["pmid"], record) for record in document["data"])
            elif path.suffix == ".xml":
                data = path.read_bytes()
                root = _root_element(data)
                if root == b"PubmedArticleSet" and ARTICLE_CHUNK.search(data):
                    self.add_article_xml(data)
                elif root == b"eLinkResult":
                    self.add_linksets_xml(data)


class RenderedAnswers:
    """Every corpus paper's EFetch record, one-id LinkSet and iCite record, rendered once and kept in
    SQLite beside the corpus (`--rendered`), so that serving one is a look-up.

    Rendered on demand, a 100,000-paper build's answers cost the server about 45 s of CPU, as much as
    the client spends reading them, on the two cores the two share: a benchmark then times the fake
    as much as litgraph. The file is named by a fingerprint of this code, the corpus and the options,
    so changing any of them renders the answers again; each is the same bytes rendering would give.
    """

    BATCH = 2000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # a connection per serving thread

    @classmethod
    def of(cls, store: DataStore, folder: Path) -> RenderedAnswers:
        """The store's answers, rendered now if no file of this fingerprint is in `folder`."""
        path = folder / f"answers-{_answers_fingerprint(store, folder)}.sqlite"
        if not path.exists():
            for stale in folder.glob("answers-*"):  # older fingerprints, drafts of killed renderings
                stale.unlink()
            _render_answers(store, path)
        return cls(path)

    def _value(self, column: str, pmid: int) -> bytes | str | None:
        """One answer of one paper, read alone (an iCite record without the 8 kB article beside it)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(f"file:{self.path}?immutable=1", uri=True)
        row = db.execute(f"SELECT {column} FROM answers WHERE pmid = ?", (pmid,)).fetchone()
        return row and row[0]

    def article(self, pmid: int) -> bytes | None:
        return self._value("article", pmid)

    def linkset(self, pmid: int) -> str | None:
        return self._value("linkset", pmid)

    def icite(self, pmid: int) -> bytes | None:
        return self._value("icite", pmid)


def _answers_fingerprint(store: DataStore, folder: Path) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for code in (Path(__file__), Path(corpus_model.__file__)):
        digest.update(code.read_bytes())
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("answers-"):
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    template = list(store.icite_template) if store.icite_template else None
    digest.update(json.dumps([store.full_citations, template]).encode())
    return digest.hexdigest()


def _render_answers(store: DataStore, path: Path) -> None:
    """Render every corpus paper's answers into `path`, written aside and moved in when complete."""
    draft = path.with_suffix(".draft")
    draft.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(draft)) as db:
        db.execute("CREATE TABLE answers (pmid INTEGER PRIMARY KEY, article BLOB, linkset TEXT, icite BLOB)")
        rows = ((pmid, store.renderer.render(pmid), linkset_xml(store, [pmid], None),
                 store.icite_json(pmid) if store.icite_template else None)
                for pmid in store.corpus.papers)
        while batch := list(itertools.islice(rows, RenderedAnswers.BATCH)):
            db.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)", batch)
        db.commit()
    draft.replace(path)


def _share(pmid: int, salt: str) -> float:
    """A fixed draw in [0, 1) for a paper: which papers a source covers never changes between runs."""
    digest = hashlib.blake2b(f"{salt}:{pmid}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def real_icite_record(fixtures: str | Path | None = None) -> dict | None:
    """The real iCite record of shared/fixtures (in LITGRAPH_FIXTURES, else beside the repository), or
    None when it is not there."""
    folder = Path(fixtures or os.environ.get("LITGRAPH_FIXTURES") or Path(__file__).resolve().parents[2] / "shared" / "fixtures")
    path = folder / ICITE_FIXTURE
    return json.loads(path.read_bytes())["data"][0] if path.is_file() else None


def _files(paths: Iterable[str | Path]) -> list[Path]:
    found = []
    for path in map(Path, paths):
        found += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return found


def _root_element(data: bytes) -> bytes | None:
    """The first element name: the pattern skips <?xml ...?> and <!DOCTYPE ...>."""
    match = ROOT_TAG.search(data)
    return match.group(1) if match else None


class History:
    """NCBI's History server: (WebEnv, query_key) -> a stored list of UIDs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sets: dict[str, list[list[int]]] = {}

    def store(self, ids: list[int], webenv: str | None = None) -> tuple[str, int]:
        with self._lock:
            if webenv not in self._sets:
                webenv = f"MCID_{uuid.uuid4().hex[:24]}"
                self._sets[webenv] = []
            self._sets[webenv].append(list(ids))
            return webenv, len(self._sets[webenv])

    def get(self, webenv: str, query_key: str) -> list[int] | None:
        sets = self._sets.get(webenv, [])
        index = int(query_key) - 1 if query_key.isdigit() else -1
        return sets[index] if 0 <= index < len(sets) else None


# ---------------------------------------------------------------------------------------------
# E-utilities and CT.gov endpoints
# ---------------------------------------------------------------------------------------------

Params = dict[str, list[str]]


def _first(params: Params, name: str, default: str = "") -> str:
    """The parameter's first value, or `default` when it is absent or blank."""
    values = params.get(name)
    return (values[0].strip() if values else "") or default


def _split_ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _uids(values: Iterable[str]) -> tuple[list[int], bool]:
    """Numeric UIDs in order without repeats, and whether any input was not a valid UID."""
    uids: dict[int, None] = {}
    invalid = False
    for value in values:
        if value.isdigit() and int(value) <= MAX_UID:
            uids[int(value)] = None
        else:
            invalid = True
    return list(uids), invalid


class _Refusal(Exception):
    """Raised with the answer to send when a request cannot be served normally."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class EUtilities:
    """The four E-utilities litgraph uses, answering like eutils.ncbi.nlm.nih.gov does for PubMed."""

    def __init__(self, store: DataStore, history: History) -> None:
        self.store = store
        self.history = history

    def answer(self, endpoint: str, params: Params) -> Reply:
        try:
            if _first(params, "retmode", "xml").lower() != "xml":
                raise _Refusal(_text_reply(501, f"fake_ncbi answers {endpoint} with retmode=xml only"))
            self._check_db(endpoint, params)
            return getattr(self, endpoint)(params)
        except _Refusal as refusal:
            return refusal.reply

    @staticmethod
    def _check_db(endpoint: str, params: Params) -> None:
        for name in ("db", "dbfrom") if endpoint == "elink" else ("db",):
            db = _first(params, name, "pubmed").lower()
            if db in OTHER_NCBI_DBS:
                raise _Refusal(_text_reply(501, f"fake_ncbi serves db=pubmed only, not {name}={db}"))
            if db != "pubmed":
                raise _Refusal(_xml_reply(_error_xml(endpoint, f"Invalid db name specified: {db}")))

    def _history_ids(self, params: Params) -> list[int] | None:
        return self.history.get(_first(params, "WebEnv"), _first(params, "query_key"))

    # --- EFetch -----------------------------------------------------------------------------

    def efetch(self, params: Params) -> Reply:
        if _first(params, "rettype", "xml").lower() not in ("xml", "abstract", "full"):
            raise _Refusal(_text_reply(501, "fake_ncbi answers efetch with XML records only"))
        if "WebEnv" in params:
            ids = self._history_page(params)
        elif "id" in params:
            ids, _ = _uids(part for value in params["id"] for part in _split_ids(value))
        else:
            raise _Refusal(_xml_reply(_error_xml("efetch", "Neither query_key nor id specified"), 400))
        return Reply(200, XML_TYPE, self._article_set(ids))

    def _history_page(self, params: Params) -> list[int]:
        ids = self._history_ids(params)
        if ids is None:  # message invented: no recorded answer for an unknown WebEnv was found
            raise _Refusal(_xml_reply(_error_xml(
                "efetch", f"Cannot retrieve history data: unknown WebEnv {_first(params, 'WebEnv')} or query_key "
                          f"{_first(params, 'query_key')}"), 400))
        retstart = int(_first(params, "retstart", "0"))
        retmax = min(int(_first(params, "retmax", "10000")), 10000)
        if ids and retstart >= len(ids):
            raise _Refusal(_xml_reply(_error_xml(
                "efetch", f"Cannot retrieve history data: OUT OF RANGE. Parameter retstart={retstart} + 1 is "
                          f"greater than number of records available in history. History includes {len(ids)} IDs."),
                400))
        return ids[retstart:retstart + retmax]

    def _article_set(self, ids: list[int]) -> bytes:
        articles = [xml for xml in map(self.store.article, ids) if xml is not None]  # unknown ids vanish silently
        if not articles:  # the empty answer, as in metapub_pmid_37909814.xml
            return PUBMED_PROLOG + b"<PubmedArticleSet>\n</PubmedArticleSet>"
        return b"".join((PUBMED_PROLOG, b"<PubmedArticleSet>\n", *articles, b"</PubmedArticleSet>"))

    # --- ELink ------------------------------------------------------------------------------

    def elink(self, params: Params) -> Reply:
        if _first(params, "cmd", "neighbor") != "neighbor":
            return _text_reply(501, "fake_ncbi answers elink with cmd=neighbor only")
        if "WebEnv" in params:  # a stored set is one input: one merged LinkSet
            ids = self._history_ids(params)
            if not ids:
                return _xml_reply(_error_xml("elink", "Empty history ID list - nothing todo"))
            groups = [ids]
        else:
            groups = [_uids(_split_ids(value))[0] for value in params.get("id", [])]
            groups = [group for group in groups if group]
        if not groups:
            return _xml_reply(_error_xml("elink", "Empty id list - nothing todo"))
        linkname = _first(params, "linkname") or None
        linksets = "".join(self._linkset(group, linkname) for group in groups)
        return _xml_reply(f"{ELINK_PROLOG}<eLinkResult>\n{linksets}</eLinkResult>\n")

    def _linkset(self, ids: list[int], linkname: str | None) -> str:
        """One <LinkSet> for the ids: the one rendered ahead for a single id asking every link type."""
        rendered = self.store.rendered_linkset(ids[0]) if len(ids) == 1 and linkname is None else None
        return rendered or linkset_xml(self.store, ids, linkname)

    # --- ESearch ----------------------------------------------------------------------------

    def esearch(self, params: Params) -> Reply:
        term = _first(params, "term")
        if not term:
            return _xml_reply(_error_xml("esearch", "Empty term and query_key - nothing todo"))
        found = self._search(term)
        ids = found if found is not None else []
        retstart = int(_first(params, "retstart", "0"))
        retmax = int(_first(params, "retmax", "20"))
        if retstart > PUBMED_SEARCH_WINDOW - 1 and len(ids) > PUBMED_SEARCH_WINDOW:
            return _xml_reply(_error_xml("esearch", RETSTART_ERROR))
        history = ""
        if _first(params, "usehistory").lower() == "y":
            webenv, query_key = self.history.store(ids, _first(params, "WebEnv") or None)
            history = f"<QueryKey>{query_key}</QueryKey><WebEnv>{webenv}</WebEnv>"
        page = ids[retstart:min(retstart + retmax, PUBMED_SEARCH_WINDOW)]
        warnings = []
        if retstart + retmax > PUBMED_SEARCH_WINDOW and retstart < len(ids):
            warnings.append(f"Restrictions achieved. start and count adjusted to {retstart}, {len(page)}")
        return _xml_reply(_search_result(term, found is not None, len(ids), retstart, page, history, warnings))

    def _search(self, term: str) -> list[int] | None:
        """The matching PMIDs, or None when PubMed would report the phrase as not found.

        "A OR B" (PubMed's operators are upper case) is the union of what each part finds,
        newest first as PubMed sorts by default.
        """
        if " OR " in term:
            parts = [self._search(part) for part in term.split(" OR ")]
            found = {pmid for part in parts if part for pmid in part}
            return sorted(found, reverse=True) or None
        si = SI_TERM.fullmatch(term)
        if si:
            return self.store.databank_papers(si.group(1).upper()) or None
        found = self.store.searches.get(_search_key(term))
        return list(found) if found is not None else None

    # --- EPost ------------------------------------------------------------------------------

    def epost(self, params: Params) -> Reply:
        ids, invalid = _uids(part for value in params.get("id", []) for part in _split_ids(value))
        errors = [] if ids else ["Empty ID list; Nothing to store"]
        if invalid:
            errors.append("Some IDs have invalid value and were omitted. Maximum ID value 18446744073709551615")
        if not ids:
            return _xml_reply(_error_xml("epost", *errors))
        webenv, query_key = self.history.store(ids, _first(params, "WebEnv") or None)
        error_lines = "".join(f"\t<ERROR>{message}</ERROR>\n" for message in errors)
        return _xml_reply(f"{EPOST_PROLOG}<ePostResult>\n\t<QueryKey>{query_key}</QueryKey>\n"
                          f"\t<WebEnv>{webenv}</WebEnv>\n{error_lines}</ePostResult>\n")


def linkset_xml(store: DataStore, ids: list[int], linkname: str | None) -> str:
    """One <LinkSet>, rendered from the links: per input when id= repeats; several inputs merged when
    comma-joined (NCBI does)."""
    merged: dict[str, list[int]] = {}
    for pmid in ids:
        for name, links in store.links(pmid).items():
            if linkname in (None, name):
                merged.setdefault(name, []).extend(links)
    if len(ids) > 1:
        merged = {name: sorted(set(links), reverse=True) for name, links in merged.items()}
    id_list = "".join(f"\t\t<Id>{pmid}</Id>\n" for pmid in ids)
    databases = "".join(_linkset_db(name, merged[name]) for name in sorted(merged) if merged[name])
    return f"<LinkSet>\n\t<DbFrom>pubmed</DbFrom>\n\t<IdList>\n{id_list}\t</IdList>\n{databases}</LinkSet>\n"


def _linkset_db(name: str, links: list[int]) -> str:
    entries = "".join(f"\t\t<Link>\n\t\t\t<Id>{pmid}</Id>\n\t\t</Link>\n" for pmid in links)
    return f"\t<LinkSetDb>\n\t\t<DbTo>pubmed</DbTo>\n\t\t<LinkName>{name}</LinkName>\n{entries}\t</LinkSetDb>\n"


def _search_key(term: str) -> str:
    return " ".join(term.lower().split())


def _search_result(term: str, found: bool, count: int, retstart: int, page: list[int], history: str,
                   warnings: list[str]) -> str:
    """An <eSearchResult>; a phrase PubMed does not know gets ErrorList/WarningList (biopython_esearch8.xml)."""
    id_list = "<IdList>\n" + "".join(f"<Id>{pmid}</Id>\n" for pmid in page) + "</IdList>" if page else "<IdList/>"
    translation = _escape(term) if found or "[" in term else f"({_escape(term)}[All Fields])"
    # PubMed names each phrase it could not use, one element apiece (seen in real answers).
    unused = "".join(f"<PhraseNotFound>{_escape(phrase)}</PhraseNotFound>" for phrase in term.split())
    errors = "" if found else f"<ErrorList>{unused}</ErrorList>"
    if not found:
        warnings = [*warnings, "No items found."]
    warning_list = "".join(f"<OutputMessage>{message}</OutputMessage>" for message in warnings)
    return (f"{ESEARCH_PROLOG}<eSearchResult><Count>{count}</Count><RetMax>{len(page)}</RetMax>"
            f"<RetStart>{retstart}</RetStart>{history}{id_list}<TranslationSet/>"
            f"<QueryTranslation>{translation}</QueryTranslation>{errors}"
            f"{f'<WarningList>{warning_list}</WarningList>' if warning_list else ''}</eSearchResult>\n")


def icite_reply(store: DataStore, params: Params) -> Reply:
    """GET /api/pubs?pmids=1,2,3: `{"data": [...]}` with a record per PMID iCite holds, compact JSON.
    What no recorded answer shows (other parameters, no PMIDs, more than the documented 1,000)
    answers 501 rather than a guess."""
    if set(params) != {"pmids"}:
        return _text_reply(501, "fake_ncbi answers iCite's /api/pubs with pmids= alone")
    pmids, invalid = _uids(part for value in params["pmids"] for part in _split_ids(value))
    if not pmids or invalid or len(pmids) > ICITE_MAX_PMIDS:
        return _text_reply(501, f"fake_ncbi knows iCite's answer for 1 to {ICITE_MAX_PMIDS:,} PMIDs only")
    if store.icite_template is None:
        return _text_reply(501, f"fake_ncbi has no real iCite record to shape answers on ({ICITE_FIXTURE} in "
                                "LITGRAPH_FIXTURES)")
    records = [record for record in map(store.icite_json, pmids) if record is not None]
    return Reply(200, "application/json", b'{"data":[' + b",".join(records) + b"]}")  # as json.dumps writes it


def study_reply(store: DataStore, requested: str) -> Reply:
    """GET /api/v2/studies/{nctId}: lower case and short numbers are normalised like the real API."""
    match = NCT_ID.fullmatch(requested)
    if not match:
        return _text_reply(400, "Parameter `nctId` has incorrect format")
    nct = f"NCT{match.group(1).zfill(8)}"
    study = store.studies.get(nct)
    if study is None:
        return _text_reply(404, f"NCT number {nct} not found")
    return Reply(200, "application/json", json.dumps(study, ensure_ascii=False, separators=(",", ":")).encode())


# ---------------------------------------------------------------------------------------------
# Faults, rate limits and the request log
# ---------------------------------------------------------------------------------------------

@dataclass
class Fault:
    """One misbehaviour, served to the next `times` requests for `endpoint` (None: any endpoint)."""

    endpoint: str | None
    status: int | None = None  # 429 carries NCBI's rate-limit JSON; others an HTML error page
    retry_after: float | str | None = None  # seconds, or the header's text as given (an HTTP-date, "inf")
    delay: float = 0.0  # seconds before answering (normally), to make a client time out
    # True or "body": half the body under a matching Content-Length; "length": the full length announced, half sent
    truncate: bool | str = False
    error_xml: str | None = None  # HTTP 200 with <ERROR>text</ERROR> in the endpoint's root element
    json_error_200: bool = False  # the rate-limit JSON with HTTP 200
    close: bool = False  # drop the connection without answering
    times: int = 1

    def describe(self) -> str:
        shown = {"status": self.status, "retry_after": self.retry_after, "delay": self.delay or None,
                 "truncate": self.truncate or None, "error_xml": self.error_xml,
                 "json_error_200": self.json_error_200 or None, "close": self.close or None}
        return " ".join(f"{name}={value}" for name, value in shown.items() if value is not None)


@dataclass
class RequestRecord:
    arrived: float  # time.monotonic() when the request line was read
    method: str
    path: str
    endpoint: str  # efetch, elink, esearch, epost, ctgov, icite or the unknown name
    params: Params  # query string and form body merged; repeated names keep every value
    completed: float | None = None  # time.monotonic() when the answer was ready to send (or dropped)
    status: int | None = None  # None when the connection was dropped without an answer
    fault: str | None = None  # Fault.describe() of the injected fault, None for a normal answer

    @property
    def faulted(self) -> bool:
        return self.fault is not None


class RateLimiter:
    """NCBI's rule: more than `limit` requests arriving within any one second get HTTP 429."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrivals: dict[str, deque[float]] = defaultdict(deque)

    def arrive(self, identity: str, now: float) -> int:
        """Count this arrival and return how many arrived in the last second, this one included."""
        with self._lock:
            window = self._arrivals[identity]
            while window and now - window[0] >= 1.0:
                window.popleft()
            window.append(now)
            return len(window)

    def count(self, identity: str) -> int:
        with self._lock:
            return len(self._arrivals[identity])


def _rate_limit_body(identity: str, count: int, limit: int) -> bytes:
    """The JSON NCBI sends when throttling; without a key "api-key" holds the client IP (ncbi-facts §1.3)."""
    return json.dumps({"error": "API rate limit exceeded", "api-key": identity, "count": str(count),
                       "limit": str(limit)}, separators=(",", ":")).encode()


def _html_error(status: int) -> Reply:
    reason = HTTPStatus(status).phrase
    body = f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"
    return Reply(status, "text/html", body.encode())


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------

class FakeNCBI:
    """E-utilities at `.eutils_url` and ClinicalTrials.gov v2 at `.ctgov_url`, on 127.0.0.1.

    Starts serving on construction; use it as a context manager or call `stop()`.
    """

    def __init__(self, corpus: corpus_model.Corpus | str | Path | None = None, fixtures: Iterable[str | Path] = (),
                 rate_limit: int | None = None, latency: float = 0.0, key_rate_limit: int = 10,
                 host: str = "127.0.0.1", port: int = 0, full_citations: bool = False, rendered: bool = False) -> None:
        folder = Path(corpus) if isinstance(corpus, (str, Path)) else None
        if folder:
            corpus = corpus_model.load(folder)
        self.store = DataStore(corpus, real_icite_record(), full_citations)
        if rendered:
            if folder is None:
                raise ValueError("rendered answers are kept beside a corpus folder: give the corpus as a path")
            self.store.rendered = RenderedAnswers.of(self.store, folder)
        self.store.load_fixtures(fixtures)
        self.eutilities = EUtilities(self.store, History())
        self.rate_limit = rate_limit  # None: no enforcement
        self.key_rate_limit = key_rate_limit  # NCBI's default once api_key is sent
        self.latency = latency
        self._rate = RateLimiter()
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._log: list[RequestRecord] = []
        self._stopping = threading.Event()
        self._http = ThreadingHTTPServer((host, port), _Handler)
        self._http.daemon_threads = True
        self._http.app = self
        # A short poll interval so that stop() (and each test's teardown) takes milliseconds, not half a second.
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.02,), name="fake-ncbi", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def eutils_url(self) -> str:
        return f"{self.base_url}/entrez/eutils"

    @property
    def ctgov_url(self) -> str:
        return f"{self.base_url}/api/v2"

    @property
    def icite_url(self) -> str:
        return f"{self.base_url}/api"

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()  # wakes handlers sleeping in a delay or latency
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    def __enter__(self) -> FakeNCBI:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- content ------------------------------------------------------------------------------

    def add_article_xml(self, xml: str | bytes) -> list[int]:
        """Serve these <PubmedArticle>/<PubmedBookArticle> elements (a whole set or single elements) as-is."""
        return self.store.add_article_xml(xml)

    def add_links(self, pmid: int, refs: list[int] | None = None, citedin: list[int] | None = None,
                  similar: list[int] | None = None) -> None:
        """Set ELink answers for one PMID; each list replaces that link type (corpus or fixture) entirely."""
        for name, links in (("pubmed_pubmed_refs", refs), ("pubmed_pubmed_citedin", citedin),
                            ("pubmed_pubmed", similar)):
            if links is not None:
                self.store.extra_links[pmid][name] = list(links)

    def add_study(self, study: dict) -> str:
        """Serve a CT.gov v2 study JSON document; returns its nctId."""
        return self.store.add_study(study)

    def add_search(self, term: str, ids: list[int]) -> None:
        """ESearch for `term` (case and spacing ignored) finds exactly `ids`, in this order."""
        self.store.searches[_search_key(term)] = list(ids)

    # --- misbehaviour ---------------------------------------------------------------------------

    def inject(self, endpoint: str | None = None, *, status: int | None = None, retry_after: float | str | None = None,
               delay: float = 0.0, truncate: bool | str = False, error_xml: str | None = None,
               json_error_200: bool = False, close: bool = False, times: int = 1) -> Fault:
        """Queue a fault for the next `times` matching requests; faults are served in the order queued."""
        kinds = [status is not None, bool(truncate), error_xml is not None, json_error_200, close]
        if sum(kinds) > 1 or not (any(kinds) or delay):
            raise ValueError("give exactly one of status, truncate, error_xml, json_error_200, close (or only delay)")
        if truncate not in (False, True, "body", "length"):
            raise ValueError('truncate must be True, "body" or "length"')
        if status is not None:
            HTTPStatus(status)  # raises ValueError for a status no server sends
        if error_xml is not None and endpoint not in EUTILITY_ENDPOINTS:
            raise ValueError(f"error_xml needs an E-utilities endpoint, one of {sorted(EUTILITY_ENDPOINTS)}")
        fault = Fault(endpoint, status, retry_after, delay, truncate, error_xml, json_error_200, close, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def pending_faults(self) -> list[Fault]:
        """Injected faults not yet served (with what is left of their `times`)."""
        with self._lock:
            return list(self._faults)

    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.endpoint in (None, endpoint):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # --- request log ----------------------------------------------------------------------------

    def requests(self, endpoint: str | None = None) -> list[RequestRecord]:
        """Logged requests in arrival order, optionally only those for one endpoint."""
        with self._lock:
            chosen = [record for record in self._log if endpoint in (None, record.endpoint)]
        return sorted(chosen, key=lambda record: record.arrived)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)

    # --- answering --------------------------------------------------------------------------

    def _respond(self, record: RequestRecord, client_ip: str) -> tuple[Reply | None, Fault | None]:
        """Decide the answer for one request: an injected fault, a 429, or the real thing."""
        self._record(record)
        over_limit = self._over_rate_limit(record, client_ip) if record.endpoint in EUTILITY_ENDPOINTS else None
        fault = self._take_fault(record.endpoint)
        if fault:
            record.fault = fault.describe()
            return self._faulted_reply(fault, record, client_ip), fault
        if over_limit:
            return over_limit, None
        return self._route(record), None

    def _over_rate_limit(self, record: RequestRecord, client_ip: str) -> Reply | None:
        identity, limit = self._identity(record, client_ip)
        count = self._rate.arrive(identity, record.arrived)
        if self.rate_limit is None or count <= limit:
            return None
        return Reply(429, "application/json", _rate_limit_body(identity, count, limit))

    def _identity(self, record: RequestRecord, client_ip: str) -> tuple[str, int]:
        """Who NCBI counts against (the key, else the client IP) and that identity's limit."""
        api_key = _first(record.params, "api_key")
        return (api_key, self.key_rate_limit) if api_key else (client_ip, self.rate_limit or 3)

    def _route(self, record: RequestRecord) -> Reply:
        try:
            if record.endpoint == "ctgov":
                return study_reply(self.store, record.path.rstrip("/").rsplit("/", 1)[-1])
            if record.endpoint == "icite":
                return icite_reply(self.store, record.params)
            if record.endpoint in EUTILITY_ENDPOINTS:
                return self.eutilities.answer(record.endpoint, record.params)
            return _text_reply(404 if record.endpoint == "unknown" else 501,
                               f"fake_ncbi does not serve {record.path}")
        except Exception:  # a bug in the fake must be loud, not look like NCBI flakiness
            return _text_reply(500, "fake_ncbi internal error\n" + traceback.format_exc())

    def _faulted_reply(self, fault: Fault, record: RequestRecord, client_ip: str) -> Reply | None:
        if fault.close:
            return None
        if (fault.status == 429 and record.endpoint in EUTILITY_ENDPOINTS) or fault.json_error_200:
            identity, limit = self._identity(record, client_ip)
            body = _rate_limit_body(identity, self._rate.count(identity), limit)
            reply = Reply(200 if fault.json_error_200 else 429, "application/json", body)
        elif fault.status is not None:
            reply = _html_error(fault.status)
        elif fault.error_xml is not None:
            reply = _xml_reply(_error_xml(record.endpoint, fault.error_xml))
        else:  # delay or truncate: the real answer, late or cut short
            reply = self._route(record)
        if isinstance(fault.retry_after, str):
            reply.headers["Retry-After"] = fault.retry_after
        elif fault.retry_after is not None:
            seconds = fault.retry_after
            reply.headers["Retry-After"] = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
        return reply

    def _pause(self, seconds: float) -> None:
        """Sleep, but wake up at once when the server stops."""
        if seconds > 0:
            self._stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real services; every answer has a Content-Length
    server_version = "fake_ncbi"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args) -> None:  # the request log replaces stderr chatter
        pass

    def _serve(self, method: str) -> None:
        arrived = time.monotonic()
        app: FakeNCBI = self.server.app
        split = urlsplit(self.path)
        path = re.sub("/+", "/", split.path)
        record = RequestRecord(arrived, method, path, _endpoint(path), self._params(split.query))
        reply, fault = app._respond(record, self.client_address[0])
        app._pause((fault.delay if fault else 0.0) + app.latency)
        # Completed once the answer is ready to go: stamping after the write would race a client
        # that reads the log as soon as it has the body.
        record.status = reply.status if reply else None
        record.completed = time.monotonic()
        try:
            self._send(reply, fault)
        except OSError:  # the client gave up (timeout) while we were slow
            self.close_connection = True

    def _params(self, query: str) -> Params:
        params = parse_qs(query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            body = self.rfile.read(length).decode("utf-8", "replace")
            for name, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        return params

    def _send(self, reply: Reply | None, fault: Fault | None) -> None:
        if reply is None:  # drop the connection without a word
            self.close_connection = True
            return
        truncate = fault.truncate if fault else False
        body, announced = reply.body, len(reply.body)
        if truncate:
            body = body[: len(body) // 2]
        if truncate in (True, "body"):  # a well-formed HTTP answer whose XML just stops
            announced = len(body)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(announced))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if truncate == "length":
            self.close_connection = True  # hang up after half the announced body
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


def _endpoint(path: str) -> str:
    if path.startswith("/entrez/eutils/"):
        name = path[len("/entrez/eutils/"):].strip("/")
        return EUTILS.get(name, name.split(".")[0] or "unknown")
    if re.fullmatch(r"/api/v2/studies/[^/]+/?", path):
        return "ctgov"
    if path.rstrip("/") == "/api/pubs":
        return "icite"
    return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a fake NCBI E-utilities + ClinicalTrials.gov API.")
    parser.add_argument("--corpus", type=Path, help="folder written by tests/corpus.py")
    parser.add_argument("--fixtures", type=Path, action="append", default=[], help="fixture file or folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rate-limit", type=int, default=None, help="requests/second without api_key")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--full-citations", action="store_true",
                        help="ELink and iCite know every paper's references, as if all were in PMC")
    parser.add_argument("--rendered", action="store_true",
                        help="serve the corpus's answers rendered ahead, once, into a file in its folder (benchmarks)")
    args = parser.parse_args(argv)
    server = FakeNCBI(corpus=args.corpus, fixtures=args.fixtures, rate_limit=args.rate_limit, latency=args.latency,
                      host=args.host, port=args.port, full_citations=args.full_citations, rendered=args.rendered)
    gc.freeze()  # the loaded corpus lives forever: keep the cycle collector from rescanning it (~20% of render time)
    print(f"LITGRAPH_EUTILS_URL={server.eutils_url}\nLITGRAPH_CTGOV_URL={server.ctgov_url}\n"
          f"LITGRAPH_ICITE_URL={server.icite_url}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
