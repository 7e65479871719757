"""`baton trace`'s printers: any text from the network (claims, evidence, findings) prints inert, never raises."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from console.commands.style import Style
from console.commands.trace import render_text, trace_json
from console.model.enums import Confidence, HopName, HopStatus, Severity
from console.model.findings import Finding
from console.model.trace import Hop, Identity, Trace, TraceRequest, Verdict

# Everything a hostile peer can put in a string: escapes, C1, bidi, lone surrogates, markup.
HOSTILE_CHARS = st.sampled_from(
    ["\x1b", "\x9b", "\x07", "\u202e", "\u2066", "\ud800", "\udfff", "[", "]", "@", "\r", "\n", "\x00", "é", "a"]
)
HOSTILE_TEXT = st.lists(st.one_of(HOSTILE_CHARS, st.text(max_size=3)), max_size=12).map("".join)
UNSAFE = {chr(c) for c in [*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)]} | {"\u202e", "\u2066"}


def hostile_trace(text: str, error: str | None) -> Trace:
    identity = Identity(text, ((text, text),), text)
    hops = tuple(
        Hop(name, HopStatus.BROKEN if name is HopName.IIS else HopStatus.OK, identity, (text,), 1.0) for name in HopName
    )
    finding = Finding(text, Severity.ERROR, text, text, text, HopName.IIS, Confidence.LIKELY)
    verdict = Verdict(False, HopName.IIS, text, text, text, text)
    return Trace(
        "t1",
        "c1",
        text,
        TraceRequest("GET", text, ((text, text),)),
        f"http://h/{text}",
        0.0,
        hops,
        (finding,),
        verdict,
        scenario=text,
        error=error,
    )


@given(text=HOSTILE_TEXT, failed=st.booleans())
def test_the_human_table_is_inert_whatever_the_peer_sent(text: str, failed: bool) -> None:
    out = render_text(hostile_trace(text, text if failed else None), Style(color=False))
    assert not (set(out) - {"\n"}) & UNSAFE
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in out)
    out.encode("utf-8")  # printable on any UTF-8 terminal


@given(text=HOSTILE_TEXT)
def test_the_json_document_always_serialises(text: str) -> None:
    buffer = io.StringIO()
    json.dump(trace_json(hostile_trace(text, None)), buffer)
    buffer.getvalue().encode("utf-8")


def test_a_hop_not_reached_shows_no_identity() -> None:
    """api-key-missing printed the authorizer's claims beside "– not reached", as if it had passed them on."""
    trace = hostile_trace("alice", None)
    hops = tuple(
        Hop(h.name, HopStatus.NOT_REACHED, h.identity) if h.name is HopName.AUTHORIZER else h for h in trace.hops
    )
    from dataclasses import replace

    out = render_text(replace(trace, hops=hops), Style(color=False))
    row = next(line for line in out.splitlines() if " authorizer " in line)
    assert "not reached" in row and "alice" not in row


def test_the_json_document_carries_the_authorizer_and_iis_answers() -> None:
    """The W3C log line and IIS's status were only in the hop evidence; --json users had no iis object."""
    from dataclasses import replace

    from console.model.trace import AuthorizerDecision, IisStatus

    trace = replace(
        hostile_trace("alice", None),
        authorizer=AuthorizerDecision("cognito", "allow", "sandbox", "alice"),
        iis=IisStatus(401, 2, 5, "no method accepted", "Microsoft-IIS/10.0", log_line="2026-11-30 00:00:00 GET /x"),
    )
    doc = trace_json(trace)
    assert doc["iis"]["status"] == 401 and doc["iis"]["substatus"] == 2 and doc["iis"]["win32_status"] == 5
    assert doc["iis"]["log_line"].startswith("2026-11-30")
    assert doc["authorizer"]["effect"] == "allow" and doc["authorizer"]["principal_id"] == "alice"
    assert doc["verdict"]["outcome"] == "broken"
