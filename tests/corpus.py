"""Synthetic PubMed + ClinicalTrials.gov corpus with a known answer key (stdlib only).

The corpus is content, not wire format: `fake_ncbi.py` renders it as real-shaped EFetch/ELink/ESearch
XML and serves the stored CT.gov v2 study JSON. What makes it useful for testing litgraph:

* citations by preferential attachment (heavy-tailed in-degree), only partly observable the way NCBI
  exposes them: ReferenceList for ~60% of papers, ELink refs/citedin only through PMC papers;
* authors drawn from people with known identities, including people who share surname+initials,
  diacritics that are sometimes dropped, initials-only forenames on old records, ORCIDs shown on
  only some papers, and two same-initial authors on one paper;
* trials whose references (BACKGROUND/RESULT/DERIVED, one without a pmid) point into the corpus,
  papers that carry the NCT number in their DataBankList, and retracted papers.

Folder format, as written by `Corpus.write` and read by `load`:

    manifest.json      format tag, seed, counts, PMID and year range
    papers.jsonl       one `Paper` per line, PMID first; holds the hidden truth too: the person id of
                       every author, every true reference (`refs`) and citer (`cited_by`)
    people.jsonl       one `Person` per line: the identities behind the printed author names
    index.json         per-paper `Card`s (column-wise) and NCT number -> papers, for fast start-up
    studies/NCT….json  CT.gov v2 study JSON, exactly as served
    truth.json         answer key: ambiguous printed names, planted name twins, what each trial should
                       yield (background/result/derived/si_only papers, a dangling pmid), retractions

Run `python tests/corpus.py --papers 10000 --seed 1 --out DIR` to write one.
"""

from __future__ import annotations

import argparse
import copy
import functools
import gc
import itertools
import json
import random
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import NamedTuple

FORMAT = "litgraph-synthetic-corpus/1"
FIRST_PMID = 30_000_000
LAST_YEAR = 2024
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Authorship flags: how a person's name is printed on one paper (the person stays the same).
SHOW_ORCID = 1
ASCII_NAME = 2  # diacritics dropped, as many publishers and CT.gov citations do
INITIALS_ONLY = 4  # pre-2002 MEDLINE records carry initials as ForeName ("T C")

# Descriptor and qualifier UIs as they appear in real MEDLINE records.
MESH = {
    "D006801": "Humans", "D008297": "Male", "D005260": "Female", "D000328": "Adult",
    "D008875": "Middle Aged", "D000368": "Aged", "D000369": "Aged, 80 and over",
    "D055815": "Young Adult", "D000293": "Adolescent", "D000818": "Animals", "D051379": "Mice",
    "D016896": "Treatment Outcome", "D011446": "Prospective Studies", "D012189": "Retrospective Studies",
    "D005500": "Follow-Up Studies", "D015331": "Cohort Studies", "D016022": "Case-Control Studies",
    "D013997": "Time Factors", "D012307": "Risk Factors", "D011379": "Prognosis",
    "D016032": "Randomized Controlled Trials as Topic", "D015996": "Survival Rate",
    "D008175": "Lung Neoplasms", "D002289": "Carcinoma, Non-Small-Cell Lung",
    "D000970": "Antineoplastic Agents", "D000971": "Antineoplastic Combined Chemotherapy Protocols",
    "D061067": "Antibodies, Monoclonal, Humanized", "D009367": "Neoplasm Staging",
    "D001471": "Barrett Esophagus", "D004938": "Esophageal Neoplasms", "D005764": "Gastroesophageal Reflux",
    "D006528": "Carcinoma, Hepatocellular", "D008113": "Liver Neoplasms", "D010190": "Pancreatic Neoplasms",
    "D000230": "Adenocarcinoma", "D004945": "Esophagoscopy",
    "D006973": "Hypertension", "D002318": "Cardiovascular Diseases", "D003324": "Coronary Artery Disease",
    "D017202": "Myocardial Ischemia", "D006331": "Heart Diseases",
    "D012559": "Schizophrenia", "D001007": "Anxiety", "D007319": "Sleep Initiation and Maintenance Disorders",
    "D020529": "Multiple Sclerosis, Relapsing-Remitting", "D008568": "Memory", "D017286": "Polysomnography",
    "D009483": "Neuropsychological Tests", "D004569": "Electroencephalography",
    "D000163": "Acquired Immunodeficiency Syndrome", "D006679": "HIV Seropositivity",
    "D000998": "Antiviral Agents", "D014552": "Urinary Tract Infections",
    "D020031": "Epstein-Barr Virus Infections", "D000914": "Antibodies, Viral",
    "D010024": "Osteoporosis", "D002762": "Cholecalciferol", "D019587": "Dietary Supplements",
    "D008593": "Menopause", "D000375": "Aging", "D004958": "Estradiol", "D010010": "Osteoclasts",
    "D002386": "Cataract", "D018918": "Phacoemulsification", "D019654": "Lens Implantation, Intraocular",
    "D014792": "Visual Acuity", "D007910": "Lenses, Intraocular", "D003315": "Cornea",
    "D045744": "Cell Line, Tumor", "D017209": "Apoptosis", "D015398": "Signal Transduction",
    "D049109": "Cell Proliferation", "D035683": "MicroRNAs", "D015972": "Gene Expression Regulation, Neoplastic",
    "D008819": "Mice, Nude",
}
QUALIFIERS = {
    "Q000628": "therapy", "Q000175": "diagnosis", "Q000453": "epidemiology", "Q000150": "complications",
    "Q000187": "drug effects", "Q000235": "genetics", "Q000378": "metabolism", "Q000494": "pharmacology",
    "Q000188": "drug therapy", "Q000627": "therapeutic use",
}
PUBLICATION_TYPES = {
    "Journal Article": "D016428", "Review": "D016454", "Randomized Controlled Trial": "D016449",
    "Multicenter Study": "D016448", "Comparative Study": "D003160", "Observational Study": "D064888",
    "Clinical Trial, Phase III": "D017428", "Meta-Analysis": "D017418", "Systematic Review": "D000078182",
    "Research Support, Non-U.S. Gov't": "D013485", "Research Support, N.I.H., Extramural": "D052061",
    "Retracted Publication": "D016441", "Retraction of Publication": "D016440",
}


@dataclass(frozen=True)
class Journal:
    title: str
    iso: str
    issn: str
    country: str
    doi_prefix: str


JOURNALS = (
    Journal("The New England journal of medicine", "N Engl J Med", "1533-4406", "United States", "10.1056"),
    Journal("Lancet (London, England)", "Lancet", "1474-547X", "England", "10.1016"),
    Journal("JAMA", "JAMA", "1538-3598", "United States", "10.1001"),
    Journal("BMJ (Clinical research ed.)", "BMJ", "1756-1833", "England", "10.1136"),
    Journal("PloS one", "PLoS One", "1932-6203", "United States", "10.1371"),
    Journal("Scientific reports", "Sci Rep", "2045-2322", "England", "10.1038"),
    Journal("Journal of clinical oncology : official journal of the American Society of Clinical Oncology",
            "J Clin Oncol", "1527-7755", "United States", "10.1200"),
    Journal("Gastroenterology", "Gastroenterology", "1528-0012", "United States", "10.1053"),
    Journal("Circulation", "Circulation", "1524-4539", "United States", "10.1161"),
    Journal("Sleep", "Sleep", "1550-9109", "United States", "10.1093"),
    Journal("Clinical infectious diseases : an official publication of the Infectious Diseases Society of America",
            "Clin Infect Dis", "1537-6591", "United States", "10.1093"),
    Journal("Journal of bone and mineral research : the official journal of the American Society for Bone "
            "and Mineral Research", "J Bone Miner Res", "1523-4681", "United States", "10.1002"),
    Journal("Ophthalmology", "Ophthalmology", "1549-4713", "United States", "10.1016"),
    Journal("Cancer research", "Cancer Res", "1538-7445", "United States", "10.1158"),
    Journal("Frontiers in pharmacology", "Front Pharmacol", "1663-9812", "Switzerland", "10.3389"),
)
GENERAL_JOURNALS = (0, 1, 2, 3, 4, 5, 14)


