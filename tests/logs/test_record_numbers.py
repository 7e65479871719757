"""LogRecord.number: what counts as a number in a W3C field (a log is data: odd digits never crash a reader)."""

from __future__ import annotations

import pytest

from console.engine.logs.model import LogRecord, Schema

SCHEMA = Schema.of(("sc-status", "sc-win32-status"))


def record(status: str, win32: str = "0") -> LogRecord:
    return LogRecord("u_ex260101.log", 5, 100, SCHEMA, (status, win32))


def test_a_64_bit_win32_value_is_read_whole() -> None:
    assert record("401", "2148074254").number("sc-win32-status") == 2148074254
    assert record("200", "18446744073709551615").number("sc-win32-status") == 2**64 - 1


@pytest.mark.parametrize("odd", ["²", "٤٠١", "4０1", "-", "", "401a", "-1", "1" * 21])
def test_digits_that_are_not_ascii_numbers_are_not_numbers(odd: str) -> None:
    # "²".isdigit() is True but int("²") raises: a hostile or corrupt log must not crash stats, search or the pane.
    assert record(odd).number("sc-status") is None


def test_an_absent_field_is_none() -> None:
    assert record("200").number("sc-substatus") is None
