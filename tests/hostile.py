"""Records an adversary wrote: values that become spreadsheet formulas, BibTeX fields or terminal
commands when a writer passes them on raw. The files are the built-in example's record and a
MEDLINE export, as a user would be handed them."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE

OFFICIAL_TITLE = '=HYPERLINK("http://attacker.invalid","x")'
ARTICLE_TITLE = "=cmd|' /C calc'!A0"
JOURNAL = "=1+1"
AFFILIATION = "@SUM(1+1)"
SURNAME = "+SUM"
DOI = "10.1/a}, title = {INJECTED-BIBTEX}, x = {"
PMCID = "PMC1}, note = {INJ2"
TERMINAL_NAME = "Evil\x1b]0;PWNED\x07\x1b[31m"  # sets the window title, then turns the text red
FORMULA_VALUES = (OFFICIAL_TITLE, ARTICLE_TITLE, JOURNAL, AFFILIATION, SURNAME)


def hostile_medline(folder: Path) -> Path:
    """One PubMed record (PMID 31000001) whose every text field is hostile."""
    path = folder / "hostile.nbib"
    path.write_text(f"PMID- 31000001\nTI  - {ARTICLE_TITLE}\nDP  - 2019 Jan\nTA  - {JOURNAL}\n"
                    f"AID - {DOI} [doi]\nPMC - {PMCID}\nFAU - {SURNAME}, Alice\nAU  - {SURNAME} A\n"
                    f"AD  - {AFFILIATION}\nFAU - {TERMINAL_NAME}, Bob\nAU  - {TERMINAL_NAME} B\n"
                    "PT  - Journal Article\n", encoding="utf-8")
    return path


def hostile_trial(folder: Path) -> Path:
    """The example's record page with a hostile official title."""
    path = folder / "trial.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    official = text.split("Official Title\n", 1)[1].split("\n", 1)[0]
    path.write_text(text.replace(official, OFFICIAL_TITLE), encoding="utf-8")
    return path
