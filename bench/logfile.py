"""Generate the benchmark's W3C log (IIS default fields + X-Correlation-Id), cached outside the repo."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
    "sc-status sc-substatus sc-win32-status time-taken X-Correlation-Id"
)
NEEDLE = "7d3f9a2e-5b1c-4e8a-9f60-2c4d8e1b7a93"
"""The one correlation id planted once, near the end (every search must still read the whole file)."""
VERSION = 1
"""Bump when the generator changes, so a stale cached file is not reused."""

_AGENTS = (
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/124.0.0.0+Safari/537.36",
    "Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_15_7)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)+Version/17.4+Safari/605",
    "AmazonAPIGateway_abcdef1234+(REST+integration;+https://aws.amazon.com/api-gateway/)+Java/17.0.10+okhttp/4.12",
    "Mozilla/5.0+(X11;+Linux+x86_64;+rv:125.0)+Gecko/20100101+Firefox/125.0+(compatible;+monitoring-probe/2.3.1)",
)
_PATHS = ("/api/orders", "/api/orders/1234/lines", "/api/customers/me", "/health", "/api/invoices/2026/05", "/")
_USERS = ("-", "-", "-", "CONTOSO\\alice", "CONTOSO\\bob", "carol@contoso.com")
_STATUS = (("200 0 0",) * 78) + ("201 0 0",) * 4 + ("304 0 0",) * 5 + ("401 2 5", "401 1 2148074254", "401 2 5")
_STATUS += ("403 4 5", "404 0 2", "404 0 2", "500 0 0", "500 19 13", "502 3 12002", "204 0 0", "400 0 0", "401 0 0")
HEADER_EVERY = 250_000
"""A repeated header block, as http.sys writes after a restart or 15 minutes idle."""


def cache_dir() -> Path:
    """Where generated logs live: outside the repository, reused between runs."""
    folder = Path(tempfile.gettempdir()) / "baton-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def header(day: int) -> str:
    return (
        "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
        f"#Date: 2026-05-{17 + day:02d} 00:00:00\r\n#Fields: {FIELDS}\r\n"
    )


def generate(path: Path, lines: int, seed: int = 42) -> None:
    """Write ``lines`` records (plus header blocks) with the needle on one record near the end (CRLF, like IIS)."""
    rng = random.Random(seed)
    plant = lines - lines // 50
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        batch: list[str] = []
        for i in range(lines):
            if i % HEADER_EVERY == 0:
                batch.append(header(i // HEADER_EVERY))
            second = (i % HEADER_EVERY) * 86400 // HEADER_EVERY
            day = 17 + i // HEADER_EVERY
            cid = NEEDLE if i == plant else f"{rng.getrandbits(128):032x}"
            if i != plant:
                cid = f"{cid[:8]}-{cid[8:12]}-{cid[12:16]}-{cid[16:20]}-{cid[20:]}"
            if i % 33 == 0:
                cid = "-"
            query = f"page={rng.randrange(1, 500)}&size=50&sort=created_at&filter=status%3Dopen" if i % 3 else "-"
            batch.append(
                f"2026-05-{day:02d} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d} "
                f"10.0.1.{i % 200 + 2} "
                f"{'GET' if i % 7 else 'POST'} {_PATHS[i % len(_PATHS)]} {query} 443 {_USERS[i % len(_USERS)]} "
                f"172.31.{rng.randrange(256)}.{rng.randrange(256)} {_AGENTS[i % len(_AGENTS)]} "
                f"https://portal.contoso.com/app/orders/{i % 977}?tab=details {rng.choice(_STATUS)} "
                f"{rng.randrange(1, 900)} {cid}\r\n"
            )
            if len(batch) >= 10_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    os.replace(tmp, path)


def cached(lines: int) -> Path:
    """The generated log of ``lines`` records, made once and reused."""
    path = cache_dir() / f"u_ex_bench_v{VERSION}_{lines}.log"
    if not path.exists():
        print(f"generating {path} ({lines:,} records) …", flush=True)
        generate(path, lines)
    return path
