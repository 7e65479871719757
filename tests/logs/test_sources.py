"""Log inputs: a file, a folder, a glob, .gz and .zip read transparently, and every bad input named in one line."""

from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import pytest
from logkit import DEFAULT_FIELDS, Block, render, row, write_w3c

from console.engine.logs import reader
from console.engine.logs.model import LogInputError, LogRecord, Quarantined, Tally
from console.engine.logs.reader import read
from console.engine.logs.sources import expand

FIELDS = (*DEFAULT_FIELDS, "X-Correlation-Id")


def block(*ids: str) -> Block:
    return Block(FIELDS, [row(FIELDS, {"X-Correlation-Id": i}) for i in ids])


def ids(path: str) -> list[str | None]:
    return [r.get("X-Correlation-Id") for s in expand([path]) for r in read(s) if isinstance(r, LogRecord)]


def error(paths: list[str]) -> str:
    with pytest.raises(LogInputError) as caught:
        expand(paths)
    message = str(caught.value)
    assert "\n" not in message and caught.value.exit_code == 2
    return message


def test_gzip_read_transparently_with_offsets_in_the_decompressed_stream(tmp_path: Path) -> None:
    plain = write_w3c(tmp_path / "u_ex260517.log", [block("c-1", "c-2")])
    packed = write_w3c(tmp_path / "u_ex260517.log.gz", [block("c-1", "c-2")])
    (source,) = expand([str(packed)])
    assert source.compressed and source.label == str(packed) and source.member is None
    assert source.size() == packed.stat().st_size
    assert list(read(source)) == [
        r.__class__(str(packed), r.line, r.offset, r.schema, r.raw)  # type: ignore[call-arg]
        for r in read(expand([str(plain)])[0])
    ]
    seen: list[int] = []
    list(read(source, progress=seen.append))
    assert seen[-1] == packed.stat().st_size


def test_zip_every_log_member_in_natural_order(tmp_path: Path) -> None:
    path = tmp_path / "logs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("W3SVC1/u_ex260510.log", render([block("c-10")]))
        archive.writestr("W3SVC1/u_ex260509.log", render([block("c-9")]))
        archive.writestr("httperr10.log", render([block("h-10")]))
        archive.writestr("httperr2.log", render([block("h-2")]))
        archive.writestr("README.md", "not a log")
        archive.writestr("W3SVC1/", "")
    sources = expand([str(path)])
    assert [s.label for s in sources] == [  # names compared case-insensitively, numbers as numbers
        f"{path}!httperr2.log",
        f"{path}!httperr10.log",
        f"{path}!W3SVC1/u_ex260509.log",
        f"{path}!W3SVC1/u_ex260510.log",
    ]
    assert all(s.compressed and s.member for s in sources)
    assert ids(str(path)) == ["h-2", "h-10", "c-9", "c-10"]


def test_folder_logs_oldest_first_and_other_files_left_out(tmp_path: Path) -> None:
    for name, cid in [("u_ex260518.log", "b"), ("u_ex260517.log", "a"), ("u_ex260519.log.gz", "c")]:
        write_w3c(tmp_path / name, [block(cid)])
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "sub").mkdir()
    assert [Path(s.label).name for s in expand([str(tmp_path)])] == [
        "u_ex260517.log",
        "u_ex260518.log",
        "u_ex260519.log.gz",
    ]
    assert ids(str(tmp_path)) == ["a", "b", "c"]
    only_u = expand([str(tmp_path)], pattern="u_ex*.log")
    assert [Path(s.label).name for s in only_u] == ["u_ex260517.log", "u_ex260518.log"]


def test_glob_and_the_same_file_twice(tmp_path: Path) -> None:
    for name in ("u_ex260517.log", "u_ex260518.log", "other.log"):
        write_w3c(tmp_path / name, [block(name)])
    sources = expand([str(tmp_path / "u_ex*.log"), str(tmp_path / "u_ex260517.log")])
    assert [Path(s.label).name for s in sources] == ["u_ex260517.log", "u_ex260518.log"]


def test_missing_file(tmp_path: Path) -> None:
    assert error([str(tmp_path / "nope.log")]) == f"{tmp_path / 'nope.log'}: no such file or folder"


def test_folder_with_no_logs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert error([str(tmp_path)]).startswith(f"{tmp_path}: folder holds no log files")


def test_glob_matching_nothing(tmp_path: Path) -> None:
    assert error([str(tmp_path / "u_ex*.log")]) == f"{tmp_path / 'u_ex*.log'}: no file matches this pattern"


def test_nothing_named() -> None:
    assert error([]) == "no log file, folder or glob given"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_w3c(tmp_path / "u_ex260517.log", [block("a")])
    if os.geteuid() == 0:  # root reads anything: make the check see what an ordinary user would
        monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    else:
        path.chmod(0)
    assert error([str(path)]) == f"{path}: permission denied"


