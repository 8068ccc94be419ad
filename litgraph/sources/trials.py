"""Parsers for ClinicalTrials.gov records: API v2 JSON, the retired classic JSON, legacy XML and
a record page copied as text. Bytes or text in, Trial records out; no network.

Every format gives the same strings for the same trial, so a graph never depends on which
format its record came in:
- status: the API v2 enum ("COMPLETED", "UNKNOWN", "ACTIVE_NOT_RECRUITING"); the older formats'
  readable forms ("Completed", "Unknown status", "Active, not recruiting") are mapped onto it.
- phase: readable and comma-joined, as the record page shows it: "Phase 1, Phase 2",
  "Early Phase 1", "Not Applicable".
- interventions: "Type: name", the form the registry's own arm lists use ("Drug: carboplatin").
- dates: ISO "YYYY-MM" or "YYYY-MM-DD", as precise as the record.
- officials: the name without trailing degrees ("Lingyun Sun, MD, PhD" -> "Lingyun Sun"), and a
  readable role ("Principal Investigator").
- reference kinds: "background", "result" or "derived", lower-cased as registered; the legacy
  "Results Reference: Yes/No" means result/background.
"""

from __future__ import annotations

import codecs
import json
import re
from datetime import datetime
from typing import Any, Iterable, NamedTuple

from lxml import etree

from ..model import Official, Trial, TrialReference
from .pubmed import drop_entities, safe_parsing

NOT_A_RECORD = "not a ClinicalTrials.gov record (expected v2 JSON, legacy XML or a record page saved as text)"


class TrialFormatError(ValueError):
    """The input is not a ClinicalTrials.gov record this module can read. The message is one line."""


def _fail(source: str, message: str) -> TrialFormatError:
    text = " ".join(message.split())  # one line, whatever json or lxml put in their messages
    return TrialFormatError(f"{source}: {text}" if source else text)


# --- NCT numbers -----------------------------------------------------------------------------

# ClinicalTrials.gov answers "NCT4437511" with NCT04437511; shorter ones are more likely a
# truncated paste than a trial with its zeros left out, so they are refused, not padded.
# Digits are ASCII digits: \d would also take "NCT０９９０００01".
_NCT_ID = re.compile(r"NCT([0-9]{7,8})", re.IGNORECASE)
_NCT_IN_TEXT = re.compile(r"\bNCT[0-9]{8}\b", re.IGNORECASE)


def normalise_nct(text: str) -> str:
    """"nct1741857" or " NCT01741857 " -> "NCT01741857": 8 digits, as the API pads a 7-digit id."""
    candidate = str(text).strip()
    match = _NCT_ID.fullmatch(candidate)
    if not match:
        raise TrialFormatError(f"{candidate!r} is not an NCT number (expected NCT and 8 digits, e.g. NCT01741857)")
    return "NCT" + match.group(1).zfill(8)


def _record_nct(value: Any, source: str) -> str:
    if not value:
        raise _fail(source, "the record has no NCT number")
    try:
        return normalise_nct(value)
    except TrialFormatError as error:
        raise _fail(source, str(error)) from None


# --- values shared by every format ---------------------------------------------------------

