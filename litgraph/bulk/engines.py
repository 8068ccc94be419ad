"""The engines the registry pipeline runs on: DuckDB (embedded, out of core) and Apache Spark
(local or a cluster). Each holds the store as views (`<table>_parts`, `<table>_current`), runs
the pipeline's SQL (with the words their dialects spell differently filled in), keeps each step
as a table and writes tables as Parquet folders.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa

from ..sources.inputs import InputError
from .store import CURRENT, SCHEMAS, Store, duckdb_views

DIALECTS = {
    "duckdb": {"div": "//", "array": "list_value", "join": "array_to_string", "explode": "unnest", "size": "len"},
    "spark": {"div": "div", "array": "array", "join": "array_join", "explode": "explode", "size": "size"},
}


class Engine:
    """What the pipeline asks of an engine: `table(name, query, **values)` keeps a query's rows as a table,
    `rows(name, columns, rows)` makes a small one from Python, `scalar` and `column` answer a
    query, `write(name, folder, order)` writes a table as Parquet and says its rows, `close`."""

    name = ""

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def sql(self, query: str, **values) -> str:
        """The pipeline's SQL in this engine's words, with `values` filled in."""
        return query.format(**DIALECTS[self.name], **values)


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self, store: Store, workdir: Path):
        import duckdb

        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.db = duckdb.connect(str(workdir / "work.duckdb"))  # a file, so tables larger than memory spill
        self.db.execute(f"SET temp_directory = '{workdir / 'spill'}'")
        duckdb_views(self.db, store)

    def table(self, name: str, query: str, **values) -> None:
        self.db.execute(f"CREATE OR REPLACE TABLE {name} AS {self.sql(query, **values)}")

    def rows(self, name: str, columns: list[str], rows: list[tuple]) -> None:
        self.db.execute(f"CREATE OR REPLACE TABLE {name} ({', '.join(columns)})")
        if rows:
            self.db.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})", rows)

    def scalar(self, query: str):
        return self.db.execute(self.sql(query)).fetchone()[0]

    def column(self, query: str) -> list:
        return [row[0] for row in self.db.execute(self.sql(query)).fetchall()]

    def write(self, name: str, folder: Path, order: str) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        self.db.execute(f"COPY (SELECT * FROM {name} ORDER BY {order}) TO '{folder / 'part-00000.parquet'}' "
                        "(FORMAT parquet, COMPRESSION zstd)")
        return self.scalar(f"SELECT count(*) FROM {name}")

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, store: Store, master: str | None, conf: dict[str, str] | None):
        if not shutil.which("java") and not _java_home():
            raise InputError("--engine spark needs Java 17 or later (Debian: apt-get install default-jre-headless)")
        try:
            from pyspark.sql import SparkSession
        except ModuleNotFoundError:
            raise InputError("--engine spark needs pyspark: pip install 'litgraph[spark]'") from None
        master = master or "local[*]"
        settings = {"spark.ui.showConsoleProgress": "false"}
        if master.startswith("local"):  # a session on this machine alone stays on loopback
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            settings.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"})
        builder = SparkSession.builder.master(master).appName("litgraph bulk graph")
        for key, value in {**settings, **(conf or {})}.items():
            builder = builder.config(key, value)
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")
        for table, schema in SCHEMAS.items():
            files = [str(path.resolve()) for path in store.files(table)]
            frame = (self.spark.read.parquet(*files) if files
                     else self.spark.createDataFrame([], spark_schema(schema)))
            frame.createOrReplaceTempView(f"{table}_parts")
        for name, query in CURRENT.items():
            self.spark.sql(query).createOrReplaceTempView(f"{name}_current")
        self._held: dict[str, object] = {}

    def table(self, name: str, query: str, **values) -> None:
        frame = self.spark.sql(self.sql(query, **values)).localCheckpoint(eager=True)  # computed once, its plan cut short
        frame.createOrReplaceTempView(name)
        self._held[name] = frame

    def rows(self, name: str, columns: list[str], rows: list[tuple]) -> None:
        self.spark.createDataFrame(rows, ", ".join(columns)).createOrReplaceTempView(name)

    def scalar(self, query: str):
        return self.spark.sql(self.sql(query)).collect()[0][0]

    def column(self, query: str) -> list:
        return [row[0] for row in self.spark.sql(self.sql(query)).collect()]

    def write(self, name: str, folder: Path, order: str) -> int:
        frame = self.spark.sql(f"SELECT * FROM {name} ORDER BY {order}")
        frame.coalesce(1).write.mode("overwrite").parquet(str(folder.resolve()))
        return self.scalar(f"SELECT count(*) FROM {name}")

    def close(self) -> None:
        self.spark.catalog.clearCache()


def open_engine(name: str, store: Store, master: str | None, workdir: Path,
                conf: dict[str, str] | None = None) -> Engine:
    if name == "duckdb":
        if master:
            raise InputError("--master is for --engine spark")
        return DuckDBEngine(store, workdir)
    if name == "spark":
        return SparkEngine(store, master, conf)
    raise InputError(f"unknown engine {name!r}: choose duckdb or spark")


def spark_schema(schema: pa.Schema) -> str:
    """A Parquet table's columns in Spark's DDL."""
    names = {pa.int64(): "BIGINT", pa.int32(): "INT", pa.string(): "STRING", pa.bool_(): "BOOLEAN",
             pa.list_(pa.string()): "ARRAY<STRING>"}
    return ", ".join(f"`{column.name}` {names[column.type]}" for column in schema)


def _java_home() -> bool:
    return bool(os.environ.get("JAVA_HOME"))
