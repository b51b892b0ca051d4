"""How figures read in texts: one placeholder for "not known" and the formatters that use it.

Pure: findings, the troubleshooter and the fix flows put these strings straight into
translated texts, so they are language-neutral (digits, a dash and unit symbols, no words).
"""

from __future__ import annotations

from datetime import timedelta
import math
import re

# Placeholder for a figure the integration does not have; language-neutral on purpose,
# because evidence strings go straight into translated texts.
NO_VALUE = "–"


def usable_figure(value: float | None) -> float | None:
    """Return a usable measurement: finite and not negative, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def format_number(value: float | None, *, digits: int = 1) -> str:
    """Format a figure for a text: 2 → "2", 1.25 → "1.2", unknown → NO_VALUE."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    rounded = round(value, digits)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:.{digits}f}"


def format_value(value: object) -> str:
    """Format a value Blink reported (bars, an id, a name), or NO_VALUE when it did not."""
    return NO_VALUE if value is None else str(value)


def format_yes_no(value: bool | None) -> str:
    """Format a yes/no fact as a stable token for texts: "true", "false" or "unknown"."""
    return "unknown" if value is None else str(value).lower()


def format_duration(duration: timedelta) -> str:
    """Format a duration with unit symbols: "32 min", "6 h 5 min", "2 d 3 h" (whole minutes)."""
    minutes = max(int(duration.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        # Minutes no longer matter once it has been days.
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


# Evidence keys whose values are names people typed: text, even when they look like numbers.
_TEXT_EVIDENCE = frozenset({"account", "cameras", "device", "plug", "sync_module"})
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def evidence_value(key: str, text: str) -> str | int | float | bool | None:
    """Return an evidence text as the value it stands for, for action responses (issue 19).

    Evidence is written for texts ("48", "true", NO_VALUE); an automation reads numbers and
    booleans: "48" → 48, "1.5" → 1.5, "true" → True, NO_VALUE or "unknown" → None. Names
    and words stay text.
    """
    if key in _TEXT_EVIDENCE:
        return text
    if text in (NO_VALUE, "unknown"):
        return None
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if "." not in text else number
    return text
