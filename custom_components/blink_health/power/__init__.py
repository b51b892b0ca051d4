"""Power-cycling a mains-powered Blink device through the smart plug (switch entity) feeding it.

Blink has no remote reboot, so the plug is the only way to restart a device, and a plug left
off takes every camera behind it offline. So a plug is never left off and forgotten: a
journal record is written before every command and removed only once the plug is confirmed on,
and a keeper independent of the Blink side switches on what a record says may be off.

  plug.py       the switch driver: commands, late reports, settle time, renames
  journal.py    the records and the cycle history in Home Assistant's Store
  policy.py     refusals: battery power, no plug, unavailable, left off, cooldown, cap
  restore.py    switching one plug on until confirmed: retries, wake-ups, the issue
  switching.py  one physical cycle of a plug
  keeper.py     every account's plugs, shared cycles, recovery at start, removal
  issue.py      the critical power_cycle_failed issue and its fix flow
  cycle.py      PowerCycles: one account's cycles (checks, joins, watching, events)
  watch.py      fast polls until the device is back online
  outcome.py    PowerCycleOutcome
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .cycle import DEFAULT_OFF_SECONDS, PowerCycles
from .issue import ISSUE_PREFIX
from .journal import STORE_NAME
from .keeper import async_create_fix_flow, plug_keeper
from .outcome import PowerCycleOutcome
from .policy import can_power_cycle

__all__ = [
    "DEFAULT_OFF_SECONDS",
    "ISSUE_PREFIX",
    "STORE_NAME",
    "PowerCycleOutcome",
    "PowerCycles",
    "async_create_fix_flow",
    "async_remove_power",
    "async_setup_power",
    "can_power_cycle",
]


async def async_setup_power(hass: HomeAssistant) -> None:
    """Recover every plug a previous run left off, before (and whatever) any entry does."""
    await plug_keeper(hass).async_setup()


async def async_remove_power(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Switch a removed account's plugs on first; a record that cannot be kept outlives it."""
    await plug_keeper(hass).async_remove(entry)
