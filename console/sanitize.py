"""Make untrusted strings inert for a terminal: control, C1, bidi, zero-width and surrogate characters become visible.

Rich and Textual strip only BEL, BS, VT, FF and CR, so ESC reaches the terminal (security.md §6.2).
Every string from the network passes through here before it is displayed; markup safety is the
renderer's job (plain Text, never markup), this is the escape-sequence half. A lone surrogate
(U+D800–DFFF, e.g. from a JSON ``"\\ud800"`` escape) cannot be encoded for any stream, so it is shown
as ``<U+D800>`` instead of crashing the writer.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b", "\x00": "\\x00"}
_BIDI_AND_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u2028\u2029"  # zero-width, direction marks, line/paragraph separators
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"  # bidi embeddings and isolates, BOM
    "\ud800-\udfff"  # lone surrogates: unencodable, so printing one raises
)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI_AND_INVISIBLE + "]")
_UNSAFE_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI_AND_INVISIBLE + "]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"<U+{code:04X}>"


def inert(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every character that could drive a terminal or spoof text shown as an escape; never raises."""
    if not isinstance(text, str):  # a caller's bug must not become a crash on the error path
        text = repr(text)
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE
    return pattern.sub(_visible, text)


def is_inert(text: str) -> bool:
    """True when ``text`` holds nothing :func:`inert` would change."""
    return _UNSAFE.search(text) is None
