"""The README's promises: its set-up installs a litgraph its Python example can import from
anywhere, the example runs as printed, and it names every format."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from conftest import GUARD_SITE, ROOT
from litgraph.contract import ALL_FORMATS
from litgraph.outputs.export import read_graphml, read_vosviewer

README = (ROOT / "README.md").read_text(encoding="utf-8")
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", ".venv", "cache", "output", "results", "build", "*.egg-info",
                                        "__pycache__", ".pytest_cache")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def set_up_install() -> list[str]:
    """The arguments of `pip install` in the README's set-up command."""
    set_up = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    (command,) = re.findall(r"^    python3 -m venv \.venv && (.+)$", set_up, flags=re.M)
    return re.search(r"\.venv/bin/pip install (.+?) &&", command).group(1).split()


def test_the_worked_example_runs_saved_beside_a_clone_installed_as_set_up_says(tmp_path):
    # A user clones the project (a folder named litgraph), installs it with the README's command
    # and saves the example beside the clone: `import litgraph` there must find the installed
    # package, not the clone's folder. The install takes litgraph's dependencies from this test
    # environment, so nothing is downloaded; no base URL is set, so NCBI is unreachable and the
    # build comes from the record itself.
    clone = tmp_path / "litgraph"
    shutil.copytree(ROOT, clone, ignore=NOT_IN_A_CLONE)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
                    "--no-build-isolation", *set_up_install()], cwd=clone, check=True, capture_output=True)
    shutil.copytree(clone / "examples", tmp_path / "examples")
    (example,) = python_blocks()
    (tmp_path / "example.py").write_text(example, encoding="utf-8")

    run = subprocess.run([python, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(GUARD_SITE), "PATH": os.environ["PATH"]})

    assert run.returncode == 0, run.stderr
    printed = run.stdout
    assert "'papers': 10" in printed and "1 warnings" in printed  # one line: NCBI and iCite unreachable, 10 PMIDs not had
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
