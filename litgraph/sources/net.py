"""The only place litgraph talks to the network.

One `requests_cache` session stored under the cache directory (SQLite) serves every call to
NCBI and ClinicalTrials.gov. A request that the cache answers costs nothing; a cache miss waits
for its service's rate limiter, and a failed answer (429, 5xx, timeout, truncated body, an
<ERROR> inside a 200) is retried with exponential backoff and never stored. When a service
cannot be reached at all, the session says so once and answers from the cache only.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests_cache import DEFAULT_IGNORED_PARAMS, CacheMixin, create_key

from ..settings import Settings

CREDENTIALS = ("api_key", "email", "tool")
REDACT = tuple(DEFAULT_IGNORED_PARAMS) + ("email", "tool")  # replaces the defaults: keep api_key listed

logging.getLogger("requests_cache").setLevel(logging.ERROR)  # it logs tracebacks for stale answers


class FetchError(Exception):
    """A request that failed for good: after retries, or with a status that retrying cannot fix."""

    def __init__(self, what: str, reason: str, status: int | None = None):
        super().__init__(f"{what}: {reason}")
        self.what, self.reason, self.status = what, reason, status


class NotCached(FetchError):
    """Offline (or the service is down) and the cache holds no answer."""


class RateLimiter:
    """Lets no more than `rate` requests start in any window of a second (plus a margin).

    Starts are spaced evenly, and each start is stamped the moment its request goes out, so a
    thread that was slow to get there (another thread parsing a large answer holds the GIL)
    cannot bunch up with the next one. Shared by every thread; a 429 pauses all of them, since
    NCBI counts per IP or key.
    """

    WINDOW = 1.05  # seconds that must hold `rate` starts: 50 ms of slack for arrival jitter

    def __init__(self, rate: float):
        self.burst = max(1, int(rate))
        self.interval = self.WINDOW / rate
        self._starts: deque[float] = deque(maxlen=self.burst)
        self._not_before = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                delay = self._delay(now)
                if delay <= 0:
                    self._starts.append(now)
                    self._not_before = now + self.interval
                    return
            time.sleep(delay)

    def _delay(self, now: float) -> float:
        window_free = self._starts[0] + self.WINDOW if len(self._starts) == self.burst else 0.0
        return max(self._not_before, window_free) - now

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)


@dataclass
class Service:
    """One remote service: its limiter and whether it has been found unreachable."""

    name: str
    base_url: str
    limiter: RateLimiter
    down_reason: str = ""
    reached: bool = False  # some request got an answer: later connection errors are transient


@dataclass
class Counters:
    network: int = 0  # requests sent
    answered: int = 0  # answers received from the network
    cached: int = 0  # answers read from the cache
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


class _ThrottledSession(requests.Session):
    """Waits for the service's limiter on every request that reaches the network."""

    limiter_for = None  # url -> RateLimiter, set by Http
    counters: Counters

    def send(self, request, **kwargs):
        self.limiter_for(request.url).wait()
        self.counters.add("network")
        return super().send(request, **kwargs)


class _CachedSession(CacheMixin, _ThrottledSession):
    """Cache first: only misses reach the limiter and the network."""


def _strip_credentials(request):
    """A copy of the request without api_key/email/tool, so that they never shape a cache key."""
    clean = request.copy()
    parts = urlsplit(clean.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in CREDENTIALS]
    clean.url = urlunsplit(parts._replace(query=urlencode(query)))
    if clean.body and "form-urlencoded" in clean.headers.get("Content-Type", ""):
        body = clean.body.decode() if isinstance(clean.body, bytes) else clean.body
        form = [(k, v) for k, v in parse_qsl(body, keep_blank_values=True) if k not in CREDENTIALS]
        clean.body = urlencode(form)
    return clean


def _cache_key(request, ignored_parameters=None, **kwargs) -> str:
    return create_key(_strip_credentials(request), ignored_parameters=None, **kwargs)


