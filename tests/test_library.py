""""Know what I already know": a reviewer's library, as Zotero, EndNote, Rayyan and Covidence export
it (RIS, BibTeX, CSV) or as PubMed gives it (XML, MEDLINE), marks the candidates it holds, matched
by PMID, then DOI, then title, year and first author, each with the reason; they are counted, and
left out of the exports unless asked for."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build
from litgraph.candidates import Candidate, Library, screen
from litgraph.cli import main
from litgraph.sources.library import read_library

rispy = pytest.importorskip("rispy")


@pytest.fixture(scope="module")
def trial(two_trials, tmp_path_factory):
    folder = tmp_path_factory.mktemp("library")
    with FakeNCBI(corpus=two_trials) as server:
        nct = next(iter(two_trials.studies))
        settings = settings_for(server, folder)
        result = build(nct, depth=1, max_papers=400, settings=settings)
        yield result, nct, settings, server


def usable(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates with everything a library record might carry."""
    return [c for c in candidates if c.doi and c.year and c.authors and "," in c.authors[0]]


def shouted(title: str) -> str:
    """The title as some exports mangle it: upper case, punctuation gone, spaces doubled."""
    return re.sub(r"[^\w\s]", "", title).upper().replace(" ", "  ")


def zotero_ris(papers: list[Candidate]) -> str:
    """Zotero's RIS: no PMID (Zotero keeps it in Extra, which its RIS export leaves out), a DOI."""
    return "".join(
        "TY  - JOUR\r\n" f"TI  - {c.title}\r\n" + "".join(f"AU  - {a}\r\n" for a in c.authors)
        + f"T2  - {c.journal}\r\nAB  - {c.abstract}\r\nDA  - {c.year}/03/01/\r\nPY  - {c.year}\r\nDO  - {c.doi}\r\n"
        "DP  - PubMed\r\nLA  - eng\r\nER  - \r\n\r\n" for c in papers)


def endnote_ris(papers: list[Candidate]) -> str:
    """EndNote's RIS of PubMed records: the PMID as the accession number (AN)."""
    return "".join(
        "TY  - JOUR\n" + "".join(f"AU  - {a}\n" for a in c.authors) + f"T1  - {c.title}\nPY  - {c.year}\n"
        f"JO  - {c.journal}\nN2  - {c.abstract}\nAN  - {c.pmid}\nDB  - PubMed\nDP  - NLM\nER  - \n" for c in papers)


def zotero_bibtex(papers: list[Candidate]) -> str:
    return "\n".join(
        f"@article{{{c.authors[0].split(',')[0].lower()}_{c.year}_{n},\n\ttitle = {{{c.title}}},\n"
        f"\tvolume = {{12}},\n\turl = {{https://doi.org/{c.doi}}},\n\tjournal = {{{c.journal}}},\n"
        f"\tauthor = {{{' and '.join(c.authors)}}},\n\tyear = {{{c.year}}},\n\tpmid = {{{c.pmid}}},\n}}\n"
        for n, c in enumerate(papers))


def rayyan_csv(papers: list[Candidate], path: Path) -> Path:
    """Rayyan's CSV export; these rows carry no PMID or DOI, so only the title can tell them."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "title", "authors", "journal", "issn", "volume", "issue", "pages", "year",
                         "publisher", "url", "abstract", "notes", "doi", "keywords"])
        for n, c in enumerate(papers):
            writer.writerow([f"rayyan-{n}", shouted(c.title), " and ".join(c.authors), c.journal, "", "", "", "",
                             c.year, "", "", c.abstract, "", "", ""])
    return path


def covidence_csv(by_pmid: list[Candidate], by_title: list[Candidate], path: Path) -> Path:
    """Covidence's CSV export: authors as "Ma L, Bruno M", the PMID as the accession number."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Title", "Authors", "Abstract", "Published Year", "Published Month", "Journal", "Volume",
                         "Issue", "Pages", "Accession Number", "DOI", "Ref", "Covidence #", "Study", "Notes", "Tags"])
        for n, c in enumerate(by_pmid + by_title):
            pmid = c.pmid if c in by_pmid else ""
            writer.writerow([c.title.lower().rstrip("."), ", ".join(c.short_authors), c.abstract, c.year, "Mar",
                             c.journal, "", "", "", pmid, "", n, f"#{100 + n}", f"{c.short_authors[0]} {c.year}", "", ""])
    return path


def medline(papers: list[Candidate]) -> str:
    """PubMed's own MEDLINE format, as "Save > PubMed format" writes it."""
    return "\n".join(f"PMID- {c.pmid}\nOWN - NLM\nSTAT- MEDLINE\nDP  - {c.year} Mar\nTI  - {c.title}\n"
                     + "".join(f"FAU - {a}\nAU  - {s}\n" for a, s in zip(c.authors, c.short_authors))
                     + f"LA  - eng\nTA  - {c.journal}\nSO  - {c.journal}. {c.year}.\n" for c in papers)


