"""Text from a dump, made safe to print: what a terminal shows is what the dump holds.

A table name can carry escape sequences (clear the screen, set the window title,
rewrite the line before) or rich markup (`[/]ps_` ends a style that was never
opened and makes rich raise). `plain` shows control characters as Python escapes
(`\\x1b`, `\\n`, `\\u202e`) and escapes the markup, so the text prints as itself.
"""
from __future__ import annotations

import re

from rich.markup import escape

# C0 and C1 controls (ESC, CSI, BEL, newline, tab...), DEL, and the invisible bidirectional
# controls that make text display in another order than it is stored
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match) -> str:
    return m.group().encode("unicode_escape").decode("ascii")


def plain(text: object) -> str:
    """`text` (anything; None is '') for rich to print as it is: control characters as
    escapes, markup escaped."""
    if text is None:
        return ""
    return escape(_CONTROL.sub(_visible, str(text)))