@dataclass(frozen=True)
class Field:
    """A research field: its vocabulary, MeSH descriptors and home journals."""

    name: str
    conditions: tuple[str, ...]
    drugs: tuple[str, ...]  # fictional, so no synthetic paper claims a real drug's effect
    mesh: tuple[str, ...]  # the first descriptor is the field's main condition
    journals: tuple[int, ...]
    department: str


FIELDS = (
    Field("oncology", ("non-small-cell lung cancer", "advanced lung adenocarcinoma"), ("velorimab", "tazoclinib"),
          ("D002289", "D008175", "D000970", "D000971", "D061067", "D009367", "D015996"), (6, 13),
          "Department of Thoracic Oncology"),
    Field("gastroenterology", ("Barrett oesophagus", "hepatocellular carcinoma", "pancreatic adenocarcinoma"),
          ("ezoprastat", "lumivarin"), ("D001471", "D004938", "D005764", "D006528", "D008113", "D010190", "D004945"),
          (7,), "Department of Gastroenterology"),
    Field("cardiology", ("resistant hypertension", "stable coronary artery disease"), ("cardolizine", "vastrepin"),
          ("D006973", "D003324", "D002318", "D017202", "D006331", "D012307"), (8,), "Department of Cardiology"),
    Field("neuroscience", ("chronic insomnia", "relapsing-remitting multiple sclerosis", "schizophrenia"),
          ("somnexadol", "neurabrutinib"), ("D007319", "D020529", "D012559", "D001007", "D008568", "D017286",
                                            "D009483", "D004569"), (9,), "Department of Neurology"),
    Field("infectious disease", ("HIV infection", "recurrent urinary tract infection"), ("virazumab", "cefotrimin"),
          ("D006679", "D000163", "D000998", "D014552", "D020031", "D000914"), (10,),
          "Division of Infectious Diseases"),
    Field("bone health", ("postmenopausal osteoporosis",), ("osteoprazin", "calcivestrol"),
          ("D010024", "D002762", "D019587", "D008593", "D000375", "D004958", "D010010"), (11,),
          "Department of Endocrinology"),
    Field("ophthalmology", ("age-related cataract",), ("lentafloxin", "oculasept"),
          ("D002386", "D018918", "D019654", "D014792", "D007910", "D003315"), (12,), "Department of Ophthalmology"),
    Field("cancer biology", ("triple-negative breast cancer cells", "colorectal cancer cells"),
          ("miR-4721 mimic", "kinostatin-B"), ("D015972", "D045744", "D017209", "D015398", "D049109", "D035683",
                                               "D008819"), (13, 5), "Department of Molecular Oncology"),
)
SUBTOPICS_PER_FIELD = 5

INSTITUTIONS = (
    ("Peking University First Hospital", "Beijing", "China"), ("Fudan University", "Shanghai", "China"),
    ("Seoul National University Hospital", "Seoul", "Korea"), ("University of Tokyo", "Tokyo", "Japan"),
    ("All India Institute of Medical Sciences", "New Delhi", "India"),
    ("Universität Heidelberg", "Heidelberg", "Germany"), ("Charité - Universitätsmedizin Berlin", "Berlin", "Germany"),
    ("Université Paris Cité", "Paris", "France"), ("Hôpital Européen Georges-Pompidou", "Paris", "France"),
    ("Hospital Universitario La Paz", "Madrid", "Spain"), ("Universidade de São Paulo", "São Paulo", "Brazil"),
    ("Karolinska Institutet", "Stockholm", "Sweden"), ("Aarhus Universitetshospital", "Aarhus", "Denmark"),
    ("Uniwersytet Jagielloński", "Kraków", "Poland"), ("Massachusetts General Hospital", "Boston, MA", "USA"),
    ("University of Toronto", "Toronto, ON", "Canada"), ("University College London", "London", "UK"),
    ("Università degli Studi di Milano", "Milan", "Italy"), ("Hacettepe Üniversitesi", "Ankara", "Turkey"),
    ("Bach Mai Hospital", "Hanoi", "Vietnam"),
)

@dataclass(frozen=True)
class NamePool:
    """Names of one naming culture and the institutions where such people tend to work.

    Given names are either picked from `given` or, where `syllables` is set, composed from one or two
    syllables the way Chinese and Korean given names are, so that many people share an initial.
    """

    given: tuple[str, ...]
    surnames: tuple[str, ...]
    institutions: tuple[int, ...]
    weight: int
    syllables: tuple[str, ...] = ()
    hyphenated: bool = False  # Korean given names are printed "Min-Jun"


def _pool(given: str, surnames: str, institutions: tuple[int, ...], weight: int, syllables: str = "",
          hyphenated: bool = False) -> NamePool:
    return NamePool(tuple(given.split()), tuple(surnames.split()), institutions, weight, tuple(syllables.split()),
                    hyphenated)


NAME_POOLS = (
    _pool("", "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang "
              "Xie Song Tang Han Feng Deng Cao Peng", (0, 1), 24,
          syllables="Wei Fang Jing Lei Min Yan Hui Jun Ying Tao Xin Qiang Xiao Ming Hong Jie Yu Hao Na Ping Bo "
                    "Chao Dan Gang Kai Lan Rui Shu Tian Zhi"),
    _pool("", "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon", (2,), 8,
          syllables="Min Ji Hyun Seo Eun Jae Soo Young Ho Woo Jin Hye Sung Dong Yeon", hyphenated=True),
    _pool("Haruto Yui Takeshi Aiko Kenji Hiroshi Yuki Akira Naoko Satoshi Emi Kazuo Mai Ryo Sakura Daisuke",
          "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki "
          "Matsumoto Inoue Kimura Hayashi Shimizu", (3,), 6),
    _pool("Amit Priya Rahul Anjali Sunil Deepa Vikram Kavita Arjun Meera Sanjay Pooja Rajesh Neha Anil Sneha",
          "Patel Sharma Singh Gupta Iyer Reddy Nair Kumar Rao Mehta Joshi Desai Kapoor Menon Banerjee Chatterjee",
          (4,), 8),
    _pool("Jürgen Anna Matthias Katrin Stefan Jörg Sabine Andreas Ute Michael Björn Claudia Thomas Petra Uwe Sören",
          "Müller Schmidt Schäfer Weiß Becker Hoffmann Köhler Wagner Krüger Zimmermann Hartmann Günther Böhm "
          "Lehmann Schröder Neumann Schwarz Braun Hofmann Vogel Fuchs Roth Frank Lorenz", (5, 6), 8),
    _pool("François Hélène Jérôme Camille Benoît Amélie Stéphane Élodie Thierry Cécile Frédéric Anaïs Loïc Sophie",
          "Lefèvre Dubois Moreau Girard Bérubé Fontaine Rousseau Mercier Chevalier Faure Gauthier Lambert Bonnet "
          "Roux Lécuyer Laurent Garnier Perrin Morel Blanchard", (7, 8), 6),
    _pool("José María Iñaki Lucía Joaquín Carmen Javier Pilar Andrés Begoña Ramón Inés Álvaro Nuria",
          "García Fernández Martínez Núñez Sánchez López Pérez Gómez Díaz Ruiz Jiménez Álvarez Romero Navarro "
          "Domínguez Vázquez Ramos Gil", (9,), 6),
    _pool("João Ana Luís Conceição Tiago Mariana Rui Inês Gonçalo Beatriz Paulo Sónia",
          "Gonçalves Araújo Simões Magalhães Silva Santos Ferreira Pereira Costa Rodrigues Almeida Carvalho "
          "Ribeiro Lopes", (10,), 4),
    _pool("Søren Åsa Björn Ingrid Mikael Karin Lars Maja Henrik Sofia Anders Kerstin Mette Jens",
          "Jørgensen Andersson Lindqvist Nielsen Öberg Johansson Karlsson Nilsson Eriksson Larsson Olsen Hansen "
          "Pedersen Sjöberg Lundgren Bergström Holm Dahl Ekström Sørensen", (11, 12), 5),
    _pool("Łukasz Agnieszka Paweł Małgorzata Krzysztof Katarzyna Tomasz Joanna Michał Ewa",
          "Wójcik Kowalski Nowak Wiśniewska Kamiński Lewandowski Zieliński Szymańska Woźniak Dąbrowski Kozłowski "
          "Mazur", (13,), 4),
    _pool("James Sarah Michael Emily David Laura Robert Karen John Jennifer William Rachel Richard Hannah Daniel "
          "Megan Thomas Rebecca Andrew Claire Mark Jessica Paul Amanda Steven Natalie",
          "Smith Johnson Brown Taylor Miller Davis Wilson Clark Anderson Thomas Moore Martin Thompson White Harris "
          "Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts "
          "Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper "
          "Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes",
          (14, 15, 16), 14),
    _pool("Giulia Marco Francesca Luca Chiara Matteo Alessandra Davide Elena Stefano Silvia Nicolò",
          "Rossi Bianchi Ricci Esposito Romano Colombo Bruno Gallo Conti Marino Mancini Costa Giordano Rizzo "
          "Lombardi Moretti", (17,), 4),
    _pool("Mehmet Ayşe Çağrı Zeynep Mustafa Elif Emre Gülşen Burak Şule",
          "Yılmaz Kaya Çelik Şahin Demir Yıldız Aydın Öztürk Arslan Doğan Kılıç Aslan", (18,), 3),
    _pool("Thanh Linh Minh Huong Anh Tuan Hoa Lan Hung Mai",
          "Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do", (19,), 3),
)
POOL_CUM_WEIGHTS = tuple(itertools.accumulate(pool.weight for pool in NAME_POOLS))

