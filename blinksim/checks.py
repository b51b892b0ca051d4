"""Validators for scenario data and control requests: each raises ScenarioError with the field named."""

from __future__ import annotations

from typing import Any, Literal

from .scenarios import ScenarioError


def bars(value: Any, what: str) -> int:
    """Validate a bar count (0–5)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise ScenarioError(f"{what} must be an integer from 0 to 5, got {value!r}")
    return value


def dbm(value: Any, what: str) -> int:
    """Validate an RSSI in dBm (a negative integer)."""
    if isinstance(value, bool) or not isinstance(value, int) or value >= 0:
        raise ScenarioError(f"{what} must be a negative integer (dBm), got {value!r}")
    return value


def number(value: Any, what: str) -> float:
    """Validate a plain number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{what} must be a number, got {value!r}")
    return float(value)


def flag(value: Any, what: str) -> bool:
    """Validate a boolean."""
    if not isinstance(value, bool):
        raise ScenarioError(f"{what} must be true or false, got {value!r}")
    return value


def text(value: Any, what: str) -> str:
    """Validate a non-empty string."""
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{what} must be a non-empty string, got {value!r}")
    return value


def status(value: Any) -> str:
    """Validate a configured status; Blink's "done" means online for cameras."""
    if value in ("online", "done"):
        return "online"
    if value == "offline":
        return "offline"
    raise ScenarioError(f"status must be 'online' or 'offline', got {value!r}")


def battery(value: Any) -> str:
    """Validate a battery state."""
    if value not in ("ok", "low"):
        raise ScenarioError(f"battery must be 'ok' or 'low', got {value!r}")
    return str(value)


def form(value: Any) -> Literal["412", "202"]:
    """Validate the 2FA form."""
    value = str(value)
    if value == "412":
        return "412"
    if value == "202":
        return "202"
    raise ScenarioError(f"two_factor form must be '412' or '202', got {value!r}")


def choice[T: str](value: Any, options: tuple[T, ...], what: str) -> T:
    """Validate one of a few strings."""
    for option in options:
        if value == option:
            return option
    raise ScenarioError(f"{what} must be one of {', '.join(options)}, got {value!r}")


def lists(value: Any, allowed: frozenset[str], what: str) -> frozenset[str]:
    """Validate a list of names drawn from `allowed`."""
    if not isinstance(value, list | tuple) or not set(value) <= allowed:
        raise ScenarioError(
            f"{what} must be a list of {sorted(allowed)}, got {value!r}"
        )
    return frozenset(value)
