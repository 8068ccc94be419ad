"""Registry-wide graphs as tables, made by an engine from the store: DuckDB on one machine (out of
core, no server) or Apache Spark for a cluster. Both run the same SQL (PIPELINE below, with the
few words their dialects spell differently) and give identical tables:

    trials        the selected trials
    trial_papers  trial -> paper edges: each reference as registered, and `derived` for papers whose
                  PubMed record names the trial, with their sources (registry, pubmed-si)
    papers        the selected papers (the trials' papers, then `depth` citation hops out), their
                  citations within the selection (cited_by), in all the store (times_cited), PageRank
    citations     citing -> cited among the selected papers, with their sources (nih-occ, reference-list)
    cocitation    pairs of selected papers and how many papers (any in the store) cite both
    coupling      pairs of selected papers and how many references (any) they share

PageRank is litgraph's (damping 0.85, a paper citing none spreads its rank over all), iterated to
networkx's tolerance (1e-6 per paper), in fixed-point integers: sums of integers do not depend on
the order an engine adds them in, so both engines agree to the last bit.

Each selected trial (the `pages` with most papers) also gets its pages, built from the store as
`litgraph build --store` builds them.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..sources.inputs import InputError
from ..sources.trials import TrialFormatError, normalise_nct
from .engines import Engine, open_engine
from .store import Store

TABLES = ("trials", "trial_papers", "papers", "citations", "cocitation", "coupling")
ORDER = {"trials": "nct_id", "trial_papers": "nct_id, paper, kind", "papers": "pmid", "citations": "citing, cited",
         "cocitation": "a, b", "coupling": "a, b"}
FIELDS = {"condition": "{join}(t.conditions, ' | ')", "intervention": "{join}(t.interventions, ' | ')",
          "sponsor": "t.sponsor", "title": "concat(t.title, ' | ', t.official_title)", "status": "t.status",
          "phase": "t.phase"}
ONE = 1 << 50  # the whole rank in PageRank's fixed point
DAMPING = 85  # percent
TOLERANCE = ONE // 1_000_000  # per paper: networkx's default tolerance, 1e-6
MAX_ITERATIONS = 100


@dataclass
class Registry:
    """What `graph` made: rows per table, the folder of each trial page, the engine and the time."""

    out: Path
    engine: str
    rows: dict[str, int] = field(default_factory=dict)
    pages: list[Path] = field(default_factory=list)
    iterations: int = 0  # PageRank's
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step of the pipeline


def graph(store: str | Path, trials: str = "all", depth: int = 0, out: str | Path = "output/registry",
          engine: str = "duckdb", master: str | None = None, pages: int | None = 20, page_depth: int = 1,
          max_papers: int = 500, min_weight: int = 1, spark_conf: dict[str, str] | None = None,
          progress: Callable[[str], None] | None = None) -> Registry:
    """The registry-wide tables of the trials `trials` selects ("all", NCT ids, or field:text terms
    that must all hold), in OUT/tables/<table>/ as Parquet, and the pages of the `pages` trials
    with most papers (all when None) in OUT/pages/<NCT id>/."""
    say = progress or (lambda message: None)
    if depth < 0:
        raise InputError(f"depth must be 0 or more (got {depth})")
    if min_weight < 1:
        raise InputError(f"min_weight must be 1 or more (got {min_weight})")
    held = Store(store)
    nct_ids, terms = _selection(trials)
    started = time.perf_counter()
    out = Path(out)
    tables = out / "tables"
    shutil.rmtree(tables, ignore_errors=True)
    result = Registry(out=out, engine=engine)
    with open_engine(engine, held, master, out / ".work", spark_conf) as runner:
        say(f"{engine}: selecting trials and papers")
        runner.rows("selection", ["field STRING", "text STRING"],
                    [("nct", nct) for nct in nct_ids] + [(name, text.lower()) for name, text in terms])
        for name, query in PIPELINE:
            began = time.perf_counter()
            if name == "selected":
                _select_papers(runner, depth, say)
            else:
                runner.table(name, query, min_weight=min_weight)
            result.steps[name] = round(time.perf_counter() - began, 3)
            if name == "citations":
                began = time.perf_counter()
                result.iterations = _pagerank(runner, say)
                result.steps["pagerank"] = round(time.perf_counter() - began, 3)
        began = time.perf_counter()
        for name in TABLES:
            result.rows[name] = runner.write(name, tables / name, ORDER[name])
        result.steps["write"] = round(time.perf_counter() - began, 3)
        say(f"{engine}: " + ", ".join(f"{rows:,} {name}" for name, rows in result.rows.items()))
        chosen = runner.column("SELECT nct_id FROM trials ORDER BY papers DESC, nct_id"
                               + (f" LIMIT {pages}" if pages is not None else ""))
    result.pages = _write_pages(store, chosen, out / "pages", page_depth, max_papers, say)
    result.seconds = round(time.perf_counter() - started, 3)
    (out / "summary.json").write_text(json.dumps({
        "store": str(store), "trials": trials, "depth": depth, "min_weight": min_weight, "engine": engine,
        "rows": result.rows,
        "pagerank_iterations": result.iterations, "pages": [page.name for page in result.pages],
        "seconds": result.seconds, "step_seconds": result.steps}, indent=2), encoding="utf-8")
    return result


def _selection(query: str) -> tuple[list[str], list[tuple[str, str]]]:
    """NCT ids, or (field, text) terms; "all" is no term at all."""
    words = query.split()
    if not words:
        raise InputError('the trials query is empty: give "all", NCT ids or field:text terms')
    if words == ["all"]:
        return [], []
    if all(re.fullmatch(r"(?i)nct\d+", word) for word in words):
        try:
            return [normalise_nct(word) for word in words], []
        except TrialFormatError as error:
            raise InputError(str(error)) from None
    terms = re.findall(r'(\w+):("[^"]*"|\S+)', query)
    leftover = re.sub(r'(\w+):("[^"]*"|\S+)', "", query).strip()
    unknown = [name for name, _ in terms if name not in FIELDS]
    if leftover or unknown or not terms:
        raise InputError(f"cannot read the trials query {query!r}: give \"all\", NCT ids, or terms like "
                         f"condition:lupus (fields: {', '.join(FIELDS)})")
    return [], [(name, text.strip('"')) for name, text in terms]


def _select_papers(runner: Engine, depth: int, say: Callable[[str], None]) -> None:
    """`selected` (pmid, depth): the trials' papers, then each level of citation neighbours."""
    runner.table("selected", "SELECT DISTINCT pmid, 0 AS depth FROM trial_papers WHERE pmid IS NOT NULL")
    for level in range(1, depth + 1):
        runner.table("frontier", f"SELECT pmid FROM selected WHERE depth = {level - 1}")
        runner.table("selected", f"""
            SELECT pmid, depth FROM selected
            UNION ALL
            SELECT DISTINCT n.pmid, {level} AS depth FROM (
                SELECT l.cited AS pmid FROM links l JOIN frontier f ON l.citing = f.pmid
                UNION ALL
                SELECT l.citing FROM links l JOIN frontier f ON l.cited = f.pmid) n
            WHERE NOT EXISTS (SELECT 1 FROM selected s WHERE s.pmid = n.pmid)""")
        say(f"level {level}: {runner.scalar(f'SELECT count(*) FROM selected WHERE depth = {level}'):,} papers")