def test_binary_data(tmp_path: Path) -> None:
    path = tmp_path / "u_ex260517.log"
    path.write_bytes("#Fields: date time\r\n".encode("utf-16"))  # a UTF-16 file is not a W3C log http.sys writes
    assert error([str(path)]) == f"{path}: binary data, not a text log (NUL bytes in the first 8 KB)"
    exe = tmp_path / "tool.log"
    exe.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00")
    assert "binary data" in error([str(exe)])


def test_nul_run_after_a_power_loss_is_read_and_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "u_ex260517.log"
    path.write_bytes(render([block("a")]) + b"\0" * 64 + b"\r\n" + render([block("b")]))
    tally = Tally()
    items = list(read(expand([str(path)])[0], tally))
    assert [i.reason for i in items if isinstance(i, Quarantined)] == ["NUL bytes in the line"]
    assert [i.get("X-Correlation-Id") for i in items if isinstance(i, LogRecord)] == ["a", "b"]
    assert tally.balanced()


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "u_ex260517.log.gz"
    path.write_bytes(b"this is not gzip data")
    assert error([str(path)]) == f"{path}: corrupt gzip file (not gzip data)"


def test_truncated_gzip_found_while_listing_or_while_reading(tmp_path: Path) -> None:
    small = tmp_path / "u_ex260517.log.gz"
    small.write_bytes(gzip.compress(render([block("a")]))[:-12])
    assert error([str(small)]).startswith(f"{small}: truncated compressed data")
    big = tmp_path / "u_ex260518.log.gz"
    data = render([block(*(f"c-{i:06d}-{os.urandom(8).hex()}" for i in range(3000)))])
    big.write_bytes(gzip.compress(data)[: len(gzip.compress(data)) // 2])
    (source,) = expand([str(big)])
    with pytest.raises(LogInputError, match="truncated compressed data"):
        list(read(source))


def test_corrupt_or_empty_zip(tmp_path: Path) -> None:
    bad = tmp_path / "logs.zip"
    bad.write_bytes(b"PK\x03\x04 definitely not a zip")
    assert error([str(bad)]) == f"{bad}: corrupt zip archive"
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no logs here")
    assert error([str(empty)]) == f"{empty}: zip archive holds no log files"


def test_overlong_line_quarantined_with_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_LINE", 100)
    monkeypatch.setattr(reader, "CHUNK", 32)
    path = tmp_path / "u_ex260517.log"
    path.write_bytes(b"#Fields: a\n" + b"x" * 250 + b"\nok\n" + b"y" * 130)
    tally = Tally()
    items = list(read(expand([str(path)])[0], tally))
    long, ok, last = items
    assert isinstance(long, Quarantined) and (long.line, long.offset) == (2, 11)
    assert long.reason == "a line of 250 bytes, over the 100 bytes a log line may have" and len(long.text) == 100
    assert isinstance(ok, LogRecord) and (ok.line, ok.offset) == (3, 262) and ok.raw == ("ok",)
    assert isinstance(last, Quarantined) and (last.line, last.offset) == (4, 265) and "130 bytes" in last.reason
    assert tally.lines == 4 and tally.balanced() and tally.truncated_last_line


def test_a_symlink_loop_in_a_folder_is_named_and_skipped(tmp_path: Path) -> None:
    """qa4 #9: the error named the folder, and one bad entry stopped the whole folder from being read."""
    write_w3c(tmp_path / "u_ex260517.log", [block("good")])
    os.symlink(tmp_path / "u_ex_b.log", tmp_path / "u_ex_a.log")
    os.symlink(tmp_path / "u_ex_a.log", tmp_path / "u_ex_b.log")
    said: list[str] = []
    sources = expand([str(tmp_path)], warn=said.append)
    assert [s.label for s in sources] == [os.path.join(str(tmp_path), "u_ex260517.log")]
    assert sorted(w.split(": ")[0].rsplit("/", 1)[1] for w in said) == ["u_ex_a.log", "u_ex_b.log"]
    said.clear()
    assert len(expand([str(tmp_path / "u_ex*")], warn=said.append)) == 1 and len(said) == 2
    assert "link loop" in error([str(tmp_path / "u_ex_a.log")])


def test_a_zip_names_the_members_it_skips(tmp_path: Path) -> None:
    archive = tmp_path / "logs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("u_ex260517.log", render([block("a")]))
        z.writestr("readme.txt", "hi")
        z.writestr("image.png", "png")
    said: list[str] = []
    assert len(expand([str(archive)], warn=said.append)) == 1
    assert said == [f"{archive}: 2 members skipped (not logs): readme.txt, image.png"]
