"""Shared test set-up: no test may reach beyond loopback, and real fixtures are read in place."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "guard"))
import loopback_guard  # noqa: E402

import corpus as corpus_gen  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("LITGRAPH_FIXTURES", ROOT.parent / "shared" / "fixtures"))
EXAMPLE = ROOT / "examples" / "NCT01741857.txt"
GUARD_SITE = Path(__file__).parent / "guard"  # put on PYTHONPATH so subprocesses are guarded too


def pytest_configure(config):
    loopback_guard.install()
    # Nothing a test starts may default to the real services or the user's cache and keys.
    for name in ("NCBI_API_KEY", "NCBI_EMAIL", "LITGRAPH_EUTILS_URL", "LITGRAPH_CTGOV_URL", "LITGRAPH_CACHE_DIR"):
        os.environ.pop(name, None)


def settings_for(server, tmp_path: Path, **changes):
    """Settings aimed at a fake server, with retries and rate quick enough for tests."""
    from litgraph import Settings

    quick = {"backoff": 0.01, "rate": 50.0, "connect_timeout": 2.0, "read_timeout": 5.0}
    return Settings(eutils_url=server.eutils_url, ctgov_url=server.ctgov_url, cache_dir=tmp_path / "cache",
                    **{**quick, **changes})


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
