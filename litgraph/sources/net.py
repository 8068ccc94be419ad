"""The only place litgraph talks to the network.

One `requests_cache` session stored under the cache directory (SQLite) serves every call to
the services `Settings.services` lists (NCBI, ClinicalTrials.gov, NIH iCite); a request to any
other host is an error. A request that the cache answers costs nothing; a cache miss waits
for its service's rate limiter (shared with the other litgraph processes using the same cache
folder), and a failed answer (429, 5xx, timeout, truncated body, an <ERROR> inside a 200) is
retried with exponential backoff and never stored. When a service cannot be reached at all, or
asks to be left alone for longer than `max_retry_after`, the session says so once and answers
from the cache only. A cache that is corrupt, unusable or removed mid-run never stops a build.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import re
import sqlite3
import tempfile
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests_cache import DEFAULT_IGNORED_PARAMS, BaseCache, CacheMixin, SQLiteCache, create_key
from requests_cache.serializers import SerializerPipeline, Stage, pickle_serializer

from ..memo import corrupt_database, move_database
from .answers import json_answer
from ..settings import Service as ServiceSettings, Settings

try:
    import fcntl
except ImportError:  # no flock (Windows): each process keeps its own limiter
    fcntl = None

CREDENTIALS = ("api_key", "email", "tool")
REDACT = tuple(DEFAULT_IGNORED_PARAMS) + ("email", "tool")  # replaces the defaults: keep api_key listed

HTTP_CACHE = "http_cache.sqlite"
ZLIB_HEADER = b"x"  # the first byte of a zlib stream at any level; a pickle (protocol 2 on) starts with 0x80

logging.getLogger("requests_cache").setLevel(logging.ERROR)  # it logs tracebacks for stale answers


class FetchError(Exception):
    """A request that failed for good: after retries, or with a status that retrying cannot fix."""

    def __init__(self, what: str, reason: str, status: int | None = None):
        super().__init__(f"{what}: {reason}")
        self.what, self.reason, self.status = what, reason, status


class NotCached(FetchError):
    """Offline (or the service is down) and the cache holds no answer."""


class UnknownService(ValueError):
    """A request to a host no configured service owns (a redirect elsewhere, a mistyped URL): no
    limiter, cache policy or retry rule is known for it, so it is never sent."""


class RateLimiter:
    """Lets no more than `rate` requests start in any window of a second (plus a margin).

    Starts are spaced evenly, and each start is stamped the moment its request goes out, so a
    thread that was slow to get there (another thread parsing a large answer holds the GIL)
    cannot bunch up with the next one. NCBI counts per address, so the limiter is shared by every
    thread and, through the small state file `shared` (locked with flock while it is read and
    written), by every litgraph process on the machine that uses the same cache folder; a 429
    pauses all of them. Without a usable file it is this process's alone.
    """

    # Seconds that must hold `rate` starts: 100 ms of slack for the jitter between a request let go
    # and its arrival (50 ms was not enough for three builds sharing two busy cores: one 429 in two
    # full test runs).
    WINDOW = 1.1

    def __init__(self, rate: float, shared: Path | None = None, longest_pause: float = 60.0,
                 warn: Callable[[str], None] | None = None):
        self.burst = max(1, int(rate))
        self.interval = self.WINDOW / rate
        self.shared = shared if fcntl else None
        self.longest_pause = longest_pause  # no state file, however odd, holds requests back longer
        self._warn = warn or (lambda message: None)
        self._window = _Window()
        self._lock = threading.Lock()
        # One thread of this process waits for a slot at a time: a herd of threads waking at the
        # same moment for the same slot would hold back, by the CPU they take, the one that gets it.
        self._turn = threading.Lock()

    def wait(self) -> None:
        with self._turn:
            self._wait()

    def _wait(self) -> None:
        while True:
            with self._state() as window:
                now = time.time()
                window.starts = [start for start in window.starts if start > now - self.WINDOW]
                full = len(window.starts) >= self.burst
                delay = max(window.not_before, window.starts[-self.burst] + self.WINDOW if full else 0.0) - now
                if delay <= 0:
                    window.starts.append(now)
                    window.not_before = now + self.interval
                    return
            time.sleep(delay)

    def pause(self, seconds: float) -> None:
        with self._state() as window:
            window.not_before = max(window.not_before, time.time() + seconds)

    @contextmanager
    def _state(self) -> Iterator[_Window]:
        """The window to read and change: the shared file's, held locked until it is written back,
        or this process's own."""
        with self._lock:
            file = self._open_shared()
            try:
                yield self._window
            finally:
                if file:
                    self._write_shared(file)

    def _open_shared(self):
        if not self.shared:
            return None
        try:
            file = _open_locked(self.shared)
            self._window = _Window.decode(file.read(), time.time(), self.longest_pause + self.WINDOW)
            return file
        except OSError as error:
            self._unshare(error)
            return None

    def _write_shared(self, file) -> None:
        try:
            with file:
                file.seek(0)
                file.truncate()
                file.write(self._window.encode())
        except OSError as error:
            self._unshare(error)

    def _unshare(self, error: OSError) -> None:
        self._warn(f"{self.shared} cannot be used ({error.strerror or error}): the rate limit is no longer "
                   "shared with other litgraph processes")
        self.shared = None


