"""The join's fast paths (gateway workers, the bulk IIS split, the inline intact verdict, batched JSON) give the rows
the straightforward paths give, on a fixture holding every verdict."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from logkit import DEFAULT_FIELDS, HTTPERR_FIELDS, HTTPERR_SOFTWARE, Block, row, write_w3c

from console.engine.logs.join import join
from console.engine.logs.join_output import json_rows, row_dict
from console.engine.logs.join_verdict import JoinVerdict
from console.engine.logs.sources import LogSource, expand
from console.engine.target import derived_correlation_id

FIELDS = (*DEFAULT_FIELDS, "X-Correlation-Id")


def gw(rid: str, minute: int, sub: str = "alice", **more: str) -> str:
    values = {
        "requestId": rid,
        "requestTime": f"17/May/2026:10:{minute:02d}:00 +0000",
        "httpMethod": "GET",
        "path": "/prod/orders",
        "status": "200",
        "integrationStatus": "200",
        "sub": sub,
    }
    return json.dumps(values | more)


def iis(key: str, minute: int, user: str = "alice", **more: str) -> tuple[str, ...]:
    values = {"X-Correlation-Id": key, "time": f"10:{minute:02d}:00", "cs-username": user, "cs-uri-stem": "/orders"}
    return row(FIELDS, values | more)


def every_verdict(tmp_path: Path) -> tuple[list[LogSource], list[LogSource]]:
    """A gateway log and IIS logs (W3C, HTTPERR, one without the key field) holding every verdict."""
    gateway = [
        gw("intact", 0),
        gw("lost", 1),
        gw("altered", 2),
        gw("name", 3),
        gw("refused", 4),
        gw("missing", 5),
        gw("gw-refused", 6, status="401", integrationStatus="-", errorResponseType="UNAUTHORIZED"),
        gw("unmapped", 7),
        gw("httperr", 8),
        gw("blind", 30),
        *(gw(f"bulk-{n}", 9) for n in range(200)),
    ]
    lines = [
        iis("intact", 0),
        iis("lost", 1, "-"),
        iis("altered", 2, "mallory"),
        iis("name", 3, r"CONTOSO\alice"),
        iis("refused", 4, "-", **{"sc-status": "401", "sc-substatus": "2"}),
        iis("-", 7),  # unmapped: matched by time, method and path
        iis("-", 15, **{"cs(User-Agent)": "AmazonAPIGateway_a1b2c3d4e5"}),  # the agent only
        iis("stranger", 20, "admin"),  # bypassed
        iis(derived_correlation_id("intact", "spoof-check"), 0, "-"),  # Baton's probe
        *(iis(f"bulk-{n}", 9) for n in range(200)),
    ]
    gpath = tmp_path / "access.log"
    gpath.write_text("".join(f"{line}\n" for line in gateway))
    w3c = write_w3c(tmp_path / "u_ex260517.log", [Block(FIELDS, lines)])
    refusal = row(HTTPERR_FIELDS, {"time": "10:08:00", "cs-uri": "/orders", "sc-status": "400"})
    httperr = write_w3c(tmp_path / "httperr1.log", [Block(HTTPERR_FIELDS, [refusal], software=HTTPERR_SOFTWARE)])
    no_key = row((*DEFAULT_FIELDS,), {"time": "10:30:00", "cs-username": "alice", "cs-uri-stem": "/orders"})
    blind = write_w3c(tmp_path / "u_ex260518.log", [Block(DEFAULT_FIELDS, [no_key])])
    return expand([str(gpath)]), expand([str(w3c), str(httperr), str(blind)])


def test_fast_and_straightforward_paths_give_the_same_rows(tmp_path: Path) -> None:
    g, i = every_verdict(tmp_path)
    fast = join(g, i, workers=2)
    plain = join(g, i, workers=0)
    assert fast.rows == plain.rows and fast.counts == plain.counts
    assert set(fast.counts) == set(JoinVerdict)  # every verdict is in the fixture
    out = io.BytesIO()
    json_rows(fast.rows, out)
    assert json.loads(b"[" + out.getvalue() + b"]") == [row_dict(r) for r in plain.rows]


def test_gateway_runs_give_the_rows_of_line_by_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The every-verdict fixture written compactly (as API Gateway writes it), so the gateway log is read in runs."""
    from console.engine.logs import join_gateway

    g, i = every_verdict(tmp_path)
    gpath = Path(g[0].label)
    compact = [json.dumps(json.loads(x), separators=(",", ":")) + "\n" for x in gpath.read_text().split("\n") if x]
    gpath.write_text("".join([*compact, compact[-3], compact[-2]]))  # two retries reusing a key: the last is judged
    g = expand([str(gpath)])
    monkeypatch.setattr(join_gateway, "BLOCK", 2048)
    taken: list[bool] = []
    real = join_gateway._Range.run
    monkeypatch.setattr(join_gateway._Range, "run", lambda self, *a: taken.append(real(self, *a)) or taken[-1])
    runs = [join(g, i, workers=w) for w in (0, 2)]
    assert any(taken)
    monkeypatch.setattr(join_gateway, "BULK_LINES", False)
    plain = join(g, i, workers=0)
    for fast in runs:
        assert fast.rows == plain.rows and fast.counts == plain.counts and fast.summary() == plain.summary()
