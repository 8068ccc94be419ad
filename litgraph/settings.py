"""All configuration in one object: service URLs, identity, cache, rate and retry policy.

Values come from keyword arguments first, then the environment, then the defaults below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
CTGOV_URL = "https://clinicaltrials.gov/api/v2"
TOOL = "litgraph"


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
    in_flight: int | None = None  # concurrent requests; defaults to the rate plus one
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

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = {
            "eutils_url": env.get("LITGRAPH_EUTILS_URL", EUTILS_URL),
            "ctgov_url": env.get("LITGRAPH_CTGOV_URL", CTGOV_URL),
            "cache_dir": Path(env.get("LITGRAPH_CACHE_DIR", "cache")),
            "email": env.get("NCBI_EMAIL", ""),
            "api_key": env.get("NCBI_API_KEY", ""),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

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
        return self.in_flight or int(self.eutils_rate) + 1

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
