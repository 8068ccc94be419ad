"""Text for the terminal. Record text can carry control characters: an escape sequence in an
author's name would retitle the window, recolour or clear the screen, or move the cursor over
what was printed before it, so everything the command prints from records goes through here."""

from __future__ import annotations

import re

_SPACING = re.compile(r"[\t\n\v\f\r]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1: ESC, BEL, CSI and the rest


def terminal_text(text: object) -> str:
    """The text on one line, without control characters: line breaks and tabs become spaces."""
    return _CONTROLS.sub("", _SPACING.sub(" ", str(text)))