# People who deliberately share a surname + initials: (surname, forenames, placement, institution).
# "lab": same lab (so they co-author papers), "field": same field, other labs, "spread": other fields.
NAME_TWINS = (
    ("Wang", ("Dandan", "Dong"), "lab", 0),
    ("Li", ("Jing", "Jun", "Jie"), "field", 1),
    ("Zhang", ("Yan", "Yi"), "spread", 0),
    ("Kim", ("Ji-Young", "Jae-Yong"), "field", 2),
    ("Smith", ("John A", "Jennifer A"), "spread", 14),
    ("Müller", ("Thomas", "Tobias"), "spread", 5),
    ("García", ("José", "Josefa"), "field", 9),
    ("Nguyen", ("Thanh", "Tuan"), "lab", 19),
)

TITLE_TEMPLATES = {
    "rct": ("Efficacy and safety of {drug} in patients with {condition}: a randomized controlled trial",
            "{drug} versus placebo for {condition}: a multicentre, double-blind, randomised trial"),
    "cohort": ("Long-term outcomes of {condition} in a prospective cohort",
               "Risk factors for progression of {condition}: a retrospective cohort study",
               "Incidence and prognosis of {condition} in older adults"),
    "review": ("Current management of {condition}: a review",
               "Treatment of {condition}: a systematic review and meta-analysis"),
    "basic": ("{drug} modulates signalling pathways in models of {condition}",
              "Mechanisms of resistance to {drug} in {condition}"),
}
AUTHOR_COUNT_CUM_WEIGHTS = (5, 13, 23, 35, 47, 58, 68, 76, 83, 89, 94, 100)  # 1..12 authors
DESIGNS = ("rct", "cohort", "review", "basic")
DESIGN_CUM_WEIGHTS = (2, 7, 9, 11)
DESIGN_TYPES = {
    "rct": ["Journal Article", "Randomized Controlled Trial"],
    "cohort": ["Journal Article", "Observational Study"],
    "review": ["Journal Article", "Review"],
    "basic": ["Journal Article"],
}
DESIGN_MESH = {
    "rct": ("D016896", "D016032"), "cohort": ("D011446", "D012189", "D005500", "D015331", "D012307", "D011379"),
    "review": ("D016896",), "basic": ("D000818", "D051379", "D045744"),
}
ACRONYMS = ("ASPIRE", "HORIZON", "BEACON", "SUMMIT", "CASCADE", "MERIDIAN", "ZENITH", "KESTREL", "LANTERN", "AURORA")


@dataclass(slots=True)
class Person:
    """One real-world author: the identity the disambiguator should recover."""

    id: int
    last: str
    fore: str
    initials: str
    orcid: str | None
    affiliations: list[str]
    move_year: int  # affiliations[1] (if any) applies from this year on
    subtopic: int

    def affiliation_in(self, year: int) -> int:
        return 1 if len(self.affiliations) > 1 and year >= self.move_year else 0


@dataclass(slots=True)
class Paper:
    """One PubMed record plus its hidden truth (person ids, full reference list)."""

    pmid: int
    subtopic: int
    year: int
    month: int
    day: int
    journal: int
    title: str
    doi: str | None
    pmcid: str | None
    status: str  # MedlineCitation/@Status
    authors: list[list[int]]  # [person id, affiliation index, flags]
    collective: str | None  # a group author ("X Investigators"), printed last
    mesh: list[list]  # [descriptor UI, qualifier UI or "", major 0/1]
    types: list[str]
    refs: list[int]  # every corpus paper this one cites (the true citation edges)
    extra_refs: int  # references to works outside PubMed (text-only in ReferenceList)
    refs_deposited: bool  # publisher deposited a ReferenceList
    nct: list[str] = field(default_factory=list)  # DataBankList ClinicalTrials.gov accessions
    retraction_in: int | None = None
    retraction_of: int | None = None
    # True incoming citations. Redundant with `refs`, but stored so a loader can answer
    # ELink citedin for one paper without reading every record.
    cited_by: list[int] = field(default_factory=list)


PAPER_FIELDS = tuple(f.name for f in fields(Paper))
PERSON_FIELDS = tuple(f.name for f in fields(Person))


class Card(NamedTuple):
    """The few facts other records need about a paper: to cite it, link to it, find its neighbours."""

    pmid: int
    subtopic: int
    journal: int
    year: int
    month: int
    doi: str | None
    pmcid: str | None


@dataclass
class CorpusIndex:
    """What a server needs about all papers at once, without parsing every record."""

    cards: dict[int, Card]
    databank: dict[str, list[int]]  # NCT number -> papers whose DataBankList carries it

    @classmethod
    def of(cls, papers: Mapping[int, Paper]) -> CorpusIndex:
        databank: dict[str, list[int]] = defaultdict(list)
        for paper in papers.values():
            for nct in paper.nct:
                databank[nct].append(paper.pmid)
        cards = {p.pmid: Card(*(getattr(p, name) for name in Card._fields)) for p in papers.values()}
        return cls(cards, dict(databank))

    @classmethod
    def from_json(cls, document: dict) -> CorpusIndex:
        columns = document["cards"]
        cards = {card.pmid: card for card in map(Card._make, zip(*(columns[name] for name in Card._fields)))}
        return cls(cards, document["databank"])

    def to_json(self) -> dict:
        """Column-wise, because one list per field parses several times faster than one list per paper."""
        columns = {name: [getattr(card, name) for card in self.cards.values()] for name in Card._fields}
        return {"cards": columns, "databank": self.databank}

    @functools.cached_property
    def subtopic_members(self) -> dict[int, list[int]]:
        members: dict[int, list[int]] = defaultdict(list)
        for card in self.cards.values():
            members[card.subtopic].append(card.pmid)
        return members


