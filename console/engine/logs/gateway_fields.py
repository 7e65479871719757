"""The values of an API Gateway access-log object the join needs, found under the key names people use.

Keys are read as operators name them in their access-log format (first non-empty wins; ``-`` and ``""`` are empty,
as API Gateway writes absent values; a dotted name is tried flat first, then as a path into nested objects):

- request id: ``requestId``, ``request_id``; ``UUID_REPLACED_INVALID_REQUEST_ID`` (a client override that was not a
  UUID, domain §1.10) is not an id. Extended id: ``extendedRequestId``, ``extended_request_id``.
- correlation id: ``correlationId``, ``correlation_id``, ``X-Correlation-Id``, ``xCorrelationId`` (or a key given).
- caller, in this order, every non-empty one kept: ``sub``, ``claims.sub``, ``authorizer.claims.sub``,
  ``authorizer.sub``, ``principalId``, ``authorizerPrincipalId``, ``authorizer.principalId``, ``user``, ``caller``,
  ``identity.user``, ``identity.caller``.
- status ``status``/``statusCode``; method ``httpMethod``/``method`` (else the verb of ``routeKey``); path ``path``,
  ``resourcePath``, ``routeKey``; time ``requestTime`` (CLF) or ``requestTimeEpoch`` (ms); backend status
  ``integrationStatus``/``integration.status``; error type ``errorResponseType``, ``responseType``,
  ``error.responseType``.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

__all__ = [
    "CALLER_KEYS",
    "CORRELATION_KEYS",
    "EXTENDED_ID_KEYS",
    "NOT_AN_ID",
    "REQUEST_ID_KEYS",
    "GatewayFields",
    "clf_time",
    "extract",
    "first_source",
    "shape_plan",
    "status_of",
    "value_of",
]

REQUEST_ID_KEYS = ("requestId", "request_id")
EXTENDED_ID_KEYS = ("extendedRequestId", "extended_request_id")
CORRELATION_KEYS = ("correlationId", "correlation_id", "X-Correlation-Id", "xCorrelationId")
CALLER_KEYS = (
    "sub",
    "claims.sub",
    "authorizer.claims.sub",
    "authorizer.sub",
    "principalId",
    "authorizerPrincipalId",
    "authorizer.principalId",
    "user",
    "caller",
    "identity.user",
    "identity.caller",
)
STATUS_KEYS = ("status", "statusCode")
METHOD_KEYS = ("httpMethod", "method")
PATH_KEYS = ("path", "resourcePath", "routeKey")
INTEGRATION_KEYS = ("integrationStatus", "integration.status")
ERROR_TYPE_KEYS = ("errorResponseType", "responseType", "error.responseType")
TIME_KEYS = ("requestTime", "requestTimeEpoch")
NOT_AN_ID = "UUID_REPLACED_INVALID_REQUEST_ID"
_MONTHS = {
    m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)
}


class GatewayFields(NamedTuple):
    """The values of one access-log object the join and the record need (empty values are None)."""

    request_id: str | None
    extended_request_id: str | None
    correlation_id: str | None
    callers: tuple[str, ...]
    status: int | None
    integration_status: int | None
    error_type: str | None
    method: str
    path: str
    time: str | None


_new_fields = functools.partial(tuple.__new__, GatewayFields)
_Getter = str | tuple[str, ...]
_Plan = tuple[
    Callable[[dict[str, Any]], tuple[Any, ...]],
    Callable[[tuple[Any, ...]], "GatewayFields"],
    tuple[Any, ...],
    tuple["_Getter", ...],
]
_EMPTY: dict[Any, None] = {"-": None, "": None}
_TEXT_TYPES = frozenset({str, type(None)})
_PLANS: dict[tuple[object, ...], _Plan] = {}
_PLAN_CAP = 256  # distinct key sets remembered; a hostile file with a new shape per line only costs speed
_GROUPS = (
    REQUEST_ID_KEYS,
    EXTENDED_ID_KEYS,
    (),  # the correlation-id keys, given per call
    CALLER_KEYS,
    STATUS_KEYS,
    INTEGRATION_KEYS,
    ERROR_TYPE_KEYS,
    METHOD_KEYS,
    PATH_KEYS,
    TIME_KEYS,
    ("routeKey",),
)


def _getters(shape: set[str], names: tuple[str, ...]) -> tuple[_Getter, ...]:
    # A dotted name is a flat key when the object has it so, else a path into nested objects.
    out: list[_Getter] = []
    for name in names:
        if name in shape:
            out.append(name)
        elif "." in name and name.split(".", 1)[0] in shape:
            out.append(tuple(name.split(".")))
    return tuple(out)


def _get(obj: dict[str, Any], getter: _Getter) -> Any:
    if isinstance(getter, str):
        return obj.get(getter)
    value: Any = obj
    for part in getter:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _plan(obj: dict[str, Any], correlation_keys: tuple[str, ...]) -> _Plan:
    """How to fetch each value from objects with ``obj``'s keys in one C call (access-log lines share a format)."""
    cache_key = (correlation_keys, *obj)
    plan = _PLANS.get(cache_key)
    if plan is None:
        if len(_PLANS) >= _PLAN_CAP:
            _PLANS.clear()
        shape = set(obj)
        getters: list[_Getter] = []
        groups: list[Any] = []
        for names in _GROUPS:
            found = _getters(shape, names or correlation_keys)
            at = tuple(range(len(getters), len(getters) + len(found)))
            groups.append(at if len(at) > 1 or names is CALLER_KEYS else at[0] if at else -1)
            getters.extend(found)
        fetch: Callable[[dict[str, Any]], tuple[Any, ...]]
        if len(getters) > 1 and all(isinstance(g, str) for g in getters):
            fetch = operator.itemgetter(*getters)
        elif len(getters) == 1 and isinstance(getters[0], str):
            fetch = functools.partial(_fetch_one, getters[0])
        else:
            fetch = functools.partial(_fetch_each, tuple(getters))
        plan = _PLANS[cache_key] = (fetch, _compile(tuple(groups)), tuple(groups), tuple(getters))
    return plan


