"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright, fully offline.

Every request the page makes is recorded; anything that is not a local file (or data:/blob:)
is aborted and reported, so a test can insist on zero external requests.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
VIEWPORT = {"width": 1280, "height": 800}

# Collects what the page itself reports: CSP violations and uncaught errors.
_WATCH_PAGE = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI));
window.addEventListener("error", (e) => window.__problems.push("error " + e.message));
"""


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; the browser comes from apt, not playwright install)"
    return None


@contextmanager
def chromium() -> Iterator:
    """A Chromium context with a fresh profile; closed and removed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="litgraph-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT,
            service_workers="block",
        )
        context.add_init_script(_WATCH_PAGE)
        try:
            yield context
        finally:
            context.close()


@dataclass
class Visit:
    """One page load with everything it asked for."""

    page: object
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.page.evaluate("window.__problems") + self.console_errors + self.blocked

    def js(self, expression: str, argument=None):
        return self.page.evaluate(expression, argument)


def visit(context, path: Path, *, root: str | None = "#lg-main", timeout_ms: int = 30_000) -> Visit:
    """Open a local file and wait until the graph view `root` says it is drawn (root None: a
    file without one, an image or the index)."""
    page = context.new_page()
    record = Visit(page)

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL_SCHEMES):
            request_route.continue_()
        else:
            record.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("websocket", lambda socket: record.blocked.append(socket.url))
    page.on("console", lambda message: message.type == "error" and record.console_errors.append(message.text))
    page.on("pageerror", lambda error: record.console_errors.append(f"uncaught {error}"))
    page.goto(path.resolve().as_uri())
    if root is None:
        return record
    try:
        page.wait_for_selector(f'{root}[data-state="ready"]', state="attached", timeout=timeout_ms)
    except Exception as error:
        raise AssertionError(f"the graph never became ready: {record.problems()}") from error
    return record