def test_a_library_in_every_export_shape_marks_exactly_the_candidates_it_holds(trial, tmp_path):
    result, *_, server = trial
    papers = usable(result.candidates)
    groups = {name: papers[at:at + 3] for name, at in (("zotero", 0), ("endnote", 3), ("bibtex", 6), ("rayyan", 9),
                                                         ("covidence_pmid", 12), ("covidence_title", 15),
                                                         ("xml", 18), ("medline", 21), ("ids", 24))}
    decoys = papers[30:33]
    files = [tmp_path / "zotero.ris", tmp_path / "endnote.ris", tmp_path / "library.bib", tmp_path / "pubmed.xml",
             tmp_path / "pubmed.nbib", tmp_path / "pmids.txt"]
    files[0].write_text(zotero_ris(groups["zotero"]), encoding="utf-8")
    files[1].write_text(endnote_ris(groups["endnote"]), encoding="utf-8")
    files[2].write_text(zotero_bibtex(groups["bibtex"]), encoding="utf-8")
    articles = b"".join(server.store.article(int(c.pmid)) for c in groups["xml"])
    files[3].write_bytes(b'<?xml version="1.0" ?>\n<PubmedArticleSet>' + articles + b"</PubmedArticleSet>")
    files[4].write_text(medline(groups["medline"]), encoding="utf-8")
    files[5].write_text("\n".join(c.pmid for c in groups["ids"][:2]) + f"\nhttps://doi.org/{groups['ids'][2].doi.upper()}\n")
    files.append(rayyan_csv(groups["rayyan"], tmp_path / "rayyan.csv"))
    files.append(covidence_csv(groups["covidence_pmid"], groups["covidence_title"], tmp_path / "covidence.csv"))
    # decoys: the title of a candidate with another year, or another first author, or a PMID no candidate has
    with (tmp_path / "decoys.ris").open("w", encoding="utf-8") as handle:
        handle.write(f"TY  - JOUR\nTI  - {decoys[0].title}\nAU  - {decoys[0].authors[0]}\nPY  - {decoys[0].year - 3}\nER  - \n")
        handle.write(f"TY  - JOUR\nTI  - {decoys[1].title}\nAU  - Nobody, Else\nPY  - {decoys[1].year}\nER  - \n")
        handle.write("TY  - JOUR\nTI  - Something else\nAN  - 1\nER  - \n")
    files.append(tmp_path / "decoys.ris")

    library = Library(read_library(files))
    screening = screen(result.candidates, library=library)

    held = {c.node: c.in_library for c in screening.candidates if c.in_library}
    expected = {c.node for group in groups.values() for c in group}
    assert set(held) == expected
    reasons = {"zotero": "DOI (zotero.ris", "endnote": "PMID (endnote.ris", "bibtex": "PMID (library.bib",
               "rayyan": "title, year and first author (rayyan.csv", "covidence_pmid": "PMID (covidence.csv",
               "covidence_title": "title, year and first author (covidence.csv", "xml": "PMID (pubmed.xml",
               "medline": "PMID (pubmed.nbib"}
    for name, reason in reasons.items():
        assert all(held[c.node].startswith(reason) for c in groups[name]), (name, [held[c.node] for c in groups[name]])
    assert [held[c.node].split(" (")[0] for c in groups["ids"]] == ["PMID", "PMID", "DOI"]
    assert screening.counts["in_library"] == len(expected)
    assert screening.counts["exported"] == len(result.candidates) - len(expected)
    assert not expected & {c.node for c in screening.exported}
    kept = screen(result.candidates, library=library, keep_library=True)
    assert len(kept.exported) == len(result.candidates) and kept.counts["in_library"] == len(expected)


def test_a_build_with_a_library_leaves_its_papers_out_of_the_candidate_files(trial, tmp_path, capsys):
    result, nct, settings, server = trial
    held = usable(result.candidates)[:5]
    (tmp_path / "mine.ris").write_text(endnote_ris(held), encoding="utf-8")
    again = build(nct, depth=1, max_papers=400, settings=settings, library=[tmp_path / "mine.ris"])
    again.write(tmp_path / "out", formats=("json",))
    exported = rispy.load((tmp_path / "out" / "candidates.ris").open(encoding="utf-8"))
    assert len(exported) == len(result.candidates) - 5
    assert not {c.pmid for c in held} & {r["accession_number"] for r in exported}
    assert main(["candidates", str(tmp_path / "out"), "--library", str(tmp_path / "mine.ris"), "--keep-library",
                 "--out", str(tmp_path / "all.ris")]) == 0
    notes = {r["accession_number"]: r["notes"] for r in rispy.load((tmp_path / "all.ris").open(encoding="utf-8"))}
    assert len(notes) == len(result.candidates)
    assert all(any(n.startswith("litgraph: already in your library, by PMID (mine.ris, record") for n in notes[c.pmid])
               for c in held)
    assert "already in your library" in capsys.readouterr().out


@pytest.mark.parametrize("content, said", [
    (None, "no such file"),
    ("", "the file is empty"),
    ("TY  - JOUR\nTI  - a record never ended\n", "no records found"),
    ("just some words\nand more", "not a library litgraph reads"),
    (b"\x00\x01\x02binary", "binary data"),
])
def test_a_library_litgraph_cannot_read_is_said_in_one_line_before_anything_is_fetched(trial, tmp_path, capsys,
                                                                                     content, said):
    *_, server = trial
    path = tmp_path / "library.ris"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    server.clear_log()
    assert main(["build", "NCT01741857", "--library", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert said in error and "\n" not in error and not server.requests()