@dataclass
class _Window:
    """What a limiter knows: when the last requests started, and the earliest the next may start
    (wall-clock seconds, which every process reads alike)."""

    starts: list[float] = field(default_factory=list)
    not_before: float = 0.0

    def encode(self) -> str:
        return json.dumps({"starts": self.starts, "not_before": self.not_before})

    @classmethod
    def decode(cls, text: str, now: float, longest: float) -> _Window:
        """The window a state file holds; an empty or damaged file is an empty window, and times
        further ahead than can be (a clock set back, a stray write) are not believed."""
        try:
            data = json.loads(text)
            starts, not_before = [float(start) for start in data["starts"]], float(data["not_before"])
        except (ValueError, KeyError, TypeError):
            return cls()
        return cls([start for start in starts if start <= now + RateLimiter.WINDOW], min(not_before, now + longest))


def _open_locked(path: Path):
    """The state file, opened for update (and made, folder included, if missing) and locked."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except FileNotFoundError:  # the cache folder was removed during the run
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    file = os.fdopen(fd, "r+", encoding="utf-8")
    try:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file is closed
    except OSError:
        file.close()
        raise
    return file


@dataclass
class Service:
    """One remote service: what Settings says of it, its limiter and whether it has been found
    unavailable."""

    key: str  # as requests name it: eutils, ctgov, icite
    settings: ServiceSettings
    limiter: RateLimiter
    down_reason: str = ""  # why it answers from the cache only, as each NotCached says it
    reached: bool = False  # some request got an answer: later connection errors are transient

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    def owns(self, url: str) -> bool:
        base = self.base_url.rstrip("/")
        return url == base or url.startswith((base + "/", base + "?"))


@dataclass
class Counters:
    network: int = 0  # requests sent
    answered: int = 0  # answers received from the network
    cached: int = 0  # answers read from the cache
    retries: int = 0
    sent_to: dict[str, int] = field(default_factory=dict)  # requests sent, by service
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def sent(self, service: str) -> None:
        with self._lock:
            self.network += 1
            self.sent_to[service] = self.sent_to.get(service, 0) + 1


class _ThrottledSession(requests.Session):
    """Waits for the service's limiter on every request that reaches the network."""

    service_for = None  # url -> Service, set by Http
    counters: Counters

    def send(self, request, **kwargs):
        service = self.service_for(request.url)
        service.limiter.wait()
        self.counters.sent(service.key)
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
            data = json_answer(body)
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
    return response.status_code == 200 and not _answer_problem_of(response)


