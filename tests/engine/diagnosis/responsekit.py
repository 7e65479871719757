"""Recorded HTTP responses (tests/engine/diagnosis/responses/*.http) loaded as ResponseSnapshots."""

from __future__ import annotations

from pathlib import Path

from console.model.trace import ResponseSnapshot

RESPONSES = Path(__file__).parent / "responses"


def parse(raw: str) -> ResponseSnapshot:
    """A raw response: status line, headers, blank line, body (as captured with curl -i)."""
    head, _, body = raw.partition("\n\n")
    lines = [line.rstrip("\r") for line in head.splitlines()]
    version, status, *_ = lines[0].split(" ", 2)
    headers = tuple((name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines[1:]))
    body = body.removesuffix("\n")
    return ResponseSnapshot(
        status=int(status),
        headers=headers,
        body=body,
        body_bytes=len(body.encode()),
        elapsed_ms=25.0,
        http_version=version,
    )


def load(name: str) -> ResponseSnapshot:
    """The recorded response ``responses/<name>.http``."""
    return parse((RESPONSES / f"{name}.http").read_text(encoding="utf-8"))