@dataclass
class Corpus:
    papers: Mapping[int, Paper]  # in PMID order; parsed on first access when loaded from a folder
    people: dict[int, Person]
    studies: dict[str, dict]  # nctId -> CT.gov v2 study JSON
    truth: dict
    manifest: dict
    index: CorpusIndex

    def similar(self, pmid: int, count: int = 20) -> list[int]:
        """pubmed_pubmed neighbours: papers of the same subtopic, nearest in time first.

        Derived from the PMID rather than stored, so they cost nothing to keep and never change.
        """
        pool = self.index.subtopic_members[self.index.cards[pmid].subtopic]
        draw = random.Random(pmid * 1_000_003 + self.manifest["seed"]).random
        picks = {pool[int(draw() * len(pool))] for _ in range(count + 1)} - {pmid}
        return sorted(picks, key=lambda other: abs(other - pmid))[:count]

    def write(self, folder: str | Path) -> Path:
        folder = Path(folder)
        (folder / "studies").mkdir(parents=True, exist_ok=True)
        _write_jsonl(folder / "papers.jsonl", (_record(p, PAPER_FIELDS) for p in self.papers.values()))
        _write_jsonl(folder / "people.jsonl", (_record(p, PERSON_FIELDS) for p in self.people.values()))
        for nct, study in self.studies.items():
            _write_json(folder / "studies" / f"{nct}.json", study, indent=2)
        _write_json(folder / "index.json", self.index.to_json(), separators=(",", ":"))
        _write_json(folder / "truth.json", self.truth, indent=1)
        _write_json(folder / "manifest.json", self.manifest, indent=2)
        return folder


def load(folder: str | Path) -> Corpus:
    """Open a folder written by `Corpus.write`; records are parsed only when first used."""
    folder = Path(folder)
    manifest = _read_json(folder / "manifest.json")
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{folder} is not a {FORMAT} folder")
    studies = {}
    for path in sorted((folder / "studies").glob("*.json")):
        study = _read_json(path)
        studies[study["protocolSection"]["identificationModule"]["nctId"]] = study
    index = _read_json(folder / "index.json")
    return Corpus(
        papers=_LazyRecords(folder / "papers.jsonl"),
        people=_read_people(folder / "people.jsonl"),
        studies=studies,
        truth=_read_json(folder / "truth.json"),
        manifest=manifest,
        index=CorpusIndex.from_json(index),
    )


def _read_people(path: Path) -> dict[int, Person]:
    """Read eagerly: a paper's authors are spread over the whole pool, so lazy parsing would not save much."""
    with path.open(encoding="utf-8") as lines:
        people = (Person(**json.loads(line)) for line in lines)
        return {person.id: person for person in people}


class _LazyRecords(Mapping):
    """papers.jsonl with each line parsed when used.

    Parsing 100,000 paper records takes seconds on a small machine; a test or a benchmark touches a
    few thousand of them, so the server starts in well under a second instead. Recently used records
    are kept; the cache is bounded so that reading the whole corpus does not hold it all in memory.
    """

    def __init__(self, path: Path) -> None:
        skip = len('{"pmid":')  # the writer puts the PMID first: {"pmid":30000002,...}
        self._lines = {int(line[skip:line.index(b",")]): line for line in path.read_bytes().splitlines()}
        self._parse = functools.lru_cache(maxsize=20_000)(self._parse_line)

    def _parse_line(self, pmid: int) -> Paper:
        return Paper(**json.loads(self._lines[pmid]))

    def __getitem__(self, pmid: int) -> Paper:
        if pmid not in self._lines:
            raise KeyError(pmid)
        return self._parse(pmid)

    def __contains__(self, key: object) -> bool:
        return key in self._lines

    def with_type(self, types: set[str]) -> set[int]:
        """The papers of any of these publication types, found in the raw lines (a type is written as
        its JSON string, which no other field holds) without parsing every record."""
        wanted = [json.dumps(name).encode() for name in types]
        return {pmid for pmid, line in self._lines.items() if any(name in line for name in wanted)}

    def __iter__(self) -> Iterator[int]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def papers_of_type(papers: Mapping[int, Paper], types: set[str]) -> set[int]:
    """The PMIDs of the papers having any of these publication types."""
    if isinstance(papers, _LazyRecords):
        return papers.with_type(types)
    return {pmid for pmid, paper in papers.items() if types & set(paper.types)}


def _write_json(path: Path, document: dict, **layout) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, **layout), encoding="utf-8")


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _record(obj, names: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in names}


def _write_jsonl(path: Path, records) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")


# ---------------------------------------------------------------------------------------------
# How a paper looks in print (shared by the XML renderer and the CT.gov citation strings)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuthorView:
    last: str
    fore: str
    initials: str
    orcid: str | None
    affiliation: str


def author_view(person: Person, affiliation: int, flags: int) -> AuthorView:
    """The name as printed on one paper; the identity behind it is `person.id`."""
    last, fore, initials = person.last, person.fore, person.initials
    if flags & ASCII_NAME:
        last, fore, initials = ascii_fold(last), ascii_fold(fore), ascii_fold(initials)
    if flags & INITIALS_ONLY:
        fore = " ".join(initials)
    orcid = person.orcid if flags & SHOW_ORCID else None
    return AuthorView(last, fore, initials, orcid, person.affiliations[affiliation])


def ascii_fold(text: str) -> str:
    replaced = text.translate(_NON_DECOMPOSING)
    return unicodedata.normalize("NFKD", replaced).encode("ascii", "ignore").decode()


_NON_DECOMPOSING = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "ı": "i", "æ": "ae"})


def issue_details(paper: Paper | Card) -> tuple[str, str, int, int]:
    """Volume, issue, first and last page, derived from the PMID so they never need storing."""
    volume = str(paper.year - 1960 + paper.journal * 3)
    first = 1 + (paper.pmid * 7919) % 2400
    return volume, str(paper.month), first, first + 4 + paper.pmid % 11


