"""A gateway input the join cannot use at all: no access-log record in it, named with what the file looks like.

An input with lines but not one access-log record (a CloudWatch execution log, an IIS W3C log given as the gateway's,
the arguments swapped) is bad input, exit 2: judging every IIS line against nothing would report each one as a
bypass, a security finding built on a file nobody could read. An empty file is not refused (no traffic yet).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from console.engine.logs.model import LogInputError, Tally
from console.engine.logs.sources import LogSource

__all__ = ["check_gateway_inputs", "looks_like"]

_SNIFF = 64 << 10
_EXECUTION = re.compile(rb"^\([^()\s]{1,128}\) ", re.MULTILINE)
_W3C = re.compile(rb"^#(Software|Version|Fields|Date):", re.MULTILINE)
_HTTPERR = re.compile(rb"^#Software: Microsoft HTTP API", re.MULTILINE)
_PRETTY = re.compile(rb'^\s*\{\s*\r?\n\s*"', re.MULTILINE)


def looks_like(head: bytes) -> str:
    """What the first bytes of a file that holds no access-log record look like, in words."""
    if b"\0" in head:
        return "this looks like binary data"
    if _HTTPERR.search(head):
        return "this looks like an HTTPERR log (was it meant for --iis?)"
    if _W3C.search(head):
        return "this looks like an IIS W3C log (were --gateway and --iis swapped?)"
    if _EXECUTION.search(head):
        return "this looks like an API Gateway execution log, not an access log (enable access logging on the stage)"
    if _PRETTY.search(head):
        return (
            "this looks like pretty-printed JSON, objects over several lines: write one object per line, e.g. jq -c ."
        )
    if head.lstrip()[:1] in (b"{", b"["):
        return "no line is a JSON object of $context fields"
    return "no line is a JSON object"


def _head(source: LogSource) -> bytes:
    try:
        with source.open() as stream:
            return bytes(stream.read(_SNIFF))
    except (OSError, EOFError, ValueError):
        return b""


def check_gateway_inputs(sources: Sequence[LogSource], tallies: Sequence[Tally]) -> None:
    """Raise LogInputError naming the first gateway input with lines but no access-log record in it."""
    by_label = {source.label: source for source in sources}
    for tally in tallies:
        if tally.records or not tally.quarantined:
            continue
        source = by_label.get(tally.source)
        what = looks_like(_head(source)) if source is not None else "no line is a JSON object"
        raise LogInputError(
            f"no API Gateway access-log record in {tally.lines:,} lines ({what})",
            where=tally.source,
        )
