"""Time claims for people: UTC times and "in 4 min" / "expired 2 h ago" (pure; used by engine, CLI and widgets)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.model.token import DecodedToken, TimeClaim

TIME_CLAIMS = ("exp", "nbf", "iat", "auth_time")


def numeric_date(value: Any) -> float | None:
    """The value as seconds since the epoch, or None when it is not a usable NumericDate."""
    kind = value.__class__
    if kind is not int and kind is not float:  # bool is an int subclass, and not a date
        return None
    if not 0 <= value <= 253402300799:  # before 1970 or after 9999-12-31; NaN fails this too
        return None
    return float(value)


def time_name(name: str) -> str | None:
    """The time claim a key names (``exp``, ``claims.exp``, ``jwt.claims.auth_time`` → its last part), or None."""
    last = name.rsplit(".", 1)[-1].rsplit(":", 1)[-1].lower()
    return last if last in TIME_CLAIMS else None


def epoch_of(value: Any) -> float | None:
    """A NumericDate given as a number or, as authorizer context and headers carry it, as decimal text."""
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 20 or not text.replace(".", "", 1).isdigit():
            return None
        value = float(text)
    return numeric_date(value)


def span(seconds: float) -> str:
    """A short human duration: 45 s, 4 min, 2 h, 3 d."""
    s = abs(seconds)
    if s < 90:
        return f"{round(s)} s"
    if s < 90 * 60:
        return f"{round(s / 60)} min"
    if s < 36 * 3600:
        return f"{round(s / 3600)} h"
    return f"{round(s / 86400)} d"


def utc_text(value: float) -> str:
    """ISO-8601 UTC with a Z."""
    return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(name: str, value: Any, now: float) -> TimeClaim:
    """One time claim as a person reads it, relative to ``now``."""
    from console.model.token import TimeClaim  # not at import: the console's first paint never needs the token model

    when = numeric_date(value)
    if when is None:
        return TimeClaim(name, value, None, f"not a NumericDate ({type(value).__name__})")
    delta = when - now
    future, past = f"in {span(delta)}", f"{span(delta)} ago"
    if name == "exp":
        relative = f"expires {future}" if delta > 0 else f"expired {past}"
    elif name == "nbf":
        relative = f"valid {future}" if delta > 0 else f"valid since {past}"
    elif name == "iat":
        relative = f"issued {past}" if delta <= 0 else f"issued {future} (in the future)"
    else:
        relative = future if delta > 0 else past
    return TimeClaim(name, value, utc_text(when), relative)


def describe_times(token: DecodedToken, now: float) -> list[TimeClaim]:
    """Every time claim the token has, in a fixed order."""
    return [describe(n, token.claims[n], now) for n in TIME_CLAIMS if n in token.claims]


def time_text(name: str, value: Any, now: float) -> str | None:
    """A time-named value as a person reads it: ``2026-01-01T00:59:40Z (expires in 59 min)``; None when ``name``
    is no time claim or ``value`` no date (the caller shows it as it is)."""
    claim = time_name(name)
    when = epoch_of(value) if claim else None
    if claim is None or when is None:
        return None
    told = describe(claim, when, now)
    return f"{told.utc} ({told.relative})"