def _pagerank(runner: Engine, say: Callable[[str], None]) -> int:
    """`rank` (pmid, rank) on `citations` among `selected`, iterated until it settles."""
    count = runner.scalar("SELECT count(*) FROM selected")
    runner.table("out_degree", "SELECT citing AS pmid, CAST(count(*) AS BIGINT) AS links FROM citations GROUP BY citing")
    runner.table("rank", f"SELECT pmid, CAST({ONE // max(count, 1)} AS BIGINT) AS rank FROM selected")
    iterations = 0
    while count and iterations < MAX_ITERATIONS:
        iterations += 1
        dangling = runner.scalar("""SELECT CAST(coalesce(sum(r.rank), 0) AS BIGINT) FROM rank r
                                    WHERE NOT EXISTS (SELECT 1 FROM out_degree o WHERE o.pmid = r.pmid)""")
        base = (DAMPING * dangling // 100 + (100 - DAMPING) * ONE // 100) // count
        runner.table("next_rank", f"""
            SELECT s.pmid, CAST({DAMPING} * coalesce(i.inflow, 0) {{div}} 100 + {base} AS BIGINT) AS rank
            FROM selected s LEFT JOIN (
                SELECT c.cited AS pmid, CAST(sum(r.rank {{div}} o.links) AS BIGINT) AS inflow
                FROM citations c JOIN rank r ON c.citing = r.pmid JOIN out_degree o ON o.pmid = c.citing
                GROUP BY c.cited) i ON i.pmid = s.pmid""")
        change = runner.scalar("""SELECT CAST(coalesce(sum(abs(n.rank - r.rank)), 0) AS BIGINT)
                                  FROM next_rank n JOIN rank r ON n.pmid = r.pmid""")
        runner.table("rank", "SELECT * FROM next_rank")
        if change < count * TOLERANCE:
            break
    say(f"pagerank: {iterations} iterations")
    return iterations


# The pipeline: each step a table the next ones read; `selected` is made level by level.
PIPELINE = [
    ("matches", """
        SELECT t.nct_id, count(*) AS hits FROM trials_current t JOIN selection q
          ON q.field <> 'nct' AND instr(lower(CASE q.field """
     + "".join(f"WHEN '{name}' THEN {expression} " for name, expression in FIELDS.items()) + """END), q.text) > 0
        GROUP BY t.nct_id"""),
    ("chosen_trials", """
        SELECT nct_id FROM trials_current WHERE (SELECT count(*) FROM selection) = 0
        UNION
        SELECT t.nct_id FROM trials_current t JOIN selection q ON q.field = 'nct' AND t.nct_id = q.text
        UNION
        SELECT nct_id FROM matches WHERE hits = (SELECT count(*) FROM selection)"""),
    ("registered", """
        SELECT r.nct_id, r.paper, CASE WHEN r.pmid = '' THEN NULL ELSE CAST(r.pmid AS BIGINT) END AS pmid, r.kind,
               r.position
        FROM trial_references_current r JOIN chosen_trials c ON r.nct_id = c.nct_id"""),
    ("named", """
        SELECT DISTINCT n.nct_id, concat('pmid:', CAST(n.pmid AS STRING)) AS paper, n.pmid FROM (
            SELECT pmid, {explode}(trial_ids) AS nct_id FROM papers_current WHERE {size}(trial_ids) > 0) n
        JOIN chosen_trials c ON n.nct_id = c.nct_id"""),
    ("trial_papers", """
        SELECT e.nct_id, e.paper, e.pmid, e.kind,
               CASE WHEN n.paper IS NULL THEN {array}('registry') ELSE {array}('registry', 'pubmed-si') END AS sources
        FROM (SELECT nct_id, paper, max(pmid) AS pmid, kind, min(position) AS position
              FROM registered GROUP BY nct_id, paper, kind) e
        LEFT JOIN (SELECT nct_id, paper, kind FROM (
                       SELECT nct_id, paper, kind,
                              row_number() OVER (PARTITION BY nct_id, paper ORDER BY position) AS place
                       FROM registered) ranked WHERE place = 1) f
          ON e.nct_id = f.nct_id AND e.paper = f.paper AND e.kind = f.kind
        LEFT JOIN named n ON f.nct_id = n.nct_id AND f.paper = n.paper
        UNION ALL
        SELECT n.nct_id, n.paper, n.pmid, 'derived', {array}('pubmed-si') FROM named n
        WHERE NOT EXISTS (SELECT 1 FROM registered r WHERE r.nct_id = n.nct_id AND r.paper = n.paper)"""),
    ("links", """
        SELECT citing, referenced AS cited, 1 AS occ, 0 AS listed FROM citations_current
        UNION ALL
        SELECT pmid AS citing, CAST(reference AS BIGINT) AS cited, 0 AS occ, 1 AS listed FROM (
            SELECT pmid, {explode}(reference_pmids) AS reference FROM papers_current
            WHERE {size}(reference_pmids) > 0) r
        WHERE CAST(reference AS BIGINT) <> pmid"""),
    ("selected", ""),
    ("touching", """
        SELECT citing, cited, max(occ) AS occ, max(listed) AS listed FROM (
            SELECT l.* FROM links l JOIN selected s ON l.citing = s.pmid
            UNION ALL
            SELECT l.* FROM links l JOIN selected s ON l.cited = s.pmid) ends
        GROUP BY citing, cited"""),
    ("citations", """
        SELECT t.citing, t.cited,
               CASE WHEN t.occ = 1 AND t.listed = 1 THEN {array}('nih-occ', 'reference-list')
                    WHEN t.occ = 1 THEN {array}('nih-occ') ELSE {array}('reference-list') END AS sources
        FROM touching t JOIN selected a ON t.citing = a.pmid JOIN selected b ON t.cited = b.pmid"""),
    ("cocitation", """
        SELECT x.cited AS a, y.cited AS b, CAST(count(*) AS BIGINT) AS weight
        FROM touching x JOIN touching y ON x.citing = y.citing AND x.cited < y.cited
        JOIN selected s ON s.pmid = x.cited JOIN selected u ON u.pmid = y.cited
        GROUP BY x.cited, y.cited HAVING count(*) >= {min_weight}"""),
    ("coupling", """
        SELECT x.citing AS a, y.citing AS b, CAST(count(*) AS BIGINT) AS weight
        FROM touching x JOIN touching y ON x.cited = y.cited AND x.citing < y.citing
        JOIN selected s ON s.pmid = x.citing JOIN selected u ON u.pmid = y.citing
        GROUP BY x.citing, y.citing HAVING count(*) >= {min_weight}"""),
    ("papers", f"""
        SELECT s.pmid, s.depth, p.pmid IS NOT NULL AS held, p.title, p.journal, p.year, p.doi,
               CAST(coalesce(tp.trials, 0) AS BIGINT) AS trials,
               CAST(coalesce(inside.links, 0) AS BIGINT) AS cited_by,
               CAST(coalesce(everywhere.links, 0) AS BIGINT) AS times_cited,
               CAST(r.rank AS DOUBLE) / CAST({ONE} AS DOUBLE) AS pagerank
        FROM selected s
        LEFT JOIN papers_current p ON p.pmid = s.pmid
        LEFT JOIN (SELECT pmid, count(DISTINCT nct_id) AS trials FROM trial_papers GROUP BY pmid) tp ON tp.pmid = s.pmid
        LEFT JOIN (SELECT cited, count(*) AS links FROM citations GROUP BY cited) inside ON inside.cited = s.pmid
        LEFT JOIN (SELECT cited, count(*) AS links FROM touching GROUP BY cited) everywhere ON everywhere.cited = s.pmid
        LEFT JOIN rank r ON r.pmid = s.pmid"""),
    ("trials", """
        SELECT t.nct_id, t.title, t.status, t.phase, t.conditions, t.sponsor, t.start_date, t.completion_date,
               t.enrollment, CAST(coalesce(n.papers, 0) AS BIGINT) AS papers
        FROM trials_current t JOIN chosen_trials c ON t.nct_id = c.nct_id
        LEFT JOIN (SELECT nct_id, count(*) AS papers FROM trial_papers GROUP BY nct_id) n ON n.nct_id = t.nct_id"""),
]


def _write_pages(store: str | Path, nct_ids: list[str], folder: Path, depth: int, max_papers: int,
                 say: Callable[[str], None]) -> list[Path]:
    """Each trial's pages, built from the store as `litgraph build --store` builds them."""
    from ..api import build

    written = []
    for number, nct in enumerate(nct_ids, start=1):
        result = build(nct, depth=depth, max_papers=max_papers, store=store, warn=lambda message: None)
        result.write(folder / nct, formats=("html", "json"))
        written.append(folder / nct)
        say(f"pages {nct} [{number:,}/{len(nct_ids):,}]")
    return written