def abstract_of(paper: Paper) -> list[tuple[str, str]]:
    """[(label, text)], label "" when unstructured; derived from the PMID, so never stored."""
    if paper.retraction_of:
        return []
    field_ = FIELDS[paper.subtopic // SUBTOPICS_PER_FIELD]
    mix = paper.pmid * 2654435761 % 2**32  # cheap deterministic numbers; a Random() per record is too slow here
    named = [c for c in field_.conditions if c in paper.title.lower()]
    condition = named[0] if named else field_.conditions[mix % len(field_.conditions)]
    if "Randomized Controlled Trial" in paper.types:
        return [("BACKGROUND", f"Treatment options for {condition} remain limited."),
                ("METHODS", f"We randomly assigned {80 + mix % 2321} patients to {field_.drugs[mix % 2]} or placebo."),
                ("RESULTS", f"The primary end point occurred in {8 + mix % 33}% versus {41 + mix % 20}% of patients."),
                ("CONCLUSIONS", "The intervention improved outcomes with an acceptable safety profile.")]
    return [("", f"We studied {condition} in {30 + mix % 89971} participants. "
                 f"Findings inform the {field_.name} literature on {condition}.")]


def short_citation(paper: Paper | Card) -> str:
    """Journal-style citation as in ReferenceList/Reference/Citation ("J Name. 2012 Dec;21(6):1349-57")."""
    volume, issue, first, last = issue_details(paper)
    return f"{JOURNALS[paper.journal].iso}. {paper.year} {MONTHS[paper.month - 1]};{volume}({issue}):{first}-{last}"


def full_citation(paper: Paper, people: dict[int, Person]) -> str:
    """Citation as ClinicalTrials.gov prints it: authors, title, source, doi (ASCII, like CT.gov)."""
    names = [f"{ascii_fold(people[pid].last)} {ascii_fold(people[pid].initials)}" for pid, _, _ in paper.authors]
    if paper.collective:
        names.append(paper.collective)
    doi = f" doi: {paper.doi}." if paper.doi else ""
    return f"{', '.join(names)}. {paper.title} {short_citation(paper)}.{doi}"


def orcid_with_checksum(base15: str) -> str:
    """ORCID iDs end in an ISO 7064 MOD 11-2 check character."""
    total = 0
    for digit in base15:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    body = base15 + ("X" if check == 10 else str(check))
    return "-".join(body[i:i + 4] for i in range(0, 16, 4))


def initials_of(forename: str) -> str:
    return "".join(part[0].upper() for part in forename.replace("-", " ").split())


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

def generate(n_papers: int, seed: int = 0, n_trials: int = 3, retraction_rate: float = 0.002) -> Corpus:
    """Build a corpus of `n_papers` papers plus retraction notices and `n_trials` trials."""
    if n_papers < 200:
        raise ValueError("need at least 200 papers to place trials, retractions and name twins")
    collecting = gc.isenabled()
    gc.disable()  # millions of small acyclic lists: the cycle collector would only add a quarter to the run time
    try:
        return _generate(n_papers, seed, n_trials, retraction_rate)
    finally:
        if collecting:
            gc.enable()


def _generate(n_papers: int, seed: int, n_trials: int, retraction_rate: float) -> Corpus:
    rng = random.Random(seed)
    people, labs, twins = _make_people(rng, n_papers)
    papers = _make_papers(rng, n_papers, people, labs)
    in_degree = Counter(cited for paper in papers.values() for cited in paper.refs)
    taken: set[int] = set()  # a paper reports at most one trial
    trials = [_make_trial(rng, index, papers, people, labs, in_degree, taken) for index in range(n_trials)]
    retractions = _retract(rng, papers, retraction_rate, must_include=[t.background[0] for t in trials])
    studies = {t.nct: _study_json(t, papers, people) for t in trials}
    truth = _truth(people, twins, trials, retractions)
    for paper in papers.values():
        for cited in paper.refs:
            papers[cited].cited_by.append(paper.pmid)
    papers = dict(sorted(papers.items()))
    manifest = {
        "format": FORMAT, "seed": seed, "n_papers": n_papers, "n_records": len(papers), "n_people": len(people),
        "n_trials": n_trials, "first_pmid": min(papers), "last_pmid": max(papers),
        "years": [min(p.year for p in papers.values()), LAST_YEAR],
    }
    return Corpus(papers, people, studies, truth, manifest, CorpusIndex.of(papers))


# --- people -----------------------------------------------------------------------------------

@dataclass
class Lab:
    subtopic: int
    members: list[int]  # person ids; members[0] leads the lab
    weight: float  # how productive the lab is (Pareto, so a few labs publish most)


def _make_people(rng: random.Random, n_papers: int) -> tuple[dict[int, Person], list[Lab], list[list[int]]]:
    n_subtopics = len(FIELDS) * SUBTOPICS_PER_FIELD
    n_labs = max(n_subtopics * 2, n_papers // 25)
    labs = [Lab(i % n_subtopics, [], rng.paretovariate(1.3)) for i in range(n_labs)]
    people: dict[int, Person] = {}
    for lab in labs:
        for _ in range(rng.randint(4, 12)):
            _add_person(rng, people, lab, *_random_name(rng))
    return people, labs, _add_name_twins(rng, people, labs)


def _random_name(rng: random.Random) -> tuple[str, str, int]:
    pool = rng.choices(NAME_POOLS, cum_weights=POOL_CUM_WEIGHTS)[0]
    if pool.syllables:
        parts = rng.sample(pool.syllables, 2 if pool.hyphenated or rng.random() < 0.6 else 1)
        fore = "-".join(parts) if pool.hyphenated else parts[0] + "".join(part.lower() for part in parts[1:])
    else:
        fore = rng.choice(pool.given)
        if rng.random() < 0.15:
            fore += " " + rng.choice("ABCDEFGHJKLMPRST")  # a middle initial, as PubMed prints it
    return rng.choice(pool.surnames), fore, rng.choice(pool.institutions)


def _add_person(rng: random.Random, people: dict[int, Person], lab: Lab, last: str, fore: str,
                institution: int) -> Person:
    person_id = len(people) + 1
    field_ = FIELDS[lab.subtopic // SUBTOPICS_PER_FIELD]
    affiliations = [_affiliation(field_, institution)]
    if rng.random() < 0.2:  # moved to another institution mid-career
        affiliations.append(_affiliation(field_, rng.randrange(len(INSTITUTIONS))))
    orcid = orcid_with_checksum(f"0000000{rng.randrange(2, 4)}{rng.randrange(10**7):07d}") \
        if rng.random() < 0.3 else None
    person = Person(person_id, last, fore, initials_of(fore), orcid, affiliations,
                    rng.randint(2008, LAST_YEAR + 5), lab.subtopic)
    people[person_id] = person
    lab.members.append(person_id)
    return person


def _affiliation(field_: Field, institution: int) -> str:
    name, city, country = INSTITUTIONS[institution]
    return f"{field_.department}, {name}, {city}, {country}."


def _add_name_twins(rng: random.Random, people: dict[int, Person], labs: list[Lab]) -> list[list[int]]:
    """Add people whose printed names collide, placed so collisions range from easy to hard."""
    busiest = sorted(range(len(labs)), key=lambda i: -labs[i].weight)
    groups = []
    for group, (last, forenames, placement, institution) in enumerate(NAME_TWINS):
        home = labs[busiest[group % len(busiest)]]
        members = []
        for k, fore in enumerate(forenames):
            lab = home if k == 0 or placement == "lab" else _twin_lab(rng, labs, home, placement)
            members.append(_add_person(rng, people, lab, last, fore, institution).id)
        groups.append(members)
    return groups


def _twin_lab(rng: random.Random, labs: list[Lab], home: Lab, placement: str) -> Lab:
    same_field = home.subtopic // SUBTOPICS_PER_FIELD
    candidates = [lab for lab in labs if lab is not home
                  and (lab.subtopic // SUBTOPICS_PER_FIELD == same_field) == (placement == "field")]
    return max(rng.sample(candidates, min(5, len(candidates))), key=lambda lab: lab.weight)


# --- papers and citations -------------------------------------------------------------------

class _Attachment:
    """Who a new paper cites: mostly preferential attachment, partly recent work.

    Preferential: every paper sits in a ballot list once, plus once per citation it receives, so a
    uniform draw from the ballots is proportional to in-degree + 1 (the heavy tail). Recent: a
    uniform draw from the newest fifth of papers, because citations favour recent work and pure
    preferential attachment would let the oldest papers collect nearly everything.
    """

    def __init__(self) -> None:
        self.ballots: list[int] = []
        self.subtopic_ballots: dict[int, list[int]] = defaultdict(list)
        self.papers: list[int] = []
        self.subtopic_papers: dict[int, list[int]] = defaultdict(list)

    def add_paper(self, pmid: int, subtopic: int) -> None:
        self.papers.append(pmid)
        self.subtopic_papers[subtopic].append(pmid)
        self.add_citation(pmid, subtopic)

    def add_citation(self, pmid: int, subtopic: int) -> None:
        self.ballots.append(pmid)
        self.subtopic_ballots[subtopic].append(pmid)

    def draw(self, rng: random.Random, subtopic: int) -> int:
        uniform = rng.random  # random() arithmetic instead of randrange(): this runs ~2M times at 100k papers
        recent = uniform() < 0.3
        if uniform() < 0.65 and self.subtopic_papers[subtopic]:
            pool = self.subtopic_papers[subtopic] if recent else self.subtopic_ballots[subtopic]
        else:
            pool = self.papers if recent else self.ballots
        start = int(len(pool) * 0.8) if recent else 0
        return pool[start + int(uniform() * (len(pool) - start))]


def _make_papers(rng: random.Random, n_papers: int, people: dict[int, Person],
                 labs: list[Lab]) -> dict[int, Paper]:
    first_year = LAST_YEAR - min(30, max(10, n_papers // 4000))
    subtopic_labs: dict[int, _LabChoice] = defaultdict(_LabChoice)
    for lab in labs:
        subtopic_labs[lab.subtopic].add(lab)
    subtopics = range(len(FIELDS) * SUBTOPICS_PER_FIELD)
    subtopic_cum_weights = list(itertools.accumulate(rng.uniform(0.3, 3.0) for _ in subtopics))
    attachment = _Attachment()
    papers: dict[int, Paper] = {}
    pmid = FIRST_PMID
    for index in range(n_papers):
        pmid += rng.choice((1, 1, 2, 3, 7, 19, 41))  # PMIDs are not contiguous
        subtopic = rng.choices(subtopics, cum_weights=subtopic_cum_weights)[0]
        year, month, day = _date(index, n_papers, first_year)
        paper = _paper(rng, pmid, subtopic, (year, month, day), subtopic_labs[subtopic], people)
        paper.refs = _cite(rng, attachment, subtopic, index, paper.types)
        for cited in paper.refs:
            attachment.add_citation(cited, papers[cited].subtopic)
        attachment.add_paper(pmid, subtopic)
        papers[pmid] = paper
    return papers


def _date(index: int, n_papers: int, first_year: int) -> tuple[int, int, int]:
    """Publication date grows with the PMID, like real PubMed."""
    position = index * (LAST_YEAR - first_year + 1) * 12 / n_papers
    month_index = int(position)
    return first_year + month_index // 12, month_index % 12 + 1, 1 + int((position - month_index) * 28)


class _LabChoice:
    """The labs of one subtopic, drawn in proportion to their productivity."""

    def __init__(self) -> None:
        self.labs: list[Lab] = []
        self.cum_weights: list[float] = []

    def add(self, lab: Lab) -> None:
        self.labs.append(lab)
        self.cum_weights.append((self.cum_weights[-1] if self.cum_weights else 0.0) + lab.weight)

    def draw(self, rng: random.Random) -> Lab:
        return rng.choices(self.labs, cum_weights=self.cum_weights)[0]


def _paper(rng: random.Random, pmid: int, subtopic: int, date: tuple[int, int, int], labs: _LabChoice,
           people: dict[int, Person]) -> Paper:
    year, month, day = date
    field_ = FIELDS[subtopic // SUBTOPICS_PER_FIELD]
    design = rng.choices(DESIGNS, cum_weights=DESIGN_CUM_WEIGHTS)[0]
    journal = rng.choice(field_.journals) if rng.random() < 0.6 else rng.choice(GENERAL_JOURNALS)
    pmc = rng.random() < 0.45
    recent = (LAST_YEAR - year) * 12 + 12 - month < 6  # not yet indexed for MEDLINE
    title = _title(rng, field_, design)
    types = list(DESIGN_TYPES[design])
    if "meta-analysis" in title:
        types += ["Meta-Analysis", "Systematic Review"]
    if rng.random() < 0.4:
        types.append("Research Support, Non-U.S. Gov't")
    return Paper(
        pmid=pmid, subtopic=subtopic, year=year, month=month, day=day, journal=journal, title=title,
        doi=_doi(rng, pmid, year, journal),
        pmcid=f"PMC{4_000_000 + (pmid - FIRST_PMID) * 3 // 2}" if pmc else None,
        status="In-Data-Review" if recent else "MEDLINE",
        authors=_authors(rng, labs, people, year), collective=None,
        mesh=[] if recent else _mesh(rng, field_, design), types=types, refs=[],
        extra_refs=rng.choice((0, 0, 1, 2, 4)), refs_deposited=rng.random() < (0.85 if pmc else 0.4),
    )


def _title(rng: random.Random, field_: Field, design: str) -> str:
    template = rng.choice(TITLE_TEMPLATES[design])
    text = template.format(drug=rng.choice(field_.drugs), condition=rng.choice(field_.conditions))
    return text[0].upper() + text[1:] + "."


def _doi(rng: random.Random, pmid: int, year: int, journal: int) -> str | None:
    if rng.random() < (0.3 if year < 2003 else 0.02):
        return None  # old or odd records without a DOI
    slug = JOURNALS[journal].iso.lower().replace(" ", "")[:8]
    return f"{JOURNALS[journal].doi_prefix}/{slug}.{year}.{pmid % 1_000_000:06d}"


def _authors(rng: random.Random, labs: _LabChoice, people: dict[int, Person], year: int) -> list[list[int]]:
    lab = labs.draw(rng)
    wanted = rng.choices(range(1, 13), cum_weights=AUTHOR_COUNT_CUM_WEIGHTS)[0]
    team = rng.sample(lab.members[1:], min(wanted - 1, len(lab.members) - 1))
    if rng.random() < 0.8:
        team.append(lab.members[0])  # the lab head signs last
    for _ in range(3 * (wanted - len(team))):  # collaborators from other labs of the same subtopic
        if len(team) >= wanted:
            break
        guest = rng.choice(labs.draw(rng).members)
        if guest not in team:
            team.insert(rng.randrange(len(team) + 1), guest)
    return [[pid, people[pid].affiliation_in(year), _name_flags(rng, people[pid], year)] for pid in team]


def _name_flags(rng: random.Random, person: Person, year: int) -> int:
    flags = 0
    if person.orcid and year >= 2013 and rng.random() < 0.8:
        flags |= SHOW_ORCID
    if not (person.last + person.fore).isascii() and rng.random() < 0.15:
        flags |= ASCII_NAME
    if year < 2002:
        flags |= INITIALS_ONLY
    return flags


def _mesh(rng: random.Random, field_: Field, design: str) -> list[list]:
    main = field_.mesh[0]
    chosen = {main: [main, rng.choice(("Q000628", "Q000175", "Q000453", "Q000188", "Q000150")), 1]}
    for ui in rng.sample(field_.mesh[1:], rng.randint(1, 3)):
        chosen[ui] = [ui, "", 0]
    for ui in rng.sample(DESIGN_MESH[design], min(2, len(DESIGN_MESH[design]))):
        chosen[ui] = [ui, "", 0]
    if design != "basic":
        for ui in ("D006801", *rng.sample(("D008297", "D005260", "D000328", "D008875", "D000368"), 3)):
            chosen[ui] = [ui, "", 0]
    return sorted(chosen.values(), key=lambda heading: MESH[heading[0]])


def _cite(rng: random.Random, attachment: _Attachment, subtopic: int, index: int, types: list[str]) -> list[int]:
    wanted = min(index, rng.randint(20, 45) if "Review" in types else rng.randint(5, 30))
    cited: set[int] = set()
    for _ in range(wanted * 4):
        if len(cited) == wanted:
            break
        cited.add(attachment.draw(rng, subtopic))
    return sorted(cited)


# --- trials -------------------------------------------------------------------------------------

@dataclass
class _Trial:
    nct: str
    acronym: str
    field: Field
    lab: Lab
    start_year: int
    condition: str
    drug: str
    background: list[int]
    results: list[int]  # RESULT references
    derived: list[int]  # DERIVED references (DataBankList carries the NCT)
    si_only: list[int]  # DataBankList carries the NCT, but the registry does not list them
    dangling_pmid: int | None  # a listed pmid PubMed cannot serve


def _make_trial(rng: random.Random, index: int, papers: dict[int, Paper], people: dict[int, Person],
                labs: list[Lab], in_degree: Counter, taken: set[int]) -> _Trial:
    ordered = list(papers.values())
    start = ordered[int(len(ordered) * rng.uniform(0.35, 0.5))]
    lab = max((lab for lab in labs if len(lab.members) >= 5), key=lambda lab: lab.weight * rng.random())
    field_ = FIELDS[lab.subtopic // SUBTOPICS_PER_FIELD]
    trial = _Trial(
        nct=f"NCT0{rng.randrange(10**7):07d}", acronym=ACRONYMS[index % len(ACRONYMS)], field=field_, lab=lab,
        start_year=start.year, condition=field_.conditions[0], drug=field_.drugs[0],
        background=_background(rng, ordered, start.pmid, lab.subtopic), results=[], derived=[], si_only=[],
        dangling_pmid=FIRST_PMID - 1 - rng.randrange(10**6) if index == 0 else None,
    )
    later = [p for p in ordered if p.year >= start.year + 2 and p.pmid not in taken]
    picked = _most_cited(rng, in_degree, _nearest_topic(later, lab.subtopic, 30), 2 + 1 + 1 + rng.randint(0, 1))
    taken.update(picked)
    trial.results, trial.derived, trial.si_only = picked[:2], picked[2:-1], picked[-1:]
    for role, pmid in [("result", p) for p in trial.results] + [("derived", p) for p in trial.derived + trial.si_only]:
        _make_trial_paper(rng, papers[pmid], trial, people, role)
    papers[trial.results[1]].nct = []  # registry lists it, but MEDLINE never indexed the NCT number
    return trial


def _background(rng: random.Random, ordered: list[Paper], before_pmid: int, subtopic: int) -> list[int]:
    earlier = _nearest_topic([p for p in ordered if p.pmid < before_pmid], subtopic, 12)
    return sorted(p.pmid for p in rng.sample(earlier, rng.randint(4, 8)))


def _nearest_topic(candidates: list[Paper], subtopic: int, enough: int) -> list[Paper]:
    """Papers of the subtopic, widened to its field and then to everything when too few."""
    same_field = subtopic // SUBTOPICS_PER_FIELD
    for keep in (lambda p: p.subtopic == subtopic, lambda p: p.subtopic // SUBTOPICS_PER_FIELD == same_field):
        chosen = [p for p in candidates if keep(p)]
        if len(chosen) >= enough:
            return chosen
    return candidates


def _most_cited(rng: random.Random, in_degree: Counter, candidates: list[Paper], count: int) -> list[int]:
    """Trial reports tend to be landmark papers: pick well-cited ones, in publication order."""
    sample = rng.sample(candidates, min(len(candidates), count * 6))
    if len(sample) < count:
        raise ValueError("corpus too small for a trial; generate more papers")
    best = sorted(sample, key=lambda p: -in_degree[p.pmid])[:count]
    return sorted(p.pmid for p in best)


def _make_trial_paper(rng: random.Random, paper: Paper, trial: _Trial, people: dict[int, Person],
                      role: str) -> None:
    """Turn a corpus paper into a report of the trial, written by the trial's lab."""
    if role == "result":
        paper.title = f"{trial.drug.capitalize()} versus placebo in {trial.condition}: the {trial.acronym} " \
                      f"randomized clinical trial."
        paper.types = ["Clinical Trial, Phase III", "Journal Article", "Multicenter Study",
                       "Randomized Controlled Trial"]
        paper.collective = f"{trial.acronym} Investigators"
    else:
        paper.title = f"Outcomes by baseline risk in {trial.condition}: a secondary analysis of the " \
                      f"{trial.acronym} trial."
        paper.types = ["Journal Article", "Randomized Controlled Trial"]
    paper.nct = [trial.nct]
    paper.refs = sorted(set(paper.refs) | set(trial.background[:3]))  # trial reports cite their rationale
    team = rng.sample(trial.lab.members[1:], min(len(trial.lab.members) - 1, rng.randint(3, 8)))
    paper.authors = [[pid, people[pid].affiliation_in(paper.year), _name_flags(rng, people[pid], paper.year)]
                     for pid in team + [trial.lab.members[0]]]


def _retract(rng: random.Random, papers: dict[int, Paper], rate: float, must_include: list[int]) -> dict[int, int]:
    """Retract some papers; each gets a retraction notice appended after the last PMID."""
    pmids = sorted(papers)
    chosen = sorted(set(must_include) | set(rng.sample(pmids[: len(pmids) * 3 // 4], max(1, int(len(pmids) * rate)))))
    last = papers[pmids[-1]]
    notice_pmid = last.pmid
    notices = {}
    for pmid in chosen:
        notice_pmid += rng.randint(1, 5)
        papers[notice_pmid] = _notice(notice_pmid, papers[pmid], last)
        papers[pmid].types.append("Retracted Publication")
        papers[pmid].retraction_in = notice_pmid
        notices[pmid] = notice_pmid
    return notices


def _notice(pmid: int, retracted: Paper, last: Paper) -> Paper:
    return Paper(pmid=pmid, subtopic=retracted.subtopic, year=last.year, month=last.month, day=last.day,
                 journal=retracted.journal, title=f"Retraction: {retracted.title}", doi=None,
                 pmcid=None, status="PubMed-not-MEDLINE", authors=[], collective=None, mesh=[],
                 types=["Journal Article", "Retraction of Publication"], refs=[], extra_refs=0,
                 refs_deposited=False, retraction_of=retracted.pmid)


# --- CT.gov study JSON ------------------------------------------------------------------------

def _study_json(trial: _Trial, papers: dict[int, Paper], people: dict[int, Person]) -> dict:
    """A v2 study in the shape of GET /api/v2/studies/{nctId} (modules as in the AACT fixtures)."""
    pi = people[trial.lab.members[0]]
    institution, city, country = next(place for place in INSTITUTIONS if place[0] in pi.affiliations[0])
    start = trial.start_year
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": trial.nct, "orgStudyIdInfo": {"id": f"{trial.acronym}-{start}"},
                "organization": {"fullName": institution, "class": "OTHER"},
                "briefTitle": f"{trial.drug.capitalize()} in {trial.condition.capitalize()} ({trial.acronym})",
                "officialTitle": f"A Randomized, Double-Blind, Placebo-Controlled Phase 3 Trial of "
                                 f"{trial.drug.capitalize()} in Patients With {trial.condition.title()}",
                "acronym": trial.acronym,
            },
            "statusModule": _status_module(start),
            "sponsorCollaboratorsModule": {"responsibleParty": {"type": "SPONSOR"},
                                           "leadSponsor": {"name": institution, "class": "OTHER"}},
            "descriptionModule": {"briefSummary": f"This study tests whether {trial.drug} improves outcomes "
                                                  f"in {trial.condition}."},
            "conditionsModule": {"conditions": [trial.condition.title()],
                                 "keywords": [trial.drug, trial.field.name]},
            "designModule": _design_module(),
            "armsInterventionsModule": _arms_module(trial.drug),
            "contactsLocationsModule": {
                "overallOfficials": [{"name": f"{pi.fore} {pi.last}, MD, PhD", "affiliation": institution,
                                      "role": "PRINCIPAL_INVESTIGATOR"}],
                "locations": [{"facility": institution, "city": city, "country": country}],
            },
            "referencesModule": {"references": _references(trial, papers, people)},
        },
        "derivedSection": {
            "miscInfoModule": {"versionHolder": f"{LAST_YEAR}-11-20"},
            "conditionBrowseModule": {"meshes": [{"id": "D" + trial.field.mesh[0][1:].zfill(9),
                                                  "term": MESH[trial.field.mesh[0]]}]},
        },
        "hasResults": False,
    }


def _status_module(start: int) -> dict:
    return {
        "statusVerifiedDate": f"{start + 5}-06", "overallStatus": "COMPLETED",
        "startDateStruct": {"date": f"{start}-03", "type": "ACTUAL"},
        "primaryCompletionDateStruct": {"date": f"{start + 2}-09", "type": "ACTUAL"},
        "completionDateStruct": {"date": f"{start + 3}-01", "type": "ACTUAL"},
        "studyFirstSubmitDate": f"{start}-01-14", "studyFirstSubmitQcDate": f"{start}-01-14",
        "studyFirstPostDateStruct": {"date": f"{start}-01-17", "type": "ESTIMATED"},
        "lastUpdateSubmitDate": f"{start + 5}-06-02",
        "lastUpdatePostDateStruct": {"date": f"{start + 5}-06-05", "type": "ACTUAL"},
    }


def _design_module() -> dict:
    return {
        "studyType": "INTERVENTIONAL", "phases": ["PHASE3"],
        "designInfo": {"allocation": "RANDOMIZED", "interventionModel": "PARALLEL", "primaryPurpose": "TREATMENT",
                       "maskingInfo": {"masking": "DOUBLE", "whoMasked": ["PARTICIPANT", "INVESTIGATOR"]}},
        "enrollmentInfo": {"count": 640, "type": "ACTUAL"},
    }


def _arms_module(drug: str) -> dict:
    return {
        "armGroups": [
            {"label": drug.capitalize(), "type": "EXPERIMENTAL", "interventionNames": [f"Drug: {drug.capitalize()}"]},
            {"label": "Placebo", "type": "PLACEBO_COMPARATOR", "interventionNames": ["Drug: Placebo"]},
        ],
        "interventions": [
            {"type": "DRUG", "name": drug.capitalize(), "armGroupLabels": [drug.capitalize()]},
            {"type": "DRUG", "name": "Placebo", "armGroupLabels": ["Placebo"]},
        ],
    }


def _references(trial: _Trial, papers: dict[int, Paper], people: dict[int, Person]) -> list[dict]:
    listed = [("BACKGROUND", p) for p in trial.background] + [("RESULT", p) for p in trial.results] \
        + [("DERIVED", p) for p in trial.derived]
    references = [{"pmid": str(p), "type": kind, "citation": full_citation(papers[p], people)} for kind, p in listed]
    references.insert(len(trial.background), {
        "type": "BACKGROUND",
        "citation": f"{trial.field.department.split(' of ')[-1]} handbook. 4th ed. Philadelphia: Elsevier; "
                    f"{trial.start_year - 3}.",
    })
    if trial.dangling_pmid:
        references.insert(1, {"pmid": str(trial.dangling_pmid), "type": "BACKGROUND",
                              "citation": "Withdrawn record. Unknown J. 2001;1:1-2."})
    return references


# --- answer key ----------------------------------------------------------------------------------

def _truth(people: dict[int, Person], twins: list[list[int]], trials: list[_Trial],
           retractions: dict[int, int]) -> dict:
    """Everything a scorer needs that the served XML deliberately hides or scatters."""
    by_folded_name: dict[str, list[int]] = defaultdict(list)
    for person in people.values():
        by_folded_name[f"{ascii_fold(person.last)} {ascii_fold(person.initials)}"].append(person.id)
    return {
        "authorship": "papers.jsonl authors[i][0] is the person id (people.jsonl) of the i-th AuthorList entry; "
                      "collective authors are printed after them and have no person",
        "citations": "papers.jsonl refs are the true outgoing citations; NCBI-visible only via ReferenceList "
                     "(refs_deposited) or ELink (citing paper has a pmcid)",
        "ambiguous_names": {name: ids for name, ids in sorted(by_folded_name.items()) if len(ids) > 1},
        "name_twins": twins,  # planted groups; "ambiguous_names" also has the collisions that arose by chance
        "trials": {t.nct: {"background": t.background, "result": t.results, "derived": t.derived,
                           "si_only": t.si_only, "dangling_pmid": t.dangling_pmid,
                           "principal_investigator": t.lab.members[0]} for t in trials},
        "retractions": {str(pmid): notice for pmid, notice in retractions.items()},
    }


# --- a month later ------------------------------------------------------------------------------

def grow(corpus: Corpus, n_new: int, cited: list[int], seed: int = 0) -> Corpus:
    """The corpus a month later, for living updates: `n_new` papers published after every other,
    each citing one or more of `cited` (a trial's papers, say) and some others of the corpus, all in
    PubMed Central so that ELink lists them as citing; one paper of `cited`'s neighbourhood
    retracted since, and one given a PMCID. The corpus given is left as it was; the truth of what
    changed is `truth["grown"]`: {"new": PMIDs, "citing": {PMID: the new PMIDs citing it},
    "retracted": [PMID], "new_pmcid": [PMID]}."""
    rng = random.Random(seed)
    papers = {pmid: copy.copy(paper) for pmid, paper in corpus.papers.items()}
    last = papers[max(papers)]
    # papers a build of `cited` finds: those citing them from PMC (ELink), those their visible references name
    citers = sorted({c for pmid in cited for c in papers[pmid].cited_by if papers[c].pmcid} - set(cited))
    visible = [pmid for pmid in cited if papers[pmid].pmcid or papers[pmid].refs_deposited]
    referenced = sorted({r for pmid in visible for r in papers[pmid].refs} - set(cited))
    retracted = next(p for p in citers if not papers[p].retraction_in and "Retracted Publication" not in papers[p].types)
    without_pmc = next(p for p in referenced if not papers[p].pmcid and p != retracted)
    pmid = last.pmid
    citing: dict[int, list[int]] = defaultdict(list)
    added = []
    for index in range(n_new):
        pmid += rng.choice((1, 2, 3, 7))
        chosen = sorted(set(rng.sample(cited, rng.randint(1, min(3, len(cited))))) |
                        set(rng.sample(sorted(papers), rng.randint(2, 8))))
        template = papers[rng.choice(chosen)]
        papers[pmid] = Paper(
            pmid=pmid, subtopic=template.subtopic, year=last.year, month=last.month, day=min(28, last.day + 1),
            journal=template.journal, title=f"Update {index + 1} on {template.title[0].lower()}{template.title[1:]}",
            doi=f"10.5555/update.{pmid}", pmcid=f"PMC{9_000_000 + index}", status="In-Data-Review",
            authors=[list(author) for author in template.authors], collective=None, mesh=[],
            types=["Journal Article"], refs=chosen, extra_refs=0, refs_deposited=True)
        for target in chosen:
            papers[target].cited_by = [*papers[target].cited_by, pmid]
            citing[target].append(pmid)
        added.append(pmid)
    notice = pmid + 1
    papers[notice] = _notice(notice, papers[retracted], papers[pmid])
    papers[retracted].types = [*papers[retracted].types, "Retracted Publication"]
    papers[retracted].retraction_in = notice
    papers[without_pmc].pmcid = f"PMC{9_500_000 + without_pmc % 100_000}"
    truth = {**corpus.truth, "grown": {"new": added, "citing": {str(k): v for k, v in sorted(citing.items())},
                                       "retracted": [retracted], "new_pmcid": [without_pmc], "notice": notice}}
    manifest = {**corpus.manifest, "n_records": len(papers), "last_pmid": max(papers)}
    return Corpus(papers, corpus.people, corpus.studies, truth, manifest, CorpusIndex.of(papers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    corpus = generate(args.papers, seed=args.seed, n_trials=args.trials)
    generated = time.perf_counter()
    corpus.write(args.out)
    print(f"{len(corpus.papers)} records, {len(corpus.people)} people, {len(corpus.studies)} studies -> {args.out} "
          f"(generate {generated - began:.1f}s, write {time.perf_counter() - generated:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
