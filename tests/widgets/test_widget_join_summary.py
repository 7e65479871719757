"""The join summary's counts: every verdict the join gives, and no "all through the gateway" nobody could check."""

from __future__ import annotations

from widgets.join_summary import summary_content

THROUGH = "every IIS request came through the gateway"


def test_name_only_and_not_joinable_are_counted_on_the_summary() -> None:
    text = summary_content({"intact": 1, "name_only": 2, "not_joinable": 3}, width=200).plain
    assert "same name, realm not verified 2" in text and "not joinable 3" in text


def test_no_claim_that_everything_came_through_when_iis_records_could_not_be_joined() -> None:
    assert THROUGH in summary_content({"intact": 1}, width=200).plain
    assert THROUGH not in summary_content({"intact": 1, "not_joinable": 2}, width=200).plain
    assert THROUGH not in summary_content({"intact": 1, "iis_not_joinable": 5}, width=200).plain


def test_lines_that_came_through_without_their_correlation_id_are_counted_and_said() -> None:
    """qa4 #22: such lines are no bypass, but the summary must not hide them behind "all came through"."""
    text = summary_content({"intact": 1, "id_not_propagated": 4}, width=200).plain
    assert "correlation id not propagated 4" in text
    assert "4 without its correlation id" in text
    assert "correlation id not propagated" not in summary_content({"intact": 1}, width=200).plain
