"""NIH Open Citation Collection snapshots: one citation per line, `citing,referenced` PMIDs.

NIH's Office of Portfolio Analysis publishes them with each iCite database snapshot on Figshare
(collection 4586573, file open_citation_collection.zip: one CSV with the header
`citing,referenced`). The file is read as given (.zip, .gz or plain CSV), in chunks, with
pyarrow's CSV reader; a bad line is found again and named by its number.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from ..sources.inputs import InputError

COLUMNS = ("citing", "referenced")
BLOCK = 1 << 20  # bytes a read: pyarrow reads ahead while a chunk is written, so larger blocks pile up
# (16 MB blocks held 800 MB; 1 MB blocks keep an ingest near 250 MB however long the file)


@contextmanager
def opened(path: Path) -> Iterator[BinaryIO]:
    """The CSV bytes of a snapshot file: the one member of a zip, a gunzipped file, or the file."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise InputError(f"{path}: the zip holds {len(members)} files; expected one CSV of citations")
                with archive.open(members[0]) as stream:
                    yield stream
        else:
            with path.open("rb") as raw:
                gzipped = raw.read(2) == b"\x1f\x8b"
                raw.seek(0)
                with (gzip.GzipFile(fileobj=raw) if gzipped else raw) as stream:
                    yield stream
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give the citation snapshot file (open_citation_collection.zip)") from None


def citation_chunks(path: Path, skip: int, rows: int) -> Iterator[tuple[pa.Table, int]]:
    """Tables of at most `rows` citations after the first `skip` lines past the header, each with
    the number of data lines read once it is in."""
    done, held = skip, 0
    pending: list[pa.RecordBatch] = []
    with opened(path) as stream:
        try:
            reader = pacsv.open_csv(stream, read_options=pacsv.ReadOptions(block_size=BLOCK, skip_rows_after_names=skip),
                                    convert_options=pacsv.ConvertOptions(column_types={c: pa.int64() for c in COLUMNS}))
            names = tuple(reader.schema.names)
            if names != COLUMNS:
                raise InputError(f"{path}: line 1 is {','.join(names)!r}; an NIH-OCC snapshot starts with "
                                 f"the header {','.join(COLUMNS)!r}")
            for batch in reader:
                pending.append(batch)
                held += batch.num_rows
                while held >= rows:
                    table = pa.Table.from_batches(pending, schema=reader.schema)
                    done, held = done + rows, held - rows
                    pending = table.slice(rows).to_batches()
                    yield table.slice(0, rows), done
            if held or done == skip:
                done, held = done + held, 0
                yield pa.Table.from_batches(pending, schema=reader.schema), done
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            raise InputError(_bad_line(path, done + held, error)) from None
        except (EOFError, zlib.error, zipfile.BadZipFile, OSError) as error:
            raise InputError(f"{path}: the file is cut short or damaged after line {done + 1:,} ({error}); "
                             "download it again") from None


def _bad_line(path: Path, after: int, error: Exception) -> str:
    """The first line past `after` data lines that is not two PMIDs, said with its number."""
    with opened(path) as stream:
        lines = csv.reader(io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=""))
        for number, fields in enumerate(lines, start=1):
            if number <= after + 1:
                continue
            if len(fields) != 2 or not all(field.isascii() and field.isdigit() for field in fields):
                return f"{path}: line {number:,}: {','.join(fields)[:80]!r} is not two PMIDs (citing,referenced)"
    return f"{path}: unreadable after line {after + 1:,} ({' '.join(str(error).split())[:200]})"