_ERROR = re.compile(rb"<ERROR>\s*([^<]+?)\s*</ERROR>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*)[\s>/]")


def answer_problem(body: bytes, content_type: str = "") -> str:
    """Why an HTTP 200 answer cannot be used, or "" if it looks whole and error-free.

    NCBI's rate-limit JSON may arrive with any status, errors come as <ERROR> inside a 200,
    and a connection cut short leaves truncated XML or JSON: none of these may be read as
    "no results", and none may be cached.
    """
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            data = json.loads(body)
        except ValueError:
            return "truncated JSON answer"
        if isinstance(data, dict) and "error" in data and len(data) <= 6:
            return f"error answer: {data.get('error')}"
        return ""
    if head == b"<":
        error = _ERROR.search(body)
        if error:
            return "NCBI error: " + error.group(1).decode("utf-8", "replace")
        return "" if _xml_complete(body) else "truncated XML answer"
    if "json" in content_type or "xml" in content_type:
        return "empty answer" if not body.strip() else "unreadable answer"
    return ""


def _xml_complete(body: bytes) -> bool:
    """True when the document's root element is closed: cheap, and enough to catch cut-offs."""
    position = 0
    while True:
        start = body.find(b"<", position)
        if start < 0:
            return False
        if not body.startswith((b"<?", b"<!"), start):
            break
        position = body.find(b">", start) + 1
        if position == 0:
            return False
    root = _ROOT.match(body, start)
    if not root:
        return False
    tail = body.rstrip()
    return tail.endswith(b"</" + root.group(1) + b">") or (tail.endswith(b"/>") and body.find(b">", start) == len(tail) - 1)


def _usable(response) -> bool:
    return response.status_code == 200 and not answer_problem(response.content, response.headers.get("Content-Type", ""))


class Http:
    """Cached, rate-limited, retrying HTTP for the E-utilities and ClinicalTrials.gov."""

    def __init__(self, settings: Settings, warn=None):
        self.settings = settings
        self.counters = Counters()
        self.warnings: list[str] = []
        self._warn = warn or (lambda message: None)
        self._lock = threading.Lock()
        self.services = {
            "eutils": Service("NCBI E-utilities", settings.eutils_url, RateLimiter(settings.eutils_rate)),
            "ctgov": Service("ClinicalTrials.gov", settings.ctgov_url, RateLimiter(settings.ctgov_rate)),
        }
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        self.session = _CachedSession(
            cache_name=str(settings.cache_dir / "http_cache.sqlite"),
            backend="sqlite",
            allowable_methods=("GET", "POST"),
            allowable_codes=(200,),
            ignored_parameters=list(REDACT),
            key_fn=_cache_key,
            filter_fn=_usable,
            stale_if_error=True,
            wal=True,
        )
        self.session.limiter_for = self._limiter_for
        self.session.counters = self.counters
        self.session.headers["User-Agent"] = f"{settings.tool} (https://pypi.org/project/litgraph)"

    def _limiter_for(self, url: str) -> RateLimiter:
        return self._service_for(url).limiter

    def _service_for(self, url: str) -> Service:
        for service in self.services.values():
            if url.startswith(service.base_url):
                return service
        return self.services["eutils"]

    def close(self) -> None:
        self.session.close()

    def request(self, service: str, path: str, params: dict, *, what: str, post: bool = False,
                expire_days: float | None = None) -> bytes:
        """The body of a successful answer, from the cache or the network; FetchError otherwise."""
        target = self.services[service]
        url = f"{target.base_url.rstrip('/')}/{path}"
        expire = (expire_days if expire_days is not None else self.settings.cache_days) * 86400
        failures = 0
        while True:
            cache_only = self.settings.offline or bool(target.down_reason)
            status = None
            try:
                response = self.session.request(
                    "POST" if post else "GET", url,
                    params=None if post else params, data=params if post else None,
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                    expire_after=expire, only_if_cached=cache_only,
                )
            except requests.RequestException as error:
                if _unreachable(error) and not target.reached:
                    self._mark_down(target, _describe(error))
                    continue  # from now on this service answers from the cache only
                reason = f"request failed ({_describe(error)})"
            else:
                if cache_only and response.status_code == 504 and response.reason == "Not Cached":
                    why = "offline mode" if self.settings.offline else "service unreachable"
                    raise NotCached(what, f"not in the cache ({why})")
                from_cache = getattr(response, "from_cache", False)
                self.counters.add("cached" if from_cache else "answered")
                target.reached = target.reached or not from_cache
                status, reason = response.status_code, _status_problem(response)
                if not reason:
                    return response.content
                if from_cache:  # a bad answer stored by an older version: drop it and ask again
                    self.session.cache.delete(requests=[response.request])
                if 400 <= status < 500 and status != 429:
                    raise FetchError(what, reason, status)  # retrying cannot fix a bad request
            failures += 1
            if failures >= self.settings.tries:
                raise FetchError(what, f"{reason} (gave up after {failures} tries)", status)
            self.counters.add("retries")
            delay = self._delay(failures - 1)
            if status == 429:  # NCBI counts per IP or key: every thread must slow down
                target.limiter.pause(_retry_after(response, delay))
            else:
                time.sleep(delay)

    def _delay(self, attempt: int) -> float:
        base = self.settings.backoff * (2 ** attempt)
        return base * (0.5 + random.random())  # jitter keeps parallel retries from lining up

    def _mark_down(self, service: Service, reason: str) -> None:
        with self._lock:
            if service.down_reason:
                return
            service.down_reason = f"{service.name} unreachable at {service.base_url}: {reason}"
            message = f"{service.down_reason}; building from the record and the cache"
            self.warnings.append(message)
        self._warn(message)


