"""`baton aws VERB`: what Baton asks AWS itself. Only the options live here; each verb's module (``aws_<verb>.py``)
is imported when that verb runs, and boto3 only then, so `baton aws --help` and `baton --help` never pay for it."""

from __future__ import annotations

import argparse
import importlib

VERBS: dict[str, str] = {
    "whoami": "who AWS says you are (STS GetCallerIdentity), with the region and endpoint used",
    "inspect": "what the API (REST or HTTP) is configured to send IIS for the request, with findings and fixes",
    "authorize": "what the API's authorizer decides for this token and request, asked of AWS (or evaluated locally)",
    "logs": "this request's gateway execution and access log lines from CloudWatch, by x-amzn-RequestId",
    "query": "a CloudWatch Logs Insights query over many requests (the service scans; the query is shown)",
    "diff": "differences between two profiles' identity chains that change who reaches IIS (configuration drift)",
}
OWN_OPTIONS = ("authorize", "logs", "query", "diff")
"""Verbs whose options live in their own light ``aws_<verb>_args.py`` (no boto3 there: --help must stay cheap)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The verbs of `baton aws` and their options."""
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=type(parser))
    made = {name: verbs.add_parser(name, help=text, description=text) for name, text in VERBS.items()}

    whoami = made["whoami"]
    whoami.epilog = (
        "Credentials come from the standard AWS chain (the [aws] profile, SSO, AWS_* variables, an assumed role); "
        "the endpoint from [aws] endpoint_url, else AWS_ENDPOINT_URL, else AWS. Exit 0: the identity; 2: a profile or "
        "AWS failure (one line), including an endpoint that does not answer like AWS."
        ' With --json a failure is also one JSON document on stdout ({"ok": false, "error": {"message", "kind", '
        '"exit_code"}}); stderr keeps its one line.'
    )
    whoami.add_argument(
        "--profile",
        metavar="NAME|FILE",
        help="Baton profile whose [aws] table to use (default: no profile, the standard AWS chain alone)",
    )
    whoami.add_argument("--json", action="store_true", help="one JSON document")

    inspect = made["inspect"]
    inspect.epilog = (
        "Reads the [aws] api_id and stage (REST: apigateway GetStage, GetDeployments, GetResources, GetMethod, "
        "GetAuthorizers; HTTP: apigatewayv2 GetStage, GetDeployments, GetRoutes, GetIntegration, GetAuthorizer) and "
        "checks them against [propagation] headers and [identity] token_use. Fix commands "
        "are shown, never run. A request that reaches no method is an error finding (API Gateway answers it itself). "
        "Literal credentials in mappings are shown masked. Exit 0: no error finding; 1: an error finding; 2: profile, "
        "usage or AWS failure (an endpoint that does not answer like AWS included)."
        ' With --json a failure is also one JSON document on stdout ({"ok": false, "error": {"message", "kind", '
        '"exit_code"}}); stderr keeps its one line.'
    )
    inspect.add_argument("--profile", metavar="NAME|FILE", help="Baton profile with an [aws] table (default: sandbox)")
    inspect.add_argument("--path", metavar="PATH", help="request path after the stage (default: from [gateway] url)")
    inspect.add_argument("--method", metavar="M", default="GET", help="HTTP method of the request (default: GET)")
    inspect.add_argument("--json", action="store_true", help="one JSON document")

    for name in OWN_OPTIONS:
        importlib.import_module(f"console.commands.aws_{name}_args").add_arguments(made[name])


def run(args: argparse.Namespace) -> int:
    """Run the chosen verb; see each ``aws_<verb>`` module for its exit codes."""
    module = importlib.import_module(f"console.commands.aws_{args.verb}")
    code: int = module.run(args)
    return code
