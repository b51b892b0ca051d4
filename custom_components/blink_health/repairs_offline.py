"""The fix flows of an offline camera or Sync Module: power-cycle it, or check after a restart.

A battery camera gets battery advice (its batteries, its distance to the Sync Module, its
button) in a flow of its own, never "unplug it".
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlowResult

from .figures import NO_VALUE
from .health import CameraHealth, PowerSource, SyncModuleHealth
from .power import PowerCycleOutcome
from .power.flow import PowerCycleSteps
from .repairs_base import BlinkRepairFlow
from .runtime import BlinkHealthConfigEntry
from .user_text import escape_text


class OfflineRepairFlow(BlinkRepairFlow):
    """An offline camera or Sync Module: power-cycle it, or check after a manual restart."""

    def __init__(self, entry: BlinkHealthConfigEntry, serial: str) -> None:
        """Bind the flow to the device, with its power-cycle steps."""
        super().__init__(entry, serial)
        self._power = PowerCycleSteps(
            self,
            entry,
            serial,
            placeholders=self.placeholders,
            after=self._async_after_power_cycle,
        )

    def _options(self) -> list[str]:
        """Return the menu: restart through the plug, "I restarted it", ignore."""
        return [*self._power.menu_options(self.device), "restarted", "ignore"]

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Offer the ways to bring the device back."""
        return self.async_show_menu(
            step_id="init",
            menu_options=self._options(),
            description_placeholders=self.placeholders(),
        )

    async def async_step_restarted(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Fetch fresh data after the user restarted the device by hand, and see."""
        if not await self.async_fresh():
            return self.async_abort(reason="cannot_refresh")
        return self._online_or_explain()

    async def async_step_still_offline(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Check again when the "still offline" menu is sent without a choice.

        Home Assistant needs a step for every step id it shows, and runs the menu's own
        step when the menu comes back without a choice (data_entry_flow).
        """
        return await self.async_step_restarted()

    def _online_or_explain(self) -> RepairsFlowResult:
        """Finish when the device is online again, else explain and offer the choices again."""
        device = self.device
        if device is not None and device.online is True:
            return self.async_create_entry(data={})
        # No status word: Blink's ("done", "offline") is not words a user reads (issue 19).
        return self._still_offline(self.placeholders())

    def _still_offline(self, placeholders: dict[str, str]) -> RepairsFlowResult:
        """Say it is still offline, with the choices again."""
        return self.async_show_menu(
            step_id="still_offline",
            menu_options=self._options(),
            description_placeholders=placeholders,
        )

    async def _async_after_power_cycle(
        self, outcome: PowerCycleOutcome | None
    ) -> RepairsFlowResult:
        """After a power cycle: done once online, else explain; a failed one shows the menu."""
        if outcome is None:
            return await self.async_step_init()
        if outcome.online_again is True and self.device and self.device.online:
            return self.async_create_entry(data={})
        await self.async_fresh()
        return self._online_or_explain()

    # --- the power-cycle steps (power/flow.py) ---

    async def async_step_pick_plug(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask for the device's plug, then power-cycle it."""
        return await self._power.async_step_pick_plug(user_input)

    async def async_step_power_cycle(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Power-cycle the device, with progress."""
        return await self._power.async_step_power_cycle(user_input)

    async def async_step_power_cycle_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Report the power cycle."""
        return await self._power.async_step_power_cycle_done(user_input)

    async def async_step_power_cycle_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Explain why the power cycle did not run."""
        return await self._power.async_step_power_cycle_failed(user_input)


class BatteryOfflineRepairFlow(OfflineRepairFlow):
    """An offline battery camera: its batteries, its distance to the Sync Module, its button.

    No plug, so no power cycle and never "unplug it" (issue 19).
    """

    def placeholders(self) -> dict[str, str]:
        """Return the issue's placeholders and the Sync Module the camera reports to."""
        values = super().placeholders()
        device, data = self.device, self.coordinator.data
        sync = (
            data.sync_modules.get(device.sync_serial or "")
            if isinstance(device, CameraHealth) and data is not None
            else None
        )
        values.setdefault("sync_module", escape_text(sync.name) if sync else NO_VALUE)
        return values

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Give the battery advice."""
        return self.async_show_menu(
            step_id="battery",
            menu_options=self._options(),
            description_placeholders=self.placeholders(),
        )

    async def async_step_battery(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Check again when the advice comes back without a choice (data_entry_flow)."""
        return await self.async_step_restarted()

    def _still_offline(self, placeholders: dict[str, str]) -> RepairsFlowResult:
        """Say it is still offline, with the battery advice's choices again."""
        return self.async_show_menu(
            step_id="still_offline_battery",
            menu_options=self._options(),
            description_placeholders=placeholders,
        )

    async def async_step_still_offline_battery(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Check again when the menu comes back without a choice (data_entry_flow)."""
        return await self.async_step_restarted()


def is_on_batteries(device: SyncModuleHealth | CameraHealth | None) -> bool:
    """Return whether a device is a camera that runs on batteries only."""
    return (
        isinstance(device, CameraHealth) and device.power_source is PowerSource.BATTERY
    )
