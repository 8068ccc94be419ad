"""Bulk files in their real shapes, written from a generated corpus (tests/corpus.py).

* PubMed baseline and update files: gzip PubmedArticleSet XML with the prolog of a real answer,
  each record rendered as `fake_ncbi` serves it to EFetch; an update file carries revised
  records and ends with a DeleteCitation list, as NLM's update files do.
* An NIH Open Citation Collection snapshot: `open_citation_collection.zip` holding one CSV with
  the header `citing,referenced` (the columns NIH's Figshare snapshots have; hugheylab/pmparser
  checks exactly these). Its citations are those PubMed's ELink shows for the corpus (citing
  papers in PubMed Central), so a store built from these files knows the citations the fake
  server answers with.
* AACT flat files: studies.txt, study_references.txt, overall_officials.txt, conditions.txt,
  interventions.txt, sponsors.txt and retractions.txt with the columns of AACT's schema
  (ctti-clinicaltrials/aact db/structure.sql, in that order), filled from each study's v2 JSON
  as AACT's own mappings fill them (app/models/*.rb), and written as its TableExporter writes
  them: PostgreSQL CSV with `|` between fields, `""` dropped and line breaks inside a field
  turned into `~`.

Run `python tests/bulk_files.py --papers 2000 --out DIR` to write a set.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import gzip
import io
import re
import sys
import zipfile
from pathlib import Path

import corpus as corpus_model
from fake_ncbi import PUBMED_PROLOG, ArticleRenderer

AACT_COLUMNS = {
    "studies": (
        "nct_id", "nlm_download_date_description", "study_first_submitted_date", "results_first_submitted_date",
        "disposition_first_submitted_date", "last_update_submitted_date", "study_first_submitted_qc_date",
        "study_first_posted_date", "study_first_posted_date_type", "results_first_submitted_qc_date",
        "results_first_posted_date", "results_first_posted_date_type", "disposition_first_submitted_qc_date",
        "disposition_first_posted_date", "disposition_first_posted_date_type", "last_update_submitted_qc_date",
        "last_update_posted_date", "last_update_posted_date_type", "start_month_year", "start_date_type",
        "start_date", "verification_month_year", "verification_date", "completion_month_year",
        "completion_date_type", "completion_date", "primary_completion_month_year", "primary_completion_date_type",
        "primary_completion_date", "target_duration", "study_type", "acronym", "baseline_population",
        "brief_title", "official_title", "overall_status", "last_known_status", "phase", "enrollment",
        "enrollment_type", "source", "limitations_and_caveats", "number_of_arms", "number_of_groups",
        "why_stopped", "has_expanded_access", "expanded_access_type_individual",
        "expanded_access_type_intermediate", "expanded_access_type_treatment", "has_dmc",
        "is_fda_regulated_drug", "is_fda_regulated_device", "is_unapproved_device", "is_ppsd", "is_us_export",
        "biospec_retention", "biospec_description", "ipd_time_frame", "ipd_access_criteria", "ipd_url",
        "plan_to_share_ipd", "plan_to_share_ipd_description", "created_at", "updated_at", "source_class",
        "delayed_posting", "expanded_access_nctid", "expanded_access_status_for_nctid", "fdaaa801_violation",
        "baseline_type_units_analyzed"),
    "study_references": ("id", "nct_id", "pmid", "reference_type", "citation"),
    "overall_officials": ("id", "nct_id", "role", "name", "affiliation"),
    "conditions": ("id", "nct_id", "name", "downcase_name"),
    "interventions": ("id", "nct_id", "intervention_type", "name", "description"),
    "sponsors": ("id", "nct_id", "agency_class", "lead_or_collaborator", "name"),
    "retractions": ("id", "reference_id", "pmid", "source", "nct_id"),
}
# studies columns AACT copies from one v2 field (app/models/study.rb), by path
STUDY_FIELDS = {
    "study_first_submitted_date": ("statusModule", "studyFirstSubmitDate"),
    "last_update_submitted_date": ("statusModule", "lastUpdateSubmitDate"),
    "study_first_submitted_qc_date": ("statusModule", "studyFirstSubmitQcDate"),
    "study_first_posted_date": ("statusModule", "studyFirstPostDateStruct", "date"),
    "study_first_posted_date_type": ("statusModule", "studyFirstPostDateStruct", "type"),
    "last_update_posted_date": ("statusModule", "lastUpdatePostDateStruct", "date"),
    "last_update_posted_date_type": ("statusModule", "lastUpdatePostDateStruct", "type"),
    "start_month_year": ("statusModule", "startDateStruct", "date"),
    "start_date_type": ("statusModule", "startDateStruct", "type"),
    "verification_month_year": ("statusModule", "statusVerifiedDate"),
    "completion_month_year": ("statusModule", "completionDateStruct", "date"),
    "completion_date_type": ("statusModule", "completionDateStruct", "type"),
    "primary_completion_month_year": ("statusModule", "primaryCompletionDateStruct", "date"),
    "primary_completion_date_type": ("statusModule", "primaryCompletionDateStruct", "type"),
    "study_type": ("designModule", "studyType"),
    "acronym": ("identificationModule", "acronym"),
    "brief_title": ("identificationModule", "briefTitle"),
    "official_title": ("identificationModule", "officialTitle"),
    "overall_status": ("statusModule", "overallStatus"),
    "enrollment": ("designModule", "enrollmentInfo", "count"),
    "enrollment_type": ("designModule", "enrollmentInfo", "type"),
    "source": ("identificationModule", "organization", "fullName"),
    "source_class": ("identificationModule", "organization", "class"),
}
DATES = {"start_date": "start_month_year", "verification_date": "verification_month_year",
         "completion_date": "completion_month_year", "primary_completion_date": "primary_completion_month_year"}
ARTICLE_TITLE = re.compile(r"<ArticleTitle>(.*?)</ArticleTitle>", re.DOTALL)


# --- PubMed ----------------------------------------------------------------------------------

def article_set(articles: list[bytes], deleted: list[int] = ()) -> bytes:
    """A PubmedArticleSet document, ending with a DeleteCitation list when PMIDs are deleted."""
    deletions = b""
    if deleted:
        deletions = b"<DeleteCitation>\n" + b"".join(f'<PMID Version="1">{pmid}</PMID>\n'.encode()
                                                      for pmid in deleted) + b"</DeleteCitation>\n"
    return b"".join((PUBMED_PROLOG, b"<PubmedArticleSet>\n", *articles, deletions, b"</PubmedArticleSet>\n"))


def write_pubmed(corpus: corpus_model.Corpus, folder: Path, per_file: int = 500, prefix: str = "pubmed26n",
                 pmids: list[int] | None = None) -> list[Path]:
    """Baseline files of `per_file` records each (all the corpus's papers unless `pmids` says)."""
    folder.mkdir(parents=True, exist_ok=True)
    renderer = ArticleRenderer(corpus)
    pmids = list(corpus.papers) if pmids is None else pmids
    files = []
    for number, start in enumerate(range(0, len(pmids), per_file), start=1):
        path = folder / f"{prefix}{number:04d}.xml.gz"
        path.write_bytes(gzip.compress(article_set([renderer.xml(pmid) for pmid in pmids[start:start + per_file]]), 6))
        files.append(path)
    return files


def write_update(corpus: corpus_model.Corpus, path: Path, revised: dict[int, str], deleted: list[int]) -> Path:
    """An update file: the `revised` records with their new titles, then the `deleted` PMIDs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    renderer = ArticleRenderer(corpus)
    articles = [ARTICLE_TITLE.sub(lambda _: f"<ArticleTitle>{title}</ArticleTitle>", renderer.xml(pmid).decode(),
                                  count=1).encode() for pmid, title in revised.items()]
    path.write_bytes(gzip.compress(article_set(articles, deleted), 6))
    return path


# --- NIH Open Citation Collection ------------------------------------------------------------

def elink_citations(corpus: corpus_model.Corpus) -> list[tuple[int, int]]:
    """(citing, referenced) for every citation ELink shows: those whose citing paper is in PMC."""
    return sorted((paper.pmid, cited) for paper in corpus.papers.values() if paper.pmcid for cited in paper.refs)


def write_citations(pairs: list[tuple[int, int]], path: Path) -> Path:
    """A snapshot as NIH publishes it: a zip holding open_citation_collection.csv."""
    text = io.StringIO()
    text.write("citing,referenced\n")
    text.writelines(f"{citing},{referenced}\n" for citing, referenced in pairs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("open_citation_collection.csv", text.getvalue())
    return path


# --- AACT ------------------------------------------------------------------------------------

def write_aact(studies: list[dict], folder: Path) -> Path:
    """The flat files of these v2 studies, as an AACT pipe-delimited export has them."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict]] = {table: [] for table in AACT_COLUMNS}
    for study in studies:
        _add_study(study["protocolSection"], rows)
    for table, records in rows.items():
        _write_table(folder / f"{table}.txt", AACT_COLUMNS[table], records)
    return folder


def _add_study(protocol: dict, rows: dict[str, list[dict]]) -> None:
    nct = protocol["identificationModule"]["nctId"]
    study = {"nct_id": nct, **{column: _dig(protocol, *path) for column, path in STUDY_FIELDS.items()}}
    study.update({column: _end_of_month(study[source]) for column, source in DATES.items()})
    study["phase"] = "/".join(_dig(protocol, "designModule", "phases") or [])
    rows["studies"].append(study)

    def add(table: str, **values) -> int:
        record = {"id": len(rows[table]) + 1, "nct_id": nct, **values}
        rows[table].append(record)
        return record["id"]

    for condition in _dig(protocol, "conditionsModule", "conditions") or []:
        add("conditions", name=condition, downcase_name=condition.lower())
    for item in _dig(protocol, "armsInterventionsModule", "interventions") or []:
        add("interventions", intervention_type=item.get("type"), name=item.get("name"),
            description=item.get("description"))
    sponsors = protocol.get("sponsorCollaboratorsModule", {})
    for role, items in (("lead", [sponsors.get("leadSponsor")]), ("collaborator", sponsors.get("collaborators", []))):
        for item in filter(None, items):
            add("sponsors", agency_class=item.get("class"), lead_or_collaborator=role, name=item.get("name"))
    for item in _dig(protocol, "contactsLocationsModule", "overallOfficials") or []:
        add("overall_officials", role=item.get("role"), name=item.get("name"), affiliation=item.get("affiliation"))
    for item in _dig(protocol, "referencesModule", "references") or []:
        reference = add("study_references", pmid=item.get("pmid"), reference_type=item.get("type"),
                        citation=item.get("citation"))
        for retraction in item.get("retractions", []):
            add("retractions", reference_id=reference, pmid=retraction.get("pmid"), source=retraction.get("source"))


def _dig(data: dict, *path: str):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _end_of_month(month: str | None) -> str | None:
    """AACT's date for a "YYYY-MM" registry date: the month's last day."""
    if not month or not re.fullmatch(r"\d{4}-\d{2}", month):
        return month
    year, number = map(int, month.split("-"))
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def _write_table(path: Path, columns: tuple[str, ...], records: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for record in [dict(zip(columns, columns))] + records:
            line = io.StringIO()
            csv.writer(line, delimiter="|", quotechar='"', lineterminator="\n").writerow(
                ["" if record.get(column) is None else record[column] for column in columns])
            text = line.getvalue()
            out.write(text[:-1].replace('""', "").replace("\n", "~") + "\n")  # as AACT's TableExporter does


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, required=True)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    corpus = corpus_model.generate(args.papers, seed=args.seed, n_trials=args.trials)
    write_pubmed(corpus, args.out / "pubmed")
    write_citations(elink_citations(corpus), args.out / "open_citation_collection.zip")
    write_aact(list(corpus.studies.values()), args.out / "aact")
    print(f"{len(corpus.papers)} records, {len(corpus.studies)} studies -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
