"""One data line into its values: W3C single spaces, runs of spaces, Advanced Logging's quoted values."""

from __future__ import annotations

from console.engine.logs.model import LogKind, Schema

__all__ = ["bare_cr", "split_values", "values_for"]


def bare_cr(raw: bytes) -> str | None:
    """Why a line (its trailing CRs already dropped) holding a CR is quarantined, or None when it holds none.

    Lines end at LF everywhere (reader, search, stats and ``wc -l`` agree). A CR not before the LF hides what
    follows it: a file with CR-only line ends (old Mac, or rewritten by a tool) reads as one line. It is never
    classed as a directive or a record (its first piece would be), so the hidden lines are said, with the fix. A
    line of only whitespace stays blank."""
    if b"\r" not in raw or not raw.strip():
        return None
    n = raw.count(b"\r")
    return (
        f"bare CR line ends (old Mac or a rewritten file): {n} line{'s' if n != 1 else ''} hidden in this one; "
        "convert with tr '\\r' '\\n'"
    )


def split_values(text: str) -> tuple[str, ...]:
    """The raw tokens of one data line: separated by one or more spaces; a token that starts with ``"`` runs to the
    ``"`` followed by a space or the line end (``""`` inside is an escaped quote), spaces included, quotes kept.

    After a quote that never closes, the rest of the line splits on spaces alone (that keeps the work linear in the
    line's length whatever its bytes)."""
    out: list[str] = []
    n = len(text)
    i = 0
    quotes = True
    while i < n:
        if text[i] == " ":
            i += 1
            continue
        if quotes and text[i] == '"':
            end = _closing_quote(text, i + 1)
            if end >= 0:
                out.append(text[i : end + 1])
                i = end + 1
                continue
            quotes = False
        j = text.find(" ", i)
        if j < 0:
            j = n
        out.append(text[i:j])
        i = j
    return tuple(out)


def _closing_quote(text: str, k: int) -> int:
    """Index of the quote that closes a value opened before ``k``, or -1."""
    n = len(text)
    while True:
        q = text.find('"', k)
        if q < 0:
            return -1
        if q + 1 < n and text[q + 1] == '"':
            k = q + 2  # "" is a quote inside the value
            continue
        if q + 1 == n or text[q + 1] == " ":
            return q
        k = q + 1


def values_for(text: str, schema: Schema) -> tuple[str, ...] | str:
    """The line's values for ``schema``, or why they cannot be read by it.

    The rule, for real IIS: http.sys writes one space between values and never an empty value (``-`` stands for
    one), so an empty token can only come from a run of spaces or a space at the line end, never a missing field
    (plaso's iis10_edge_cases sample has a double space before cs-username; IIS 6 writes ``#Fields`` with a trailing
    space). Values are therefore split on runs of spaces; Advanced Logging (or any line whose plain split does not
    fit) also keeps ``"quoted values"`` whole. A line whose count still differs is not guessed at: it is quarantined
    as "14 values but #Fields names 15"."""
    want = len(schema.fields)
    if '"' in text and (schema.kind is LogKind.ADVANCED or len(text.split(" ")) != want):
        quoted = split_values(text)
        if len(quoted) == want:
            return quoted
    parts = text.split(" ")
    if "" in parts:
        parts = [p for p in parts if p]
    if len(parts) == want:
        return tuple(parts)
    got = len(parts)
    why = f"{got} value{'' if got == 1 else 's'} but #Fields names {want}"
    if "\t" in text and len([p for p in text.replace("\t", " ").split(" ") if p]) == want:
        return why + " (tabs, not spaces, separate its values: the file was rewritten; W3C uses single spaces)"
    return why
