"""A REST stage's deployed snapshot from GetExport (OpenAPI 3.0 or Swagger 2.0, with the ``integrations`` and
``authorizers`` extensions), turned into the GetMethod and GetAuthorizers shapes config_read builds its model from.

Pure: no boto3. Field names follow AWS's OpenAPI extensions (x-amazon-apigateway-integration, -authorizer,
-authtype, -any-method); which of them a real export carries was read from the AWS docs, not observed here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

INTEGRATION = "x-amazon-apigateway-integration"
AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
ANY_METHOD = "x-amazon-apigateway-any-method"
VERBS = ("get", "put", "post", "delete", "options", "head", "patch")
EXPORT_PARAMETERS = {"extensions": "integrations,authorizers"}
"""GetExport's ``parameters``: the integration (mappings, templates) and authorizer extensions of each method."""


class ExportUnusable(ValueError):
    """The export is not a stage snapshot Baton can read; the message says why."""


@dataclass(frozen=True, slots=True)
class StageSnapshot:
    """The operations a stage serves (path → method, ``ANY`` for the any-method) and its security schemes."""

    operations: Mapping[str, Mapping[str, Mapping[str, Any]]]
    schemes: Mapping[str, Mapping[str, Any]]

    @property
    def paths(self) -> tuple[str, ...]:
        """The resource paths of the snapshot, sorted."""
        return tuple(sorted(self.operations))


def _text(body: Any) -> str:
    raw = body.read() if hasattr(body, "read") else body
    if isinstance(raw, bytes | bytearray):
        return bytes(raw).decode("utf-8", "replace")
    return str(raw or "")


def parse_export(body: Any) -> StageSnapshot:
    """The snapshot in a GetExport body (bytes, text or a stream); ExportUnusable when it is not one."""
    try:
        document = json.loads(_text(body))
    except ValueError:
        raise ExportUnusable("GetExport's answer is not JSON") from None
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict):
        raise ExportUnusable("GetExport's answer has no paths")
    operations: dict[str, dict[str, Mapping[str, Any]]] = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        found: dict[str, Mapping[str, Any]] = {
            ("ANY" if key == ANY_METHOD else str(key).upper()): op
            for key, op in item.items()
            if isinstance(op, dict) and (key == ANY_METHOD or key in VERBS)
        }
        operations[str(path)] = found
    if not any(INTEGRATION in op for ops in operations.values() for op in ops.values()):
        # A deployment needs an integration on every method, so a real export with the extension always has some.
        raise ExportUnusable(
            f"GetExport's answer carries no {INTEGRATION} (the endpoint ignored the integrations extension)"
        )
    components = document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if schemes is None:
        schemes = document.get("securityDefinitions")  # Swagger 2.0
    usable = {str(k): v for k, v in (schemes or {}).items() if isinstance(v, dict)}
    return StageSnapshot(operations, usable)


def _scheme_kind(scheme: Mapping[str, Any]) -> str:
    """``AWS_IAM``, ``COGNITO_USER_POOLS``, ``CUSTOM`` (a Lambda authorizer) or ``API_KEY``."""
    authtype = str(scheme.get(AUTHTYPE, "") or "").lower()
    authorizer = scheme.get(AUTHORIZER)
    kind = str(authorizer.get("type", "") or "").lower() if isinstance(authorizer, dict) else ""
    if authtype == "awssigv4":
        return "AWS_IAM"
    if kind == "cognito_user_pools" or authtype == "cognito_user_pools":
        return "COGNITO_USER_POOLS"
    if kind in ("token", "request") or authtype in ("custom", "oauth2"):
        return "CUSTOM"
    return "API_KEY"


def authorizer_raw(name: str, scheme: Mapping[str, Any], ident: str) -> dict[str, Any]:
    """A GetAuthorizers item for the scheme named ``name`` (``ident``: its id in the current configuration)."""
    body = scheme.get(AUTHORIZER)
    body = body if isinstance(body, dict) else {}
    kind = str(body.get("type", "") or scheme.get(AUTHTYPE, "") or "").upper()
    source = str(body.get("identitySource", "") or "")
    if not source and scheme.get("in") == "header" and scheme.get("name"):
        source = f"method.request.header.{scheme['name']}"  # a TOKEN or Cognito scheme names its header
    raw: dict[str, Any] = {
        "id": ident,
        "name": name,
        "type": kind,
        "identitySource": source,
        "providerARNs": [str(arn) for arn in body.get("providerARNs", []) or []],
        "authorizerUri": str(body.get("authorizerUri", "") or ""),
        "identityValidationExpression": str(body.get("identityValidationExpression", "") or ""),
    }
    ttl = body.get("authorizerResultTtlInSeconds")
    if ttl is not None and str(ttl).strip().isdigit():  # the docs type it "string"; their examples give numbers
        raw["authorizerResultTtlInSeconds"] = int(str(ttl).strip())
    return raw


def snapshot_method(
    snapshot: StageSnapshot, path: str, verb: str, authorizer_ids: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The GetMethod answer (with ``methodIntegration``) for ``verb path`` as deployed, and its authorizer's
    GetAuthorizers item; ``authorizer_ids``: name → id in the current configuration (an export names, not ids)."""
    operation = snapshot.operations[path][verb]
    method: dict[str, Any] = {"httpMethod": verb, "authorizationType": "NONE", "apiKeyRequired": False}
    authorizer: dict[str, Any] | None = None
    for requirement in operation.get("security", []) or []:
        for name, scopes in (requirement or {}).items():
            scheme = snapshot.schemes.get(str(name), {})
            kind = _scheme_kind(scheme)
            if kind == "API_KEY":
                method["apiKeyRequired"] = True
                continue
            method["authorizationType"] = kind
            if kind == "AWS_IAM":
                continue
            ident = authorizer_ids.get(str(name), str(name))
            method["authorizerId"] = ident
            method["authorizationScopes"] = [str(scope) for scope in scopes or []]
            authorizer = authorizer_raw(str(name), scheme, ident)
    integration = operation.get(INTEGRATION, {}) or {}
    method["methodIntegration"] = {
        "type": str(integration.get("type", "") or "").upper(),
        "uri": str(integration.get("uri", "") or ""),
        "requestParameters": dict(integration.get("requestParameters", {}) or {}),
        "requestTemplates": dict(integration.get("requestTemplates", {}) or {}),
    }
    return method, authorizer