def _status_problem(response) -> str:
    status, content_type = response.status_code, response.headers.get("Content-Type", "")
    if status == 200:
        return answer_problem(response.content, content_type)
    label = f"HTTP {status}" + (" (rate limited)" if status == 429 else "")
    if "html" in content_type:
        return label  # an error page says nothing useful
    return label + (f": {text}" if (text := _error_text(response.content)) else "")


def _error_text(body: bytes) -> str:
    """What an error answer says: ClinicalTrials.gov explains itself in plain text; NCBI answers
    JSON that echoes the API key or address ({"error": ..., "api-key": ...}), so only its
    `error` is kept."""
    if body.lstrip()[:1] == b"{":
        try:
            data = json.loads(body)
        except ValueError:
            return ""
        return " ".join(str(data.get("error", "")).split())[:200] if isinstance(data, dict) else ""
    return " ".join(body.decode("utf-8", "replace").split())[:200]


def _retry_after(response, fallback: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return fallback


def _unreachable(error: Exception) -> bool:
    """Name resolution or connection refused: the service cannot be reached at all."""
    text = str(error).lower()
    markers = ("name or service not known", "nodename nor servname", "temporary failure in name resolution",
               "failed to resolve", "getaddrinfo", "connection refused", "network is unreachable",
               "no route to host", "connecttimeout", "connect timeout")
    return isinstance(error, requests.ConnectTimeout) or any(marker in text for marker in markers)


def _describe(error: Exception) -> str:
    """A short reason without the URL (which may carry the API key)."""
    text = str(error)
    for marker, short in (("Name or service not known", "name not known"),
                          ("Temporary failure in name resolution", "name resolution failed"),
                          ("Failed to resolve", "name resolution failed"),
                          ("Connection refused", "connection refused"),
                          ("Network is unreachable", "network unreachable"),
                          ("timed out", "timed out"),
                          ("IncompleteRead", "answer cut short")):
        if marker in text:
            return short
    return type(error).__name__
