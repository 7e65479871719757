"""run_trace: acquire the token, send one request through the gateway, gather every probe, diagnose."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from console.engine.diagnosis.diagnose import diagnose
from console.engine.diagnosis.evidence import Evidence, gateway_form
from console.engine.identity import AcquiredToken, Resolver, acquire_token, cached_token, value_of
from console.engine.jwks_cache import keys_for
from console.engine.probes.aws import ask_aws
from console.engine.probes.iis import cached_spoof_check, echo_view
from console.engine.probes.iis import shown as as_text
from console.engine.probes.iis_line import LOOKING
from console.engine.probes.iis_line import observation as log_observation
from console.engine.probes.iis_logs import LogQuery, search_logs
from console.engine.probes.sandbox import fetch_ground_truth
from console.engine.probes.w3c import line_text
from console.engine.redact import header_secrets, redact_all, redact_headers, redact_text, redact_url
from console.engine.target import (
    SPOOF_CHECK_PURPOSE,
    WARMUP_PURPOSE,
    Target,
    derived_correlation_id,
    given_correlation_id,
    given_secrets,
    is_own_correlation_id,
    join_url,
    query_secrets,
)
from console.engine.transport import check_request, make_client, send, sent_url
from console.errors import AwsError, TraceCancelled, TraceError
from console.model.token import DecodedToken, TokenKind, TokenReport
from console.model.trace import (
    HOP_ORDER,
    Hop,
    HopName,
    HopObservation,
    HopObserved,
    HopStatus,
    Identity,
    TokenInspected,
    Trace,
    TraceEvent,
    TraceFinished,
    TraceRequest,
    TraceStarted,
    Verdict,
)

__all__ = ["EventSink", "TraceCancelled", "derived_correlation_id", "is_own_correlation_id", "run_trace"]

T = TypeVar("T")
EventSink = Callable[[TraceEvent], None]


def run_trace(
    target: Target,
    request: TraceRequest,
    on_event: EventSink | None = None,
    cancel: threading.Event | None = None,
    *,
    resolve: Resolver,
    client: httpx.Client | None = None,
    token_override: str | None = None,
) -> Trace:
    """Trace one request. Network trouble does not raise: a trace that could not run carries ``error``.

    Raises TraceCancelled when ``cancel`` is set, and configuration errors (SecretRefError, UsageError)."""
    emit = on_event or (lambda _event: None)
    plan = target.client
    check_request(request.method or plan.method, [*plan.headers, *request.headers])  # bad input is UsageError
    path = _path(target, request)
    base = target.iis_url if plan.target == "iis" and target.iis_url else target.gateway_url
    url = sent_url(join_url(base, path))  # what goes on the wire (dot segments resolved), so what is printed
    held = [*target.secrets, *given_secrets(target, request), *query_secrets(url)]
    given_id = given_correlation_id(target, request)
    trace_id, correlation_id = uuid.uuid4().hex[:12], given_id or str(uuid.uuid4())
    own_client = client is None
    http = client or make_client()
    shown_url = redact_url(url, held)  # by name too: a short ?token=abc is below what value masking can match
    emit(TraceStarted(trace_id, correlation_id, target.profile, request, shown_url))
    ev = Evidence(target=target, correlation_id=correlation_id, direct_to_iis=base != target.gateway_url)
    started = time.time()
    # What the echo and the log must match to be this request's: its time, method and URL.
    ev.started_at, ev.method, ev.url = started, request.method or plan.method, url
    try:
        given = _given_authorization(target, request)
        token = _client_hop(target, request, http, resolve, held, cancel, token_override, ev, emit, trace_id, given)
        headers = _headers(target, request, None if given is not None else token, correlation_id, resolve, held)
        for number, warm in enumerate(plan.warmup, 1):
            warm_id = derived_correlation_id(correlation_id, f"{WARMUP_PURPOSE}{number}")
            warm_url = sent_url(join_url(base, warm))
            warm_headers = _with_header(headers, target.correlation_header, warm_id)
            warm_headers = _signed(target, ev, "GET", warm_url, warm_headers, b"", given, held)
            _interruptible(cancel, partial(send, http, "GET", warm_url, warm_headers, secrets=held))
        # Signed last, once every header is final (the correlation id included): a later change breaks the signature.
        headers = _signed(target, ev, request.method or plan.method, url, headers, request.body, given, held)
        ev.sent_headers = {k: v for k, v in redact_headers(headers, held)}
        ev.response = _interruptible(
            cancel,
            lambda: send(
                http,
                request.method or plan.method,
                url,
                headers,
                body=request.body,
                hop=HopName.IIS if ev.direct_to_iis else HopName.GATEWAY,
                secrets=held,
            ),
        )
        _rejudge_by_server_clock(target, http, ev)
        _tell_answered(target, ev, held, lambda obs: emit(HopObserved(trace_id, obs)))
        # AWS is asked while IIS's log is searched: both wait for log lines written after the answer.
        seen = token.value if token else None
        asking = ask_aws(target, ev, seen, headers, cancel, lambda obs: emit(HopObserved(trace_id, obs)))
        _probe_after(target, http, ev, correlation_id, path, cancel, lambda: emit(HopObserved(trace_id, LOOKING)))
        ev.aws = asking.answers() if asking is not None else None
        result = diagnose(ev)
    except TraceError as exc:  # a hop could not be reached; configuration errors propagate to the caller
        trace = redact_all(_failed(trace_id, correlation_id, target, request, shown_url, started, ev, exc), held)
        emit(TraceFinished(trace))
        return trace
    finally:
        if own_client:
            http.close()
    hops = tuple(
        replace(h, elapsed_ms=ev.response.elapsed_ms)
        if h.name is HopName.GATEWAY
        and ev.response
        and h.elapsed_ms is None
        and h.status not in (HopStatus.NOT_REACHED, HopStatus.UNKNOWN)
        else h
        for h in result.hops
    )  # the round trip through the gateway, when the gateway was crossed
    trace = Trace(
        trace_id=trace_id,
        correlation_id=correlation_id,
        profile=target.profile,
        request=request,
        url=shown_url,
        started_at=started,
        hops=hops,
        findings=result.findings,
        verdict=result.verdict,
        token=ev.token,
        response=ev.response,
        authorizer=result.authorizer,
        iis=result.iis,
        scenario=target.scenario,
    )
    # One place for every string of the result: whatever a probe copied from the network (an echo reflecting a
    # header, an error quoting a URL) is masked for every secret any part of the trace held.
    # The response was snapshotted by send() with this same held list: the rest is walked once more.
    trace = redact_all(trace, held, done=frozenset({"response"}))
    for hop in trace.hops:
        for obs in hop.observations:
            if obs.probe != "token":
                emit(HopObserved(trace_id, obs))
    emit(TraceFinished(trace))
    return trace


def _path(target: Target, request: TraceRequest) -> str:
    path = (
        request.path
        if request.path not in ("", "/")
        else (target.client.path if target.client.path not in ("", "/") else (target.echo_path or "/"))
    )
    return path if path.startswith("/") else f"/{path}"


def _client_hop(
    target: Target,
    request: TraceRequest,
    http: httpx.Client,
    resolve: Resolver,
    held: list[str],
    cancel: threading.Event | None,
    override: str | None,
    ev: Evidence,
    emit: EventSink,
    trace_id: str,
    given: str | None = None,
) -> AcquiredToken | None:
    start = time.perf_counter()
    token: AcquiredToken | None
    if given is not None:
        # One credential on the wire: the Authorization given by hand replaces the profile's token (never both,
        # or the gateway and IIS may each read another user's), and the caller expected at IIS is read from it.
        scheme, _, credential = given.strip().partition(" ")
        bearer = scheme.lower() == "bearer" and credential.strip()
        token = AcquiredToken(credential.strip(), REPLACED) if bearer else None
        if token is None:
            obs = HopObservation(
                HopName.CLIENT, "token", HopStatus.OK, Identity(None, (), "Authorization given"), (REPLACED,), 0.0
            )
            ev.observations.append(obs)
            emit(HopObserved(trace_id, obs))
            return None
    elif override is not None:
        token = AcquiredToken(override.strip(), "token given on the command line")
        held.append(override.strip())
    else:
        source = target.token_source  # the cognito flow's InitiateAuth, through the profile's [aws] session
        token = cached_token(target.client, held, token_source=source) or _interruptible(
            cancel, lambda: acquire_token(target.client, http, resolve, held=held, token_source=source)
        )
    elapsed = (time.perf_counter() - start) * 1000
    if token is None:
        obs = HopObservation(
            HopName.CLIENT,
            "token",
            HopStatus.OK,
            Identity(None, (), "no token"),
            ("the client sends no token",),
            elapsed,
        )
        ev.observations.append(obs)
        emit(HopObserved(trace_id, obs))
        return None
    held.append(token.value)
    report = _inspect(target, http, token.value)
    ev.token, ev.token_source = report, token.source
    emit(TokenInspected(trace_id, report))
    obs = _token_observation(target, report, token, elapsed)
    ev.observations.append(obs)
    emit(HopObserved(trace_id, obs))
    return token


REPLACED = "the Authorization header given by hand (it replaces the profile's token)"


def _given_authorization(target: Target, request: TraceRequest) -> str | None:
    """The Authorization header given by hand (--header, the profile's headers), the last if several."""
    given = [v for k, v in (*target.client.headers, *request.headers) if k.lower() == "authorization"]
    return given[-1] if given else None


def _inspect(target: Target, http: httpx.Client, token: str) -> TokenReport:
    from console.engine.tokens import inspect_token
    from console.errors import TokenDecodeError

    keys = keys_for(target.jwks_url, http) if target.jwks_url else None
    try:
        return inspect_token(token, keys=keys, expect=target.expect)
    except TokenDecodeError:
        # Not even an opaque token (spaces, odd characters): judge it as an unreadable bearer token.
        unreadable = DecodedToken(raw=token, compact=token, kind=TokenKind.OPAQUE)
        return inspect_token(unreadable, expect=target.expect)


def _token_observation(target: Target, report: TokenReport, token: AcquiredToken, elapsed: float) -> HopObservation:
    claims = report.token.claims
    wanted = ["sub", *[c for _h, c in target.propagation if c != "sub"], "token_use", "scope", "client_id", "aud"]
    # As the gateway would send them (true, 42, [a b]), else compact JSON: never Python's True or ['a'].
    shown = tuple(
        (name, gateway_form(claims[name], target.gateway_kind) or as_text(claims[name]))
        for name in dict.fromkeys(wanted)
        if name in claims
    )
    subject = gateway_form(claims.get("sub"), target.gateway_kind)
    errors = [f.code for f in report.findings if f.refuses]
    status = HopStatus.WARNING if errors else HopStatus.OK
    evidence = [
        f"token from {token.source}" + (" (cached)" if token.cached else ""),
        f"signature {report.signature.status.value}",
        *(f"finding: {c}" for c in errors),
    ]
    return HopObservation(
        HopName.CLIENT,
        "token",
        status,
        Identity(str(subject) if subject else None, shown, "token"),
        tuple(evidence),
        elapsed,
    )


def _headers(
    target: Target,
    request: TraceRequest,
    token: AcquiredToken | None,
    correlation_id: str,
    resolve: Resolver,
    held: list[str],
) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    if token is not None:
        headers.append(("Authorization", f"Bearer {token.value}"))
    api_key = value_of(target.client.api_key, resolve)
    if api_key:
        held.append(api_key)
        headers.append(("x-api-key", api_key))
    if given_correlation_id(target, request) is None:  # the user's own id goes out as given, and only it
        headers.append((target.correlation_header, correlation_id))
    headers += list(target.client.headers)
    headers += list(request.headers)
    return headers


SIGNED_BY = "the request is signed with SigV4 (execute-api) with the [aws] session's credentials"


def _signed(
    target: Target,
    ev: Evidence,
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    given: str | None,
    held: list[str],
) -> list[tuple[str, str]]:
    """``headers`` signed by the Target's signer (``[gateway] auth = "iam"``); as they are without one, for a
    request straight to IIS, or when an Authorization was given by hand (one credential on the wire).

    No credentials (or an expired session) fail the client hop with AWS's one-line reason: an IAM route is never
    sent an unsigned request in silence. The signature, the session token and the whole Authorization value are
    held, so any echo of them is masked wherever the trace records it."""
    if target.signer is None or ev.direct_to_iis or given is not None:
        return headers
    try:
        signed = target.signer.sign(method, url, list(headers), body)
    except AwsError as exc:
        reason = redact_text(exc.one_line(), held)
        failed = TraceError(f"cannot sign the request with SigV4: {reason}", hop=HopName.CLIENT)
        # First among the client's observations: a failed trace shows each hop by its first one, and this is
        # why the client hop stopped (not "the client sends no token").
        ev.observations.insert(0, HopObservation(HopName.CLIENT, "sigv4", HopStatus.BROKEN, None, (failed.message,)))
        raise failed from None
    added = signed[len(headers) :] if signed[: len(headers)] == headers else signed
    scope = ""
    for name, value in added:
        if name.lower() in ("authorization", "x-amz-security-token"):
            held.extend(header_secrets(name, value))
            held.extend(part.strip().removeprefix("Signature=") for part in value.split(",") if "Signature=" in part)
        if name.lower() == "authorization" and (match := _SCOPE.search(value)):
            scope = match.group(1)
    if not any(o.probe == "sigv4" for o in ev.observations):
        session = any(name.lower() == "x-amz-security-token" for name, _value in added)
        ev.observations.append(_signing_observation(url, scope, session))
    return signed


_SCOPE = re.compile(r"Credential=[^/,\s]+/(\d{8}/[a-z0-9-]+/[a-z0-9-]+)/aws4_request")
"""The credential scope (date/region/service) of a SigV4 Authorization: not secret, and what a mismatch is about."""
_HOST_REGION = re.compile(r"\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$")


def _signing_observation(url: str, scope: str, session_token: bool = False) -> HopObservation:
    """The client hop's SigV4 line; a warning when the scope's region is not the one in the API's host name.

    ``data`` says how it was signed (the region, whether with a session token, never a value), so the copied curl
    can be signed the same way (console/engine/curl.py)."""
    evidence = [SIGNED_BY + (f", scope {scope}" if scope else "")]
    host_region = _HOST_REGION.search((urlsplit(url).hostname or "").lower())
    region = scope.split("/")[1] if scope.count("/") == 2 else None
    status = HopStatus.OK
    if host_region and region and host_region.group(1) != region:
        status = HopStatus.WARNING
        evidence.append(
            f"the API's host name is in {host_region.group(1)} but the signature is scoped to {region}: API Gateway "
            f'refuses it (set [aws] region = "{host_region.group(1)}")'
        )
    data = {"sigv4": {"region": region, "session_token": session_token}}
    return HopObservation(HopName.CLIENT, "sigv4", status, None, tuple(evidence), 0.0, data=data)


def _rejudge_by_server_clock(target: Target, http: httpx.Client, ev: Evidence) -> None:
    """Judge the token again by the gateway's clock (its Date header), so clock skew shows up as such."""
    if ev.token is None or ev.response is None:
        return
    date = ev.response.header("date") or ev.response.header("x-amzn-remapped-date")
    if not date:
        return
    from email.utils import parsedate_to_datetime

    from console.engine.tokens import inspect_token

    try:
        server_now = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError, IndexError):
        return
    if abs(server_now - time.time()) < 2:  # Date has one-second resolution: nothing to learn
        return
    keys = keys_for(target.jwks_url, http) if target.jwks_url else None
    ev.token = inspect_token(ev.token.token, keys=keys, expect=target.expect, server_date=server_now)


