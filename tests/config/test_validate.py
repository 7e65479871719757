"""Validation: every class of bad input is reported with file, line, key and a way forward."""

from __future__ import annotations

from pathlib import Path

from profilekit import MINIMAL, Write

from console.config import check_file, check_text


def lines(path: Path) -> list[str]:
    return [str(p) for p in check_file(path)]


def test_minimal_profile_is_valid(write: Write) -> None:
    assert check_file(write(MINIMAL)) == []


def test_toml_syntax_error_gives_tomllib_line_and_column(write: Write) -> None:
    path = write('name = "x"\n[gateway\nurl = "https://a.example"\n')
    assert lines(path) == [f"{path}:2: syntax: Expected ']' at the end of a table declaration (column 9)"]


def test_syntax_error_at_end_of_file_points_at_the_last_line(write: Write) -> None:
    path = write('name = "x"\nscopes = ["a",\n')
    (problem,) = check_file(path)
    assert problem.line == 2 and problem.key == "syntax"


def test_unknown_key_has_line_and_did_you_mean(write: Write) -> None:
    path = write(MINIMAL.replace('description = "a demo profile"', 'descripton = "a demo profile"'))
    assert f"{path}:2: descripton: unknown key (did you mean 'description'?)" in lines(path)


def test_unknown_key_in_a_table(write: Write) -> None:
    path = write(MINIMAL + 'auht = "jwt"\n')
    assert lines(path) == [f"{path}:7: gateway.auht: unknown key (did you mean 'auth'?)"]


def test_key_in_the_wrong_table_says_where_it_belongs(write: Write) -> None:
    path = write(MINIMAL + 'issuer = "https://idp.example.com"\n')
    assert lines(path) == [f"{path}:7: gateway.issuer: unknown key here; issuer belongs in [identity]"]


def test_unknown_table_did_you_mean(write: Write) -> None:
    path = write(MINIMAL + "[identiy]\nflow = 'static'\n")
    assert lines(path) == [f"{path}:7: identiy: unknown table (did you mean '[identity]'?)"]


def test_wrong_type_names_the_expected_type(write: Write) -> None:
    path = write(MINIMAL + "[identity]\nflow = 'static'\ntoken = 'env:T'\nleeway = '30s'\nscopes = 'read'\n")
    assert lines(path) == [
        f"{path}:10: identity.leeway: expected a number of seconds, got a string",
        f"{path}:11: identity.scopes: expected an array of strings, got a string",
    ]


def test_wrong_type_for_a_string_key(write: Write) -> None:
    path = write(MINIMAL.replace('"a demo profile"', "42"))
    assert lines(path) == [f"{path}:2: description: expected a string, got an integer"]


def test_bad_enum_value_lists_choices_and_suggests(write: Write) -> None:
    path = write(MINIMAL.replace('"dev"', '"prod"') + 'kind = "REST"\nauth = "cognitoo"\n')
    assert lines(path) == [
        f"{path}:3: environment: 'prod' is not one of: sandbox, dev, staging, production (did you mean 'production'?)",
        f"{path}:7: gateway.kind: 'REST' is not one of: rest, http (did you mean 'rest'?)",
        f"{path}:8: gateway.auth: 'cognitoo' is not one of: cognito, jwt, lambda, iam, none (did you mean 'cognito'?)",
    ]


def test_bad_enum_with_nothing_close_has_no_suggestion(write: Write) -> None:
    path = write(MINIMAL + 'kind = "graphql"\n')
    assert lines(path) == [f"{path}:7: gateway.kind: 'graphql' is not one of: rest, http"]


def test_inline_secret_is_refused_without_echoing_it(write: Write) -> None:
    secret = "s3cr3t-Value-9f8e7d"
    path = write(
        MINIMAL
        + f"""
[identity]
flow = "client_credentials"
token_url = "https://idp.example.com/token"
client_id = "abc"
client_secret = "{secret}"
"""
    )
    (message,) = lines(path)
    assert message.startswith(f"{path}:12: identity.client_secret: secrets may not be written inline")
    assert "env:VAR" in message and "file:PATH" in message and "aws-secretsmanager:ARN" in message
    assert secret not in message and "s3cr3t" not in message


def test_inline_jwt_is_refused_anywhere_and_never_echoed(write: Write) -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA"
    path = write(MINIMAL + f'api_key = "{jwt}"\n[aws]\nprofile = "{jwt}"\naccess_token = "{jwt}"\n')
    messages = lines(path)
    assert [m.split(": ")[1] for m in messages] == ["gateway.api_key", "aws.profile", "aws.access_token"]
    assert all("looks like a JWT" in m and "env:VAR" in m for m in messages)
    assert not any("eyJ" in m or "c2lnbmF0" in m for m in messages)


def test_unknown_reference_scheme_names_the_supported_ones(write: Write) -> None:
    path = write(MINIMAL + 'api_key = "vault:kv/data/orders"\n')
    (message,) = lines(path)
    assert message == (
        f"{path}:7: gateway.api_key: unknown secret reference scheme; "
        "supported schemes: env:, file:, aws-secretsmanager:"
    )


