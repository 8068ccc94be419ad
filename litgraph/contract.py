"""Names the data contract and the command line share: the links a build can follow, the files
it writes and their formats. Kept apart from the code behind them, so that the command line can
offer and check them without loading the graph libraries."""

LINK_TYPES = ("refs", "citedin", "similar")  # PubMed's links a build can follow
CITATIONS = ("elink", "icite", "reference-list")  # the citation sources a build can ask (sources/citations)
DEFAULT_CITATIONS = CITATIONS
PAGE_FORMATS = ("html", "fragment", "svg")  # fragment: what --embed adds
FILE_FORMATS = ("json", "graphml", "gexf", "csv", "cytoscape", "vosviewer", "ris", "bibtex", "nbib")  # outputs/export.py
ALL_FORMATS = PAGE_FORMATS + FILE_FORMATS
SCREENING_FORMATS = {"ris": ".ris", "nbib": ".nbib", "csv": ".csv"}  # candidates for screening tools
INDEX = "index.html"
SUMMARY = "summary.json"
TOP_ROWS = 20  # rows per table kept in summary.json