def _tell_answered(target: Target, ev: Evidence, held: list[str], tell: Callable[[HopObservation], None]) -> None:
    """The gateway hop as its answer alone reads, told as soon as the answer is in: while AWS and the IIS log are
    awaited (up to their log_wait) the live trace shows what the gateway answered, not "pending". The finished
    trace's hops replace it (with whatever the logs add)."""
    from console.engine.diagnosis.response import read_response

    if ev.response is None or ev.direct_to_iis:
        return
    reading = read_response(ev.response, gateway_kind=target.gateway_kind, auth=target.auth, method=ev.method)
    seen = next((o for o in reading.observations if o.hop is HopName.GATEWAY), None)
    if seen is None:
        seen = HopObservation(HopName.GATEWAY, "response", HopStatus.UNKNOWN, None, (f"status: {ev.response.status}",))
    tell(redact_all(replace(seen, elapsed_ms=ev.response.elapsed_ms), held))


def _with_header(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, value if k.lower() == name.lower() else v) for k, v in headers]


def _probe_after(
    target: Target,
    http: httpx.Client,
    ev: Evidence,
    correlation_id: str,
    path: str,
    cancel: threading.Event | None = None,
    looking: Callable[[], None] | None = None,
) -> None:
    if target.control_url:
        ev.record = fetch_ground_truth(http, target.control_url, correlation_id)
    if ev.response is not None:
        view = echo_view(ev.response)
        if view is not None:
            ev.iis_view, ev.iis_view_source = view, "IIS echo endpoint"
    if target.log_path or target.httperr_path:
        _search_iis_logs(target, ev, correlation_id, cancel, looking)
    subject_header = target.subject_header
    if target.iis_url and subject_header and not ev.direct_to_iis and target.environment != "production":
        ev.spoof = cached_spoof_check(
            http,
            target.iis_url,
            target.echo_path or path,
            subject_header,
            correlation=(target.correlation_header, derived_correlation_id(correlation_id, SPOOF_CHECK_PURPOSE)),
        )


