"""resolve_secret_bytes gives a secret's exact bytes; odd files and non-UTF-8 values fail with a clear message."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from guard import run_guarded

from console.config.secrets import MAX_SECRET_FILE, resolve_secret, resolve_secret_bytes
from console.errors import SecretRefError
from console.model.profile import SecretRef

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, /dev/zero and environb are POSIX")


def test_file_bytes_are_exact(tmp_path: Path) -> None:
    raw = b"\x00\xffkey\r\n\n"
    (tmp_path / "k.bin").write_bytes(raw)
    assert resolve_secret_bytes(SecretRef("file", "k.bin", str(tmp_path))) == raw


def test_file_larger_than_the_cap_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * (MAX_SECRET_FILE + 1))
    with pytest.raises(SecretRefError, match=r"file:big: is larger than 1 MiB"):
        resolve_secret_bytes(SecretRef("file", "big", str(tmp_path)))
    (tmp_path / "edge").write_bytes(b"x" * MAX_SECRET_FILE)
    assert len(resolve_secret_bytes(SecretRef("file", "edge", str(tmp_path)))) == MAX_SECRET_FILE


def test_directory_and_missing_file_are_named(tmp_path: Path) -> None:
    with pytest.raises(SecretRefError, match=r"file:\.: is a directory, not a regular file"):
        resolve_secret_bytes(SecretRef("file", ".", str(tmp_path)))
    with pytest.raises(SecretRefError, match=r"file:gone: no such file"):
        resolve_secret_bytes(SecretRef("file", "gone", str(tmp_path)))


@posix_only
@pytest.mark.parametrize("resolver", ["resolve_secret", "resolve_secret_bytes"])
def test_dev_zero_is_refused_not_read(resolver: str) -> None:
    code = (
        f"from console.config.secrets import {resolver} as r; from console.model.profile import SecretRef\n"
        "from console.errors import SecretRefError\n"
        "try:\n    r(SecretRef('file', '/dev/zero'))\nexcept SecretRefError as e:\n    print(e)\n"
    )
    assert run_guarded(code).strip() == ("file:/dev/zero: is a character device, not a regular file (/dev/zero)")


@posix_only
@pytest.mark.parametrize("resolver", ["resolve_secret", "resolve_secret_bytes"])
def test_fifo_is_refused_without_hanging(tmp_path: Path, resolver: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code = (
        f"from console.config.secrets import {resolver} as r; from console.model.profile import SecretRef\n"
        "from console.errors import SecretRefError\n"
        f"try:\n    r(SecretRef('file', {str(fifo)!r}))\nexcept SecretRefError as e:\n    print(e)\n"
    )
    assert run_guarded(code, timeout=30).strip() == f"file:{fifo}: is a FIFO (named pipe), not a regular file ({fifo})"


@posix_only
def test_env_bytes_are_the_raw_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(os.environb, b"BATON_RAW", b"\xff\xfe-k")
    assert resolve_secret_bytes(SecretRef("env", "BATON_RAW")) == b"\xff\xfe-k"
    monkeypatch.setenv("BATON_TXT", "héllo")
    assert resolve_secret_bytes(SecretRef("env", "BATON_TXT")) == "héllo".encode()
    monkeypatch.delenv("BATON_NONE", raising=False)
    with pytest.raises(SecretRefError, match="env:BATON_NONE is not set"):
        resolve_secret_bytes(SecretRef("env", "BATON_NONE"))


@posix_only
def test_text_resolution_of_non_utf8_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(os.environb, b"BATON_RAW", b"\xff\xfe-k")
    with pytest.raises(SecretRefError) as caught:
        resolve_secret(SecretRef("env", "BATON_RAW"))
    assert str(caught.value) == "env:BATON_RAW: is not UTF-8 text — this secret must be text here"
    (tmp_path / "latin1").write_bytes("café".encode("latin-1"))
    with pytest.raises(SecretRefError, match=r"file:latin1: is not UTF-8 text"):
        resolve_secret(SecretRef("file", "latin1", str(tmp_path)))
