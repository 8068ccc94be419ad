"""`litgraph bulk ingest` and `litgraph bulk graph`: thin shells over litgraph.bulk.ingest and
litgraph.bulk.graph (imported when run, so `litgraph build` never loads pyarrow or duckdb)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..sources.inputs import InputError

INGEST_HELP = """\
Add bulk files to a local store of Parquet tables (made when missing): PubMed baseline and update
files (gzip PubmedArticleSet XML, read in name order), NIH Open Citation Collection snapshots
(open_citation_collection.zip, citing,referenced) and AACT pipe-delimited flat files. Files
already in the store are skipped, so an interrupted ingest resumes when run again.

Example:
    litgraph bulk ingest --pubmed baseline/ --pubmed updatefiles/ --citations open_citation_collection.zip \\
        --aact aact-flat-files/ --store store/
"""
GRAPH_HELP = """\
Registry-wide graphs as tables from a store: trial -> paper edges, the citations among the
selected papers, co-citation and coupling counts and PageRank (Parquet, in OUT/tables/), plus
each selected trial's pages (OUT/pages/NCT.../index.html), made in DuckDB or on Spark.

--trials is "all", NCT ids, or field:text terms that must all hold (condition:, sponsor:,
title:, intervention:, status:, phase:), e.g. "condition:lupus sponsor:novartis".

Example:
    litgraph bulk graph --store store/ --trials "condition:lupus" --out lupus/
    litgraph bulk graph --store store/ --trials all --engine spark --master spark://head:7077 --pages 0
"""


def add_bulk_parser(commands) -> None:
    bulk = commands.add_parser("bulk", help="registry-scale graphs from bulk files (PubMed, NIH-OCC, AACT)")
    steps = bulk.add_subparsers(dest="step", required=True)
    ingest = steps.add_parser("ingest", help="add bulk files to a store", description=INGEST_HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    ingest.add_argument("--store", type=Path, required=True, help="the store folder")
    ingest.add_argument("--pubmed", action="append", default=[], metavar="DIR",
                        help="a folder (or file) of PubMed baseline/update XML; repeat for more")
    ingest.add_argument("--citations", action="append", default=[], metavar="FILE",
                        help="an NIH-OCC snapshot (it replaces the one before)")
    ingest.add_argument("--aact", action="append", default=[], metavar="DIR", help="a folder of AACT flat files")
    ingest.add_argument("--workers", type=int, help="processes reading PubMed files (default: one per core)")
    ingest.add_argument("--quiet", action="store_true", help="no progress lines")
    graph = steps.add_parser("graph", help="registry-wide tables and per-trial pages from a store",
                             description=GRAPH_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    graph.add_argument("--store", type=Path, required=True, help="the store folder")
    graph.add_argument("--trials", default="all", metavar="QUERY", help='"all", NCT ids or field:text terms')
    graph.add_argument("--depth", type=int, default=0,
                       help="citation hops from the trials' papers to select papers (default 0)")
    graph.add_argument("--min-weight", type=int, default=1,
                       help="leave out co-citation and coupling pairs weighing less (default 1: none)")
    graph.add_argument("--out", type=Path, default=Path("output") / "registry", help="output folder")
    graph.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb", help="default duckdb")
    graph.add_argument("--master", help="Spark master URL (default local[*])")
    graph.add_argument("--pages", default="20", metavar="N",
                       help="write the pages of the N trials with the most papers, or all (default 20)")
    graph.add_argument("--page-depth", type=int, default=1, help="--depth of each trial's pages (default 1)")
    graph.add_argument("--max-papers", type=int, default=500, help="--max-papers of each trial's pages (default 500)")
    graph.add_argument("--quiet", action="store_true", help="no progress lines")


def run_bulk(args: argparse.Namespace) -> int:
    try:
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401
    except ModuleNotFoundError as error:
        raise InputError(f"litgraph bulk needs pyarrow and duckdb ({error}): pip install 'litgraph[bulk]'") from None

    def say(message: str) -> None:
        if not args.quiet:
            print(f"litgraph: {message}", file=sys.stderr)

    if args.step == "ingest":
        from . import ingest

        if not (args.pubmed or args.citations or args.aact):
            raise InputError("nothing to ingest: give --pubmed, --citations and/or --aact")
        done = ingest(args.store, pubmed=args.pubmed, citations=args.citations, aact=args.aact,
                      workers=args.workers, progress=say)
        print(f"{args.store}: added {done.records:,} PubMed records ({done.deleted:,} deleted), "
              f"{done.citations:,} citations, {done.trials:,} trials in {done.seconds:,.1f} s"
              + (f"; {len(done.skipped):,} file(s) already there" if done.skipped else ""))
        return 0
    from . import graph

    pages = None if args.pages == "all" else _count(args.pages, "--pages")
    result = graph(args.store, trials=args.trials, depth=args.depth, out=args.out, engine=args.engine,
                   master=args.master, pages=pages, page_depth=args.page_depth, max_papers=args.max_papers,
                   min_weight=args.min_weight, progress=say)
    counts = ", ".join(f"{rows:,} {table}" for table, rows in result.rows.items())
    print(f"{args.out}: {counts}; {len(result.pages):,} trial pages ({result.engine}, {result.seconds:,.1f} s)")
    return 0


def _count(text: str, option: str) -> int:
    if not text.isdigit():
        raise InputError(f"{option} takes a number or 'all', not {text!r}")
    return int(text)