def _answer_problem_of(response) -> str:
    """`answer_problem` of a response, found once: the cache's filter asks twice and the request loop
    once, and each look parses a JSON answer or searches an XML one whole (megabytes at 400 records)."""
    found = response.__dict__.get("_answer_problem")
    if found is None:
        found = response.__dict__["_answer_problem"] = answer_problem(
            response.content, response.headers.get("Content-Type", ""))
    return found


# Which NCBI <ERROR>s inside an HTTP 200 retrying cannot change. The fixtures and public reports
# show two kinds. Errors about the request itself ("Empty term and query_key - nothing todo",
# "Empty id list - nothing todo", "Empty ID list; Nothing to store", "Some IDs have invalid value
# and were omitted", "Neither query_key nor id specified", "'retstart' cannot be larger than
# 9998") come back for the same request every time. Errors of NCBI's back end ("Couldn't resolve
# #exLinkSrv2, the address table is empty", "Search Backend failed: Unable to open connection to
# #PMQuerySrv", and during outages even "Database is not supported: pubmed" or "Invalid db name
# specified" for a real database) pass. Only the first kind is final; an error not recognised is
# retried, since a lost batch costs more than a few requests.
_REQUEST_ERROR = re.compile(
    rb"nothing todo|nothing to store|invalid value|neither query_key nor id|cannot be larger than", re.IGNORECASE)


def _final(response) -> bool:
    """True when asking again cannot change the answer: a client error other than 429, or an NCBI
    <ERROR> about the request itself."""
    status = response.status_code
    if status == 200:
        return any(_REQUEST_ERROR.search(message) for message in _ERROR.findall(response.content))
    return 400 <= status < 500 and status != 429


