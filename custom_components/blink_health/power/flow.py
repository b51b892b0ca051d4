"""The power-cycle steps of a fix flow: pick the device's plug if needed, cycle it, report.

A step group, not a flow: the offline flow and the troubleshooter each hold one and delegate
their power-cycle steps to it; `after` says where the flow goes once the cycle ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.const import Platform
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig
import probatio

from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.health import CameraHealth, SyncModuleHealth
from custom_components.blink_health.power import PowerCycleOutcome, can_power_cycle
from custom_components.blink_health.runtime import BlinkHealthConfigEntry
from custom_components.blink_health.settings import async_set_plug, plug_for

CONF_PLUG = "plug"

# What the flow does once a power cycle ended: its outcome, or None when it did not run.
type AfterPowerCycle = Callable[
    [PowerCycleOutcome | None], Awaitable[RepairsFlowResult]
]


class PowerCycleSteps:
    """The power-cycle steps a fix flow delegates to, for one device of the account."""

    def __init__(
        self,
        flow: RepairsFlow,
        entry: BlinkHealthConfigEntry,
        serial: str,
        *,
        placeholders: Callable[[], dict[str, str]],
        after: AfterPowerCycle,
    ) -> None:
        """Bind the steps to the flow that shows them and the device they restart."""
        self._flow = flow
        self._entry = entry
        self._serial = serial
        self._placeholders = placeholders
        self._after = after
        self._cycle: asyncio.Task[PowerCycleOutcome] | None = None
        self._error = ""

    def menu_options(self, device: SyncModuleHealth | CameraHealth | None) -> list[str]:
        """Return the menu options for restarting the device: power-cycle, or pick its plug."""
        if device is None or not can_power_cycle(device):
            return []
        if plug_for(self._entry, self._serial) is not None:
            return ["power_cycle"]
        return ["pick_plug"]

    async def async_step_pick_plug(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask which smart plug feeds the device, save it, then power-cycle."""
        if user_input is not None:
            async_set_plug(
                self._flow.hass, self._entry, self._serial, user_input[CONF_PLUG]
            )
            return await self.async_step_power_cycle()
        return self._flow.async_show_form(
            step_id="pick_plug",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_PLUG): EntitySelector(
                        EntitySelectorConfig(domain=Platform.SWITCH)
                    )
                }
            ),
            description_placeholders=self._placeholders(),
        )

    async def async_step_power_cycle(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Switch the plug off for 10 s and on again, showing progress until it is back."""
        if self._cycle is None:
            self._error = ""
            try:
                self._entry.runtime_data.power.async_check(self._serial)
            except HomeAssistantError as err:
                self._error = str(err)
                return await self.async_step_power_cycle_failed()
            # Untracked, like the action's wait: it waits minutes for the device, and the
            # cycle itself is shielded and owned by PowerCycles (which ends it at unload).
            self._cycle = self._flow.hass.loop.create_task(
                self._entry.runtime_data.power.async_power_cycle(self._serial),
                name=f"{DOMAIN} fix-flow power cycle {self._serial}",
            )
        if not self._cycle.done():
            return self._flow.async_show_progress(
                step_id="power_cycle",
                progress_action="power_cycle",
                progress_task=self._cycle,
                description_placeholders=self._placeholders(),
            )
        return self._flow.async_show_progress_done(next_step_id="power_cycle_done")

    async def async_step_power_cycle_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Report the power cycle: a failure is explained, success goes where `after` says."""
        task, self._cycle = self._cycle, None
        assert task is not None
        try:
            outcome = task.result()
        except HomeAssistantError as err:
            self._error = str(err)
            return await self.async_step_power_cycle_failed()
        return await self._after(outcome)

    async def async_step_power_cycle_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Explain why the power cycle did not run; continue goes where `after` says."""
        if user_input is not None:
            return await self._after(None)
        return self._flow.async_show_form(
            step_id="power_cycle_failed",
            description_placeholders={**self._placeholders(), "error": self._error},
        )
