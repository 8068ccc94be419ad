"""The columnar store: Parquet tables of what bulk files hold, kept current as files are added.

    STORE/manifest.json          what was ingested: one unit per PubMed file, per chunk of a
                                 citation snapshot, per AACT snapshot, each with its parts
    STORE/<table>/<seq>-<name>.parquet

Every row carries the `seq` of the unit that wrote it. A record's current version is the one
with the highest seq (a PubMed update file replaces the baseline's version of a record, a newer
AACT snapshot a trial), a PubMed DeleteCitation removes a record from its seq on, and the
citations are those of the newest complete citation snapshot. Readers see only the parts the
manifest lists, so a part left by a killed ingest is never read (and is removed at the next
ingest); the manifest is replaced atomically once a unit's parts are in place.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..model import Author, Official, Paper, Trial, TrialReference
from ..sources.inputs import InputError

FORMAT = "litgraph-store/1"
MANIFEST = "manifest.json"
INCOMING = ".incoming"  # parts being written; moved into their table once whole
ROW_GROUP = 100_000  # rows per Parquet row group: lookups by id skip the groups whose range misses

_TEXT, _TEXTS, _ID, _SEQ = pa.string(), pa.list_(pa.string()), pa.int64(), pa.int32()
SCHEMAS: dict[str, pa.Schema] = {
    "papers": pa.schema([("pmid", _ID), ("seq", _SEQ), ("title", _TEXT), ("journal", _TEXT), ("year", pa.int32()),
                         ("doi", _TEXT), ("pmcid", _TEXT), ("mesh", _TEXTS), ("publication_types", _TEXTS),
                         ("retracted", pa.bool_()), ("is_book", pa.bool_()), ("reference_pmids", _TEXTS),
                         ("trial_ids", _TEXTS)]),
    "authorships": pa.schema([("pmid", _ID), ("seq", _SEQ), ("position", pa.int32()), ("last_name", _TEXT),
                              ("fore_name", _TEXT), ("initials", _TEXT), ("collective", _TEXT), ("orcid", _TEXT),
                              ("affiliations", _TEXTS)]),
    "deletions": pa.schema([("pmid", _ID), ("seq", _SEQ)]),
    "citations": pa.schema([("citing", _ID), ("referenced", _ID), ("seq", _SEQ)]),  # NIH-OCC's column names
    "trials": pa.schema([("nct_id", _TEXT), ("seq", _SEQ), ("title", _TEXT), ("official_title", _TEXT),
                         ("status", _TEXT), ("phase", _TEXT), ("conditions", _TEXTS), ("interventions", _TEXTS),
                         ("sponsor", _TEXT), ("start_date", _TEXT), ("completion_date", _TEXT),
                         ("enrollment", pa.int64()), ("source", _TEXT)]),
    "officials": pa.schema([("nct_id", _TEXT), ("seq", _SEQ), ("position", pa.int32()), ("name", _TEXT),
                            ("role", _TEXT), ("affiliation", _TEXT)]),
    "trial_references": pa.schema([("nct_id", _TEXT), ("seq", _SEQ), ("position", pa.int32()), ("kind", _TEXT),
                                   ("citation", _TEXT), ("pmid", _TEXT), ("retracted", pa.bool_()),
                                   ("paper", _TEXT)]),
}
KINDS = {"pubmed": ("papers", "authorships", "deletions"), "citations": ("citations",),
         "aact": ("trials", "officials", "trial_references")}


@dataclass
class Unit:
    """One ingested piece: a PubMed file, a chunk of a citation snapshot, or an AACT snapshot."""

    kind: str
    name: str  # the file (or folder) it came from
    identity: dict  # its size and modification time: the same file is not ingested twice
    seq: int
    parts: dict[str, str] = field(default_factory=dict)  # table -> path in the store
    rows: dict[str, int] = field(default_factory=dict)
    lines: int = 0  # citations: lines of the file read up to the end of this chunk
    complete: bool = True  # citations: False until the snapshot's last chunk is in


class Store:
    """A store folder: its manifest, the parts readers may read, and the writing of new parts."""

    def __init__(self, folder: str | Path, create: bool = False):
        self.folder = Path(folder)
        path = self.folder / MANIFEST
        if path.is_file():
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise InputError(f"{path}: not a litgraph store manifest ({error})") from None
            if manifest.get("format") != FORMAT:
                raise InputError(f"{path}: not a {FORMAT} store")
            self.units = [Unit(**unit) for unit in manifest["units"]]
        elif not create:
            raise InputError(f"{self.folder}: no litgraph store there (no {MANIFEST}); "
                             "make one with litgraph bulk ingest")
        elif self.folder.exists() and any(self.folder.iterdir()):
            raise InputError(f"{self.folder}: the folder holds other files; give an empty or new folder for the store")
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.units = []
            self._save()

    # --- reading -------------------------------------------------------------------------

    def files(self, table: str) -> list[Path]:
        """The parts of `table` that readers read: every committed part, except that citations
        come from the newest complete snapshot only."""
        kind = next(kind for kind, tables in KINDS.items() if table in tables)
        units = [unit for unit in self.units if unit.kind == kind and table in unit.parts]
        if kind == "citations":
            current = self.current_citations()
            units = [unit for unit in units if unit.seq == current]
        return [self.folder / unit.parts[table] for unit in units]

    def current_citations(self) -> int | None:
        complete = [unit.seq for unit in self.units if unit.kind == "citations" and unit.complete]
        return max(complete, default=None)

    def ingested(self, kind: str, name: str, identity: dict) -> list[Unit]:
        return [unit for unit in self.units if (unit.kind, unit.name, unit.identity) == (kind, name, identity)]

    def counts(self) -> dict[str, int]:
        """Rows held per table (superseded versions included)."""
        return {table: sum(unit.rows.get(table, 0) for unit in self.units) for table in SCHEMAS}

    def next_seq(self) -> int:
        return max((unit.seq for unit in self.units), default=0) + 1

    # --- writing -------------------------------------------------------------------------

    def incoming(self) -> Path:
        folder = self.folder / INCOMING
        folder.mkdir(exist_ok=True)
        return folder

    def commit(self, unit: Unit, written: dict[str, Path]) -> None:
        """Move a unit's parts (written under .incoming) into their tables, then record the unit."""
        for table, path in written.items():
            target = self.folder / table / path.name
            target.parent.mkdir(exist_ok=True)
            os.replace(path, target)
            unit.parts[table] = f"{table}/{path.name}"
        self.units.append(unit)
        self._save()

    def complete(self, seq: int) -> None:
        """A citation snapshot is all in: it becomes the current one and the older ones go."""
        for unit in self.units:
            if unit.seq == seq:
                unit.complete = True
        self._save()
        self.drop([unit for unit in self.units if unit.kind == "citations" and unit.seq != seq])

    def drop(self, units: list[Unit]) -> None:
        """Forget units (a superseded or abandoned citation snapshot) and remove their parts."""
        gone = {id(unit) for unit in units}
        self.units = [unit for unit in self.units if id(unit) not in gone]
        self._save()
        for unit in units:
            for part in unit.parts.values():
                (self.folder / part).unlink(missing_ok=True)

    def clean(self) -> None:
        """Remove what a killed ingest left: parts being written and parts never committed."""
        shutil.rmtree(self.folder / INCOMING, ignore_errors=True)
        listed = {part for unit in self.units for part in unit.parts.values()}
        for table in SCHEMAS:
            for path in (self.folder / table).glob("*.parquet"):
                if f"{table}/{path.name}" not in listed:
                    path.unlink()

    def _save(self) -> None:
        path = self.folder / MANIFEST
        temporary = path.with_name(MANIFEST + ".tmp")
        document = {"format": FORMAT, "units": [asdict(unit) for unit in self.units]}
        temporary.write_text(json.dumps(document, indent=1), encoding="utf-8")
        os.replace(temporary, path)


