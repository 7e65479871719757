"""The verdict on one request seen at the gateway, at IIS, or at only one of them; and when two callers are one.

Order of judgement for a request both logged: IIS answered 401/403 → REFUSED_AT_IIS (whoever the callers were);
no caller at the gateway but one at IIS → ALTERED (IIS trusts an identity nobody authenticated: a client-sent
header passed through, say); a gateway caller and none at IIS → LOST; callers that are not the same account →
ALTERED; the same account name in realms the logs cannot prove are one → NAME_ONLY (never counted as intact); else
INTACT (no caller at either hop is intact too: an open route stayed open). A request the gateway answered itself
(a gateway error type logged, no integration status) that IIS nonetheless logged is BYPASSED: IIS served a request the
gateway never forwarded (a replayed or copied correlation id).

A request only the gateway logged is REFUSED_AT_GATEWAY when the gateway answered it itself (no integration status,
and a gateway error type such as UNAUTHORIZED/THROTTLED, or, with neither logged, status 401/403/429), otherwise
MISSING_AT_IIS, or NOT_JOINABLE when the IIS log of its time has no correlation field (its line may be there; nobody can
tell which). A request only IIS logged, or an IIS line with no correlation value, is BYPASSED, unless it is
ID_NOT_PROPAGATED (evidence says it came through the gateway without its id: see join_lostid) or BATON_PROBE:
one of the requests every trace sends straight to IIS on purpose (its warm-ups and spoof check), whose id
is derived from an id the gateway logged (console.engine.target.is_own_correlation_id) with a purpose Baton uses.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "GATEWAY_ERROR_TYPES",
    "JoinVerdict",
    "is_baton_probe",
    "judge_both",
    "judge_gateway_only",
    "same_caller",
    "same_name",
]


class JoinVerdict(StrEnum):
    """What happened to the caller's identity between the gateway and IIS, per request."""

    INTACT = "intact"
    LOST = "lost"
    ALTERED = "altered"
    REFUSED_AT_IIS = "refused_at_iis"
    MISSING_AT_IIS = "missing_at_iis"
    BYPASSED = "bypassed"
    REFUSED_AT_GATEWAY = "refused_at_gateway"
    """The gateway answered without calling the backend: no IIS line is expected, so it is not "missing"."""
    BATON_PROBE = "baton_probe"
    """A trace's own warm-up or spoof check, sent straight to IIS on purpose: not traffic around the gateway."""
    NAME_ONLY = "name_only"
    """Both hops logged the same account name, but the realms cannot be verified to be one: never intact."""
    NOT_JOINABLE = "not_joinable"
    """The gateway forwarded it, but the IIS log of its time has no correlation field: its line cannot be found."""
    ID_NOT_PROPAGATED = "id_not_propagated"
    """An IIS line whose correlation id no gateway record has, yet it came through the gateway by the evidence (an
    ``AmazonAPIGateway_`` User-Agent, or a forwarded gateway request with no IIS line at its time, method and path):
    the id was not mapped or was dropped. Never a bypass; a guess, so never intact either."""

    @property
    def words(self) -> str:
        """The verdict as a person reads it: ``refused at IIS``."""
        if self is JoinVerdict.BATON_PROBE:
            return "Baton's own probe"
        if self is JoinVerdict.NAME_ONLY:
            return "same name, realm not verified"
        if self is JoinVerdict.ID_NOT_PROPAGATED:
            return "correlation id not propagated"
        return self.value.replace("_", " ").replace(" iis", " IIS")


GATEWAY_ERROR_TYPES = frozenset(
    {
        "ACCESS_DENIED",
        "API_CONFIGURATION_ERROR",
        "AUTHORIZER_CONFIGURATION_ERROR",
        "AUTHORIZER_FAILURE",
        "BAD_REQUEST_BODY",
        "BAD_REQUEST_PARAMETERS",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
        "EXPIRED_TOKEN",
        "INVALID_API_KEY",
        "INVALID_SIGNATURE",
        "MISSING_AUTHENTICATION_TOKEN",
        "QUOTA_EXCEEDED",
        "REQUEST_TOO_LARGE",
        "RESOURCE_NOT_FOUND",
        "THROTTLED",
        "UNAUTHORIZED",
        "UNSUPPORTED_MEDIA_TYPE",
        "WAF_FILTERED",
    }
)
"""Gateway response types API Gateway produces without calling the integration (INTEGRATION_FAILURE and
INTEGRATION_TIMEOUT are not here: the backend was called)."""
_GATEWAY_STATUSES = (401, 403, 429)