class Http:
    """Cached, rate-limited, retrying HTTP for the services of `Settings.services`."""

    def __init__(self, settings: Settings, warn: Callable[[str], None] | None = None):
        self.settings = settings
        self.counters = Counters()
        self.warnings: list[str] = []
        self.answers: dict[str, float | None] = {}  # cache key -> when it expires (Unix time; None: never)
        self._warn = warn or (lambda message: None)
        self._lock = threading.Lock()
        self.cache_dir = self._usable_cache_dir()  # None: this run caches in memory only
        self.services = {key: self._service(key, service) for key, service in settings.services.items()}
        self.session = _CachedSession(
            backend=self._open_cache(),
            allowable_methods=("GET", "POST"),
            allowable_codes=(200,),
            ignored_parameters=list(REDACT),
            key_fn=_cache_key,
            filter_fn=_usable,
            stale_if_error=True,
        )
        # A connection kept for each request in flight: urllib3 keeps 10 per host unless told more.
        keep = requests.adapters.HTTPAdapter(pool_maxsize=max(s.in_flight for s in settings.services.values()))
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, keep)
        self.session.service_for = self._service_for
        self.session.counters = self.counters
        self.session.headers["User-Agent"] = f"{settings.tool} (https://pypi.org/project/litgraph)"

    def warn(self, message: str) -> None:
        """Say it now and keep it for the summary."""
        self.warnings.append(message)
        self._warn(message)

    def _usable_cache_dir(self) -> Path | None:
        """The cache folder, made if missing; None, said once, when nothing can be written there
        (a read-only disk, no permission, a path through a regular file)."""
        folder = self.settings.cache_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=folder).close()
        except OSError as error:
            self.warn(f"cache folder {folder} cannot be used ({error.strerror or error}): building without a "
                      "cache, so nothing is kept for the next run and the rate limit is not shared with other "
                      "litgraph processes")
            return None
        return folder

    def _service(self, key: str, service: ServiceSettings) -> Service:
        """A service whose limiter is shared, through the cache folder, by every build asking it."""
        parts = urlsplit(service.base_url)
        place = re.sub(r"[^A-Za-z0-9.]+", "-", parts.netloc + parts.path).strip("-")  # host, port and path
        shared = self.cache_dir / f"rate-{place}.json" if self.cache_dir else None
        return Service(key, service, RateLimiter(service.rate, shared, self.settings.max_retry_after, self.warn))

    def _open_cache(self) -> BaseCache:
        """SQLite in the cache folder; in memory, for this run only, when there is none."""
        if self.cache_dir is None:
            return BaseCache()
        path = self.cache_dir / HTTP_CACHE
        try:
            return _sqlite_cache(path)
        except sqlite3.Error as error:
            return self._cache_after(error, path)

    def _cache_after(self, error: Exception, path: Path) -> BaseCache:
        """A new cache once the one at `path` failed: a corrupt file is moved aside and a new one
        started; anything else leaves the run a cache in memory. Either way, one warning says so."""
        if corrupt_database(error):
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                move_database(path, aside)
                cache = _sqlite_cache(path)
            except (OSError, sqlite3.Error) as failure:
                error = failure
            else:
                self.warn(f"{path} is unreadable ({error}): moved to {aside.name}; a new HTTP cache is started")
                return cache
        self.warn(f"{path} cannot be used ({error}): answers are cached in memory for this run only")
        return BaseCache()

    def _cache_in_place(self) -> BaseCache:
        """The session's cache, started again if its file was removed during the run (cache/
        deleted by hand), so that what is fetched from now on is kept; the loss is named."""
        cache = self.session.cache
        if isinstance(cache, SQLiteCache) and not os.path.exists(cache.db_path):
            with self._lock:
                if self.session.cache is cache:
                    path = Path(cache.db_path)
                    self.warn(f"{path} was removed during the build: a new one is started, and what it held "
                              "will be fetched again next time")
                    try:
                        path.parent.mkdir(parents=True, exist_ok=True)
                        self._use_cache(_sqlite_cache(path))
                    except (OSError, sqlite3.Error) as error:
                        self._use_cache(self._cache_after(error, path))
        return self.session.cache

    def _replace_cache(self, broken: BaseCache, error: sqlite3.Error) -> None:
        with self._lock:
            if self.session.cache is broken:  # not yet replaced by another thread
                self._use_cache(self._cache_after(error, Path(broken.db_path)))

    def _use_cache(self, cache: BaseCache) -> None:
        settings = self.session.settings  # they live on the cache object
        self.session.cache = cache
        self.session.settings = settings

    def _service_for(self, url: str) -> Service:
        """The service owning the URL: the longest base URL it starts with (iCite's /api holds
        no path of a test server's /api/v2)."""
        owners = [service for service in self.services.values() if service.owns(url)]
        if not owners:
            host = urlsplit(url).netloc or url
            raise UnknownService(f"no service is configured for {host}: litgraph asks only "
                                 + ", ".join(f"{service.name} ({service.base_url})" for service in self.services.values()))
        return max(owners, key=lambda service: len(service.base_url))

    def close(self) -> None:
        self.session.close()

    def request(self, service: str, path: str, params: dict, *, what: str, post: bool = False,
                expire_days: float | None = None) -> bytes:
        """The body of a successful answer, from the cache or the network; FetchError otherwise."""
        target = self.services[service]
        url = f"{target.base_url.rstrip('/')}/{path}"
        expire = (expire_days if expire_days is not None else target.settings.cache_days) * 86400
        failures = 0
        while True:
            cache_only = self.settings.offline or bool(target.down_reason)
            cache = self._cache_in_place()
            status = wait = None
            try:
                response = self.session.request(
                    "POST" if post else "GET", url,
                    params=None if post else params, data=params if post else None,
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                    expire_after=expire, only_if_cached=cache_only,
                )
            except requests.RequestException as error:
                if _unreachable(error) and not target.reached:
                    self._mark_down(target, f"{target.name} unreachable at {target.base_url}: {_describe(error)}",
                                    "service unreachable")
                    continue  # from now on this service answers from the cache only
                reason = f"request failed ({_describe(error)})"
            except sqlite3.Error as error:  # the HTTP cache broke during the run: replace it, ask again
                self._replace_cache(cache, error)
                continue
            else:
                if cache_only and response.status_code == 504 and response.reason == "Not Cached":
                    why = "offline mode" if self.settings.offline else target.down_reason
                    raise NotCached(what, f"not in the cache ({why})")
                from_cache = getattr(response, "from_cache", False)
                self.counters.add("cached" if from_cache else "answered")
                target.reached = target.reached or not from_cache
                status, reason = response.status_code, _status_problem(response)
                if not reason:
                    self._used(response)
                    return response.content
                if from_cache:  # a bad answer stored by an older version: drop it and ask again
                    self.session.cache.delete(requests=[response.request])
                if _final(response):
                    raise FetchError(what, reason, status)
                wait = _retry_after(response) if status == 429 else None
                if wait is not None and wait > self.settings.max_retry_after:
                    asked = f"asked to wait {wait:,.0f} s, over the {self.settings.max_retry_after:g} s limit"
                    self._mark_down(target, f"{target.name} at {target.base_url} {asked} (max_retry_after)",
                                    f"{target.name} {asked}")
                    continue  # sleeping that long would stall the build: answer from the cache only
            failures += 1
            if failures >= self.settings.tries:
                raise FetchError(what, f"{reason} (gave up after {failures} tries)", status)
            self.counters.add("retries")
            delay = self._delay(failures - 1)
            if status == 429:  # NCBI counts per IP or key: every thread and process must slow down
                target.limiter.pause(delay if wait is None else wait)
            else:
                time.sleep(delay)

    def _used(self, response) -> None:
        """Note the answer a build is made from, by its key in the cache (none when it was not
        cached: then no later build can know it would read the same)."""
        expires = getattr(response, "expires", None)
        with self._lock:
            self.answers[getattr(response, "cache_key", None) or ""] = expires.timestamp() if expires else None

    def _delay(self, attempt: int) -> float:
        base = self.settings.backoff * (2 ** attempt)
        return base * (0.5 + random.random())  # jitter keeps parallel retries from lining up

    def _mark_down(self, service: Service, message: str, reason: str) -> None:
        """From now on the service answers from the cache only: `message` says so once, and
        `reason` is named by every request the cache cannot answer."""
        with self._lock:
            if service.down_reason:
                return
            service.down_reason = reason
        self.warn(f"{message}; building from the record and the cache")