def _clean(value: Any) -> str:
    """One line of text: whitespace runs, non-breaking spaces included, become one space."""
    return " ".join(str(value).split()) if value is not None else ""


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [_clean(item) for item in values if _clean(item)]


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dig(data: Any, *path: str) -> Any:
    """data[path[0]][path[1]]..., or None where the record leaves a level out."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _status(value: Any) -> str:
    """The API v2 enum: "Active, not recruiting" -> "ACTIVE_NOT_RECRUITING"; v2 values pass unchanged."""
    words = re.sub(r"[^A-Za-z]+", " ", _clean(value)).split()
    if [word.lower() for word in words] == ["unknown", "status"]:
        return "UNKNOWN"  # the only status whose readable form is not its enum spelled out
    return "_".join(words).upper()


_PHASE_SEPARATOR = re.compile(r",|/(?=\s*(?:early\s*)?phase)", re.IGNORECASE)  # "N/A" is one phase
_PHASE_KEY = re.compile(r"(EARLY)?PHASE(\d)")


def _phase(values: Iterable[Any]) -> str:
    """"PHASE1"+"PHASE2", "Phase 1/Phase 2" or "Phase 1, Phase 2" -> "Phase 1, Phase 2"."""
    readable: list[str] = []
    for value in values:
        for part in _PHASE_SEPARATOR.split(_clean(value)):
            phase = _readable_phase(part.strip())
            if phase and phase not in readable:
                readable.append(phase)
    return ", ".join(readable)


def _readable_phase(part: str) -> str:
    key = re.sub(r"[^A-Z0-9]", "", part.upper())
    if key in ("NA", "NOTAPPLICABLE"):
        return "Not Applicable"
    match = _PHASE_KEY.fullmatch(key)
    if match:
        return ("Early Phase " if match.group(1) else "Phase ") + match.group(2)
    return part


def _readable(value: Any) -> str:
    """API enums read as the record page writes them: "DIETARY_SUPPLEMENT" -> "Dietary Supplement"."""
    text = _clean(value)
    return text.replace("_", " ").title() if text.isupper() else text


def _intervention(kind: Any, name: Any) -> str:
    return f"{_readable(kind)}: {_clean(name)}" if _clean(kind) else _clean(name)


_DEGREE = re.compile(r"(?:[A-Z][A-Za-z]{0,6}\.?\s?){1,4}")
_HONORIFICS = {"prof", "professor", "dr"}


def _is_degree(part: str) -> bool:
    # "MD", "PhD", "M.D.", "RN", "Jr.", "Prof"; a given name ("Smith, John") has one capital, no dot
    if part.rstrip(".").lower() in _HONORIFICS:
        return True
    return bool(_DEGREE.fullmatch(part)) and (sum(c.isupper() for c in part) > 1 or "." in part)


def _without_degrees(name: Any) -> str:
    parts = [part.strip() for part in _clean(name).split(",")]
    while len(parts) > 1 and _is_degree(parts[-1]):
        parts.pop()
    return ", ".join(parts)


def _official(name: Any, role: Any, affiliation: Any) -> Official:
    return Official(name=_without_degrees(name), role=_readable(role), affiliation=_clean(affiliation))


_MONTH_DATES = (("%B %Y", "%Y-%m"), ("%B %d, %Y", "%Y-%m-%d"), ("%b %Y", "%Y-%m"), ("%b %d, %Y", "%Y-%m-%d"),
                ("%Y", "%Y"))


def _iso_date(value: Any) -> str:
    """"2012-01" as given; "January 2012 (undefined)" -> "2012-01"; "" when unreadable."""
    text = _clean(re.sub(r"\(.*?\)", " ", _clean(value)))  # "(Anticipated)", "(Actual)", "(undefined)"
    if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", text):
        return text
    for pattern, iso in _MONTH_DATES:
        try:
            return datetime.strptime(text, pattern).strftime(iso)
        except ValueError:
            continue
    return ""


def _count(value: Any) -> int | None:
    """"40 (Anticipated)", "1,000" or 63 -> the number; None when the record gives none."""
    match = re.search(r"\d[\d,]*", _clean(value))
    return int(match.group().replace(",", "")) if match else None


def _pmid(value: Any) -> str:
    match = re.search(r"[0-9]+", _clean(value))
    return match.group() if match else ""


_LEGACY_KINDS = {"yes": "result", "no": "background"}  # the old "Results Reference: Yes/No"


def _kind(value: Any) -> str:
    kind = _clean(value).lower()
    return _LEGACY_KINDS.get(kind, kind or "background")


def _reference(pmid: Any, citation: Any, kind: Any, retractions: Any = None) -> TrialReference:
    return TrialReference(kind=_kind(kind), citation=_clean(citation), pmid=_pmid(pmid), retracted=bool(retractions))


# --- API v2 JSON -----------------------------------------------------------------------------

def _json(data: bytes | str, source: str) -> Any:
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise _fail(source, f"not valid JSON ({error})") from None
    except RecursionError:
        raise _fail(source, "not valid JSON (nested too deeply)") from None


def parse_v2_study(data: dict | bytes, source: str = "") -> Trial:
    """One study as GET /api/v2/studies/{nctId} returns it."""
    study = _json(data, source) if isinstance(data, (bytes, str)) else data
    protocol = _dig(study, "protocolSection")
    if not isinstance(protocol, dict):
        raise _fail(source, "not a ClinicalTrials.gov API v2 study (no protocolSection)")
    status = protocol.get("statusModule")
    return Trial(
        nct_id=_record_nct(_dig(protocol, "identificationModule", "nctId"), source),
        title=_clean(_dig(protocol, "identificationModule", "briefTitle")),
        official_title=_clean(_dig(protocol, "identificationModule", "officialTitle")),
        status=_status(_dig(status, "overallStatus")),
        phase=_phase(_strings(_dig(protocol, "designModule", "phases"))),
        conditions=_strings(_dig(protocol, "conditionsModule", "conditions")),
        interventions=[_intervention(item.get("type"), item.get("name"))
                       for item in _dicts(_dig(protocol, "armsInterventionsModule", "interventions"))],
        sponsor=_clean(_dig(protocol, "sponsorCollaboratorsModule", "leadSponsor", "name")),
        start_date=_iso_date(_dig(status, "startDateStruct", "date")),
        completion_date=_iso_date(_dig(status, "completionDateStruct", "date")),
        enrollment=_count(_dig(protocol, "designModule", "enrollmentInfo", "count")),
        officials=[_official(item.get("name"), item.get("role"), item.get("affiliation"))
                   for item in _dicts(_dig(protocol, "contactsLocationsModule", "overallOfficials"))],
        references=[_reference(item.get("pmid"), item.get("citation"), item.get("type"), item.get("retractions"))
                    for item in _dicts(_dig(protocol, "referencesModule", "references"))],
        source=source,
    )


def parse_v2_studies(data: dict | list | bytes, source: str = "") -> list[Trial]:
    """A single study, a search page {"studies": [...], "nextPageToken"?} or a bare list of studies."""
    document = _json(data, source) if isinstance(data, (bytes, str)) else data
    if isinstance(document, dict) and "studies" in document:
        document = document["studies"]
    studies = document if isinstance(document, list) else [document]
    return [parse_v2_study(study, source) for study in studies]


# --- retired classic JSON (FullStudiesResponse) ----------------------------------------------

def _classic_studies(document: Any, source: str) -> list[dict]:
    if isinstance(document, dict) and "FullStudiesResponse" in document:
        return [_dig(item, "Study") for item in _dicts(_dig(document, "FullStudiesResponse", "FullStudies"))]
    if isinstance(document, dict) and "Study" in document:
        return [document["Study"]]
    if isinstance(document, dict) and "ProtocolSection" in document:
        return [document]
    raise _fail(source, "not a classic ClinicalTrials.gov FullStudiesResponse")


def parse_classic_json(data: dict | bytes, source: str = "") -> Trial:
    """The one study of a classic-API FullStudiesResponse (PascalCase keys; retired June 2024)."""
    document = _json(data, source) if isinstance(data, (bytes, str)) else data
    studies = _classic_studies(document, source)
    if len(studies) != 1:
        raise _fail(source, f"holds {len(studies)} studies, not one (detect_and_parse reads them all)")
    return _classic_trial(studies[0], source)


def _classic_trial(study: Any, source: str) -> Trial:
    protocol = _dig(study, "ProtocolSection")
    if not isinstance(protocol, dict):
        raise _fail(source, "not a classic ClinicalTrials.gov study (no ProtocolSection)")
    status, design = protocol.get("StatusModule"), protocol.get("DesignModule")
    interventions = _dig(protocol, "ArmsInterventionsModule", "InterventionList", "Intervention")
    officials = _dig(protocol, "ContactsLocationsModule", "OverallOfficialList", "OverallOfficial")
    return Trial(
        nct_id=_record_nct(_dig(protocol, "IdentificationModule", "NCTId"), source),
        title=_clean(_dig(protocol, "IdentificationModule", "BriefTitle")),
        official_title=_clean(_dig(protocol, "IdentificationModule", "OfficialTitle")),
        status=_status(_dig(status, "OverallStatus")),
        phase=_phase(_strings(_dig(design, "PhaseList", "Phase"))),
        conditions=_strings(_dig(protocol, "ConditionsModule", "ConditionList", "Condition")),
        interventions=[_intervention(item.get("InterventionType"), item.get("InterventionName"))
                       for item in _dicts(interventions)],
        sponsor=_clean(_dig(protocol, "SponsorCollaboratorsModule", "LeadSponsor", "LeadSponsorName")),
        start_date=_iso_date(_dig(status, "StartDateStruct", "StartDate")),
        completion_date=_iso_date(_dig(status, "CompletionDateStruct", "CompletionDate")),
        enrollment=_count(_dig(design, "EnrollmentInfo", "EnrollmentCount")),
        officials=[_official(item.get("OverallOfficialName"), item.get("OverallOfficialRole"),
                             item.get("OverallOfficialAffiliation"))
                   for item in _dicts(officials)],
        references=[_reference(item.get("ReferencePMID"), item.get("ReferenceCitation"), item.get("ReferenceType"),
                               item.get("RetractionList"))
                    for item in _dicts(_dig(protocol, "ReferencesModule", "ReferenceList", "Reference"))],
        source=source,
    )


# --- legacy XML (<clinical_study>) -----------------------------------------------------------

_LEGACY_REFERENCE_KINDS = {"reference": "background", "results_reference": "result"}


def _xml_root(data: bytes, source: str):
    try:
        root = etree.fromstring(data.encode("utf-8") if isinstance(data, str) else data,
                                etree.XMLParser(**safe_parsing()))
    except etree.XMLSyntaxError as error:
        raise _fail(source, f"malformed XML ({error})") from None
    drop_entities(root)
    return root


def parse_legacy_xml(data: bytes, source: str = "") -> Trial:
    """A legacy <clinical_study> record: <reference> is background, <results_reference> is result."""
    root = _xml_root(data, source)
    if root.tag != "clinical_study":
        raise _fail(source, f"not a legacy ClinicalTrials.gov record (root element <{root.tag}>)")
    return _legacy_trial(root, source)


def _legacy_trial(root, source: str) -> Trial:
    def text(path: str) -> str:
        return _clean(root.findtext(path))

    return Trial(
        nct_id=_record_nct(text("id_info/nct_id"), source),
        title=text("brief_title"),
        official_title=text("official_title"),
        status=_status(text("overall_status")),
        phase=_phase([text("phase")]),
        conditions=_strings([element.text for element in root.findall("condition")]),
        interventions=[_intervention(element.findtext("intervention_type"), element.findtext("intervention_name"))
                       for element in root.findall("intervention")],
        sponsor=text("sponsors/lead_sponsor/agency"),
        start_date=_iso_date(text("start_date")),
        completion_date=_iso_date(text("completion_date")),
        enrollment=_count(text("enrollment")),
        officials=[_official(element.findtext("last_name"), element.findtext("role"), element.findtext("affiliation"))
                   for element in root.findall("overall_official")],  # direct children: not site contacts
        references=[_reference(element.findtext("PMID"), element.findtext("citation"),
                               _LEGACY_REFERENCE_KINDS[element.tag])
                    for element in root if element.tag in _LEGACY_REFERENCE_KINDS],
        source=source,
    )


# --- a record page copied as text ------------------------------------------------------------

# Labels of the page's "Full info" part (lower case, no colon) -> the field they introduce.
_RECORD_LABELS = {
    "unique protocol identification number": "nct",
    "brief title": "title",
    "official title": "official_title",
    "overall recruitment status": "status",
    "study phase": "phase",
    "primary disease or condition being studied in the trial, or the focus of the study": "conditions",
    "intervention type": "intervention_type",
    "intervention name(s)": "intervention_name",
    "name of the sponsor": "sponsor",
    "study start date": "start_date",
    "study completion date": "completion_date",
    "enrollment": "enrollment",
    "overall study officials": "officials",
    "first name & middle initial & last name & degree": "official_name",
    "organizational affiliation": "official_affiliation",
    "official's role": "official_role",
    "citations": "citations",  # read for no value: known, it ends the officials block
    "pubmed identifier": "pmid",
    "citation": "citation",
    "results reference": "kind",
}
_SECTION_HEADING = re.compile(r"\d{1,2}\.\s+\S")  # "7. Study Design"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


class _Line(NamedTuple):
    label: str  # the field a known label introduces; "" for any other line
    text: str  # the value written after the label's colon, or the whole line; "" for a blank line


def _record_lines(text: str) -> list[_Line]:
    return [_classify(_clean(raw.translate(_INVISIBLE))) for raw in text.splitlines()]


def _classify(line: str) -> _Line:
    head, _, rest = line.partition(":")  # "Enrollment: 40 (Anticipated)" as well as "Enrollment"
    label = _RECORD_LABELS.get(head.strip().replace("\u2019", "'").lower(), "")
    return _Line(label, rest.strip()) if label else _Line("", line)


def _is_value(line: _Line) -> bool:
    return not line.label and not line.text.endswith(":") and not _SECTION_HEADING.match(line.text)


def _value_at(lines: list[_Line], index: int) -> str:
    """The value of the label at `index`: after its colon, or on the next non-blank line."""
    if lines[index].text:
        return lines[index].text
    following = next((line for line in lines[index + 1:] if line.text or line.label), None)
    return following.text if following and _is_value(following) else ""


def _first_value(lines: list[_Line], label: str) -> str:
    return next((_value_at(lines, index) for index, line in enumerate(lines) if line.label == label), "")


def _values_after(lines: list[_Line], label: str) -> list[str]:
    """All value lines of a label, up to the next label, heading or blank line after a value."""
    start = next((index for index, line in enumerate(lines) if line.label == label), None)
    if start is None:
        return []
    values = [lines[start].text] if lines[start].text else []
    for line in lines[start + 1:]:
        if not line.text and not line.label:
            if values:
                break
            continue
        if not _is_value(line) or line.text.lower().startswith("keyword"):
            break
        values.append(line.text)
    return values


def parse_record_text(text: str, source: str = "") -> Trial:
    """A ClinicalTrials.gov record page copied as text, like examples/NCT01741857.txt."""
    lines = _record_lines(text)
    return Trial(
        nct_id=_text_nct(lines, text, source),
        title=_first_value(lines, "title"),
        official_title=_first_value(lines, "official_title"),
        status=_status(_first_value(lines, "status")),
        phase=_phase([_first_value(lines, "phase")]),
        conditions=_values_after(lines, "conditions"),
        interventions=_text_interventions(lines),
        sponsor=_first_value(lines, "sponsor"),
        start_date=_iso_date(_first_value(lines, "start_date")),
        completion_date=_iso_date(_first_value(lines, "completion_date")),
        enrollment=_count(_first_value(lines, "enrollment")),
        officials=_text_officials(lines),
        references=_text_references(lines),
        source=source,
    )


def _text_nct(lines: list[_Line], text: str, source: str) -> str:
    # The "Unique Protocol Identification Number" is the sponsor's own id on many records.
    labelled = _first_value(lines, "nct")
    if _NCT_ID.fullmatch(labelled):
        return normalise_nct(labelled)
    found = _NCT_IN_TEXT.search(text)
    if not found:
        raise _fail(source, "no NCT number in the record text")
    return normalise_nct(found.group())


def _text_interventions(lines: list[_Line]) -> list[str]:
    interventions, kind = [], ""
    for index, line in enumerate(lines):
        if line.label == "intervention_type":
            kind = _value_at(lines, index)
        elif line.label == "intervention_name":
            interventions.append(_intervention(kind, _value_at(lines, index)))
    return interventions


def _text_officials(lines: list[_Line]) -> list[Official]:
    """Only the "Overall Study Officials:" block: facility contacts reuse the same name label."""
    start = next((index for index, line in enumerate(lines) if line.label == "officials"), None)
    if start is None:
        return []
    officials: list[Official] = []
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.label == "official_name":
            officials.append(Official(name=_without_degrees(_value_at(lines, index))))
        elif line.label == "official_affiliation" and officials:
            officials[-1].affiliation = _value_at(lines, index)
        elif line.label == "official_role" and officials:
            officials[-1].role = _readable(_value_at(lines, index))
        elif line.label or line.text.endswith(":") or _SECTION_HEADING.match(line.text):
            break  # "Facility Information:" or the next section
    return officials


def _text_references(lines: list[_Line]) -> list[TrialReference]:
    """Citations in page order. A reference starts at its PubMed Identifier, or at a Citation
    that no PubMed Identifier introduced."""
    references: list[TrialReference] = []
    awaiting_citation = False
    for index, line in enumerate(lines):
        if line.label == "pmid":
            references.append(TrialReference(kind="background", pmid=_pmid(_value_at(lines, index))))
            awaiting_citation = True
        elif line.label == "citation":
            if not awaiting_citation:
                references.append(TrialReference(kind="background"))
            references[-1].citation = _value_at(lines, index)
            awaiting_citation = False
        elif line.label == "kind" and references:
            references[-1].kind = _kind(_value_at(lines, index))
    return references


# --- NLM-style citation strings --------------------------------------------------------------

_TAIL = re.compile(r"\s(?:Erratum|Comment|Retraction|Update|Expression of Concern|Republished)"
                   r"\s(?:in|for|on|of|from)\s*:.*", re.IGNORECASE)
_DOI = re.compile(r"(?:\bdoi:?\s*|doi\.org/)(10\.\d{4,9}/\S+)", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# "<Journal>. 2009 Jun;27(6)", "Clin Dev Immunol. 2012;2012:273291", "Pediatr Phys Ther. 2011 Summer;"
_JOURNAL_DATE = re.compile(
    r"(?:^|(?<=[.?!])\s)(?P<journal>[^.?!]+?)\.\s(?P<year>(?:1[89]|20)\d\d)"
    r"(?:\s[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s\d{1,2}(?:-\d{1,2})?)?)?\s?(?:[;:.]|$)")
_ET_AL = re.compile(r"(?P<names>.{1,400}?),?\s+et\.?\s+al\b\.?\s*[:.,]?\s*")
_AUTHORS_END = re.compile(r"\.+(?:\s|$)")  # "Smith J, Lee K..." is a list cut short
_SENTENCE_END = re.compile(r"[.?!](?=\s|$)")
_AND = re.compile(r"\s+(?:and|&)\s+")
_WESTERN_NAME = re.compile(r"(?P<given>(?:[A-Z][\w'-]*\.?\s+)+)(?P<last>[A-Z][\w'-]+)")
_NAME_WORD = re.compile(r"[^\W\d_][\w'-]*")
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "ter",
              "ten", "y", "al", "el", "bin"}


def parse_citation(text: str) -> dict:
    """Authors, title, journal, year and DOI of an NLM-style citation; never raises.

    "Sun L, Akiyama K. Title. Stem Cells. 2009 Jun;27(6):1421-32. doi: 10.1002/stem.68." ->
    {"authors": [("Sun", "L"), ("Akiyama", "K")], "title": "Title.", "journal": "Stem Cells",
     "year": 2009, "doi": "10.1002/stem.68"}. A collective author is (name, ""); "et al." is
    dropped. The title keeps its closing punctuation, as PubMed's ArticleTitle does. Books,
    abstracts and web pages give no journal; their year is the first one after the title.
    """
    citation = _TAIL.sub("", _clean(text))  # an erratum's journal and DOI are not the paper's
    authors, rest = _split_authors(citation)
    match = _JOURNAL_DATE.search(rest)
    if match:
        title, journal, year = rest[:match.start("journal")].strip(), match["journal"].strip(), int(match["year"])
    else:
        title = _first_sentence(rest)
        journal, year = "", _fallback_year(rest, title)
    doi = _DOI.search(citation)
    return {
        "authors": authors,
        "title": title if re.search(r"\w", title) else "",
        "journal": journal,
        "year": year,
        "doi": doi.group(1).rstrip(".,;") if doi else "",
    }


def _split_authors(citation: str) -> tuple[list[tuple[str, str]], str]:
    """The author list and what follows it; no authors when the opening does not read as names."""
    et_al = _ET_AL.match(citation)
    if et_al:
        authors = _loose_names(et_al["names"])
        if authors:
            return authors, citation[et_al.end():]
    end = _AUTHORS_END.search(citation)
    if not end:
        return [], citation
    authors = _medline_names(citation[:end.start()])
    return (authors, citation[end.end():]) if authors else ([], citation)


def _medline_names(segment: str) -> list[tuple[str, str]]:
    """"Sun L, Zhang H; Study Group" -> persons, then collectives after the semicolon."""
    persons, *groups = segment.split(";")
    authors = [_medline_name(piece.strip()) for piece in _AND.sub(", ", persons).split(",")]
    if not authors or None in authors:
        return []
    return authors + [_medline_name(group.strip()) or (group.strip(), "") for group in groups if group.strip()]


def _medline_name(piece: str) -> tuple[str, str] | None:
    """"van der Heijde D" -> ("van der Heijde", "D"); None when the piece is not "Last INITIALS"."""
    *last, initials = piece.split() or [""]
    if not last or not (initials.isalpha() and initials.isupper() and len(initials) <= 4):
        return None
    if not all(_NAME_WORD.fullmatch(word) and (word[0].isupper() or word.lower() in _PARTICLES or word[1:2] == "'")
               for word in last):
        return None
    return " ".join(last), initials


def _loose_names(segment: str) -> list[tuple[str, str]]:
    """Names before "et al.", in MEDLINE or in "Gregory P. Bisson" form; a lone initial is skipped."""
    authors = []
    for piece in (part.strip() for part in _AND.sub(", ", segment).split(",")):
        if re.fullmatch(r"[A-Z]\.?", piece):
            continue
        name = _medline_name(piece) or _western_name(piece)
        if name is None:
            return []
        authors.append(name)
    return authors


def _western_name(piece: str) -> tuple[str, str] | None:
    match = _WESTERN_NAME.fullmatch(piece)
    if not match:
        return None
    return match["last"], "".join(word[0] for word in match["given"].split())


def _first_sentence(text: str) -> str:
    end = _SENTENCE_END.search(text)
    return (text[:end.end()] if end else text).strip()


def _years(text: str) -> list[int]:
    return [int(year) for year in _YEAR.findall(_URL.sub(" ", _DOI.sub(" ", text)))]


def _fallback_year(rest: str, title: str) -> int | None:
    """The first year after the title (publisher, meeting), else the last one anywhere."""
    return (_years(rest[len(title):]) or _years(rest)[-1:] or [None])[0]


# --- any format ------------------------------------------------------------------------------

def detect_and_parse(data: bytes, source: str = "") -> list[Trial]:
    """Every trial in `data`, whose format is told from its content, not its file name."""
    text = _decode(data, source)
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return _parse_json_document(_json(text, source), source)
    if start == "<":
        return _parse_xml_document(data, text, source)
    lines = _record_lines(text)
    if _NCT_IN_TEXT.search(text) and any(line.label for line in lines):
        return [parse_record_text(text, source)]
    raise _fail(source, NOT_A_RECORD)


def _decode(data: bytes, source: str) -> str:
    text, _ = decode_text(data, source)
    if not text.strip():
        raise _fail(source, "the file is empty")
    return text


FALLBACK_ENCODING = "Windows-1252 (Latin-1)"


def decode_text(data: bytes, source: str = "") -> tuple[str, bool]:
    """The one decoding rule for every text input: UTF-16 with its byte-order mark (Windows
    Notepad's "Unicode"), else UTF-8 with or without one, else Windows-1252, the superset of
    Latin-1 that older editors and exports save. True when the fallback was used, so the caller
    can say so; binary data is refused."""
    if is_binary(data):
        raise _fail(source, f"binary data, {NOT_A_RECORD}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), False
        except UnicodeDecodeError:
            raise _fail(source, f"binary data, {NOT_A_RECORD}") from None
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), True


def is_binary(data: bytes) -> bool:
    """Whether the first bytes of a file are not text (NULs or other control characters)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    head = data[:8192]
    controls = sum(byte < 32 and byte not in b"\t\n\r\f" for byte in head)
    return b"\0" in head or controls > len(head) * 0.05


def _parse_json_document(document: Any, source: str) -> list[Trial]:
    keys = document.keys() if isinstance(document, dict) else set()
    if {"FullStudiesResponse", "Study", "ProtocolSection"} & keys:  # the classic API's PascalCase
        trials = [_classic_trial(study, source) for study in _classic_studies(document, source)]
    elif isinstance(document, list) or {"protocolSection", "studies"} & keys:
        trials = parse_v2_studies(document, source)
    else:
        raise _fail(source, NOT_A_RECORD)
    if not trials:
        raise _fail(source, "the file holds no studies")
    return trials


def _parse_xml_document(data: bytes, text: str, source: str) -> list[Trial]:
    if re.match(r"\s*<(?:!doctype\s+html|html)\b", text, re.IGNORECASE):
        raise _fail(source, f"an HTML page, {NOT_A_RECORD}")
    root = _xml_root(data, source)
    if root.tag != "clinical_study":
        raise _fail(source, NOT_A_RECORD)
    return [_legacy_trial(root, source)]