class PartWriter:
    """One Parquet part being written in the store's .incoming folder, a table at a time."""

    def __init__(self, folder: Path, name: str, table: str):
        self.path = folder / f"{name}.{table}.parquet"
        self.schema = SCHEMAS[table]
        self.rows = 0
        self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")

    def write(self, rows: pa.Table, sort: tuple[str, ...] = ()) -> None:
        """Add rows, sorted by `sort` first: lookups by id then skip the row groups whose range misses."""
        if sort:
            rows = rows.sort_by([(column, "ascending") for column in sort])
        self._writer.write_table(rows.cast(self.schema), row_group_size=ROW_GROUP)
        self.rows += rows.num_rows

    def close(self) -> Path:
        self._writer.close()
        return self.path


# --- records <-> rows ----------------------------------------------------------------------

def paper_table(papers: list[Paper], seq: int) -> tuple[pa.Table, pa.Table]:
    """The papers and their authorships as rows of `seq`."""
    papers_rows = {
        "pmid": [int(paper.pmid) for paper in papers], "seq": [seq] * len(papers),
        **{name: [getattr(paper, name) for paper in papers]
           for name in ("title", "journal", "year", "doi", "pmcid", "mesh", "publication_types", "retracted",
                        "is_book", "trial_ids")},
        "reference_pmids": [paper.references for paper in papers],  # "references" is a word of SQL
    }
    authors = [(int(paper.pmid), position, author) for paper in papers for position, author in enumerate(paper.authors)]
    author_rows = {
        "pmid": [pmid for pmid, _, _ in authors], "seq": [seq] * len(authors),
        "position": [position for _, position, _ in authors],
        **{name: [getattr(author, name) for _, _, author in authors]
           for name in ("last_name", "fore_name", "initials", "collective", "orcid", "affiliations")},
    }
    return (pa.Table.from_pydict(papers_rows, SCHEMAS["papers"]),
            pa.Table.from_pydict(author_rows, SCHEMAS["authorships"]))


