"""All configuration in one object: service URLs, identity, cache, rate and retry policy.

Values come from keyword arguments first, then the environment, then the defaults below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
CTGOV_URL = "https://clinicaltrials.gov/api/v2"
ICITE_URL = "https://icite.od.nih.gov/api"
TOOL = "litgraph"
MAX_IN_FLIGHT = 24


class SettingsError(ValueError):
    """A setting from the environment that cannot be used (reported in one line)."""


@dataclass(frozen=True)
class Service:
    """One remote service as the one HTTP session asks it: where, how fast, how many requests at
    once, and how long its answers are kept (a call may keep its own answers for less)."""

    name: str  # as warnings name it
    base_url: str
    rate: float  # requests per second, at most
    in_flight: int  # concurrent requests
    cache_days: float


@dataclass(frozen=True)
class Settings:
    eutils_url: str = EUTILS_URL
    ctgov_url: str = CTGOV_URL
    cache_dir: Path = Path("cache")
    email: str = ""
    api_key: str = field(default="", repr=False)  # never printed, logged or cached
    tool: str = TOOL
    offline: bool = False
    # NCBI allows 3 requests/s per IP, 10 with an API key; `rate` lowers it further if set.
    rate: float | None = None
    ctgov_rate: float = 2.0
    # Concurrent requests per service; by default twice its rate plus one: enough for the rate to be
    # reached while each answer takes up to two seconds to come (NCBI's limit is on requests a second),
    # and at most MAX_IN_FLIGHT, so a fast mirror is not sent hundreds of requests at once.
    in_flight: int | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    tries: int = 5  # attempts per request before it counts as failed
    backoff: float = 1.0  # first retry delay in seconds; doubles each time, with jitter
    max_retry_after: float = 60.0  # longest Retry-After honoured; a service asking for more counts as unavailable
    efetch_batch: int = 400
    elink_batch: int = 200
    post_above: int = 200  # NCBI asks for POST above ~200 ids
    cache_days: float = 30.0  # efetch and registry answers
    links_cache_days: float = 7.0  # elink and esearch answers change as papers get cited
    # NIH's iCite documents no rate limit: 3/s is NCBI's own polite rate, which keeps iCite's part of a
    # build (one request per 200 papers) shorter than NCBI's (three per 400). iCite's API pages allow
    # 1,000 PMIDs per request in one place and 200 in the newer one: 200 is safe under both.
    icite_url: str = ICITE_URL
    icite_rate: float = 3.0
    icite_batch: int = 200
    icite_cache_days: float = 30.0  # iCite is refreshed monthly

    def __post_init__(self) -> None:
        if not isinstance(self.cache_dir, Path):  # a script's Settings(cache_dir="cache")
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = {
            "eutils_url": env.get("LITGRAPH_EUTILS_URL", EUTILS_URL),
            "ctgov_url": env.get("LITGRAPH_CTGOV_URL", CTGOV_URL),
            "icite_url": env.get("LITGRAPH_ICITE_URL", ICITE_URL),
            "cache_dir": Path(env.get("LITGRAPH_CACHE_DIR", "cache")),
            "email": env.get("NCBI_EMAIL", ""),
            "api_key": env.get("NCBI_API_KEY", ""),
            "rate": _rate(env, "LITGRAPH_RATE"),
            "icite_rate": _rate(env, "LITGRAPH_ICITE_RATE"),
        }
        values.update(overrides)
        return cls(**{key: value for key, value in values.items() if value is not None})

    @property
    def eutils_rate(self) -> float:
        """NCBI's limit (3/s, 10/s with a key), or `rate` if lower.

        Only NCBI's own servers impose that limit: a mirror or test server given in
        LITGRAPH_EUTILS_URL may take `rate` above it.
        """
        limit = 10.0 if self.api_key else 3.0
        if self.rate and (self.rate < limit or "ncbi.nlm.nih.gov" not in self.eutils_url):
            return self.rate
        return limit

    @property
    def workers(self) -> int:
        return self._in_flight(self.eutils_rate)

    def _in_flight(self, rate: float) -> int:
        return self.in_flight or min(int(2 * rate) + 1, MAX_IN_FLIGHT)

    @property
    def services(self) -> dict[str, Service]:
        """Every service litgraph asks, by the key requests name it with."""
        return {
            "eutils": Service("NCBI E-utilities", self.eutils_url, self.eutils_rate, self.workers, self.cache_days),
            "ctgov": Service("ClinicalTrials.gov", self.ctgov_url, self.ctgov_rate, self._in_flight(self.ctgov_rate),
                             self.cache_days),
            "icite": Service("NIH iCite", self.icite_url, self.icite_rate, self._in_flight(self.icite_rate),
                             self.icite_cache_days),
        }

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def _rate(env, name: str) -> float | None:
    """A rate (requests per second) from the environment, or None when it is not set."""
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not rate > 0:
        raise SettingsError(f"{name} must be a number of requests per second above 0, not {text!r}")
    return rate
