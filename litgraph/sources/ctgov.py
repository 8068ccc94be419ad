"""ClinicalTrials.gov API v2: one study by NCT number, through the shared cached session."""

from __future__ import annotations

from ..model import Trial
from .net import FetchError, Http
from .trials import parse_v2_study


class UnknownTrial(FetchError):
    """The registry answered that no study has this NCT number (HTTP 404)."""


def fetch_study(http: Http, nct_id: str) -> Trial:
    """The registry record of `nct_id`; UnknownTrial for a 404, FetchError when unreachable."""
    what = f"ClinicalTrials.gov record {nct_id}"
    try:
        body = http.request("ctgov", f"studies/{nct_id}", {"format": "json"}, what=what)
    except FetchError as error:
        if error.status == 404:
            raise UnknownTrial(what, f"ClinicalTrials.gov has no study {nct_id}", 404) from None
        raise
    return parse_v2_study(body, source=f"ClinicalTrials.gov API v2 ({nct_id})")
