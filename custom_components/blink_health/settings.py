"""The entry's options turned into what the rules and features take: thresholds, figures, plugs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfDataRate,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    DataRateConverter,
    DurationConverter,
)

from .const import (
    CONF_DOWNLOAD_SENSOR,
    CONF_EXCLUDED,
    CONF_MAX_CLOUD_LATENCY,
    CONF_MAX_PING,
    CONF_MIN_DOWNLOAD,
    CONF_OFFLINE_GRACE,
    CONF_PING_SENSOR,
    CONF_PLUGS,
    CONF_WEAK_SYNC_BARS,
    CONF_WEAK_WIFI_BARS,
    CORE_DOMAIN,
    DOMAIN,
)
from .playbook import InternetFigures, Thresholds

DEFAULT_THRESHOLDS = Thresholds()


def thresholds_from_options(options: Mapping[str, Any]) -> Thresholds:
    """Return the thresholds the user chose, with the article's defaults for the rest."""
    grace = options.get(CONF_OFFLINE_GRACE)
    return replace(
        DEFAULT_THRESHOLDS,
        weak_wifi_bars=int(
            options.get(CONF_WEAK_WIFI_BARS, DEFAULT_THRESHOLDS.weak_wifi_bars)
        ),
        weak_sync_bars=int(
            options.get(CONF_WEAK_SYNC_BARS, DEFAULT_THRESHOLDS.weak_sync_bars)
        ),
        min_download_mbps=float(
            options.get(CONF_MIN_DOWNLOAD, DEFAULT_THRESHOLDS.min_download_mbps)
        ),
        max_ping_ms=float(options.get(CONF_MAX_PING, DEFAULT_THRESHOLDS.max_ping_ms)),
        max_cloud_latency_ms=float(
            options.get(CONF_MAX_CLOUD_LATENCY, DEFAULT_THRESHOLDS.max_cloud_latency_ms)
        ),
        offline_grace=(
            DEFAULT_THRESHOLDS.offline_grace
            if grace is None
            else timedelta(minutes=float(grace))
        ),
    )


def _sensor_value(
    hass: HomeAssistant,
    entity_id: str | None,
    convert: type[BaseUnitConverter],
    to_unit: str,
) -> float | None:
    """Read a numeric sensor and convert it to `to_unit`; None when unset, unknown or odd."""
    if not entity_id or (state := hass.states.get(entity_id)) is None:
        return None
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return None
    try:
        value = float(state.state)
    except ValueError:
        return None
    unit = state.attributes.get("unit_of_measurement")
    if unit is None or unit == to_unit:
        return value
    try:
        return float(convert.convert(value, unit, to_unit))
    except HomeAssistantError:
        return None


def internet_figures(
    hass: HomeAssistant, options: Mapping[str, Any]
) -> InternetFigures:
    """Return download speed (Mbit/s) and ping (ms) from the sensors chosen in the options."""
    return InternetFigures(
        download_mbps=_sensor_value(
            hass,
            options.get(CONF_DOWNLOAD_SENSOR),
            DataRateConverter,
            UnitOfDataRate.MEGABITS_PER_SECOND,
        ),
        ping_ms=_sensor_value(
            hass,
            options.get(CONF_PING_SENSOR),
            DurationConverter,
            UnitOfTime.MILLISECONDS,
        ),
    )


def excluded_serials(hass: HomeAssistant, options: Mapping[str, Any]) -> frozenset[str]:
    """Return the serials of the devices the user excluded from health checks."""
    registry = dr.async_get(hass)
    serials: set[str] = set()
    for device_id in options.get(CONF_EXCLUDED) or ():
        if (device := registry.async_get(device_id)) is not None:
            # Blink Health's own device, or core Blink's that its entities joined.
            serials.update(
                value
                for domain, value in device.identifiers
                if domain in (DOMAIN, CORE_DOMAIN)
            )
    return frozenset(serials)


def plug_for(entry: ConfigEntry[Any], serial: str) -> str | None:
    """Return the switch entity id mapped to a device in the options, if any."""
    plugs: Mapping[str, str] = entry.options.get(CONF_PLUGS) or {}
    return plugs.get(serial) or None


@callback
def async_set_plug(
    hass: HomeAssistant, entry: ConfigEntry[Any], serial: str, plug: str
) -> None:
    """Remember the plug that feeds a device in the entry's options (no reload)."""
    plugs = {**(entry.options.get(CONF_PLUGS) or {}), serial: plug}
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_PLUGS: plugs}
    )
