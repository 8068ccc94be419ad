"""Command line: a thin shell over the library; each command is one library call."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .bulk.command import add_bulk_parser, run_bulk
from .candidates import DIRECTIONS, Filters
from .collector import collector_paused
from .contract import (ALL_FORMATS, CITATIONS, DEFAULT_CITATIONS, INDEX, LINK_TYPES, SCREENING_FORMATS, SUMMARY, TOP_ROWS,
                       check_formats)
from .kinds import completeness_line
from .progress import Progress, TerminalProgress
from .settings import Settings, SettingsError
from .sources.inputs import InputError
from .terminal import terminal_text
from .version import __version__

# The graph libraries load only inside the commands that use them (a quick `litgraph --help`).

BUILD_HELP = """\
Build the literature graphs of trials and papers: fetch each trial's references and the papers
PubMed ties to it (NCT...[si]), follow their citations to --depth, and write the trial, paper,
author and combined graphs plus co-citation, coupling and MeSH graphs.

SOURCE is an NCT id (any case; fetched from ClinicalTrials.gov), a PMID, or a file, whose format
is read from its content: ClinicalTrials.gov v2 JSON (one study or a page of studies), legacy
ClinicalTrials.gov XML, a record page saved as text, PubMed XML, a MEDLINE/.nbib export from
PubMed, or a list of NCT ids and/or PMIDs. --query adds the papers a PubMed search finds.

Asked again, the same build finds its folder up to date and writes nothing, while its files are
untouched and every answer it was made from is still fresh in the cache (--force builds anyway).

Example:
    litgraph build examples/NCT01741857.txt
    litgraph build NCT01741857 nct02149199 --depth 1 --max-papers 300 --format html,json,graphml
    litgraph build --query "mesenchymal stem cells lupus" --max-papers 200
"""


SUMMARY_HELP = f"""\
Print the tables of a build from its output folder (summary.json): the most cited papers, the
most central authors, and the largest communities of papers and of authors.

Example:
    litgraph summary output/NCT01741857 --top {TOP_ROWS}
"""
CANDIDATES_HELP = """\
Write the candidates of a build for screening: every paper found that is not a seed, each with
how it was found (which seed or trial, backward, forward or similar, depth, link sources) and its
rank, filtered, without what your library already holds, as RIS, MEDLINE (.nbib) or CSV. Files
above Covidence's import limit (15,000 records or 50 MB) are split into numbered files.

Example:
    litgraph candidates output/NCT01741857 --library zotero.ris --exclude-type Editorial,Comment
    litgraph candidates output/NCT01741857 --new --format nbib --out update.nbib
"""
DIFF_HELP = """\
Say what changed between two builds: new papers, new papers citing each seed, papers retracted or
given a PMCID since, links gained and lost. (A build into a folder holding an earlier build says
it too, in changes.json.)

Example:
    litgraph diff output/review-2026-10 output/review-2026-11
