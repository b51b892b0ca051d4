"""When a power cycle must not run: battery power, no plug, plug unavailable or left off, cooldown, cap."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.util import dt as dt_util

from custom_components.blink_health.const import (
    CONF_COOLDOWN_MINUTES,
    CONF_MAX_ATTEMPTS,
    DEFAULT_COOLDOWN_MINUTES,
    DEFAULT_MAX_ATTEMPTS,
)
from custom_components.blink_health.errors import translated_error
from custom_components.blink_health.health import CameraHealth, SyncModuleHealth

from .journal import CAP_WINDOW
from .plug import Plug, is_available


def can_power_cycle(device: CameraHealth | SyncModuleHealth) -> bool:
    """Return whether the device can run on mains power (never battery-only or unknown cameras)."""
    if isinstance(device, SyncModuleHealth):
        return True
    return device.power_source.mains_possible


def cooldown_minutes(entry: ConfigEntry[Any]) -> float:
    """Return the minimum time between two cycles of one device."""
    return float(entry.options.get(CONF_COOLDOWN_MINUTES, DEFAULT_COOLDOWN_MINUTES))


def max_attempts(entry: ConfigEntry[Any]) -> int:
    """Return how many cycles one device may get in 24 hours."""
    return int(entry.options.get(CONF_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS))


def check_device(device: CameraHealth | SyncModuleHealth | None, name: str) -> None:
    """Refuse a device that runs on batteries."""
    if device is not None and not can_power_cycle(device):
        raise translated_error("battery_device", device=name)


def check_plug(plug: Plug | None, name: str, *, left_off: bool) -> Plug:
    """Refuse a missing or unavailable plug, or one not confirmed on since an earlier cycle."""
    if plug is None:
        raise translated_error("no_plug", device=name)
    if not is_available(plug.state):
        raise translated_error("plug_unavailable", device=name, plug=plug.entity_id)
    if left_off:
        # Switching it off again would only deepen the outage: first get it on.
        raise translated_error("plug_left_off", device=name, plug=plug.entity_id)
    return plug


def check_pace(entry: ConfigEntry[Any], recent: list[datetime], name: str) -> None:
    """Refuse a cycle within the cooldown of the last one, or past the cap of 24 hours."""
    now = dt_util.utcnow()
    if recent:
        next_allowed = recent[-1] + timedelta(minutes=cooldown_minutes(entry))
        if next_allowed > now:
            minutes = max(1, round((next_allowed - now).total_seconds() / 60))
            raise translated_error("cooldown", device=name, minutes=minutes)
    if len(recent) >= max_attempts(entry):
        raise translated_error(
            "attempt_cap",
            device=name,
            attempts=len(recent),
            next=dt_util.as_local(recent[0] + CAP_WINDOW).strftime("%H:%M"),
        )
