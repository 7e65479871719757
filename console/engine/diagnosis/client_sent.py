"""What the caller sent bounds what ok can mean: an unsigned IAM request is never ok, no identity is said so."""

from __future__ import annotations

from dataclasses import replace

from console.engine.diagnosis.catalogue import hop_finding
from console.engine.diagnosis.evidence import Evidence
from console.engine.probes.iis import IisView
from console.model.findings import Finding, Severity
from console.model.profile import GatewayAuth
from console.model.trace import HopName, Verdict


def unsigned(ev: Evidence, refused_early: bool) -> list[Finding]:
    """auth = iam and no SigV4 signature went out: the request carries no IAM identity, so nothing can be ok.

    When the gateway or authorizer refused it, that refusal is the verdict and this explains it (a warning)."""
    if ev.target.auth != GatewayAuth.IAM:
        return []
    signed = any(
        k.lower() == "authorization" and v.strip().lower().startswith("aws4-hmac-sha256")
        for k, v in ev.sent_headers.items()
    )
    if signed:
        return []
    found = hop_finding(
        "client.request_unsigned",
        "the profile says auth = iam, but the request went out without a SigV4 signature (no Authorization: "
        "AWS4-HMAC-SHA256, no X-Amz-Date): API Gateway cannot know an IAM caller, so nothing that reached IIS "
        "can be the caller's identity",
        hop=HopName.CLIENT,
        evidence=("sent: no Authorization header",),
    )
    return [replace(found, severity=Severity.WARNING) if refused_early else found]


def as_sent(verdict: Verdict, ev: Evidence, view: IisView | None) -> Verdict:
    """An ok verdict for a caller that sent no identity says so, not "IIS resolved the caller"."""
    if not verdict.ok or view is None or view.user or not ev.sent_no_identity() or verdict.finding is not None:
        return verdict
    return replace(
        verdict,
        summary=f"no identity sent (auth = {ev.target.auth}): IIS served the request anonymously, as sent",
    )
