"""One physical power cycle of a plug: off, confirmed off, the off time, then back on for sure."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from custom_components.blink_health.errors import translated_error

from .plug import CONFIRM_SECONDS, is_off
from .restore import Restorer

if TYPE_CHECKING:
    from .keeper import PlugKeeper


async def async_switch_cycle(
    keeper: PlugKeeper, restorer: Restorer, off_seconds: float, name: str
) -> datetime:
    """Switch the plug off, wait, and switch it on until confirmed; return when it came on.

    The journal records are written (by the keeper) before this starts and before each
    command; they go only when the plug is confirmed on.
    """
    plug = restorer.plug
    try:
        await _async_off(keeper, restorer, off_seconds, name)
    except Exception as err:
        # Whatever failed, the relay may have switched: back on first (retried), then tell.
        await asyncio.shield(restorer.start())
        if isinstance(err, HomeAssistantError):
            raise
        raise translated_error(
            "plug_failed",
            HomeAssistantError,
            device=name,
            plug=plug.entity_id,
            error=repr(err),
        ) from err
    if not await asyncio.shield(restorer.start()):
        raise translated_error(
            "plug_stuck_off", HomeAssistantError, device=name, plug=plug.entity_id
        )
    return restorer.reports.on_at or dt_util.utcnow()


async def _async_off(
    keeper: PlugKeeper, restorer: Restorer, off_seconds: float, name: str
) -> None:
    """Switch the plug off, confirm it reported off, and wait out the off time."""
    plug = restorer.plug
    # The record (command "off") was saved by the keeper before this cycle started.
    restorer.mark_command()
    await plug.async_turn(False)
    # Late plugs report a second or three after the call; a stale "on" is not an answer.
    if not (
        await restorer.reports.async_wait(is_off, CONFIRM_SECONDS, restorer.since)
        or is_off(plug.state)
    ):
        raise translated_error(
            "plug_did_not_turn_off",
            HomeAssistantError,
            device=name,
            plug=plug.entity_id,
        )
    await asyncio.sleep(off_seconds)