def _unpacked(stored: bytes) -> bytes:
    """An answer as stored: compressed, or as earlier versions stored it (a pickle), read as it is."""
    return zlib.decompress(stored) if stored[:1] == ZLIB_HEADER else stored


_COMPRESSED = SerializerPipeline([*pickle_serializer.stages, Stage(dumps=lambda data: zlib.compress(data, 1),
                                                                   loads=_unpacked)], name="pickle+zlib", is_binary=True)


def _sqlite_cache(path: Path) -> SQLiteCache:
    """The HTTP cache at `path`, its answers compressed: a 100,000-paper build's 1.2 GB of XML and
    JSON take a fifth of that, and each write holds the cache's one lock, which every request
    thread's look-up waits for, a fifth as long."""
    return SQLiteCache(path, wal=True, serializer=_COMPRESSED)


def held_in_cache(cache_dir: Path, keys: Iterable[str]) -> bool:
    """Whether the HTTP cache in `cache_dir` holds an answer under each of these keys (its keys
    only are read: no answer is unpacked)."""
    path = cache_dir / HTTP_CACHE
    if not path.is_file():
        return False
    try:
        cache = _sqlite_cache(path)
        try:
            held = set(cache.responses.keys())
        finally:
            cache.close()
    except (sqlite3.Error, OSError):
        return False
    return held.issuperset(keys)


def _status_problem(response) -> str:
    status, content_type = response.status_code, response.headers.get("Content-Type", "")
    if status == 200:
        return _answer_problem_of(response)
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


def _retry_after(response) -> float | None:
    """The seconds a Retry-After header asks for: a number of seconds or an HTTP-date (RFC 9110);
    None when there is none or it is neither (negative, "inf", "nan", words)."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # an obsolete date form without a zone is GMT
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


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
