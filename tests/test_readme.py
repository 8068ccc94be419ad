"""The README's promises: its Python example runs as printed, and it names every format."""

from __future__ import annotations

import re
import shutil

from conftest import EXAMPLE, ROOT
from litgraph.outputs import ALL_FORMATS
from litgraph.outputs.export import read_graphml, read_vosviewer

README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_worked_example_runs_as_printed_and_writes_what_it_says(tmp_path, capsys):
    # Run from a fresh folder holding the example, as a user who cloned the project would; no base
    # URL is set, so NCBI is unreachable and the build comes from the record itself.
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "examples")
    (example,) = python_blocks()

    exec(compile(example, "README.md", "exec"), {"__name__": "readme"})

    printed = capsys.readouterr().out
    assert "'papers': 10" in printed and "1 warnings" in printed  # NCBI unreachable, so 10 PMIDs not had
    assert printed.count("background pmid:") + printed.count("derived pmid:") == 0  # labels, not ids
    assert re.search(r"^background .+", printed, flags=re.M) and re.search(r"^derived .+", printed, flags=re.M)
    out = tmp_path / "output" / "example"
    assert {"combined.html", "paper.json", "author.graphml", "summary.json"} <= {p.name for p in out.iterdir()}
    recent = read_graphml(out / "recent.graphml")
    assert recent.number_of_nodes() > 0 and all(year >= 2010 for _, year in recent.nodes(data="year"))
    assert read_vosviewer(out / "prolific.vosviewer.json").number_of_nodes() > 0
    assert (out / "recent.ris").read_text().count("TY  - ") == recent.number_of_nodes()


def test_every_output_format_is_in_the_table_of_files():
    table = {m for m in re.findall(r"^\| `([a-z]+)`", README, flags=re.M)}
    assert set(ALL_FORMATS) - {"bibtex"} <= table and "`bibtex`" in README
