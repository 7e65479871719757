"""Profiles name log locations ([iis] log_path, httperr_path, [gateway] access_log) and how long a trace waits."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import check_file, load_profile
from console.engine.target import DEFAULT_LOG_WAIT, target_from_profile
from console.errors import ProfileError

BASE = 'name = "p"\nenvironment = "dev"\n[gateway]\nurl = "https://api.example.com/dev"\n'


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.toml"
    path.write_text(BASE + text)
    return str(path)


def test_the_keys_reach_the_target_relative_to_the_profile(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "u_ex260517.log").write_text("#Fields: date time\n")
    (tmp_path / "HTTPERR").mkdir()
    (tmp_path / "HTTPERR" / "httperr1.log").write_text("#Fields: date time\n")
    (tmp_path / "access.log").write_text("{}\n")
    profile = load_profile(
        write(
            tmp_path,
            'access_log = "access.log"\n[iis]\nlog_path = "logs"\n'
            'httperr_path = "HTTPERR/httperr*.log"\nlog_wait = 2\n',
        )
    )
    target = target_from_profile(profile)
    assert target.log_path == str(tmp_path / "logs")
    assert target.httperr_path == str(tmp_path / "HTTPERR" / "httperr*.log")
    assert target.access_log == str(tmp_path / "access.log")
    assert target.log_wait == 2.0 and profile.warnings == ()


def test_log_wait_defaults_for_a_real_iis(tmp_path: Path) -> None:
    target = target_from_profile(load_profile(write(tmp_path, "")))
    assert target.log_wait == DEFAULT_LOG_WAIT and target.log_path is None


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("missing.log", "does not exist"),
        ("W3SVC*/nothing*.log", "is a glob that matches no file"),
        ("empty", "is a folder with no log files"),
    ],
)
def test_a_location_naming_nothing_is_a_warning_naming_the_key(tmp_path: Path, value: str, said: str) -> None:
    (tmp_path / "empty").mkdir()
    profile = load_profile(write(tmp_path, f'[iis]\nlog_path = "{value}"\n'))  # loads: logs may appear later
    [warning] = profile.warnings
    assert (
        warning.startswith("iis.log_path: warning: ") and said in warning and value.split("/", maxsplit=1)[0] in warning
    )


def test_a_misspelt_key_and_a_bad_wait_are_errors_naming_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[iis]\nhttperr_pth = "x"\nlog_wait = -1\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    problems = "\n".join(caught.value.problems)
    assert f"{path}:6: iis.httperr_pth: unknown key (did you mean 'httperr_path'?)" in problems
    assert f"{path}:7: iis.log_wait:" in problems and ">= 0" in problems


def test_a_log_wait_over_the_bound_is_refused_in_its_own_words(tmp_path: Path) -> None:
    path = write(tmp_path, "[iis]\nlog_wait = 1e9\n")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}:6: iis.log_wait: ") and "more than an hour" in problem, problem
    assert "IIS" in problem and "netsh http flush logbuffer" in problem
    assert "leeway" not in problem and "clock skew" not in problem and "token" not in problem
    assert load_profile(write(tmp_path, "[iis]\nlog_wait = 3600\n")).iis is not None  # the bound itself is fine


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ('[iis]\nlog_path = "missing.log"\n', 6, "iis.log_path"),
        ('[iis]\nurl = "https://iis.example.com"\nhttperr_path = "HTTPERR/*.log"\n', 7, "iis.httperr_path"),
        ('access_log = "gw/access.log"\n', 5, "gateway.access_log"),
    ],
)
def test_validate_lists_a_location_naming_nothing_with_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str
) -> None:
    path = write(tmp_path, text)
    found = [str(p) for p in check_file(path, warnings=True) if p.key == key]
    assert len(found) == 1 and found[0].startswith(f"{path}:{line}: {key}: warning: "), found
    assert str(tmp_path) in found[0] and "traces will say so until it does" in found[0]
    assert check_file(path) == []  # a warning: the profile is valid, the logs may appear later
    [warning] = load_profile(path).warnings  # still told at load time, once
    assert warning.startswith(f"{key}: warning: ")


def test_a_relative_location_is_checked_against_the_profiles_folder(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "u_ex260517.log").write_text("#Fields: date time\n")
    assert check_file(write(tmp_path, '[iis]\nlog_path = "logs"\n'), warnings=True) == []
