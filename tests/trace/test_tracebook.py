"""TraceBook: one record of the console's trace state, fed by engine events; every pane's view comes from it."""

from __future__ import annotations

from console.engine.trace import derived_correlation_id
from console.engine.tracebook import BookChange, TraceBook
from console.model.enums import Confidence, FeedOrigin, HopName, HopStatus, VerdictKind
from console.model.trace import (
    AuthorizerDecision,
    FeedItem,
    Hop,
    HopObservation,
    HopObserved,
    Identity,
    IisStatus,
    Trace,
    TraceFinished,
    TraceRequest,
    TraceStarted,
    Verdict,
)

REQUEST = TraceRequest("GET", "/prod/whoami")


def started(trace_id: str = "t1", correlation_id: str = "c1") -> TraceStarted:
    return TraceStarted(trace_id, correlation_id, "sandbox", REQUEST, "http://127.0.0.1:1/prod/whoami")


def observed(
    trace_id: str,
    hop: HopName,
    status: HopStatus,
    confidence: Confidence = Confidence.CERTAIN,
    sub: str | None = "alice",
) -> HopObserved:
    identity = Identity(sub, (), "probe") if sub else None
    return HopObserved(trace_id, HopObservation(hop, "sandbox", status, identity, confidence=confidence))


def finished(
    trace_id: str = "t1", *, ok: bool = True, broken_at: HopName | None = None, error: str | None = None
) -> Trace:
    statuses = [HopStatus.OK] * 5
    if broken_at is not None:
        statuses = [
            HopStatus.OK
            if i < list(HopName).index(broken_at)
            else HopStatus.BROKEN
            if i == list(HopName).index(broken_at)
            else HopStatus.NOT_REACHED
            for i in range(5)
        ]
    hops = tuple(Hop(name, status, Identity("alice", (), "x")) for name, status in zip(HopName, statuses, strict=True))
    verdict = Verdict(ok, broken_at, "token.expired" if broken_at else None, "summary", "fix")
    return Trace(
        trace_id,
        "c1",
        "sandbox",
        REQUEST,
        "http://127.0.0.1:1/prod/whoami",
        1.0,
        hops,
        (),
        verdict,
        authorizer=AuthorizerDecision("jwt", "allow", "sandbox", "alice"),
        iis=IisStatus(200, user="alice"),
        error=error,
    )


def test_a_new_request_puts_every_pane_in_pending_at_once() -> None:
    book = TraceBook(clock=lambda: 5.0)
    book.apply(started())
    book.apply(TraceFinished(finished()))
    assert book.verdict_view() is not None and book.verdict_view().kind is VerdictKind.OK  # type: ignore[union-attr]
    book.expect(REQUEST)
    assert book.hops_view().hops == (None,) * 5
    assert book.verdict_view().kind is VerdictKind.PENDING  # type: ignore[union-attr]
    assert book.verdict_view().verdict is None  # type: ignore[union-attr]
    assert book.authorizer_view().decision is None  # type: ignore[union-attr]
    assert book.iis_view().status is None  # type: ignore[union-attr]
    assert book.inspection() is None


def test_live_hops_are_merged_by_the_engines_rule() -> None:
    """The widget's own merge said "broken beats ok" whatever the confidence; the engine trusts the surer probe."""
    book = TraceBook()
    ticket = book.expect(REQUEST)
    book.apply(started(), ticket)
    book.apply(observed("t1", HopName.AUTHORIZER, HopStatus.OK, Confidence.CERTAIN), ticket)
    book.apply(observed("t1", HopName.AUTHORIZER, HopStatus.BROKEN, Confidence.POSSIBLE), ticket)
    hops = book.hops_view().hops
    assert hops[0] is None and hops[1] is None  # pending: not observed yet
    authorizer = hops[2]
    assert authorizer is not None and authorizer.status is HopStatus.OK and len(authorizer.observations) == 2


def test_cancel_mid_trace_shows_cancelled_everywhere_and_drops_late_events() -> None:
    book = TraceBook()
    ticket = book.expect(REQUEST)
    book.apply(started(), ticket)
    book.apply(observed("t1", HopName.CLIENT, HopStatus.OK), ticket)
    change = book.cancel()
    assert change.current and change.feed_keys == ("t1",)
    assert book.hops_view().kind is VerdictKind.CANCELLED
    assert book.verdict_view().kind is VerdictKind.CANCELLED  # type: ignore[union-attr]
    assert book.feed["t1"].kind is VerdictKind.CANCELLED
    book.apply(observed("t1", HopName.GATEWAY, HopStatus.OK), ticket)
    book.apply(TraceFinished(finished()), ticket)
    assert book.hops_view().hops[1] is None and book.verdict_view().kind is VerdictKind.CANCELLED  # type: ignore
    assert book.authorizer_view().decision is None  # type: ignore[union-attr]


def test_cancel_before_the_trace_started() -> None:
    book = TraceBook()
    book.expect(REQUEST)
    book.cancel()
    assert book.verdict_view().kind is VerdictKind.CANCELLED  # type: ignore[union-attr]


def test_a_superseded_request_never_becomes_current() -> None:
    book = TraceBook()
    old = book.expect(REQUEST)
    new = book.expect(REQUEST)
    book.apply(started("t-new", "c-new"), new)
    book.apply(started("t-old", "c-old"), old)  # arrives late
    assert book.current_id == "t-new"
    assert book.entries["t-old"].kind is VerdictKind.CANCELLED


def test_an_error_shows_the_error_and_nothing_else() -> None:
    book = TraceBook()
    ticket = book.expect(REQUEST)
    book.apply(started(), ticket)
    book.apply(TraceFinished(finished(ok=False, error="gateway: connection refused")), ticket)
    view = book.verdict_view()
    assert view is not None and view.kind is VerdictKind.ERROR
    assert view.error == "gateway: connection refused" and view.verdict is None
    assert book.feed["t1"].kind is VerdictKind.ERROR


