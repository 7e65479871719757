"""Digits that are not ASCII digits ("²²²" passes str.isdigit(), int() refuses it) never crash the gateway reader."""

from __future__ import annotations

from console.engine.logs.gateway_fields import clf_time, status_of


def test_superscript_digits_are_no_status_and_no_time() -> None:
    assert status_of("²²²") is None and status_of("٢٠٠") is None
    assert status_of("200") == 200
    assert clf_time("¹²³⁴⁵⁶⁷⁸⁹⁰¹²³") is None
    assert clf_time("1779012000000") is not None
