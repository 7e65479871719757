"""`baton logs join`: one verdict per request, summary counts, bypass flagged as a security finding; JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from console.cli import main

FIELDS = "date time cs-method cs-uri-stem cs-username c-ip sc-status sc-substatus sc-win32-status X-Correlation-Id"


def gateway_line(rid: str, caller: str, status: int, second: int) -> str:
    return json.dumps(
        {
            "requestId": rid,
            "correlationId": rid,
            "httpMethod": "GET",
            "resourcePath": "/api/orders",
            "status": str(status),
            "integrationStatus": str(status),
            "principalId": caller,
            "requestTime": f"17/May/2026:10:00:{second:02d} +0000",
        }
    )


@pytest.fixture
def logs(tmp_path: Path) -> tuple[Path, Path]:
    gw = tmp_path / "access.log"
    gw.write_text(
        "\n".join(
            [
                gateway_line("r-intact", "alice", 200, 1),
                gateway_line("r-lost", "bob", 200, 2),
                gateway_line("r-missing", "carol", 200, 3),
            ]
        )
        + "\n"
    )
    iis = tmp_path / "u_ex260517.log"
    rows = [
        "2026-05-17 10:00:01 GET /api/orders alice 10.0.0.9 200 0 0 r-intact",
        "2026-05-17 10:00:02 GET /api/orders - 10.0.0.9 200 0 0 r-lost",
        "2026-05-17 10:00:30 GET /api/orders \x1b[31mmallory 198.51.100.7 200 0 0 r-sneaky",
    ]
    iis.write_text(
        f"#Software: Microsoft Internet Information Services 10.0\n#Fields: {FIELDS}\n" + "\n".join(rows) + "\n"
    )
    return gw, iis


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["logs", "join", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_names_each_verdict_and_flags_the_bypass(
    capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path]
) -> None:
    gw, iis = logs
    code, out, err = run(capsys, "--gateway", str(gw), "--iis", str(iis))
    assert code == 1, err  # an identity was lost and traffic bypassed the gateway
    rows = [line for line in out.splitlines() if "→" in line]
    verdicts = {row[21:].split()[0]: row[:21].strip() for row in rows}  # the verdict column is 18 wide
    assert verdicts == {"r-intact": "intact", "r-lost": "lost", "r-sneaky": "bypassed", "r-missing": "missing at IIS"}
    assert "✗ SECURITY FINDING: 1 request(s) bypassed the gateway" in out
    assert "\x1b" not in out and "\\x1b[31mmallory" in out


def test_json_has_summary_security_findings_and_rows(
    capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path]
) -> None:
    gw, iis = logs
    code, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis), "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"]["verdicts"]["bypassed"] == 1 and doc["summary"]["verdicts"]["intact"] == 1
    assert doc["summary"]["security_findings"][0]["code"] == "bypassed"
    by_key = {row["key"]: row for row in doc["rows"]}
    assert by_key["r-lost"]["gateway_caller"] == "bob" and by_key["r-lost"]["iis_user"] is None
    assert by_key["r-missing"]["verdict"] == "missing_at_iis"


def test_csv_has_a_header_and_one_row_per_request(capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path]) -> None:
    gw, iis = logs
    code, out, err = run(capsys, "--gateway", str(gw), "--iis", str(iis), "--csv")
    assert code == 1
    table = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["verdict"] for r in table) == ["bypassed", "intact", "lost", "missing_at_iis"]
    assert "4 requests" in err


def test_all_intact_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gw = tmp_path / "access.log"
    gw.write_text(gateway_line("r-1", "alice", 200, 1) + "\n")
    iis = tmp_path / "u_ex1.log"
    iis.write_text(f"#Fields: {FIELDS}\n2026-05-17 10:00:01 GET /api/orders alice 10.0.0.9 200 0 0 r-1\n")
    code, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis))
    assert code == 0 and "SECURITY" not in out


def test_a_missing_gateway_log_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path]) -> None:
    _, iis = logs
    code, out, err = run(capsys, "--gateway", "/nonexistent/access.log", "--iis", str(iis))
    assert (code, out) == (2, "") and err == "baton: /nonexistent/access.log: no such file or folder\n"


def test_a_log_without_the_correlation_field_is_no_security_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gw = tmp_path / "access.log"
    gw.write_text("".join(gateway_line(f"r-{n}", "alice", 200, n) + "\n" for n in range(2)))
    iis = tmp_path / "u_ex260517.log"
    no_key = FIELDS.removesuffix(" X-Correlation-Id")
    rows = [f"2026-05-17 10:00:0{n} GET /api/orders alice 10.0.0.9 200 0 0" for n in range(2)]
    iis.write_text(f"#Fields: {no_key}\n" + "\n".join(rows) + "\n")
    code, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis))
    assert "SECURITY FINDING" not in out
    (bypassed,) = [line for line in out.splitlines() if line.strip().startswith("bypassed")]
    assert "2 IIS records could not be checked" in bypassed  # "bypassed 0" alone would be a claim nobody can make
    assert "Summary  2 requests" in out and "(partial)" in out
    assert "not joinable" in out and "integration.request.header.X-Correlation-Id" in out
    assert f"has no X-Correlation-Id field (has: {no_key})" in " ".join(out.split())  # the key and the fields
    assert code == 1  # nothing could be judged: not a pass
    code, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis), "--json")
    summary = json.loads(out)["summary"]
    assert summary["requests"] == 2 and summary["verdicts"]["not_joinable"] == 2
    assert summary["verdicts"]["bypassed"] == 0 and summary["security_findings"] == []
    assert summary["complete"] is False and code == 1


def test_summary_only_gives_the_counts_without_rows(
    capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path]
) -> None:
    import argparse

    from console.commands import logs_join

    gw, iis = logs
    args = argparse.Namespace(
        gateway=[str(gw)], iis=[str(iis)], iis_key="X-Correlation-Id", json=True, csv=False, no_color=True, summary=True
    )
    code = logs_join.run(args)
    document = json.loads(capsys.readouterr().out)
    assert code == 1 and list(document) == ["summary"] and document["summary"]["requests"] == 4


def one_request(tmp_path: Path, caller: str, iis_user: str) -> tuple[Path, Path]:
    gw = tmp_path / "access.log"
    gw.write_text(gateway_line("r-1", caller, 200, 1) + "\n")
    iis = tmp_path / "u_ex1.log"
    iis.write_text(f"#Fields: {FIELDS}\n2026-05-17 10:00:01 GET /api/orders {iis_user} 10.0.0.9 200 0 0 r-1\n")
    return gw, iis


def test_the_same_name_in_an_unverified_realm_is_a_finding_counted_apart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gw, iis = one_request(tmp_path, "alice@contoso.evil.com", "CONTOSO\\alice")
    code, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis), "--json")
    summary = json.loads(out)["summary"]
    assert summary["verdicts"]["intact"] == 0 and summary["verdicts"]["name_only"] == 1
    assert code == 1
    code, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis))
    assert "same name, realm not verified" in out and code == 1


@pytest.mark.parametrize(
    ("content", "looks"),
    [
        ("(0f1e2d3c-aaaa-bbbb-cccc-0123456789ab) Extended Request Id: ext-A\n", "execution log"),
        ("#Software: Microsoft Internet Information Services 10.0\n#Fields: date time\n2026-05-17 10:00:00\n", "W3C"),
        ("hello\nworld\n", "no line is a JSON object"),
    ],
)
def test_a_gateway_log_with_no_access_log_record_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path], tmp_path: Path, content: str, looks: str
) -> None:
    _, iis = logs
    bad = tmp_path / "exec.log"
    bad.write_text(content)
    code, out, err = run(capsys, "--gateway", str(bad), "--iis", str(iis))
    assert (code, out) == (2, "") and "SECURITY" not in err
    assert err.count("\n") == 1 and str(bad) in err and "no API Gateway access-log record" in err and looks in err


def test_swapped_inputs_are_exit_2(capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path]) -> None:
    gw, iis = logs
    code, out, err = run(capsys, "--gateway", str(iis), "--iis", str(gw))
    assert (code, out) == (2, "") and "swapped" in err


def test_help_documents_summary_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["logs", "join", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--summary" in text
    assert "0 every request intact" in text and "2 unusable input" in text and "name_only" in text


def test_summary_flag_on_the_command_line(capsys: pytest.CaptureFixture[str], logs: tuple[Path, Path]) -> None:
    gw, iis = logs
    code, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis), "--summary")
    assert code == 1 and "Summary  4 requests" in out and "Requests" not in out


def test_csv_neutralises_cells_a_spreadsheet_would_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gw, iis = one_request(tmp_path, "-cmd", "-cmd")
    _, out, _ = run(capsys, "--gateway", str(gw), "--iis", str(iis), "--csv")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["iis_user"] == row["gateway_caller"] == "'-cmd" and row["gateway_status"] == "200"
    gw, iis = one_request(tmp_path, "alice", "-2+3")
