"""Shared test set-up: no test may reach beyond loopback, and real fixtures are read in place."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "guard"))
import loopback_guard  # noqa: E402

import corpus as corpus_gen  # noqa: E402
from fake_ncbi import real_icite_record  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("LITGRAPH_FIXTURES", ROOT.parent / "shared" / "fixtures"))
EXAMPLE = ROOT / "examples" / "NCT01741857.txt"
GUARD_SITE = Path(__file__).parent / "guard"  # put on PYTHONPATH so subprocesses are guarded too


def pytest_configure(config):
    loopback_guard.install()
    # Nothing a test starts may default to the real services or the user's cache and keys.
    for name in ("NCBI_API_KEY", "NCBI_EMAIL", "LITGRAPH_EUTILS_URL", "LITGRAPH_CTGOV_URL", "LITGRAPH_ICITE_URL",
                 "LITGRAPH_CACHE_DIR", "LITGRAPH_RATE", "LITGRAPH_ICITE_RATE"):
        os.environ.pop(name, None)


def settings_for(server, tmp_path: Path, **changes):
    """Settings aimed at a fake server, with retries and rate quick enough for tests."""
    from litgraph import Settings

    quick = {"backoff": 0.01, "rate": 50.0, "connect_timeout": 2.0, "read_timeout": 5.0, "icite_url": server.icite_url}
    return Settings(eutils_url=server.eutils_url, ctgov_url=server.ctgov_url, cache_dir=tmp_path / "cache",
                    **{**quick, **changes})


# The fake server shapes iCite's answers on the real record in the fixtures and will not guess it:
# without that record, builds ask the other citation sources and tests of iCite itself skip.
ICITE_SERVED = real_icite_record(FIXTURES) is not None
CITATIONS_SERVED = None if ICITE_SERVED else ("elink", "reference-list")  # None: litgraph's default
needs_icite = pytest.mark.skipif(not ICITE_SERVED, reason=f"the real iCite record is not in {FIXTURES}")


@pytest.fixture(autouse=True, scope="session")
def _citation_sources_the_fake_server_can_answer():
    with pytest.MonkeyPatch.context() as patch:  # for the whole session: module-wide builds too
        if CITATIONS_SERVED:
            patch.setattr("litgraph.api.DEFAULT_CITATIONS", CITATIONS_SERVED)
        yield


def service_env(server) -> dict[str, str]:
    """The environment aiming litgraph at a fake server."""
    return {"LITGRAPH_EUTILS_URL": server.eutils_url, "LITGRAPH_CTGOV_URL": server.ctgov_url,
            "LITGRAPH_ICITE_URL": server.icite_url}


def start_build(server, folder: Path, nct: str) -> subprocess.Popen:
    """`litgraph build` of a trial to depth 2 in its own process, aimed at the fake server, run in
    `folder` with its cache in folder/cache."""
    env = {**service_env(server), "LITGRAPH_CACHE_DIR": str(folder / "cache"), "PYTHONPATH": str(GUARD_SITE), "PATH": os.environ["PATH"]}
    return subprocess.Popen([sys.executable, "-m", "litgraph", "build", nct, "--depth", "2", "--max-papers", "400",
                             "--format", "json", "--quiet"]
                            + (["--citations", ",".join(CITATIONS_SERVED)] if CITATIONS_SERVED else []), cwd=folder, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_completed(server, count: int, timeout: float = 30.0) -> None:
    """Until the fake server has answered `count` requests with HTTP 200."""
    deadline = time.monotonic() + timeout
    while sum(1 for r in server.requests() if r.status == 200) < count:
        assert time.monotonic() < deadline, "the build did not get going"
        time.sleep(0.02)


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"real NCBI/ClinicalTrials.gov fixtures not found at {FIXTURES} (set LITGRAPH_FIXTURES)")
    return FIXTURES


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """Each test runs in its own folder, so cache/ and output/ never leak between tests."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def two_trials():
    """A generated corpus of 600 papers and two trials, made once for the modules that share it
    (each serves it from its own FakeNCBI, so nothing a test adds to a server leaks)."""
    return corpus_gen.generate(600, seed=7, n_trials=2)


@pytest.fixture
def trials_server(two_trials):
    """A fake NCBI serving `two_trials`, new for each test."""
    from fake_ncbi import FakeNCBI

    with FakeNCBI(corpus=two_trials) as fake:
        yield fake


@pytest.fixture(scope="session")
def bulk_set(two_trials, tmp_path_factory) -> Path:
    """`two_trials` as bulk files (tests/bulk_files.py): PubMed files of 200 records, an NIH-OCC
    snapshot of the citations ELink shows, and AACT flat files."""
    import bulk_files

    folder = tmp_path_factory.mktemp("bulk")
    bulk_files.write_pubmed(two_trials, folder / "pubmed", per_file=200)
    bulk_files.write_citations(bulk_files.elink_citations(two_trials), folder / "open_citation_collection.zip")
    bulk_files.write_aact(list(two_trials.studies.values()), folder / "aact")
    return folder


@pytest.fixture(scope="session")
def bulk_store(bulk_set, tmp_path_factory) -> Path:
    """A store of `bulk_set`."""
    from litgraph.bulk import ingest

    path = tmp_path_factory.mktemp("store") / "store"
    ingest(path, pubmed=[bulk_set / "pubmed"], citations=[bulk_set / "open_citation_collection.zip"],
           aact=[bulk_set / "aact"], workers=1)
    return path