def _account(user: str) -> tuple[str, str | None]:
    """(account name, realm) of ``DOMAIN\\name``, ``name@realm`` or a bare name, case-folded."""
    if "\\" in user:
        realm, _, name = user.rpartition("\\")
        return name.casefold(), realm.casefold() or None
    if "@" in user:
        name, _, realm = user.rpartition("@")
        if name:
            return name.casefold(), realm.casefold() or None
    return user.casefold(), None


def same_caller(gateway: str, iis: str) -> str | None:
    """How two logged identities are verifiably the same account (a note, ``""`` when equal as written), or None.

    Windows account names and UPNs are case-insensitive, so a case-only difference is the same caller, and so is an
    empty realm (``\\alice``, ``alice@``) beside none. Anything needing a guess about realms is not: see same_name."""
    if gateway == iis:
        return ""
    if gateway.casefold() == iis.casefold():
        return "same caller; only the letter case differs"
    g_name, g_realm = _account(gateway)
    i_name, i_realm = _account(iis)
    if g_name != i_name or g_realm != i_realm:
        return None
    if g_realm is None:
        return f"same caller; an empty realm is no realm ({gateway} / {iis})"
    return "same caller; only the letter case differs"


def same_name(gateway: str, iis: str) -> str | None:
    """A note when the account names agree but nothing in the logs proves the realms are one, else None.

    A realm on one side only (``alice`` vs ``FABRIKAM\\alice``): the bare side may mean any realm. A NetBIOS domain
    beside a DNS one whose first label it is (``CONTOSO\\alice`` vs ``alice@contoso.evil.com``): the NetBIOS name
    need not be that label, and anyone can own such a DNS name, so the mapping is a guess. Both are NAME_ONLY, never
    intact. Realms both given and visibly different (``CORP`` vs ``OTHER``) are different callers (None)."""
    g_name, g_realm = _account(gateway)
    i_name, i_realm = _account(iis)
    if g_name != i_name or g_realm == i_realm:
        return None
    if g_realm is None or i_realm is None:
        return f"same account name; the realm is logged on one side only, so it is not verified ({gateway} / {iis})"
    netbios, dns = (g_realm, i_realm) if "." not in g_realm else (i_realm, g_realm)
    if "." not in netbios and "." in dns and dns.split(".", 1)[0] == netbios:
        return (
            f"same account name; domain {netbios} may or may not be {dns}: the logs do not say which DNS domain a "
            "NetBIOS name stands for"
        )
    return None


def judge_both(
    callers: tuple[str, ...], iis_user: str | None, iis_code: int | None
) -> tuple[JoinVerdict, str | None, str]:
    """(verdict, the gateway caller shown, note) for a request both hops logged."""
    shown = callers[0] if callers else None
    if iis_code in (401, 403):
        return JoinVerdict.REFUSED_AT_IIS, shown, f"IIS answered {iis_code}"
    if not callers:
        if iis_user:
            return JoinVerdict.ALTERED, None, "IIS has a caller the gateway did not authenticate"
        return JoinVerdict.INTACT, None, "no caller at either hop"
    if not iis_user:
        return JoinVerdict.LOST, shown, "IIS logged no user"
    for caller in callers:
        note = same_caller(caller, iis_user)
        if note is not None:
            return JoinVerdict.INTACT, caller, note
    for caller in callers:
        note = same_name(caller, iis_user)
        if note is not None:
            return JoinVerdict.NAME_ONLY, caller, note
    return JoinVerdict.ALTERED, shown, "different callers"


def judge_gateway_only(status: int | None, integration_status: int | None, error_type: str | None) -> JoinVerdict:
    """REFUSED_AT_GATEWAY when the gateway answered by itself, else MISSING_AT_IIS (the backend was called)."""
    if integration_status is not None:
        return JoinVerdict.MISSING_AT_IIS
    if error_type is not None:
        refused = error_type.upper() in GATEWAY_ERROR_TYPES
        return JoinVerdict.REFUSED_AT_GATEWAY if refused else JoinVerdict.MISSING_AT_IIS
    return JoinVerdict.REFUSED_AT_GATEWAY if status in _GATEWAY_STATUSES else JoinVerdict.MISSING_AT_IIS


def is_baton_probe(key: str, gateway_keys: set[str] | frozenset[str]) -> bool:
    """Whether an IIS-only ``key`` is a trace's warm-up or spoof check: a Baton purpose derived from a gateway id.

    Only target.PROBE_PURPOSES, the ones trace.py derives ids for: any other suffix on a logged id is not Baton's,
    and a request IIS alone logged stays a bypass."""
    base, dot, purpose = key.rpartition(".")
    if not dot or not base:
        return False
    # Imported here: target imports httpx (~0.2 s of start-up), and only a dotted IIS-only key gets this far.
    from console.engine.target import is_own_correlation_id, is_probe_purpose

    return is_probe_purpose(purpose) and is_own_correlation_id(key, gateway_keys)
