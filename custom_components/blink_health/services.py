"""Blink Health actions, registered once in async_setup so automations always validate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
import math
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
import probatio

from .checkup import async_diagnose_response
from .const import DOMAIN
from .devices import entry_and_serial
from .errors import translated_error
from .readd import DEFAULT_TIMEOUT, report
from .runtime import BlinkHealthConfigEntry

ATTR_DEVICE_ID = "device_id"
ATTR_OFF_SECONDS = "off_seconds"
ATTR_OPEN_TROUBLESHOOTER = "open_troubleshooter"
ATTR_TIMEOUT = "timeout"
ATTR_WAIT = "wait"
ATTR_WAIT_ONLINE = "wait_online"
SERVICE_DIAGNOSE = "diagnose"
SERVICE_POWER_CYCLE = "power_cycle"
SERVICE_READD_CAMERA = "readd_camera"

DIAGNOSE_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): cv.string,
        probatio.Optional(ATTR_OPEN_TROUBLESHOOTER, default=False): cv.boolean,
    }
)

POWER_CYCLE_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): cv.string,
        # Numbers are checked in the handler, so a refusal names the bounds and the value given.
        probatio.Optional(ATTR_OFF_SECONDS, default=10): object,
        probatio.Optional(ATTR_WAIT_ONLINE, default=True): cv.boolean,
        probatio.Optional(ATTR_TIMEOUT, default=600): object,
    }
)
OFF_SECONDS_RANGE = (5, 120)
POWER_CYCLE_TIMEOUT_RANGE = (30, 600)
READD_TIMEOUT_RANGE = (5, 240)

# The re-add's timeout is in minutes: a person works through the Blink app meanwhile.
READD_CAMERA_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): cv.string,
        probatio.Optional(ATTR_WAIT, default=False): cv.boolean,
        probatio.Optional(
            ATTR_TIMEOUT, default=DEFAULT_TIMEOUT.total_seconds() / 60
        ): object,
    }
)


def _in_range(value: Any, bounds: tuple[float, float]) -> float | None:
    """Return the value as a number if it is one within the bounds, else None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except TypeError, ValueError:
        return None
    low, high = bounds
    return number if math.isfinite(number) and low <= number <= high else None


def _bounded(
    call: ServiceCall, attr: str, bounds: tuple[float, float], key: str
) -> float:
    """Return an action field's number, or refuse it naming the bounds and what was given."""
    if (number := _in_range(call.data[attr], bounds)) is None:
        raise translated_error(
            key, min=bounds[0], max=bounds[1], value=_shown(call.data[attr])
        )
    return number


def _shown(value: Any) -> str:
    """Return the value as the user gave it, whole numbers without ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """The Blink Health device an action works on, and the loaded entry that owns it."""

    entry: BlinkHealthConfigEntry
    device: dr.DeviceEntry | dr.ChildDeviceEntry
    serial: str


def resolve_device(
    hass: HomeAssistant, call: ServiceCall, *, on_account: bool = True
) -> ActionTarget:
    """Return the entry and serial of the action's device_id, or raise a translated error.

    Devices of other integrations, the account device, and devices of unloaded entries are
    refused; with `on_account`, so are devices that have left the Blink account (kept only
    so their Home Assistant setup survives): nothing is sent to Blink or to a plug for them.
    """
    device_id = call.data[ATTR_DEVICE_ID]
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_device",
            translation_placeholders={"device_id": device_id},
        )
    # Its own device, or core Blink's device that its entities joined (devices.py).
    found = entry_and_serial(hass, device)
    entry, serial = found if found is not None else (None, None)
    if entry is None or serial is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_blink_health_device",
            translation_placeholders={
                "device": device.name_by_user or device.name or device_id
            },
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={
                "device": device.name_by_user or device.name or device_id
            },
        )
    if serial == str(entry.unique_id):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_blink_device",
            translation_placeholders={
                "device": device.name_by_user or device.name or device_id
            },
        )
    health = entry.runtime_data.coordinator.data
    if on_account and (health is None or health.device(serial) is None):
        raise translated_error(
            "device_left_account",
            device=device.name_by_user or device.name or device_id,
        )
    return ActionTarget(entry=entry, device=device, serial=serial)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every Blink Health action (each feature module adds its own here)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_DIAGNOSE,
        _async_diagnose,
        schema=DIAGNOSE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_POWER_CYCLE,
        _async_power_cycle,
        schema=POWER_CYCLE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_READD_CAMERA,
        _async_readd_camera,
        schema=READD_CAMERA_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


async def _async_diagnose(call: ServiceCall) -> ServiceResponse:
    """Run every check of the article for the device; respond with the steps in order."""
    target = resolve_device(call.hass, call)
    response = await async_diagnose_response(
        call.hass,
        target.entry,
        target.serial,
        open_troubleshooter=call.data[ATTR_OPEN_TROUBLESHOOTER],
    )
    # Not fresh: when the request governor (budget, Blink's pause, backoff) lets fresh data come.
    refusal = target.entry.runtime_data.coordinator.refusal
    response["fresh_data_at"] = (
        None
        if response["fresh"] or refusal is None
        else (dt_util.utcnow() + timedelta(seconds=refusal.wait)).isoformat()
    )
    return response if call.return_response else None


async def _async_power_cycle(call: ServiceCall) -> ServiceResponse:
    """Power-cycle the device through its smart plug; respond with the outcome."""
    off_seconds = _bounded(
        call, ATTR_OFF_SECONDS, OFF_SECONDS_RANGE, "off_seconds_out_of_range"
    )
    timeout = _bounded(
        call,
        ATTR_TIMEOUT,
        POWER_CYCLE_TIMEOUT_RANGE,
        "power_cycle_timeout_out_of_range",
    )
    target = resolve_device(call.hass, call)
    outcome = await target.entry.runtime_data.power.async_power_cycle(
        target.serial,
        off_seconds=off_seconds,
        wait_online=call.data[ATTR_WAIT_ONLINE],
        verify_seconds=timeout,
        plug=None,
    )
    return outcome.as_dict() if call.return_response else None


async def _async_readd_camera(call: ServiceCall) -> ServiceResponse:
    """Guide and watch the camera's re-add; respond with what was seen (when it ended, if wait).

    A camera away from the account may be joined or watched again: the re-add decides.
    """
    minutes = _bounded(
        call, ATTR_TIMEOUT, READD_TIMEOUT_RANGE, "readd_timeout_out_of_range"
    )
    target = resolve_device(call.hass, call, on_account=False)
    readd = target.entry.runtime_data.readd
    procedure = await readd.async_start(target.serial, timedelta(minutes=minutes))
    if call.data[ATTR_WAIT]:
        procedure = await readd.async_wait_end(target.serial)
    if not call.return_response:
        return None
    return report(
        procedure,
        device_id=target.device.id,
        issue_id=readd.issue_id(target.serial),
    )
