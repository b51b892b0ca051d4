"""Logbook entries for Blink Health's events, worded for people ("Hall Mini went offline")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import (
    DOMAIN,
    EVENT_DEVICE_OFFLINE,
    EVENT_DEVICE_ONLINE,
    EVENT_POWER_CYCLE,
    EVENT_READD,
)
from .watchdog import EVENT_CORE_RELOADED, async_describe_core_reloaded

type Describe = Callable[[Any], dict[str, str]]

READD_MESSAGES = {
    "done": "was re-added and is back online",
    "timeout": "was not re-added in time",
    "cancelled": "was not re-added: the re-add was cancelled",
}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Describe], None],
) -> None:
    """Describe the offline, online, power-cycle, re-add and watchdog-reload events."""

    def _entry(data: Mapping[str, Any], message: str) -> dict[str, str]:
        """Return a logbook entry naming the device the event is about."""
        return {
            LOGBOOK_ENTRY_NAME: device_name(hass, data),
            LOGBOOK_ENTRY_MESSAGE: message,
        }

    @callback
    def describe_offline(event: Any) -> dict[str, str]:
        """Describe a device going offline."""
        return _entry(event.data, "went offline")

    @callback
    def describe_online(event: Any) -> dict[str, str]:
        """Describe a device coming back online."""
        return _entry(event.data, "came back online")

    @callback
    def describe_power_cycle(event: Any) -> dict[str, str]:
        """Describe a power cycle and what came of it."""
        return _entry(event.data, power_cycle_message(hass, event.data))

    @callback
    def describe_readd(event: Any) -> dict[str, str]:
        """Describe how a re-add ended."""
        outcome = str(event.data.get("outcome"))
        return _entry(event.data, READD_MESSAGES.get(outcome, "re-add ended"))

    async_describe_event(DOMAIN, EVENT_DEVICE_OFFLINE, describe_offline)
    async_describe_event(DOMAIN, EVENT_DEVICE_ONLINE, describe_online)
    async_describe_event(DOMAIN, EVENT_POWER_CYCLE, describe_power_cycle)
    async_describe_event(DOMAIN, EVENT_READD, describe_readd)
    async_describe_event(DOMAIN, EVENT_CORE_RELOADED, async_describe_core_reloaded)


def device_name(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Return the device's Home Assistant name now, else the name the event carries.

    Events carry the device id and name, never the serial (issue 19); events recorded before
    that named a device by its serial (`serial`, or `device` of a power cycle), looked up and
    never shown.
    """
    registry = dr.async_get(hass)
    if (device_id := data.get("device_id")) is not None and (
        device := registry.async_get(str(device_id))
    ) is not None:
        if name := device.name_by_user or device.name:
            return name
    for key in ("serial", "device"):
        if (value := data.get(key)) is not None and (
            name := _name_by_serial(registry, str(value))
        ):
            return name
    return str(data.get("name") or "A Blink device")


def _name_by_serial(registry: dr.DeviceRegistry, serial: str) -> str | None:
    """Return the name of the Blink Health device with this serial, if there is one."""
    for device in registry.async_get_devices(identifiers={(DOMAIN, serial)}):
        if name := device.name_by_user or device.name:
            return name
    return None


def power_cycle_message(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Return what a power cycle did, as the rest of a sentence after the device's name."""
    # Events since issue 19 carry the plug's entity id apart from its name; before, `plug`
    # was the entity id.
    entity_id = str(data.get("plug_entity_id") or data.get("plug") or "")
    state = hass.states.get(entity_id) if entity_id else None
    plug = state.name if state is not None else str(data.get("plug") or "")
    through = f" through {plug}" if plug else ""
    cycled = f"was power-cycled{through}"
    if data.get("turned_on") is False:
        return f"{cycled}, but its plug did not switch back on"
    online_again = data.get("online_again")
    if online_again is True:
        seconds = data.get("seconds_to_online")
        after = f" after {round(seconds)} s" if isinstance(seconds, int | float) else ""
        return f"{cycled} and came back online{after}"
    if online_again is False:
        return f"{cycled}, but did not come back online"
    return cycled
