"""Progress of a build: the library reports events, the terminal shows them.

`Progress` ignores every event (what a script gets by default); `TerminalProgress` draws one
line on stderr: while fetching, the level, requests done out of planned, papers, and an ETA;
after it, the stage under way (building the graphs, writing each one), so that a large build
never sits on a frozen line.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def wave(self, depth: int, max_depth: int, requests: int) -> None:
        """A level of papers starts: `requests` batches are planned for it."""

    def advance(self, papers: int) -> None:
        """One request finished; the corpus now holds `papers` papers."""

    def stage(self, what: str) -> None:
        """A stage after the fetching starts, said in a few words ("writing the paper graph")."""

    def clear(self) -> None:
        """Make room for a message on the terminal."""

    def finish(self) -> None:
        """The fetching is over."""


class TerminalProgress(Progress):
    REDRAW = 0.1  # seconds between redraws: enough to look live, cheap on a fast warm run

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self.depth = self.max_depth = self.planned = self.done = self.papers = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.width = 0

    def wave(self, depth: int, max_depth: int, requests: int) -> None:
        self.depth, self.max_depth, self.planned, self.done = depth, max_depth, requests, 0
        self.started = time.monotonic()
        self._draw(force=True)

    def advance(self, papers: int) -> None:
        self.done += 1
        self.papers = papers
        self._draw(force=self.done == self.planned)

    def stage(self, what: str) -> None:
        self._show(f"litgraph: {what}…")

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.drawn_at < self.REDRAW:
            return
        self.drawn_at = now
        self._show(f"litgraph: level {self.depth}/{self.max_depth} · requests {self.done}/{self.planned} · "
                   f"{self.papers} papers{self._eta(now)}")

    def _show(self, line: str) -> None:
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def _eta(self, now: float) -> str:
        if not self.done or self.done >= self.planned:
            return ""
        rate = self.done / max(now - self.started, 1e-6)
        return f" · ETA {round((self.planned - self.done) / rate)} s"

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def finish(self) -> None:
        self.clear()