TIMEOUT_LOG_WAIT = 5.0
"""Seconds a trace keeps looking for IIS's line after an integration timeout (found lines end the wait at once)."""


def _search_iis_logs(
    target: Target,
    ev: Evidence,
    correlation_id: str,
    cancel: threading.Event | None,
    looking: Callable[[], None] | None,
) -> None:
    """This request's IIS log line (by correlation id, else by time, method and path) or its HTTPERR refusal.

    IIS writes its log asynchronously, so the search polls up to ``[iis] log_wait`` seconds; with ground truth
    (the sandbox) it looks once, for the pane's decoded line only."""
    query = LogQuery(
        correlation_id,
        target.correlation_header,
        sent_at=ev.started_at or time.time(),
        finished_at=time.time(),
        method=ev.method,
        path=urlsplit(ev.url).path,
    )
    wait = 0.0 if ev.record is not None or _answered_before_iis(target, ev) else target.log_wait
    if ev.response is not None and ev.response.status == 504:
        # The gateway stopped waiting (integration timeout) while IIS kept working: its line comes only when IIS
        # finishes, after the answer Baton got, so look for it a while even where the sandbox logs at once.
        wait = max(wait, TIMEOUT_LOG_WAIT)
    found = search_logs(query, target.log_path, target.httperr_path, wait=wait, cancel=cancel, waiting=looking)
    ev.log_search = found
    if found.by_id:
        ev.log_line = line_text(found.by_id[-1])
    seen = log_observation(found, target.correlation_header)
    if seen is not None:
        ev.observations.append(seen)


