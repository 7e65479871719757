"""Hostile profile files fail fast with a clear message: size cap, non-regular files, deep nesting, long dotted
keys; a UTF-8 byte-order mark is fine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from guard import run_guarded
from profilekit import MINIMAL, Write

from console.config import check_file, check_text, load_profile
from console.config.locate import RECORDED_DEPTH, Locator
from console.config.parse import MAX_PROFILE_BYTES
from console.errors import ProfileError

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")


def _load_in_child(path: str) -> str:
    """What load_profile(path) says, from a child with a time and memory cap (a hang or a flood fails)."""
    code = (
        "from console.config import load_profile\nfrom console.errors import ProfileError\n"
        f"try:\n    load_profile({path!r})\nexcept ProfileError as e:\n    print(e)\nelse:\n    print('loaded')\n"
    )
    return run_guarded(code, timeout=60).strip()


def test_bom_is_accepted(write: Write) -> None:
    path = write("")
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_profile(path).name == "demo"
    assert check_file(path) == []


def test_oversized_profile_is_refused_with_the_limit(write: Write) -> None:
    path = write(MINIMAL + "# " + "x" * MAX_PROFILE_BYTES + "\n")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(caught.value) == f"{path}: is larger than 256 KiB, too large for a profile"


@posix_only
def test_dev_zero_is_refused_not_read() -> None:
    assert _load_in_child("/dev/zero") == "/dev/zero: is a character device, not a regular file"


@posix_only
def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    assert _load_in_child(str(fifo)) == f"{fifo}: is a FIFO (named pipe), not a regular file"


@pytest.mark.parametrize(
    "nested",
    ["a = " + "[" * 2000 + "]" * 2000, "a = " + "{b = " * 2000 + "1" + "}" * 2000],
    ids=["arrays", "inline-tables"],
)
def test_deep_nesting_is_a_profile_error(write: Write, nested: str) -> None:
    path = write(MINIMAL + nested + "\n")
    (problem,) = check_file(path)
    assert problem.key == "syntax" and "nested too deeply" in problem.message
    with pytest.raises(ProfileError, match="nested too deeply"):
        load_profile(path)


def test_long_dotted_key_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    calls: list[str] = []
    monkeypatch.setattr(tomllib, "loads", lambda text: calls.append(text) or {})
    text = MINIMAL + ".".join(["a"] * 20_000) + " = 1\n"
    (problem,) = check_text(text, "deep.toml")
    assert str(problem) == (
        "deep.toml:7: syntax: a key or table name 20001 levels deep; profiles nest 3 deep (at most 32 levels are read)"
    )
    assert calls == []  # tomllib's dotted-key parsing is quadratic: it never saw this text


def test_locator_work_is_bounded_by_the_format_depth() -> None:
    # Before: every prefix of every key was recorded (20 000 tuples of up to 20 000 parts for one line).
    locator = Locator(".".join(["a"] * 20_000) + " = 1\n[t." + ".".join(["b"] * 5_000) + "]\n")
    assert len(locator._lines) <= 2 * RECORDED_DEPTH
    assert all(len(path) <= RECORDED_DEPTH for path in locator._lines)
    assert locator.deepest == (20_000, 1)


def test_largest_dotted_profile_is_answered_quickly() -> None:
    # Just under the size cap: before the fix this took many minutes (quadratic); the timeout is a hang guard.
    code = (
        "from console.config import check_text\n"
        "text = 'x = 1\\n' + '.'.join(['a'] * 100_000) + ' = 1\\n'\n"
        "print(len(text), check_text(text, 'big.toml')[0].key)\n"
    )
    size, key = run_guarded(code, timeout=60).split()
    assert int(size) < 256 * 1024 and key == "syntax"


def test_many_dotted_keys_still_validate_with_lines(write: Write) -> None:
    path = write(MINIMAL + "".join(f'"k{i}".x.y = 1\n' for i in range(3000)))
    problems = check_file(path)
    assert len(problems) == 3000 and problems[0].line == 7 and problems[-1].line == 3006


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://user:PASS-w0rd@api.example.com/dev/x", "credentials before '@'"),
        ("https://api.example.com/dev/x?api_key=SUPERSECRET1", "credential ('api_key'=…)"),
        ("https://api.example.com/dev/x?v=2&X-Amz-Signature=SUPERSECRET1", "credential ('X-Amz-Signature'=…)"),
        ("https://api.example.com/dev/x?access_token=SUPERSECRET1", "credential ('access_token'=…)"),
    ],
)
def test_credentials_in_urls_are_refused_and_not_echoed(write: Write, url: str, said: str) -> None:
    path = write(MINIMAL.replace("https://api.example.com/stage/path", url))
    (problem,) = check_file(path)
    assert (problem.line, problem.key) == (6, "gateway.url") and said in problem.message
    assert "PASS-w0rd" not in str(problem) and "SUPERSECRET1" not in str(problem)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert "SUPERSECRET1" not in str(caught.value) and "PASS-w0rd" not in str(caught.value)


def test_urls_with_plain_queries_are_fine(write: Write) -> None:
    path = write(MINIMAL.replace("stage/path", "stage/path?v=2&format=json") + '[iis]\nurl = "http://iis:8080"\n')
    assert check_file(path) == []
