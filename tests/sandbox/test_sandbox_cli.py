"""`baton sandbox`: --list, --json first line, one-line errors with exit 2."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from console.cli import main
from console.sandbox import SCENARIOS

BATON = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]


def test_list_prints_every_scenario(capsys: object) -> None:
    assert main(["sandbox", "--list"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    names = [line.split()[0] for line in out.splitlines()]
    assert names == list(SCENARIOS)
    assert "token.expired" in out


def test_unknown_scenario_is_one_line_exit_2() -> None:
    result = subprocess.run(
        [*BATON, "sandbox", "--scenario", "nope"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown scenario 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_port_in_use_is_one_line_exit_2() -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*BATON, "sandbox", "--port-base", str(port)], capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"port {port} (idp)" in result.stderr


def test_json_first_line_then_serves_until_terminated() -> None:
    process = subprocess.Popen(
        [*BATON, "sandbox", "--json", "--scenario", "iis-windows-auth"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        assert set(first) == {"idp", "gateway", "iis", "iis_log", "httperr_log", "access_log", "scenario"}
        assert first["scenario"] == "iis-windows-auth"
        logs = Path(first["iis_log"]).parent.parent  # <log dir>/W3SVC1/u_ex…: the access log lives beside it
        assert Path(first["access_log"]).parent == logs / "apigateway" and Path(first["access_log"]).exists()
        assert Path(first["httperr_log"]) == logs / "HTTPERR" / "httperr1.log"
        assert httpx.get(f"{first['iis']}/whoami").status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert process.returncode == 0


def test_text_output_names_the_access_log_beside_the_iis_log(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*BATON, "sandbox", "--log-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Ctrl-C"):
            lines.append(process.stdout.readline())
            assert lines[-1], f"baton sandbox ended before it said where its logs are: {lines}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    shown = {line.split()[0]: line.split()[-1] for line in lines if line.startswith("  ")}
    access = next(line.split()[1] for line in lines if line.strip().startswith("access "))
    assert Path(shown["httperr"]) == tmp_path / "HTTPERR" / "httperr1.log"
    assert Path(access).parent == tmp_path / "apigateway" and Path(access).exists()
    assert str(tmp_path / "W3SVC1") in "".join(lines)
