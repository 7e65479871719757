"""Discovery order, shadowing, loading by name or path, and the Profile that comes out."""

from __future__ import annotations

from pathlib import Path

import pytest
from profilekit import MINIMAL, Write

from console.config import DEFAULT_PROFILE, discover_profiles, find_profile, load_profile
from console.errors import ProfileError
from console.model.expectations import Expectations
from console.model.profile import Environment, GatewayAuth, GatewayKind, IdentityFlow, SecretRef

FULL = (
    MINIMAL.replace('"dev"', '"production"')
    + """\
kind = "http"
auth = "jwt"
api_key = "env:BATON_API_KEY"

[identity]
flow = "client_credentials"
issuer = "https://idp.example.com"
audience = "api://orders"
token_url = "https://idp.example.com/token"
client_id = "cid"
client_secret = "file:secret.txt"
scopes = ["orders.read"]
token_use = "access"
leeway = 30
required_claims = ["sub", "email"]

[propagation]
headers = { "X-User-Id" = "sub", "X-User-Email" = "email" }

[iis]
echo_path = "/echo"
"""
)


def test_default_profile_is_the_shipped_sandbox(isolated: tuple[Path, Path]) -> None:
    profile = load_profile()
    assert DEFAULT_PROFILE == "sandbox"
    assert profile.name == "sandbox" and profile.uses_sandbox and profile.sandbox is not None
    assert profile.sandbox.scenario == "healthy"
    assert profile.environment is Environment.SANDBOX and profile.gateway is None


def test_load_by_path_builds_every_section(write: Write) -> None:
    path = write(FULL)
    profile = load_profile(path)
    assert profile.is_production and profile.source == str(path)
    assert profile.gateway is not None and profile.identity is not None
    assert (profile.gateway.kind, profile.gateway.auth) == (GatewayKind.HTTP, GatewayAuth.JWT)
    assert profile.gateway.api_key == SecretRef("env", "BATON_API_KEY", str(path.parent))
    assert profile.identity.flow is IdentityFlow.CLIENT_CREDENTIALS
    assert profile.identity.client_secret == SecretRef("file", "secret.txt", str(path.parent))
    assert profile.propagation.header_map() == {"X-User-Id": "sub", "X-User-Email": "email"}
    assert profile.propagation.correlation_header == "X-Correlation-Id"
    assert profile.propagation.claims == ("sub", "email")
    assert profile.iis is not None and profile.iis.echo_path == "/echo" and profile.iis.url is None
    assert set(profile.secret_refs()) == {"gateway.api_key", "identity.client_secret"}


def test_expectations_come_from_the_identity_section(write: Write) -> None:
    profile = load_profile(write(FULL))
    assert profile.expectations() == Expectations(
        issuer="https://idp.example.com",
        audiences=("api://orders",),
        token_use="access",
        scopes=("orders.read",),
        required_claims=("sub", "email"),
        leeway=30.0,
    )
    assert load_profile(write(MINIMAL, "m.toml")).expectations() == Expectations()


def test_invalid_profile_raises_with_every_problem(write: Write) -> None:
    path = write(MINIMAL + 'kind = "soap"\nauht = "jwt"\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.problems == [
        f"{path}:7: gateway.kind: 'soap' is not one of: rest, http",
        f"{path}:8: gateway.auht: unknown key (did you mean 'auth'?)",
    ]
    assert caught.value.one_line() == (
        f"{path}:7: gateway.kind: 'soap' is not one of: rest, http (and 1 more); "
        f"'baton profiles validate {path}' lists every problem"
    )


def test_missing_file_is_a_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nope\.toml: no such profile file"):
        load_profile(str(tmp_path / "nope.toml"))


def test_discovery_order_and_shadowing(isolated: tuple[Path, Path]) -> None:
    user, cwd = isolated
    for directory, origin in ((user, "user"), (cwd, "cwd")):
        directory.mkdir(parents=True)
        (directory / "mine.toml").write_text(MINIMAL.replace("a demo profile", f"from {origin}"))
    (cwd / "sandbox.toml").write_text(MINIMAL.replace("a demo profile", "my sandbox"))
    entries = discover_profiles()
    active = {e.name: e for e in entries if e.shadowed_by is None}
    assert active["mine"].origin == "user" and active["mine"].description == "from user"
    assert active["sandbox"].origin == "cwd"
    shadowed = sorted((e.name, e.origin, e.shadowed_by) for e in entries if e.shadowed_by)
    assert shadowed == [
        ("mine", "cwd", str(user / "mine.toml")),
        ("sandbox", "shipped", str(cwd / "sandbox.toml")),
    ]
    assert load_profile("mine").description == "from user"
    assert load_profile("sandbox").description == "my sandbox"
    shipped = {e.name for e in entries if e.origin == "shipped"}
    assert {"rest-cognito", "rest-lambda", "http-jwt", "iam"} <= shipped


def test_unreadable_profile_is_listed_not_fatal(isolated: tuple[Path, Path]) -> None:
    _, cwd = isolated
    cwd.mkdir()
    (cwd / "broken.toml").write_text("name = \n")
    (entry,) = [e for e in discover_profiles() if e.name == "broken"]
    # a syntax error is listed with its line, like any other validation error
    assert entry.invalid and entry.unreadable is None and entry.description is None
    assert entry.errors == (f"{entry.path}:1: syntax: Invalid value (column 8)",)


def test_unknown_name_suggests_and_says_where_it_looked(isolated: tuple[Path, Path]) -> None:
    user, _ = isolated
    with pytest.raises(ProfileError) as caught:
        find_profile("rest-cognitto")
    text = str(caught.value)
    assert text.startswith("no profile named 'rest-cognitto' (did you mean 'rest-cognito'?); looked in ")
    assert str(user) in text
