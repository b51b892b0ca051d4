"""The fix flow of a device offline because its smart plug is off: switch it on, see it back."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.repairs import RepairsFlowResult
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .repairs_base import BlinkRepairFlow


class PlugOffRepairFlow(BlinkRepairFlow):
    """Switch the plug on (not a power cycle: no cooldown), then wait for the device."""

    _switching: asyncio.Task[bool] | None = None
    _error = ""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Say the plug is off and offer to switch it on."""
        return self.async_show_menu(
            step_id="init",
            menu_options=["switch_on", "ignore"],
            description_placeholders=self.placeholders(),
        )

    async def async_step_switch_on(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Switch the plug on, showing progress until the device reports online."""
        if self._switching is None:
            assert self.serial is not None
            # Untracked, like a power cycle's: it waits minutes for the device to boot.
            self._switching = self.hass.loop.create_task(
                self.entry.runtime_data.power.async_switch_on(self.serial),
                name=f"{DOMAIN} switch a plug on",
            )
        if not self._switching.done():
            return self.async_show_progress(
                step_id="switch_on",
                progress_action="switch_on",
                progress_task=self._switching,
                description_placeholders=self.placeholders(),
            )
        return self.async_show_progress_done(next_step_id="switch_on_done")

    async def async_step_switch_on_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Done once the device is back; else say what happened and offer it again."""
        task, self._switching = self._switching, None
        assert task is not None
        try:
            online = task.result()
        except HomeAssistantError as err:
            return self._not_back(step_id="plug_not_on", error=str(err))
        if online:
            return self.async_create_entry(data={})
        return self._not_back(step_id="not_back", error="")

    def _not_back(self, *, step_id: str, error: str) -> RepairsFlowResult:
        """Show why the device is not back, with the choices again."""
        return self.async_show_menu(
            step_id=step_id,
            menu_options=["switch_on", "ignore"],
            description_placeholders={**self.placeholders(), "error": error},
        )

    async def async_step_plug_not_on(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Try again when the menu comes back without a choice (data_entry_flow needs it)."""
        return await self.async_step_switch_on()

    async def async_step_not_back(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Try again when the menu comes back without a choice (data_entry_flow needs it)."""
        return await self.async_step_switch_on()
