"""The join's rows written on two cores (join_fork): the same bytes as one writer for --json and --csv, and a child
that fails or dies is never trusted: its half is written by the parent."""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

import pytest
from test_join_paths import every_verdict

from console.commands import logs_join
from console.engine.logs import join_fork
from console.engine.logs.join_fork import write_halves
from console.engine.logs.linecount import can_fork

ROOT = Path(__file__).resolve().parents[2]


def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, parallel: bool, **flags: bool) -> tuple[bytes, list[bool]]:
    """`baton logs join` on the every-verdict fixture: its stdout bytes, and whether each write used a child."""
    gateway, iis = every_verdict(tmp_path)
    monkeypatch.setattr(join_fork, "PARALLEL_MIN_ROWS", 2 if parallel else 10**9)
    forked: list[bool] = []

    def spy(*args: object, **kwargs: object) -> bool:
        forked.append(write_halves(*args, **kwargs))  # type: ignore[arg-type]
        return forked[-1]

    monkeypatch.setattr(join_fork, "write_halves", spy)
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdout", out)
    args = argparse.Namespace(
        gateway=[s.label for s in gateway],
        iis=[s.label for s in iis],
        iis_key="X-Correlation-Id",
        json=False,
        csv=False,
        no_color=True,
        summary=False,
    )
    for name, value in flags.items():
        setattr(args, name, value)
    assert logs_join.run(args) == 1  # the fixture has findings
    out.flush()
    return raw.getvalue(), forked


def _in_a_fresh_interpreter(request: pytest.FixtureRequest) -> None:
    """Run this very test in a new interpreter, where no other thread runs (the fork it checks is then allowed)."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.parametrize("flags", [{"json": True}, {"csv": True}, {"json": True, "summary": True}])
def test_two_writers_give_the_bytes_one_writer_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: dict[str, bool], request: pytest.FixtureRequest
) -> None:
    if not can_fork():  # another test left a thread running (a moto server): the engine rightly never forks here
        _in_a_fresh_interpreter(request)
        return
    one, forked_one = cli(tmp_path, monkeypatch, parallel=False, **flags)
    two, forked_two = cli(tmp_path, monkeypatch, parallel=True, **flags)
    forks = not flags.get("summary")  # rows (--json, --csv) are written on two cores; --summary has none
    assert one == two and len(one) > (10_000 if not flags.get("summary") else 1_000)
    assert forked_one == ([False] if forks else []) and forked_two == ([True] if forks else [])  # a child wrote half


def test_a_child_that_dies_is_not_trusted_and_its_half_is_written_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    if not can_fork():
        _in_a_fresh_interpreter(request)
        return
    one, _ = cli(tmp_path, monkeypatch, parallel=False, csv=True)
    parent = os.getpid()
    real = logs_join.fast_csv_rows

    def dying(rows: object, out: TextIO) -> None:
        if os.getpid() != parent:  # the child: write some of its half, then die mid-way
            out.write("garbage")
            out.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        real(rows, out)  # type: ignore[arg-type]

    monkeypatch.setattr(logs_join, "fast_csv_rows", dying)
    two, forked = cli(tmp_path, monkeypatch, parallel=True, csv=True)
    assert forked == [False] and two == one


@pytest.mark.parametrize("how", ["raises", "exits early"])
def test_write_halves_writes_every_row_once_in_order_whatever_the_child_does(how: str) -> None:
    parent = os.getpid()

    def render(lo: int, hi: int, stream: BinaryIO) -> None:
        stream.write(b"HEAD\n")  # dropped from every part after the first (skip)
        if os.getpid() != parent:
            if how == "raises":
                raise RuntimeError("the child fails")
            stream.flush()
            os._exit(1)  # a child that stops before its rows
        stream.write(b"".join(b"%d\n" % n for n in range(lo, hi)))

    expected = b"HEAD\n" + b"".join(b"%d\n" % n for n in range(1001))
    out = io.BytesIO()
    assert write_halves(1001, out, render, skip=5, parallel=True) is False
    assert out.getvalue() == expected


def test_write_halves_splits_at_the_middle_and_keeps_the_order() -> None:
    def render(lo: int, hi: int, stream: BinaryIO) -> None:
        stream.write(b"HEAD\n" + b"".join(b"%d:%d\n" % (n, os.getpid()) for n in range(lo, hi)))

    out = io.BytesIO()
    assert write_halves(10, out, render, skip=5, parallel=True) is True
    lines = out.getvalue().splitlines()
    assert lines[0] == b"HEAD" and [int(x.split(b":")[0]) for x in lines[1:]] == list(range(10))
    writers = [x.split(b":")[1] for x in lines[1:]]
    assert set(writers[:5]) == {str(os.getpid()).encode()} and str(os.getpid()).encode() not in writers[5:]
