"""Registry-scale graphs from bulk files: PubMed baseline/update XML, NIH Open Citation Collection
snapshots and AACT flat files, ingested into a store of Parquet tables, built from with no
requests, and made into registry-wide tables in DuckDB (or on Spark).

    import litgraph.bulk
    litgraph.bulk.ingest("store", pubmed=["baseline"], citations=["open_citation_collection.zip"], aact=["aact"])
    litgraph.build("NCT01741857", store="store")          # the API path's graphs, zero requests
    litgraph.bulk.graph("store", trials="condition:lupus", out="output/lupus")

pyarrow and duckdb (and pyspark for Spark) are loaded only when these are called.
"""

from __future__ import annotations

from typing import Any

__all__ = ["graph", "ingest"]


def __getattr__(name: str) -> Any:
    if name == "ingest":
        from .ingesting import ingest

        return ingest
    if name == "graph":
        from .registry import graph

        return graph
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
