"""The hop finding catalogue (gateway, authorizer, integration, IIS, trace): code → severity, title, fix.

Token findings live in console/engine/tokens/catalogue.py; docs/findings.md lists both, and a test
keeps the three in step. Fixes are for users: they never cite the team's internal notes.
"""

from __future__ import annotations

from console.engine.tokens.catalogue import TOKEN_FINDINGS, Entry
from console.model.findings import Finding, Severity
from console.model.trace import Confidence, HopName

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

HOP_FINDINGS: dict[str, Entry] = {
    # -- API Gateway itself (before or around authorization) ------------------------------------
    "gateway.api_key_missing": Entry(
        E,
        "API key missing or not valid for this stage",
        "Send the x-api-key header with a key that belongs to a usage plan attached to this API stage "
        "(or an authorizer returning usageIdentifierKey when apiKeySource is AUTHORIZER).",
    ),
    "gateway.throttled": Entry(
        E,
        "Throttled by API Gateway (429)",
        "Retry with backoff; raise the stage/method or usage-plan rate and burst limits if this is normal "
        "traffic. Throttling hides identity problems: trace again once it passes.",
    ),
    "gateway.quota_exceeded": Entry(
        E,
        "Usage-plan quota exceeded (429 Limit Exceeded)",
        "Raise the usage plan quota or wait for its period to reset.",
    ),
    "gateway.missing_authentication_token": Entry(
        E,
        "No such route, or an IAM route called unsigned",
        "Check the method and path against the API's resources and the stage in the URL; IAM routes need "
        "a SigV4-signed request.",
    ),
    "gateway.resource_policy_denied": Entry(
        E,
        "Denied by the API's resource policy",
        "Allow this caller (account, VPC endpoint or source IP) in the API's resource policy and redeploy.",
    ),
    "gateway.policy_explicit_deny": Entry(
        E,
        "A resource or IAM policy explicitly denies this caller",
        "Find the Deny statement that matches this caller and method ARN, in the API's resource policy or in "
        "the caller's IAM policies (permission boundaries and SCPs too), and remove or narrow it; redeploy the "
        "API after changing its resource policy.",
    ),
    "gateway.request_validation_failed": Entry(
        E,
        "Refused by the method's request validator (400)",
        "Send the parameters, headers and body the method's request validator requires (its required "
        "parameters and body model), or change the validator; the request never reached the integration.",
    ),
    "gateway.integration_timeout": Entry(
        E,
        "Integration timed out before IIS answered",
        "Find what makes IIS slow (Kerberos/LDAP lookups, app start-up, app pool recycle); REST allows 29 s "
        "by default, HTTP APIs 30 s.",
    ),
    "gateway.integration_failure": Entry(
        E,
        "API Gateway could not reach IIS",
        "Check the integration URL, VPC link/NLB target health, security groups and the IIS binding "
        "certificate (host name, chain, expiry).",
    ),
    "gateway.log_contradicts_response": Entry(
        W,
        "The gateway's execution log for this request id contradicts the response",
        "Trace again and compare: a cache, CDN or proxy may replay an answer (with its x-amzn-RequestId) or alter "
        "it, a customised gateway response may change the status, or the profile's [aws] api_id and stage may not "
        "be the API this URL serves; until the log and the response agree, neither is this request's record.",
    ),
    "gateway.log_other_request": Entry(
        W,
        "The gateway's log lines for this request id carry another correlation id",
        "Trace again; if the log keeps naming another correlation id, the response's x-amzn-RequestId is replayed "
        "or cached (a CDN or proxy in front of the gateway), or something rewrites the correlation header.",
    ),
    # -- the authorizer -----------------------------------------------------------------------
    "authorizer.unauthorized": Entry(
        E,
        "Authorizer refused the token (401 Unauthorized)",
        "Decode the token (baton decode) against the authorizer's issuer, audience and scopes; check the "
        "identity source header is sent as the authorizer expects.",
    ),
    "authorizer.token_missing": Entry(
        E,
        "No token where the authorizer looks",
        "Send the token in the identity-source header (Authorization by default), in the format the "
        "authorizer's validation regex expects.",
    ),
    "authorizer.explicit_deny": Entry(
        E,
        "Authorizer returned an explicit Deny",
        "The Lambda authorizer denied this caller on purpose: check its rules (groups, claims, method) for "
        "this principal.",
    ),
    "authorizer.implicit_deny": Entry(
        E,
        "Authorizer policy does not cover this method",
        "Make the policy's Resource cover this method ARN (a wildcard such as arn:…/stage/*/*), or lower "
        "the authorizer cache TTL.",
    ),
    "authorizer.cached_policy_mismatch": Entry(
        E,
        "Cached authorizer policy from another route",
        "The policy cached for this token names another route's method ARN: return a wildcard Resource "
        "(arn:…/stage/*/*) or set the authorizer cache TTL to 0; flush the stage authorizer cache.",
    ),
    "authorizer.configuration_error": Entry(
        E,
        "Authorizer failed or is misconfigured (500)",
        "Check the authorizer Lambda's logs, its invoke permission for apigateway.amazonaws.com and its "
        "output shape (principalId, policyDocument, flat context).",
    ),
    "authorizer.context_missing_identity": Entry(
        E,
        "Authorizer allowed, but carries no identity",
        "Return the caller's identity from the authorizer (a real principalId and context keys such as "
        "sub/username), so the integration can map it to IIS.",
    ),
    "authorizer.insufficient_scope": Entry(
        E,
        "Token lacks a scope the route requires (HTTP API)",
        "Request the token with the route's authorization scopes.",
    ),
    "authorizer.iam_policy_missing": Entry(
        E,
        "The caller's IAM policy does not allow execute-api:Invoke",
        "Attach a policy to the calling IAM user or role that allows execute-api:Invoke on this method's ARN "
        "(arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>).",
    ),
    "authorizer.iam_signature_invalid": Entry(
        E,
        "SigV4 signature rejected",
        "Sign with the right credentials, region and service (execute-api); check the canonical request.",
    ),
    "authorizer.iam_signature_expired": Entry(
        E, "SigV4 signature expired (clock skew)", "Sync the caller's clock; SigV4 allows 5 minutes of skew."
    ),
    # -- the integration request ----------------------------------------------------------------
    "integration.claim_header_missing": Entry(
        E,
        "Identity header not sent to IIS",
        "Map the claim to the header in the integration request "
        "(integration.request.header.X-User-Sub = context.authorizer.claims.sub) and redeploy the stage.",
    ),
    "iis.header_lost_after_gateway": Entry(
        E,
        "Identity header lost between API Gateway and IIS",
        "Look between API Gateway and IIS: a proxy or load balancer that drops or renames the header, an IIS URL "
        "Rewrite rule that clears it, or IIS refusing a header whose name has an underscore; API Gateway did send it.",
    ),
    "integration.claim_header_empty": Entry(
        E,
        "Identity header sent empty",
        "The mapped claim is absent from this token type or context path (claims.sub vs sub); map a claim "
        "the token carries.",
    ),
    "integration.identity_header_appended": Entry(
        E,
        "Client's own identity header reached IIS with the mapped one",
        "Overwrite, never append: use overwrite:header.X (HTTP API) or an explicit mapping (REST), and "
        "strip client-sent identity headers; IIS must never see a caller-chosen identity.",
    ),
    "integration.identity_altered": Entry(
        E,
        "IIS received a different identity than the token's",
        "Check the mapping expression and any proxy between API Gateway and IIS that rewrites headers.",
    ),
    "integration.identity_header_duplicated": Entry(
        E,
        "More than one identity header reached IIS",
        "Send exactly one identity header: overwrite it in the integration (overwrite:header.X on an HTTP API, an "
        "explicit mapping on REST), strip client-sent copies in any case spelling, and check proxies between API "
        "Gateway and IIS; which copy IIS reads decides who the caller is.",
    ),
    "integration.config_contradicts_profile": Entry(
        W,
        "The API's mappings do not send what the profile expects",
        "Map each propagated header from the claim the profile names (baton aws inspect shows the update-integration "
        "command) and redeploy the stage; if the profile is the one that is wrong, correct its [propagation].",
    ),
    "integration.config_contradicts_iis": Entry(
        W,
        "IIS received headers the API's configuration does not explain",
        "Check which deployment the stage serves (aws apigateway get-stage) against the configuration read, and look "
        "for whatever else sets the header: a proxy in front of IIS, a caller-sent header an HTTP_PROXY integration "
        "passes through, or an echo that does not show what IIS received.",
    ),
    "integration.log_contradicts_iis": Entry(
        W,
        "IIS received identity headers the gateway's log says it did not send",
        "Find what sets the header between API Gateway and IIS (a proxy, load balancer or IIS rewrite rule), check "
        "that the echo shows what IIS itself received, and trace again to see whether the log lines are this "
        "request's.",
    ),
    "integration.correlation_id_missing": Entry(
        W,
        "Correlation id not forwarded to IIS",
        "Map the correlation header (or context.requestId) to IIS and log it as a custom W3C field, so "
        "gateway and IIS logs can be joined.",
    ),
    # -- IIS --------------------------------------------------------------------------------
    "iis.windows_auth_challenge": Entry(
        E,
        "IIS demands Windows authentication (401 Negotiate/NTLM)",
        "IIS ignores the gateway-asserted identity: enable anonymous authentication plus the trusted-header "
        "module for this site/app, or disable Windows authentication on it.",
    ),
    "iis.no_auth_method": Entry(
        E,
        "IIS 401.2: no authentication method accepts the request",
        "Enable the authentication IIS should use for gateway traffic (anonymous + trusted header); IIS "
        "cannot process Authorization: Bearer itself.",
    ),
    "iis.logon_failed": Entry(
        E,
        "IIS 401.1: logon failed",
        "Check the credentials or Kerberos/NTLM set-up between API Gateway's caller and IIS.",
    ),
    "iis.access_denied": Entry(
        E,
        "IIS refused the resolved user (401.3 / 403.x)",
        "Grant the user (or IUSR/app pool identity) access, or allow API Gateway's egress in IP restrictions.",
    ),
    "iis.request_header_too_large": Entry(
        E,
        "http.sys refused the request: headers too large (400)",
        "Shrink what is forwarded (the token, mapped claims, groups) or raise MaxFieldLength and "
        "MaxRequestBytes on the IIS host.",
    ),
    "iis.header_name_underscore": Entry(
        E,
        "Identity header name uses underscores",
        "Use hyphens (X-User-Sub): underscore names are dropped by proxies and collide with HTTP_ server "
        "variables at IIS, so the module reading X-User-Sub sees nothing.",
    ),
    "iis.spoofable_identity_header": Entry(
        E,
        "IIS trusts an identity header anyone can send",
        "Make IIS accept identity headers only from API Gateway: private integration (VPC link), client "
        "certificate, or a shared secret header mapped from a stage variable.",
    ),
    "iis.invalid_hostname": Entry(
        E,
        "http.sys refused the Host header (400 Invalid Hostname)",
        "Bind the IIS site to the host name API Gateway sends (the integration URL's host) or add a binding "
        "without a host name; pass the client's host in a mapped X-Forwarded-Host if the app needs it.",
    ),
    "iis.wrong_user": Entry(
        E,
        "IIS resolved a different user than the caller",
        "Find where IIS took this user from: the trusted-header module must read only the header the gateway "
        "overwrites with the token's claim; strip client-sent identity headers, and check that no Windows or "
        "Basic authentication persisted on a reused connection, and no default account, answers instead.",
    ),
    "iis.identity_lost": Entry(
        E,
        "IIS served the request without the caller's identity",
        "The gateway sent the identity but IIS resolved no user: check the trusted-header module's header "
        "name and the site's authentication settings.",
    ),
    "iis.identity_ambiguous": Entry(
        E,
        "IIS's view names more than one user",
        "Fix the echo endpoint (or what feeds it) so it reports exactly one user; until then Baton cannot tell "
        "which identity IIS resolved.",
    ),
    "iis.error": Entry(
        E,
        "IIS refused the request (401) without saying why",
        "Read the IIS W3C log line for this correlation id: 401.1 is a failed logon, 401.2 no accepted "
        "authentication method, 401.3 an ACL; an application's own 401 often means the identity header never "
        "arrived.",
    ),
    "iis.http_error": Entry(
        E,
        "IIS answered an HTTP error",
        "Read the status and substatus meaning and the site's W3C/FREB logs for this correlation id; configure "
        "[iis] echo_path or log_path so Baton can show whether IIS resolved the caller.",
    ),
    "iis.request_failed": Entry(
        W,
        "The caller reached IIS intact, but the request failed",
        "The identity is fine: fix the request itself (path, method, the application's error) using IIS's "
        "status and substatus and its W3C/FREB log for this correlation id.",
    ),
    "iis.redirected": Entry(
        E,
        "IIS redirected instead of serving the request",
        "A redirect (3xx) means the resource was not served; a redirect to a sign-in page means the application "
        "did not accept the identity it received (forms or cookie authentication in front of the trusted "
        "header): let the application accept the gateway's identity header for this path, or trace the path "
        "the redirect should not have happened for.",
    ),
    # -- the client (Baton acting as the caller) --------------------------------------------
    "client.request_unsigned": Entry(
        E,
        "The request was sent unsigned to an IAM (SigV4) route",
        "With auth = iam a request without a SigV4 signature carries no IAM identity. Baton signs its trace with "
        "the credentials of the profile's [aws] session (profile, SSO, AWS_* variables or a role): give it those "
        "credentials (`baton aws whoami --profile P` shows whose they are); `aws apigateway test-invoke-method` "
        "runs the route too, but it bypasses authorization (its identity.userArn is your own).",
    ),
    "client.identity_header_sent": Entry(
        W,
        "The test request itself sent the identity header",
        "Do not send the identity header from the client: the gateway must set it from the token. Trace without "
        "it (or with a decoy value the gateway must overwrite) to see whether the integration maps it.",
    ),
    # -- the trace itself -------------------------------------------------------------------
    "trace.identity_unconfirmed": Entry(
        W,
        "No probe shows which identity IIS saw",
        "Configure [iis] echo_path (an endpoint returning what IIS received) or log_path with a "
        "correlation-id field, so Baton can confirm the identity that reached IIS.",
    ),
    "trace.response_unrecognised": Entry(
        W,
        "Could not tell which hop produced this response",
        "Look at the raw response; a customised gateway response or a proxy in front of IIS may hide the "
        "usual signals (x-amzn-ErrorType, x-amzn-Remapped-Server).",
    ),
}

ALL_FINDINGS: dict[str, Entry] = {**TOKEN_FINDINGS, **HOP_FINDINGS}


def hop_finding(
    code: str,
    detail: str,
    *,
    hop: HopName,
    confidence: Confidence = Confidence.CERTAIN,
    evidence: tuple[str, ...] = (),
    fix: str = "",
) -> Finding:
    """A Finding for any catalogued code, placed at a hop with a confidence; ``fix`` replaces the generic fix
    with one built from the profile (its header, claim and probes)."""
    entry = ALL_FINDINGS[code]
    return Finding(
        code=code,
        severity=entry.severity,
        title=entry.title,
        detail=detail,
        fix=fix or entry.fix,
        hop=hop,
        confidence=confidence,
        evidence=evidence,
    )
