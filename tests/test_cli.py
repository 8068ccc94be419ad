"""The command line loads what a command needs when it needs it: `litgraph --help`, and scripts
that only import litgraph, never wait for the graph libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from litgraph import contract
from litgraph.outputs import export

HEAVY = ("networkx", "numpy", "igraph", "requests_cache", "pyvis", "IPython", "jinja2", "duckdb", "pyarrow")


def heavy_modules_loaded(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("command", [[], ["build"], ["summary"], ["candidates"], ["diff"], ["bulk"], ["bulk", "ingest"]])
def test_help_loads_no_graph_library(command):
    code = f"import contextlib, io\nfrom litgraph.cli import main\nwith contextlib.suppress(SystemExit), " \
           f"contextlib.redirect_stdout(io.StringIO()):\n    main({command + ['--help']!r})"
    assert heavy_modules_loaded(code) == []


def test_importing_litgraph_loads_the_front_door_on_first_use():
    assert heavy_modules_loaded("import litgraph\nprint(litgraph.__version__)") == []
    assert "networkx" in heavy_modules_loaded("import litgraph\nlitgraph.build")


def test_an_unknown_name_of_litgraph_is_an_attribute_error():
    import litgraph

    with pytest.raises(AttributeError, match="no attribute 'biuld'"):
        litgraph.biuld  # noqa: B018 - the lookup is the test
    assert {"Build", "InputError", "Settings", "build"} <= set(dir(litgraph))


def test_every_format_the_command_line_offers_has_a_writer():
    assert contract.FILE_FORMATS == export.FORMATS


def test_every_citation_source_the_command_line_offers_is_registered():
    from litgraph.sources.citations import SOURCES

    assert contract.CITATIONS == tuple(SOURCES)
