"""The fix flow of a camera's re-add (`readd_{serial}`): follow it, stop it, or see how it ended."""

from __future__ import annotations

from functools import partial
from typing import Any

from homeassistant.components.repairs import RepairsFlowResult

from .readd.flow import ReaddSteps
from .repairs_base import BlinkRepairFlow
from .runtime import BlinkHealthConfigEntry
from .settings import plug_for


class ReaddRepairFlow(BlinkRepairFlow):
    """The `readd_{serial}` issue: the re-add the action or the troubleshooter started."""

    def __init__(self, entry: BlinkHealthConfigEntry, serial: str) -> None:
        """Bind the flow to the camera, with its re-add steps."""
        super().__init__(entry, serial)
        self._readd = ReaddSteps(
            self,
            entry,
            serial,
            plug=partial(plug_for, entry, serial),
            done=self._async_done,
            stopped=self._async_stopped,
        )

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Offer to follow the running re-add or stop it; an ended one shows its result."""
        procedure = self._readd.procedure()
        if procedure is None:
            return self.async_abort(reason="readd_not_running")
        if not procedure.running:
            return await self._readd.async_step_readd_result()
        return self.async_show_menu(
            step_id="init",
            menu_options=["readd_watch", "readd_cancel"],
            description_placeholders=self._readd.placeholders(procedure),
        )

    async def async_step_readd_cancel(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Stop the running re-add."""
        watcher = self._readd.watcher
        if watcher is None or self.serial is None:
            return self.async_abort(reason="entry_not_loaded")
        await watcher.async_cancel(self.serial)
        return self.async_abort(reason="readd_cancelled")

    async def _async_done(self) -> RepairsFlowResult:
        """Close the issue: the camera is back."""
        return self.async_create_entry(data={})

    async def _async_stopped(self) -> RepairsFlowResult:
        """Close the flow: the issue was withdrawn with the re-add."""
        return self.async_abort(reason="readd_stopped")

    # --- the re-add steps (readd/flow.py) ---

    async def async_step_readd_watch(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show what to do now while the account is watched."""
        return await self._readd.async_step_readd_watch(user_input)

    async def async_step_readd_result(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show how the re-add ended."""
        return await self._readd.async_step_readd_result(user_input)

    # The timeout menus' own step ids show the result again.
    async_step_readd_timeout_add = async_step_readd_result
    async_step_readd_timeout_online = async_step_readd_result
    async_step_readd_timeout_remove = async_step_readd_result

    async def async_step_readd_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Report the final health check."""
        return await self._readd.async_step_readd_done(user_input)

    async def async_step_readd_restart(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Watch again for another hour."""
        return await self._readd.async_step_readd_restart(user_input)

    async def async_step_readd_stop(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Give the re-add up."""
        return await self._readd.async_step_readd_stop(user_input)