def shape_plan(
    obj: dict[str, Any], correlation_keys: tuple[str, ...]
) -> tuple[Callable[[dict[str, Any]], tuple[Any, ...]], tuple[Any, ...], tuple[str | tuple[str, ...], ...]]:
    """For objects shaped like ``obj``: the fetch of the values :func:`extract` reads (one C call), where each
    group of them is in its result (for gateway_rows, which makes the join's tuple from the same values), and what
    it fetches, in order (a key, or the path of a dotted name into nested objects)."""
    fetch, _, groups, getters = _plan(obj, correlation_keys or CORRELATION_KEYS)
    return fetch, groups, getters


def _fetch_one(key: str, obj: dict[str, Any]) -> tuple[Any, ...]:
    return (obj[key],)


def _fetch_each(getters: tuple[_Getter, ...], obj: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(_get(obj, g) for g in getters)


def value_of(obj: dict[str, Any], name: str) -> str | None:
    """The value of one key (flat, else a dotted path), None when empty."""
    for getter in _getters(set(obj), (name,)):
        value = _text(_get(obj, getter))
        if value is not None:
            return value
    return None


def extract(obj: dict[str, Any], correlation_keys: tuple[str, ...] = ()) -> GatewayFields:
    """The values the join needs, by the key names in the module docstring (``correlation_keys`` replaces the
    usual correlation-id names when given)."""
    fetch, pick, _, _ = _plan(obj, correlation_keys or CORRELATION_KEYS)
    raw = fetch(obj)
    try:
        values: tuple[Any, ...] = (*map(_EMPTY.get, raw, raw), None)  # "-" and "" are empty; [-1] is None
    except TypeError:  # an object or a list where text was expected
        values = (*map(_text, raw), None)
    if not _TEXT_TYPES.issuperset(map(type, values)):
        values = tuple(map(_text, values))  # numbers and booleans as text
    return pick(values)


def first_source(group: int | tuple[int, ...]) -> str:
    """Source text of a group's first non-empty value (values are non-empty text or None, so ``or`` finds it)."""
    if isinstance(group, int):
        return f"v[{group}]"
    return "(" + " or ".join(f"v[{i}]" for i in group) + ")" if group else "None"


def _compile(groups: tuple[Any, ...]) -> Callable[[tuple[Any, ...]], GatewayFields]:
    """The values tuple → GatewayFields in one generated function per key shape (the shape's indices written in;
    no logged text ever enters the source). ~2x faster than walking the groups per line, a million times."""
    g_rid, g_ext, g_corr, g_callers, g_status, g_integration, g_error, g_method, g_path, g_time, g_route = groups
    callers = ", ".join(f"v[{i}]" for i in g_callers)
    source = f"""
def pick(v):
    rid = {first_source(g_rid)}
    method = {first_source(g_method)}
    if method is None:
        route = {first_source(g_route)}
        method = route.split(" ", 1)[0] if route and " " in route else ""
    return new((
        None if rid == not_an_id else rid,
        {first_source(g_ext)},
        {first_source(g_corr)},
        tuple(dict.fromkeys(filter(None, ({callers}{"," if callers else ""})))),
        status({first_source(g_status)}),
        status({first_source(g_integration)}),
        {first_source(g_error)},
        method,
        {first_source(g_path)} or "",
        {first_source(g_time)},
    ))
"""
    scope: dict[str, Any] = {"new": _new_fields, "not_an_id": NOT_AN_ID, "status": status_of}
    exec(compile(source, "<gateway_fields.pick>", "exec"), scope)  # noqa: S102 - indices only, see above
    return scope["pick"]  # type: ignore[no-any-return]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return None if text in ("", "-") else text


def status_of(text: str | None) -> int | None:
    """An HTTP status from its logged text; None for ``-`` or anything not a 3-digit number."""
    # isascii: str.isdigit() is True for "²²²", which int() refuses
    return int(text) if text is not None and len(text) == 3 and text.isascii() and text.isdigit() else None


def clf_time(text: str | None) -> datetime.datetime | None:
    """``$context.requestTime`` (``17/May/2026:10:00:00 +0000``) or epoch milliseconds as UTC; None if unreadable."""
    if not text:
        return None
    if text.isascii() and text.replace(".", "", 1).isdigit():  # epoch: milliseconds as API Gateway logs, or seconds
        seconds = float(text) / 1000 if len(text.split(".")[0]) > 11 else float(text)
        try:
            return datetime.datetime.fromtimestamp(seconds, datetime.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        day, month, rest = text.split("/", 2)
        year, clock = rest[:4], rest[5:13]
        zone = rest[14:] or "+0000"
        at = datetime.datetime.fromisoformat(f"{year}-{_MONTHS[month]:02d}-{int(day):02d}T{clock}{zone}")
    except (KeyError, ValueError):
        return None
    return at.astimezone(datetime.UTC)