def test_a_worker_failure_with_no_trace_is_an_error_not_an_empty_verdict() -> None:
    book = TraceBook()
    book.expect(REQUEST)
    book.fail("secret reference env:NOPE is not set")
    view = book.verdict_view()
    assert view is not None and view.kind is VerdictKind.ERROR and "env:NOPE" in (view.error or "")


def test_finishing_a_broken_trace_selects_the_broken_hop() -> None:
    book = TraceBook()
    book.apply(started())
    book.apply(TraceFinished(finished(ok=False, broken_at=HopName.AUTHORIZER)))
    assert book.selected_hop is HopName.AUTHORIZER
    inspection = book.inspection()
    assert inspection is not None and inspection.hop.name is HopName.AUTHORIZER
    assert inspection.previous is not None and inspection.previous.name is HopName.GATEWAY
    assert book.iis_view().hop_status is HopStatus.NOT_REACHED  # type: ignore[union-attr]


def test_own_requests_and_their_helpers_stay_out_of_the_external_feed() -> None:
    book = TraceBook()
    book.apply(started("t1", "c1"))

    def item(key: str, correlation: str | None) -> FeedItem:
        return FeedItem(key, "GET", "/", 200, 1.0, FeedOrigin.EXTERNAL, correlation_id=correlation)

    change = book.add_external(
        [
            item("sandbox:1", "c1"),
            item("sandbox:2", derived_correlation_id("c1", "warmup1")),
            item("sandbox:3", derived_correlation_id("c1", "spoof-check")),
            item("sandbox:4", "somebody"),
            item("sandbox:5", None),
        ]
    )
    assert change.feed_keys == ("sandbox:4", "sandbox:5")
    assert book.lookup_for("sandbox:4") == "somebody" and book.lookup_for("t1") is None


def test_reselecting_traces_and_recorded_requests() -> None:
    book = TraceBook()
    book.apply(started("t1", "c1"))
    book.apply(TraceFinished(finished("t1")))
    book.apply(started("t2", "c2"))
    book.apply(TraceFinished(finished("t2", ok=False, broken_at=HopName.IIS)))
    assert book.select("t1") and book.current_id == "t1" and book.own_trace() is not None
    assert not book.select("sandbox:9")
    book.add_recorded("sandbox:9", finished("sandbox-9"))
    assert book.current_id == "sandbox-9" and book.own_trace() is None  # a recorded trace has no curl of ours
    assert book.select("sandbox:9") and book.current_id == "sandbox-9"


def test_subscribers_see_every_change() -> None:
    book = TraceBook()
    seen: list[BookChange] = []
    book.subscribe(seen.append)
    ticket = book.expect(REQUEST)
    book.apply(started(), ticket)
    book.apply(TraceFinished(finished()), ticket)
    assert [c.trace_id for c in seen] == [None, "t1", "t1"]


def test_the_book_keeps_a_bounded_number_of_traces() -> None:
    book = TraceBook(max_traces=3)
    for n in range(5):
        book.apply(started(f"t{n}", f"c{n}"))
        book.apply(TraceFinished(finished(f"t{n}")))
    assert list(book.entries) == ["t2", "t3", "t4"] and list(book.feed) == ["t2", "t3", "t4"]


def test_a_newer_request_ends_the_running_trace_as_cancelled() -> None:
    """A superseded trace's worker forwards nothing more: the book itself must end it, or it stays "tracing"."""
    book = TraceBook()
    seen: list[BookChange] = []
    book.subscribe(seen.append)
    ticket = book.expect(REQUEST)
    book.apply(started(), ticket)
    book.expect(REQUEST)
    assert book.entries["t1"].kind is VerdictKind.CANCELLED
    assert book.feed["t1"].kind is VerdictKind.CANCELLED
    assert any("t1" in c.feed_keys for c in seen)


def test_a_request_sent_while_the_session_starts_waits_in_the_book() -> None:
    book = TraceBook()
    ticket = book.expect(REQUEST, queue=True)
    assert book.verdict_view().kind is VerdictKind.PENDING  # type: ignore[union-attr]
    assert book.take_queued(lambda: TraceRequest("GET", "/other")) == (REQUEST, ticket)
    assert book.take_queued(lambda: REQUEST) is None  # handed out once


def test_a_scenario_switch_queues_the_scenarios_own_request() -> None:
    book = TraceBook()
    ticket = book.expect(None, queue=True)
    made = TraceRequest("GET", "/prod/orders")
    assert book.take_queued(lambda: made) == (made, ticket)
    assert book.last_request == made  # F5 repeats it


def test_cancel_and_failure_drop_the_queued_request() -> None:
    book = TraceBook()
    book.expect(REQUEST, queue=True)
    book.cancel()
    assert book.take_queued(lambda: REQUEST) is None
    book.expect(REQUEST, queue=True)
    book.fail("the sandbox could not start: port in use")
    assert book.take_queued(lambda: REQUEST) is None
    assert book.verdict_view().kind is VerdictKind.ERROR  # type: ignore[union-attr]


def test_switching_profile_mid_trace_ends_it_as_cancelled() -> None:
    """ctrl+o during a trace left its feed row "… tracing" for ever: the old session's worker never reports back."""
    book = TraceBook()
    ticket = book.expect(REQUEST)
    book.apply(started(), ticket)
    book.forget_current()
    assert book.entries["t1"].kind is VerdictKind.CANCELLED and book.feed["t1"].kind is VerdictKind.CANCELLED
    assert book.verdict_view() is None
