"""Diagnostics for Blink Health: the entry, the latest health and the raw homescreen, secrets redacted."""

from __future__ import annotations

from dataclasses import asdict
import re
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import CONF_PLUGS, DOMAIN
from .runtime import BlinkHealthConfigEntry

# Everything that identifies the person, the account or a device, or would let someone sign in.
TO_REDACT = {
    "access_token",
    "account_id",
    "client_id",
    "email",
    "hardware_id",
    "host",
    "ip_address",
    "mac",
    "mac_address",
    "password",
    "phone",
    "refresh_token",
    "serial",
    "serial_number",
    "title",
    "token",
    "unique_id",
    "user_id",
    "username",
}


def _redact_serials(value: Any, serials: dict[str, str]) -> Any:
    """Replace serials wherever they appear (also as mapping keys) by stable placeholders."""
    if isinstance(value, dict):
        return {
            serials.get(str(key), key): _redact_serials(item, serials)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_serials(item, serials) for item in value]
    if isinstance(value, str) and value in serials:
        return serials[value]
    return value


def _account_ids(entry: BlinkHealthConfigEntry, homescreen: Any) -> set[str]:
    """Return the account and user ids the entry and the homescreen carry, as strings."""
    ids = {str(entry.unique_id)}
    ids.update(
        str(entry.data[key]) for key in ("account_id", "user_id") if entry.data.get(key)
    )
    account = homescreen.get("account") if isinstance(homescreen, dict) else None
    if isinstance(account, dict):
        ids.update(str(account[key]) for key in ("id", "user_id") if account.get(key))
    ids.discard("None")
    return ids


def _redact_ids(value: Any, ids: set[str], segment: re.Pattern[str] | None) -> Any:
    """Redact the account and user ids as values and as path segments (thumbnail URLs).

    Blink writes the account id into every media path (/accounts/<id>/networks/...), and its
    homescreen has it under account.id, a key too generic to redact by name.
    """
    if isinstance(value, dict):
        return {key: _redact_ids(item, ids, segment) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_ids(item, ids, segment) for item in value]
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    if str(value) in ids:
        return REDACTED
    if isinstance(value, str) and segment is not None:
        return segment.sub(REDACTED, value)
    return value


def _known_serials(hass: HomeAssistant, entry: BlinkHealthConfigEntry) -> set[str]:
    """Return every serial the entry may name: on the account, kept, mapped to a plug, a device.

    Not only the latest poll's: a device gone from the account can still have a plug in the
    options or a device in the registry.
    """
    coordinator = entry.runtime_data.coordinator
    serials = set(coordinator.data.serials if coordinator.data else ())
    serials.update(coordinator.kept_serials)
    serials.update(entry.options.get(CONF_PLUGS) or {})
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id):
        serials.update(
            value for domain, value in device.identifiers if domain == DOMAIN
        )
    serials.discard(str(entry.unique_id))
    return serials


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry
) -> dict[str, Any]:
    """Return what support needs to understand a problem, with nothing that identifies the user."""
    coordinator = entry.runtime_data.coordinator
    health = coordinator.data
    serials = {
        serial: f"device_{index}"
        for index, serial in enumerate(sorted(_known_serials(hass, entry)), start=1)
    }
    data = {
        "entry": {
            "data": dict(entry.data),
            "options": dict(entry.options),
            "title": entry.title,
            "unique_id": entry.unique_id,
            "version": entry.version,
        },
        "polling": {
            "api_requests_last_hour": coordinator.cloud.request_log.in_last_hour(),
            "consecutive_failures": coordinator.consecutive_failures,
            "last_update_success": coordinator.last_update_success,
            "latency_ms": coordinator.latency_ms,
            "update_interval_seconds": (
                coordinator.update_interval.total_seconds()
                if coordinator.update_interval
                else None
            ),
        },
        "health": asdict(health) if health else None,
        "findings": [asdict(finding) for finding in coordinator.findings],
        "homescreen": coordinator.last_homescreen,
    }
    ids = _account_ids(entry, coordinator.last_homescreen)
    segment = (
        re.compile(
            r"(?<=/)(?:" + "|".join(map(re.escape, sorted(ids))) + r")(?=/|\?|$)"
        )
        if ids
        else None
    )
    redacted = _redact_ids(_redact_serials(data, serials), ids, segment)
    return async_redact_data(redacted, TO_REDACT)
