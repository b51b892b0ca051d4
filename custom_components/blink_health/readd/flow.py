"""The re-add steps of a fix flow: each step's Blink-app instructions, watched, then the end.

A step group, not a flow: the re-add flow and the troubleshooter each hold one and delegate
their re-add steps to it; `done` and `stopped` say where the flow goes once it ended. The
procedure itself runs in the watcher (the action drives the same one): closing the flow never
stops it, and opening the `readd_{serial}` issue again shows where it stands.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryState
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from custom_components.blink_health.const import DEFAULT_SCAN_INTERVAL, DOMAIN
from custom_components.blink_health.figures import format_value
from custom_components.blink_health.health import PowerSource
from custom_components.blink_health.readd import (
    DEFAULT_TIMEOUT,
    NextStep,
    Phase,
    Procedure,
    ReaddWatcher,
    Reset,
)
from custom_components.blink_health.runtime import BlinkHealthConfigEntry
from custom_components.blink_health.user_text import escape_names

# Where the flow goes once the re-add ended (done and read, or given up).
type AfterReadd = Callable[[], Awaitable[RepairsFlowResult]]


class ReaddSteps:
    """The guided re-add steps a fix flow delegates to, for one camera of the account."""

    def __init__(
        self,
        flow: RepairsFlow,
        entry: BlinkHealthConfigEntry,
        serial: str,
        *,
        plug: Callable[[], str | None],
        done: AfterReadd,
        stopped: AfterReadd,
    ) -> None:
        """Bind the steps to the flow that shows them and the camera they re-add.

        `plug` returns the camera's smart plug, if one is chosen (the texts name it).
        """
        self._flow = flow
        self._entry = entry
        self._serial = serial
        self._plug = plug
        self._done = done
        self._stopped = stopped
        self._waiter: asyncio.Task[None] | None = None

    @property
    def watcher(self) -> ReaddWatcher | None:
        """Return the account's re-adds, or None while the account is not loaded."""
        if self._entry.state is not ConfigEntryState.LOADED:
            return None
        watcher = self._entry.runtime_data.readd
        return watcher if watcher.active else None

    def procedure(self) -> Procedure | None:
        """Return the camera's latest re-add, if the account is loaded and has one."""
        watcher = self.watcher
        return watcher.get(self._serial) if watcher else None

    def placeholders(self, procedure: Procedure) -> dict[str, str]:
        """Return the texts' placeholders: the camera, its plug, the watch, what was seen."""
        interval = (
            self._entry.runtime_data.coordinator.update_interval
            or DEFAULT_SCAN_INTERVAL
        )
        final = procedure.final or {}
        watched = (procedure.ended_at or dt_util.utcnow()) - (
            procedure.watched_since or procedure.started
        )
        # Names are user text: escaped, so none becomes markup in the flow's text.
        return escape_names(
            {
                "device": procedure.name,
                "serial": procedure.serial,
                "plug": format_value(self._plug()),
                "deadline": dt_util.as_local(procedure.deadline).strftime("%H:%M"),
                "interval": str(max(1, round(interval.total_seconds() / 60))),
                "minutes": str(round(watched.total_seconds() / 60)),
                "sync_module": format_value(
                    procedure.new_sync_module or procedure.sync_module
                ),
                "error": format_value(procedure.reset_error),
                "wifi": format_value(final.get("wifi_bars")),
                "sync": format_value(final.get("sync_bars")),
                "entities": str(len(procedure.entities)),
            }
        )

    async def async_step_readd_start(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start the re-add (or join it, or resume one that timed out), then guide it."""
        watcher = self.watcher
        if watcher is None:
            return self._flow.async_abort(reason="entry_not_loaded")
        try:
            await watcher.async_start(self._serial, DEFAULT_TIMEOUT)
        except HomeAssistantError as err:
            return self._flow.async_abort(
                reason="readd_refused", description_placeholders={"error": str(err)}
            )
        return await self.async_step_readd_watch()

    async def async_step_readd_watch(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show what to do now, until the account shows it was done (each poll is checked)."""
        watcher, procedure = self.watcher, self.procedure()
        if watcher is None or procedure is None or not procedure.running:
            return self._flow.async_show_progress_done(next_step_id="readd_result")
        if self._waiter is None or self._waiter.done():
            # Only the wait belongs to the flow: closing it cancels the wait, not the re-add.
            # Untracked: it lasts as long as the person takes in the Blink app.
            self._waiter = self._flow.hass.loop.create_task(
                watcher.async_wait_change(procedure.serial, procedure.phase),
                name=f"{DOMAIN} re-add flow {procedure.serial}",
            )
        if procedure.phase is Phase.REMOVE:
            return self._progress(procedure, progress_action="readd_remove")
        if procedure.phase is Phase.RESET:
            return self._progress(procedure, progress_action="readd_reset")
        if procedure.phase is Phase.ONLINE:
            return self._progress(procedure, progress_action="readd_online")
        if procedure.reset is Reset.PLUG:
            return self._progress(procedure, progress_action="readd_add")
        if procedure.power is PowerSource.BATTERY:
            return self._progress(procedure, progress_action="readd_add_batteries")
        return self._progress(procedure, progress_action="readd_add_unplug")

    def _progress(
        self, procedure: Procedure, *, progress_action: str
    ) -> RepairsFlowResult:
        """Show one step of the re-add while the account is watched."""
        return self._flow.async_show_progress(
            step_id="readd_watch",
            progress_action=progress_action,
            progress_task=self._waiter,
            description_placeholders=self.placeholders(procedure),
        )

    async def async_step_readd_result(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show how the re-add ended: the health check, or what was seen and what to do.

        It also serves the timeout menus' own step ids (readd_timeout_remove, _add and
        _online), which run when such a menu is sent without a choice: it shows it again.
        """
        if self.watcher is None:
            return self._flow.async_abort(reason="entry_not_loaded")
        procedure = self.procedure()
        if procedure is None:
            return self._flow.async_abort(reason="readd_not_running")
        if procedure.phase is Phase.DONE:
            return await self.async_step_readd_done()
        if procedure.phase is Phase.CANCELLED:
            return self._flow.async_abort(reason="readd_cancelled")
        options = ["readd_restart", "readd_stop"]
        placeholders = self.placeholders(procedure)
        if procedure.next_step is NextStep.REMOVE_IN_APP:
            return self._flow.async_show_menu(
                step_id="readd_timeout_remove",
                menu_options=options,
                description_placeholders=placeholders,
            )
        if procedure.next_step is NextStep.ADD_IN_APP:
            return self._flow.async_show_menu(
                step_id="readd_timeout_add",
                menu_options=options,
                description_placeholders=placeholders,
            )
        return self._flow.async_show_menu(
            step_id="readd_timeout_online",
            menu_options=options,
            description_placeholders=placeholders,
        )

    async def async_step_readd_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Report the final health check and what Home Assistant kept; submit goes on."""
        if user_input is not None:
            return await self._done()
        procedure = self.procedure()
        assert procedure is not None
        return self._flow.async_show_form(
            step_id="readd_done", description_placeholders=self.placeholders(procedure)
        )

    async def async_step_readd_restart(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Watch again, from where the re-add stopped, for another hour."""
        return await self.async_step_readd_start()

    async def async_step_readd_stop(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Give the re-add up: its issue goes, the camera is no longer watched for."""
        watcher = self.watcher
        if watcher is None:
            return self._flow.async_abort(reason="entry_not_loaded")
        await watcher.async_forget(self._serial)
        return await self._stopped()