"""
BUILD_TABLE_ROWS = 5  # the end of a build shows a glance; `litgraph summary` shows more


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="litgraph", description="A clinical trial's literature as explorable graphs.")
    main.add_argument("--version", action="version", version=f"litgraph {__version__}")
    commands = main.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("build", help="build graphs from trials and papers", description=BUILD_HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("sources", nargs="*", metavar="SOURCE", help="NCT id, PMID or file")
    cmd.add_argument("--query", help="a PubMed search whose results become seed papers (at most 10,000)")
    cmd.add_argument("--depth", type=int, default=1, help="citation hops from the seed papers (default 1)")
    cmd.add_argument("--max-papers", type=int, default=500,
                     help="most papers in the graph; when the limit cuts a level, the papers linked to "
                          "the most papers already in the graph are kept (default 500)")
    cmd.add_argument("--links", default="refs,citedin",
                     help=f"links to follow, comma-separated from {', '.join(LINK_TYPES)} (default refs,citedin)")
    cmd.add_argument("--citations", help=f"citation sources to ask, comma-separated from {', '.join(CITATIONS)} (default "
                                          f"{','.join(DEFAULT_CITATIONS)}; a build from --store asks nih-occ,reference-list)")
    cmd.add_argument("--out", type=Path, help="output folder (default output/<NCT id or first PMID>)")
    cmd.add_argument("--format", default="html,json",
                     help=f"comma-separated from {', '.join(ALL_FORMATS)} (default html,json)")
    cmd.add_argument("--embed", action="store_true",
                     help="also write G.fragment.html per graph: a <div> with scoped styles to paste into a "
                          "report (G.html itself works in an <iframe>)")
    cmd.add_argument("--offline", action="store_true", help="use only the cache; list what is missing")
    cmd.add_argument("--force", action="store_true",
                     help="build and write again even when the output folder is up to date (the same build "
                          "made it from answers still fresh in the cache, and its files are untouched)")
    cmd.add_argument("--email", help="your e-mail for NCBI (default $NCBI_EMAIL)")
    cmd.add_argument("--api-key", help="NCBI API key: 10 requests/s instead of 3 (default $NCBI_API_KEY)")
    cmd.add_argument("--quiet", action="store_true",
                     help="no progress bar (drawn only when stderr is a terminal) and no tables at the end")
    cmd.add_argument("--store", type=Path,
                     help="build from a store made by `litgraph bulk ingest`: no requests at all")
    cmd.add_argument("--library", type=Path, action="append", default=[], metavar="FILE",
                     help="your library (RIS, BibTeX, PubMed XML, MEDLINE, CSV, PMIDs/DOIs): candidates it holds "
                          "are left out of candidates.ris and the other candidate files (repeatable)")
    summary = commands.add_parser("summary", help="print a build's top-N tables", description=SUMMARY_HELP,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    summary.add_argument("folder", type=Path, metavar="DIR", help="a build's output folder, or its summary.json")
    summary.add_argument("--top", type=int, default=10, help=f"rows per table, at most {TOP_ROWS} (default 10)")
    add_candidates_parser(commands)
    changed = commands.add_parser("diff", help="what changed between two builds", description=DIFF_HELP,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    changed.add_argument("old", type=Path, metavar="OLD_DIR")
    changed.add_argument("new", type=Path, metavar="NEW_DIR")
    changed.add_argument("--json", action="store_true", help="every change as JSON, not the counts in words")
    add_bulk_parser(commands)
    return main


def add_candidates_parser(commands) -> None:
    cmd = commands.add_parser("candidates", help="write a build's candidates for screening",
                              description=CANDIDATES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("folder", type=Path, metavar="DIR", help="a build's output folder")
    cmd.add_argument("--direction", default="", help=f"keep papers found so, comma-separated from {', '.join(DIRECTIONS)}")
    cmd.add_argument("--max-depth", type=int, help="keep papers at most this many hops from the seeds")
    cmd.add_argument("--years", default="", metavar="FROM-TO", help="publication years, e.g. 2015-2024, 2015- or -2010")
    cmd.add_argument("--exclude-type", default="", metavar="TYPES",
                     help="publication types to leave out, comma-separated (e.g. Editorial,Comment,Letter)")
    cmd.add_argument("--language", default="", metavar="CODES", help="keep these languages (MEDLINE codes: eng,fre)")
    cmd.add_argument("--library", type=Path, action="append", default=[], metavar="FILE",
                     help="your library: candidates it holds are counted and left out (repeatable)")
    cmd.add_argument("--keep-library", action="store_true", help="export the candidates your library holds too")
    cmd.add_argument("--new", action="store_true", help="only the papers the last rebuild into DIR found new")
    cmd.add_argument("--format", choices=tuple(SCREENING_FORMATS), default="ris", help="ris (default), nbib or csv")
    cmd.add_argument("--out", type=Path, metavar="FILE", help="where to write (default DIR/screening.<format>)")


def main(argv: list[str] | None = None) -> int:
    return _main(parser().parse_args(argv))


def command() -> None:
    """The `litgraph` program (and `python -m litgraph`): `main`, then the process ends without
    freeing the build one object at a time (a second after a 10,000-paper build), nor letting the
    cyclic collector look over it once more (most of another): the operating system takes its
    memory back at once. Everything was written and closed by then; what is left is to flush what
    was printed."""
    import gc
    import logging

    args = parser().parse_args()
    gc.disable()  # for good: see `_main`
    code = _run(args)  # args still holds the build (run_build)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader gone (`litgraph ... | head`): nothing more to say to it
            pass
    if sys.gettrace() or sys.getprofile():  # coverage or a profiler writes its results at a normal exit
        raise SystemExit(code)
    os._exit(code)


def _main(args: argparse.Namespace) -> int:
    # A command makes millions of objects and keeps nearly all of them: the cyclic collector stays
    # paused for the whole of it, not only in the library's heavy stages (2 s of a 10,000-paper
    # warm rerun), and resumes however main ends (litgraph.collector).
    with collector_paused():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        commands = {"summary": run_summary, "bulk": run_bulk, "candidates": run_candidates, "diff": run_diff}
        return commands.get(args.command, run_build)(args)
    except (InputError, SettingsError) as error:
        print(f"litgraph: error: {terminal_text(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("litgraph: interrupted; what was fetched is in the cache", file=sys.stderr)
        return 130
    except BrokenPipeError:  # what reads the report stopped (`litgraph build ... | head`): the work is done
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so nothing fails flushing it later
        return 0
    except Exception as error:  # one line, not a traceback; LITGRAPH_DEBUG=1 shows it
        if os.environ.get("LITGRAPH_DEBUG"):
            raise
        print(f"litgraph: error: {type(error).__name__}: {terminal_text(error)}", file=sys.stderr)
        return 1


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def run_build(args: argparse.Namespace) -> int:
    formats = check_formats(_split(args.format) + (["fragment"] if args.embed else []))
    progress = TerminalProgress() if not args.quiet and sys.stderr.isatty() else Progress()

    def warn(message: str) -> None:
        progress.clear()
        print(f"litgraph: warning: {terminal_text(message)}", file=sys.stderr)

    asked = dict(query=args.query, depth=args.depth, max_papers=args.max_papers, links=_split(args.links),
                 citations=_split(args.citations) if args.citations is not None else None, library=args.library)
    settings = Settings.from_env()
    if args.store is None and not args.force:
        from .uptodate import up_to_date

        written = up_to_date(*args.sources, **asked, formats=formats, folder=args.out, settings=settings)
        if written:
            for message in written.said:
                warn(message)
            return _report(_shown(Path(written.folder)), args.quiet, files=None)
    from .api import build
    from .outputs import check_folder

    check_folder(args.out)  # before anything is fetched
    result = build(*args.sources, **asked, offline=args.offline, email=args.email, api_key=args.api_key,
                   settings=settings, warn=warn, progress=progress, store=args.store)
    args.built = result  # freed with args: for `command`, only by the process's end
    files = result.write(args.out, formats, progress)
    progress.clear()
    return _report(files[0].parent, args.quiet, files=files)


def _shown(folder: Path) -> Path:
    """The folder as the user would name it: below the working folder, relative to it."""
    try:
        return folder.relative_to(Path.cwd())
    except ValueError:
        return folder


def _report(folder: Path, quiet: bool, files: list[Path] | None) -> int:
    """What a build says at its end, from its folder: what it found, then the `files` it wrote, or,
    when it found the folder up to date (None), that it wrote nothing."""
    from .report import screening_text

    summary = read_summary(folder)
    print(headline(summary))
    completeness = completeness_line(summary.get("citation_data", {}))
    if completeness:
        print(completeness)
    if "screening" in summary:
        print(screening_text(summary["screening"]))
    index = folder / INDEX
    if files is None:
        built = str(summary.get("created", ""))[:16].replace("T", " ")
        print(terminal_text(f"{folder}/ is up to date: built {built} UTC by this litgraph from the same inputs and "
                            f"answers still fresh in the cache; nothing fetched or written (--force builds it "
                            f"again) — open {index}"))
    else:
        if "changes" in summary:
            print("\n".join(terminal_text(line) for line in changes_lines(folder)))
        print(terminal_text(f"wrote {len(files)} files to {folder}/ — open {index}"))
    if not quiet:
        from .analysis import format_tables

        print(f"\n{format_tables(summary['metrics'], BUILD_TABLE_ROWS)}")
    return 0


def changes_lines(folder: Path) -> list[str]:
    from .updates import Changes

    return Changes(**json.loads((folder / "changes.json").read_text(encoding="utf-8"))).lines()


def run_candidates(args: argparse.Namespace) -> int:
    from .api import candidates
    from .report import screening_text

    first, _, last = args.years.partition("-")
    try:
        years = [int(part) if part.strip() else None for part in (first, last if "-" in args.years else first)]
    except ValueError:
        raise InputError(f"--years {args.years!r}: give FROM-TO, e.g. 2015-2024, 2015- or -2010") from None
    directions = _split(args.direction)
    unknown = [d for d in directions if d not in DIRECTIONS]
    if unknown:
        raise InputError(f"--direction {unknown[0]!r}: choose from {', '.join(DIRECTIONS)}")
    filters = Filters(directions=tuple(directions), max_depth=args.max_depth, first_year=years[0], last_year=years[1],
                      exclude_types=tuple(_split(args.exclude_type)), languages=tuple(_split(args.language)))
    out = args.out or args.folder / f"screening{SCREENING_FORMATS[args.format]}"
    warn = lambda message: print(f"litgraph: warning: {terminal_text(message)}", file=sys.stderr)  # noqa: E731
    screening = candidates(args.folder, filters=filters, library=args.library, new=args.new,
                           keep_library=args.keep_library, out=out, fmt=args.format, warn=warn)
    print(screening_text(screening.counts))
    if screening.filters:
        print(terminal_text("filters: " + "; ".join(screening.filters)))
    print(terminal_text(f"wrote {len(screening.exported):,} candidates to {', '.join(screening.files)}"))
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from .api import changes

    found = changes(args.old, args.new)
    print(json.dumps(found.document(), indent=1) if args.json else "\n".join(map(terminal_text, found.lines())))
    return 0


def headline(summary: dict) -> str:
    counts = summary["counts"]
    return terminal_text(f"{summary['name']}: {counts['trials']} trial(s), {counts['papers']} papers "
                         f"({counts['papers_fetched']} from PubMed), {counts['authors']} authors")


def run_summary(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise InputError("--top must be 1 or more")
    from .analysis import format_tables

    summary = read_summary(args.folder)
    try:  # the file is the user's: whatever it lacks is bad input, not a failure of litgraph
        completeness = completeness_line(summary.get("citation_data", {}))
        report = f"{headline(summary)}\n{completeness + chr(10) if completeness else ''}\n" \
                 f"{format_tables(summary['metrics'], args.top)}"
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"{args.folder}: not a litgraph summary ({type(error).__name__}: {error})") from None
    print(report)
    return 0


def read_summary(path: Path) -> dict:
    """A build's summary.json, given the file or the folder holding it."""
    file = path / SUMMARY if path.is_dir() else path
    try:
        summary = json.loads(file.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{path}: no summary.json there; give the folder a build wrote, or its summary.json") from None
    except OSError as error:
        raise InputError(f"{file}: cannot be read ({error.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise InputError(f"{file}: not a litgraph summary ({error})") from None
    if not isinstance(summary, dict) or "litgraph" not in summary:
        raise InputError(f"{file}: not a litgraph summary")
    if "metrics" not in summary:
        raise InputError(f"{file} has no tables: it was written by an older litgraph; build again")
    return summary
