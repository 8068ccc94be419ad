"""Citation sources behind one interface (base.CitationSource), one module each. The expansion asks
every source chosen and merges what they say; every edge keeps the names of the sources that saw it.
A new source (OpenCitations, OpenAlex) is one module and one entry in `SOURCES`.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ...contract import DEFAULT_CITATIONS
from ..entrez import Entrez
from .base import CitationSource
from .elink import ELinkCitations
from .icite import ICiteCitations
from .reference_lists import ReferenceLists


# name -> the source for a build, made from the build's E-utilities client (and through it, its session)
SOURCES: dict[str, Callable[[Entrez], CitationSource]] = {
    "elink": ELinkCitations,
    "icite": lambda entrez: ICiteCitations(entrez.http, entrez.settings, entrez.memo, entrez.readers),
    "reference-list": lambda entrez: ReferenceLists(),
}


def citation_sources(names: Iterable[str], entrez: Entrez) -> list[CitationSource]:
    return [SOURCES[name](entrez) for name in names]


__all__ = ["CitationSource", "DEFAULT_CITATIONS", "SOURCES", "citation_sources"]