def paper_of(row: dict, authors: list[dict]) -> Paper:
    """A paper as its PubMed record gave it, from its row and its authorship rows."""
    fields = {name: row[name] for name in ("title", "journal", "year", "doi", "pmcid", "retracted", "is_book")}
    lists = {name: list(row[name]) for name in ("mesh", "publication_types", "trial_ids")}
    byline = [Author(**{name: author[name] for name in ("last_name", "fore_name", "initials", "collective", "orcid")},
                     affiliations=list(author["affiliations"]))
              for author in sorted(authors, key=lambda author: author["position"])]
    return Paper(pmid=str(row["pmid"]), authors=byline, references=list(row["reference_pmids"]), fetched=True,
                 **fields, **lists)


def trial_tables(trials: list[Trial], seq: int) -> dict[str, pa.Table]:
    """The trials, their officials and their references as rows of `seq`."""
    columns = ("title", "official_title", "status", "phase", "conditions", "interventions", "sponsor",
               "start_date", "completion_date", "enrollment", "source")
    trial_rows = {"nct_id": [t.nct_id for t in trials], "seq": [seq] * len(trials),
                  **{name: [getattr(t, name) for t in trials] for name in columns}}
    officials = [(t.nct_id, n, o) for t in trials for n, o in enumerate(t.officials)]
    official_rows = {"nct_id": [nct for nct, _, _ in officials], "seq": [seq] * len(officials),
                     "position": [n for _, n, _ in officials],
                     **{name: [getattr(o, name) for _, _, o in officials] for name in ("name", "role", "affiliation")}}
    references = [(t.nct_id, n, r) for t in trials for n, r in enumerate(t.references)]
    reference_rows = {"nct_id": [nct for nct, _, _ in references], "seq": [seq] * len(references),
                      "position": [n for _, n, _ in references],
                      **{name: [getattr(r, name) for _, _, r in references]
                         for name in ("kind", "citation", "pmid", "retracted")},
                      "paper": [r.node_id for _, _, r in references]}
    return {"trials": pa.Table.from_pydict(trial_rows, SCHEMAS["trials"]),
            "officials": pa.Table.from_pydict(official_rows, SCHEMAS["officials"]),
            "trial_references": pa.Table.from_pydict(reference_rows, SCHEMAS["trial_references"])}


def trial_of(row: dict, officials: list[dict], references: list[dict]) -> Trial:
    """A trial as its registry record gave it, from its row and those of its officials and references."""
    fields = {name: row[name] for name in ("nct_id", "title", "official_title", "status", "phase", "sponsor",
                                           "start_date", "completion_date", "enrollment", "source")}
    return Trial(**fields, conditions=list(row["conditions"]), interventions=list(row["interventions"]),
                 officials=[Official(o["name"], o["role"], o["affiliation"])
                            for o in sorted(officials, key=lambda o: o["position"])],
                 references=[TrialReference(r["kind"], r["citation"], r["pmid"], r["retracted"])
                             for r in sorted(references, key=lambda r: r["position"])])


# --- the current version of every record, as SQL both engines run --------------------------

# Views `<table>_current` over views `<table>_parts` of every part the manifest lists: a record's
# newest version, not deleted since; a trial's officials and references of its newest version.
CURRENT = {
    "papers": """
        SELECT p.* FROM papers_parts p
        JOIN (SELECT pmid, max(seq) AS seq FROM papers_parts GROUP BY pmid) newest
          ON p.pmid = newest.pmid AND p.seq = newest.seq
        LEFT JOIN (SELECT pmid, max(seq) AS seq FROM deletions_parts GROUP BY pmid) deleted ON deleted.pmid = p.pmid
        WHERE deleted.seq IS NULL OR deleted.seq < p.seq""",
    "authorships": """
        SELECT a.* FROM authorships_parts a JOIN papers_current p ON a.pmid = p.pmid AND a.seq = p.seq""",
    "trials": """
        SELECT t.* FROM trials_parts t
        JOIN (SELECT nct_id, max(seq) AS seq FROM trials_parts GROUP BY nct_id) newest
          ON t.nct_id = newest.nct_id AND t.seq = newest.seq""",
    "officials": """
        SELECT o.* FROM officials_parts o JOIN trials_current t ON o.nct_id = t.nct_id AND o.seq = t.seq""",
    "trial_references": """
        SELECT r.* FROM trial_references_parts r JOIN trials_current t ON r.nct_id = t.nct_id AND r.seq = t.seq""",
    "citations": "SELECT citing, referenced FROM citations_parts WHERE citing <> referenced",
}


def duckdb_views(connection, store: Store) -> None:
    """`<table>_parts` and `<table>_current` (CURRENT) of the store in a DuckDB connection."""
    for table, schema in SCHEMAS.items():
        files = [str(path) for path in store.files(table)]
        if files:
            connection.execute(f"CREATE OR REPLACE VIEW {table}_parts AS SELECT * FROM read_parquet({files!r})")
        else:
            connection.register(f"{table}_empty", schema.empty_table())
            connection.execute(f"CREATE OR REPLACE VIEW {table}_parts AS SELECT * FROM {table}_empty")
    for name, query in CURRENT.items():
        connection.execute(f"CREATE OR REPLACE VIEW {name}_current AS {query}")
