"""AACT flat files: ClinicalTrials.gov as pipe-delimited tables (one .txt per table, a header
line, `|` between fields, `"` around fields that hold one), as CTTI exports them.

AACT fills its columns from the registry's API v2 JSON, each from one field (its app/models
mappings: studies.brief_title from protocolSection.identificationModule.briefTitle,
study_references.reference_type from referencesModule.references[].type, ...). Each study is
put back into that JSON shape and read by litgraph's own v2 reader, so a trial from AACT has
exactly the fields of the same trial fetched from the API.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Iterator

from ..model import Trial
from ..sources.inputs import InputError
from ..sources.trials import TrialFormatError, parse_v2_study

REQUIRED = {"studies": ("nct_id", "brief_title", "official_title", "overall_status", "phase", "enrollment",
                        "start_month_year", "completion_month_year"),
            "study_references": ("id", "nct_id", "pmid", "reference_type", "citation")}
OPTIONAL = {"overall_officials": ("nct_id", "name", "role", "affiliation"),
            "conditions": ("nct_id", "name"),
            "interventions": ("nct_id", "intervention_type", "name"),
            "sponsors": ("nct_id", "lead_or_collaborator", "name"),
            "retractions": ("reference_id", "pmid", "source")}
csv.field_size_limit(1 << 30)  # descriptions and eligibility texts run long


def aact_files(folder: Path) -> dict[str, Path]:
    """The flat files litgraph reads from an AACT export folder."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; give the folder of the unzipped AACT pipe-delimited export")
    found = {name: folder / f"{name}.txt" for name in {**REQUIRED, **OPTIONAL} if (folder / f"{name}.txt").is_file()}
    missing = [f"{name}.txt" for name in REQUIRED if name not in found]
    if missing:
        raise InputError(f"{folder}: no {' or '.join(missing)} there; is it an AACT pipe-delimited export?")
    return found


def read_aact(folder: Path) -> Iterator[Trial]:
    """Every study of the export, in the order of studies.txt."""
    files = aact_files(folder)
    extra = {name: _grouped(files[name], columns) for name, columns in OPTIONAL.items() if name in files}
    references = _grouped(files["study_references"], REQUIRED["study_references"])
    retracted = defaultdict(list)
    for rows in extra.get("retractions", {}).values():
        for row in rows:
            retracted[row["reference_id"]].append({"pmid": row["pmid"], "source": row["source"]})
    source = f"AACT flat files ({folder.name})"
    for line, study in _rows(files["studies"], REQUIRED["studies"]):
        nct = study["nct_id"]
        document = _v2_study(study, {name: rows.get(nct, []) for name, rows in extra.items()},
                             references.get(nct, []), retracted)
        try:
            yield parse_v2_study(document, source=f"{source} {nct}")
        except TrialFormatError as error:
            raise InputError(f"{files['studies']}: line {line:,}: {error}") from None


def _rows(path: Path, needed: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by column name) of one flat file; InputError for a file without the
    columns or a row whose fields do not match its header."""
    with path.open(encoding="utf-8", errors="replace", newline="") as text:
        reader = csv.reader(text, delimiter="|", quotechar='"')
        header = next(reader, None)
        absent = [column for column in needed if column not in (header or [])]
        if absent:
            raise InputError(f"{path}: line 1 lacks the AACT column(s) {', '.join(absent)}")
        for fields in reader:
            if len(fields) != len(header):
                raise InputError(f"{path}: line {reader.line_num:,} has {len(fields)} fields; the header has "
                                 f"{len(header)} (a line cut short or a stray '|')")
            yield reader.line_num, dict(zip(header, fields))


def _grouped(path: Path, needed: tuple[str, ...]) -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _, row in _rows(path, needed):
        groups[row.get("nct_id", "")].append(row)
    return groups


def _v2_study(study: dict, extra: dict[str, list[dict]], references: list[dict], retracted: dict) -> dict:
    """The v2 JSON fields AACT's columns came from (empty columns left out, as the API leaves
    out absent fields)."""
    lead = [row["name"] for row in extra.get("sponsors", []) if row["lead_or_collaborator"] == "lead"]
    protocol = {
        "identificationModule": {"nctId": study["nct_id"], "briefTitle": study["brief_title"],
                                 "officialTitle": study["official_title"]},
        "statusModule": {"overallStatus": study["overall_status"],
                         "startDateStruct": {"date": study["start_month_year"]},
                         "completionDateStruct": {"date": study["completion_month_year"]}},
        "designModule": {"phases": [phase for phase in study["phase"].split("/") if phase],
                         "enrollmentInfo": {"count": study["enrollment"]}},
        "conditionsModule": {"conditions": [row["name"] for row in extra.get("conditions", [])]},
        "armsInterventionsModule": {"interventions": [{"type": row["intervention_type"], "name": row["name"]}
                                                      for row in extra.get("interventions", [])]},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": lead[0]}} if lead else {},
        "contactsLocationsModule": {"overallOfficials": [
            {"name": row["name"], "role": row["role"], "affiliation": row["affiliation"]}
            for row in extra.get("overall_officials", [])]},
        "referencesModule": {"references": [
            {"pmid": row["pmid"], "type": row["reference_type"], "citation": row["citation"],
             "retractions": retracted.get(row["id"], [])} for row in references]},
    }
    return {"protocolSection": protocol}
