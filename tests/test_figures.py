"""Tests of how figures read in texts: the one placeholder for "not known" and its formatters."""

from __future__ import annotations

import pytest

from custom_components.blink_health.figures import (
    NO_VALUE,
    evidence_value,
    format_number,
    format_value,
    format_yes_no,
    usable_figure,
)


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        (2, 2.0),
        (0, 0.0),
        (1.5, 1.5),
        (-1, None),
        (float("nan"), None),
        (float("inf"), None),
        (True, None),  # a bool is an int, but never a measurement
        ("3", None),
        (None, None),
        (10**400, None),  # too large for a float
    ],
)
def test_usable_figure(value: object, usable: float | None) -> None:
    """Only finite, non-negative numbers are measurements."""
    assert usable_figure(value) == usable  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (2, 1, "2"),
        (2.0, 1, "2"),
        (1.25, 1, "1.2"),
        (180.4, 0, "180"),
        (3.456, 2, "3.46"),
        (None, 1, NO_VALUE),
        (float("nan"), 1, NO_VALUE),
    ],
)
def test_format_number(value: float | None, digits: int, text: str) -> None:
    """Whole figures lose their decimals; unknown ones read as the placeholder."""
    assert format_number(value, digits=digits) == text


def test_format_value_and_yes_no() -> None:
    """A reported value reads as itself, a missing one as the placeholder; facts as tokens."""
    assert [format_value(4), format_value("cam-1"), format_value(None)] == [
        "4",
        "cam-1",
        NO_VALUE,
    ]
    assert format_value(0) == "0"
    assert [format_yes_no(True), format_yes_no(False), format_yes_no(None)] == [
        "true",
        "false",
        "unknown",
    ]


def test_no_value_is_language_neutral() -> None:
    """The placeholder goes into every language's text: no letters in it."""
    assert NO_VALUE == "–"
    assert not any(char.isalpha() for char in NO_VALUE)


def test_evidence_values_for_responses() -> None:
    """Evidence texts become numbers and booleans for the diagnose response (issue 19)."""
    assert evidence_value("value", "48") == 48
    assert evidence_value("value", "-3") == -3
    assert evidence_value("download", "1.5") == 1.5
    assert evidence_value("online", "true") is True
    assert evidence_value("online", "false") is False
    assert evidence_value("online", "unknown") is None
    assert evidence_value("value", NO_VALUE) is None
    assert evidence_value("metric", "download") == "download"
    # Names stay text, even when they look like a figure.
    assert evidence_value("device", "42") == "42"