def test_env_reference_needs_a_variable_name(write: Write) -> None:
    path = write(MINIMAL + 'api_key = "env:"\n')
    assert "needs a target" in lines(path)[0]


def test_missing_required_fields(write: Write) -> None:
    path = write('name = "x"\n[identity]\nflow = "client_credentials"\n')
    assert lines(path) == [
        f"{path}:2: identity.token_url: missing; flow = 'client_credentials' needs an http(s) URL string",
        f"{path}:2: identity.client_id: missing; flow = 'client_credentials' needs a string",
        f"{path}:2: identity.client_secret: missing; flow = 'client_credentials' needs"
        " a secret reference string (env:VAR, file:PATH or aws-secretsmanager:ARN)",
        f"{path}: gateway: missing table [gateway] (or add [sandbox] for the embedded sandbox)",
    ]


def test_cognito_and_iam_need_their_tables(write: Write) -> None:
    path = write(MINIMAL + 'auth = "cognito"\n')
    assert lines(path) == [f"{path}: identity: missing table [identity]; auth = 'cognito' needs a token"]
    path = write(MINIMAL + 'auth = "iam"\n[aws]\nprofile = "dev"\n')
    assert lines(path) == [f"{path}:8: aws.region: missing; auth = 'iam' signs with SigV4, which needs the region"]


def test_sandbox_profile_needs_no_gateway_and_is_always_sandbox(write: Write) -> None:
    assert check_file(write('name = "s"\ndescription = "d"\n[sandbox]\nscenario = "healthy"\n')) == []
    path = write('name = "s"\ndescription = "d"\nenvironment = "production"\n[sandbox]\nscenario = "x"\n')
    assert lines(path) == [f"{path}:3: environment: a profile with [sandbox] always runs in environment 'sandbox'"]


def test_propagation_headers_are_checked(write: Write) -> None:
    headers = '{ "X-User-Id" = "sub", "x-user-id" = "email", "Bad Name" = 1 }'
    path = write(MINIMAL + f"[propagation]\nheaders = {headers}\n")
    assert lines(path) == [
        f"{path}:8: propagation.headers.x-user-id: repeats header 'X-User-Id' (header names ignore case)",
        f"{path}:8: propagation.headers.Bad Name: 'Bad Name' is not a valid HTTP header name",
        f"{path}:8: propagation.headers.Bad Name: expected the name of the claim it carries, got an integer",
    ]


def test_urls_and_paths_are_checked(write: Write) -> None:
    path = write(
        MINIMAL.replace("https://api.example.com/stage/path", "api.example.com") + '[iis]\necho_path = "echo"\n'
    )
    assert lines(path) == [
        f"{path}:6: gateway.url: expected an http(s) URL string like https://host/path, got 'api.example.com'",
        f"{path}:8: iis.echo_path: expected a path string starting with '/', got 'echo'",
    ]


def test_several_problems_are_all_reported_in_file_order(write: Write) -> None:
    path = write("""\
        name = "orders"
        descripton = "typo"
        environment = "prod"

        [gateway]
        url = "https://api.example.com/x"
        kind = "soap"

        [identity]
        flow = "static"
        token = "abc.def"
        leeway = -5
        """)
    keys = [(p.line, p.key) for p in check_file(path)]
    assert keys == [
        (2, "descripton"),
        (3, "environment"),
        (7, "gateway.kind"),
        (11, "identity.token"),
        (12, "identity.leeway"),
    ]


def test_check_text_does_not_need_a_file() -> None:
    (problem,) = check_text('name = "x"\ndescription = "y"\nenvironment = "dev"\n', "inline.toml")
    assert str(problem) == ("inline.toml: gateway: missing table [gateway] (or add [sandbox] for the embedded sandbox)")


def test_a_leeway_of_more_than_a_day_is_refused(write: Write) -> None:
    """As `decode --leeway`: years of clock tolerance would accept a token expired in 2011."""
    path = write(MINIMAL + "[identity]\nflow = 'static'\ntoken = 'env:T'\nleeway = 1e300\n")
    assert lines(path) == [
        f"{path}:10: identity.leeway: 1e+300 s is more than a day: clock skew is minutes, and a larger leeway "
        "would accept long-expired tokens"
    ]
    assert check_file(write(MINIMAL + "[identity]\nflow = 'static'\ntoken = 'env:T'\nleeway = 86400\n")) == []


def test_keys_written_with_escapes_are_located_on_their_own_line(write: Write) -> None:
    """A key spelled with \\u escapes was reported on its table's line, or with no line at top level."""
    path = write('"\\u001b]52;c;x" = 1\n' + MINIMAL + '"\\u001b[2Jk" = "v"\n')
    found = {p.key: p.line for p in check_file(path)}
    assert found == {"\x1b]52;c;x": 1, "gateway.\x1b[2Jk": 8}