def _answered_before_iis(target: Target, ev: Evidence) -> bool:
    """True when the gateway or its authorizer answered itself: IIS logged nothing to wait for (one look is enough)."""
    from console.engine.diagnosis.response import read_response

    if ev.response is None:
        return True
    reading = read_response(ev.response, gateway_kind=target.gateway_kind, auth=target.auth, method=ev.method)
    return reading.producer in (HopName.GATEWAY, HopName.AUTHORIZER)


def _interruptible(cancel: threading.Event | None, work: Callable[[], T]) -> T:
    """Run blocking network work so that a cancel returns at once (the request finishes unseen).

    Without a cancel event nothing can cancel, so the work runs inline: a thread hand-off costs more
    than a loopback request when the GIL is shared (sys.getswitchinterval() is 5 ms).
    """
    if cancel is None:
        return work()
    if cancel.is_set():
        raise TraceCancelled("cancelled")
    box: dict[str, Any] = {}
    done = threading.Event()

    def runner() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=runner, daemon=True, name="baton-trace-io").start()
    # Wake as soon as the work is done; look at the cancel flag every 20 ms meanwhile.
    while not done.wait(0.02):
        if cancel.is_set():
            raise TraceCancelled("cancelled")
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def _failed(
    trace_id: str,
    correlation_id: str,
    target: Target,
    request: TraceRequest,
    url: str,
    started: float,
    ev: Evidence,
    exc: TraceError,
) -> Trace:
    hop_name = exc.hop
    message = exc.one_line()
    hops: list[Hop] = []
    for name in HOP_ORDER:
        seen = tuple(o for o in ev.observations if o.hop is name)
        if seen:
            hops.append(Hop(name, seen[0].status, seen[0].identity, seen[0].evidence, seen[0].elapsed_ms, seen))
        elif name is hop_name:
            hops.append(Hop(name, HopStatus.UNKNOWN, evidence=(message,)))
        else:
            hops.append(
                Hop(
                    name,
                    HopStatus.UNKNOWN
                    if hop_name is None or HOP_ORDER.index(name) < HOP_ORDER.index(hop_name)
                    else HopStatus.NOT_REACHED,
                )
            )
    verdict = Verdict(False, None, None, f"the trace could not run: {message}")
    return Trace(
        trace_id=trace_id,
        correlation_id=correlation_id,
        profile=target.profile,
        request=request,
        url=url,
        started_at=started,
        hops=tuple(hops),
        findings=(),
        verdict=verdict,
        token=ev.token,
        response=ev.response,
        scenario=target.scenario,
        error=message,
    )
