"""Fix flows for Blink Health's repair issues, and the guided two-way-audio troubleshooter.

The shape follows unifiprotect ("act, re-check, else explain") and shelly (a menu that can
ignore the issue). Every re-check is one on-demand poll of the coordinator, so Blink's
Retry-After pause and the request budget hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, override

from homeassistant.components.repairs import (
    ConfirmRepairFlow,
    RepairsFlow,
    RepairsFlowResult,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig
from homeassistant.util import dt as dt_util
import probatio

from .attach import SwitchToSignInFlow, is_attach_issue
from .const import DEFAULT_SCAN_INTERVAL, DOMAIN
from .coordinator import BlinkHealthCoordinator
from .health import CameraHealth, PowerSource, SyncModuleHealth
from .issues import OFFLINE_KINDS, READD_PREFIX, TROUBLESHOOT_PREFIX, managed_kind
from .playbook import Finding, FindingKind, Outcome, StepId, StepResult, diagnose
from .power import (
    ISSUE_PREFIX as POWER_ISSUE_PREFIX,
    PowerCycleOutcome,
    async_create_fix_flow as async_create_power_fix_flow,
    can_power_cycle,
)
from .readd import DEFAULT_TIMEOUT, NextStep, Phase, Procedure, Readds, Reset
from .runtime import BlinkHealthConfigEntry
from .settings import async_set_plug, plug_for

CONF_PLUG = "plug"
# Shown beside a troubleshooter step's figures; symbols, so no text needs translating.
OUTCOME_MARK = {
    Outcome.PASS: "✅",
    Outcome.FAIL: "❌",
    Outcome.ASK: "❔",
    Outcome.NOT_APPLICABLE: "➖",
}
# Shown for a value Blink did not report.
NO_VALUE = "–"
CHECK_AGAIN_KINDS = frozenset(
    {
        FindingKind.HIGH_LATENCY,
        FindingKind.SLOW_INTERNET,
        FindingKind.WEAK_SYNC_LINK,
        FindingKind.WEAK_WIFI,
    }
)


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the fix flow of an issue."""
    data = data or {}
    if issue_id.startswith(POWER_ISSUE_PREFIX):
        # A plug left off: fixable whatever state its entry is in (even removed).
        return async_create_power_fix_flow(hass, data)
    if is_attach_issue(issue_id):
        # Raised while the entry cannot read the Blink integration, so it need not be loaded.
        return SwitchToSignInFlow(str(data.get("entry_id") or ""))
    entry = hass.config_entries.async_get_entry(str(data.get("entry_id") or ""))
    if (
        entry is None
        or entry.domain != DOMAIN
        or entry.state is not ConfigEntryState.LOADED
    ):
        return EntryNotLoadedFlow()
    serial = str(data.get("serial") or "") or None
    kind = managed_kind(issue_id)
    if kind in OFFLINE_KINDS and serial is not None:
        return OfflineRepairFlow(entry, serial)
    if kind in CHECK_AGAIN_KINDS:
        return CheckAgainRepairFlow(entry, serial)
    if issue_id.startswith(TROUBLESHOOT_PREFIX) and serial is not None:
        return TroubleshootRepairFlow(entry, serial)
    if issue_id.startswith(READD_PREFIX) and serial is not None:
        return ReaddRepairFlow(entry, serial)
    return ConfirmRepairFlow()


class EntryNotLoadedFlow(RepairsFlow):
    """A fix flow for an issue whose Blink account is not loaded: it can only say so."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Abort: nothing can be checked or fixed while the account is not loaded."""
        return self.async_abort(reason="entry_not_loaded")


class BlinkRepairFlow(RepairsFlow):
    """Shared parts: the account's coordinator, fresh data on demand, and "ignore"."""

    def __init__(self, entry: BlinkHealthConfigEntry, serial: str | None) -> None:
        """Bind the flow to the entry and device of its issue."""
        self.entry = entry
        self.serial = serial

    @property
    def coordinator(self) -> BlinkHealthCoordinator:
        """Return the account's coordinator."""
        return self.entry.runtime_data.coordinator

    @property
    def device(self) -> SyncModuleHealth | CameraHealth | None:
        """Return the device's latest health."""
        data = self.coordinator.data
        if data is None or self.serial is None:
            return None
        return data.device(self.serial)

    def finding(self) -> Finding | None:
        """Return the finding behind this flow's issue, if it still holds."""
        return next(
            (f for f in self.coordinator.findings if f.issue_id == self.issue_id), None
        )

    def placeholders(self) -> dict[str, str]:
        """Return the issue's own placeholders, updated with the latest figures."""
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        values = dict(issue.translation_placeholders or {}) if issue else {}
        if (finding := self.finding()) is not None:
            values.update(finding.evidence)
        values.setdefault("device", self.device.name if self.device else "")
        values.setdefault("account", self.entry.title)
        return values

    async def async_fresh(self) -> bool:
        """Poll now (this device's details too); return whether Blink answered."""
        return await self.coordinator.async_request_fresh_data(self.serial)

    async def async_step_ignore(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Ignore the issue until it clears and comes back."""
        ir.async_ignore_issue(self.hass, DOMAIN, self.issue_id, True)
        return self.async_abort(reason="issue_ignored")


class CheckAgainRepairFlow(BlinkRepairFlow):
    """Weak Wi-Fi, weak Sync Module link, slow internet, high latency: guidance, then check again."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Explain what was measured and what helps."""
        return self.async_show_menu(
            step_id="init",
            menu_options=["check_again", "ignore"],
            description_placeholders=self.placeholders(),
        )

    async def async_step_check_again(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Fetch fresh data: done when the finding cleared, else show the new figures."""
        if not await self.async_fresh():
            return self.async_abort(reason="cannot_refresh")
        if self.finding() is None:
            return self.async_create_entry(data={})
        return self.async_show_menu(
            step_id="still",
            menu_options=["check_again", "ignore"],
            description_placeholders=self.placeholders(),
        )

    async def async_step_still(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Check again from the "still weak / still slow" step."""
        return await self.async_step_check_again()


class PowerCycleFlowMixin(BlinkRepairFlow):
    """Power-cycling from a fix flow: pick the plug if needed, cycle with progress, report."""

    _cycle: asyncio.Task[PowerCycleOutcome] | None = None
    _cycle_error: str | None = None
    _plug: str | None = None

    def power_options(self) -> list[str]:
        """Return the menu options for restarting the device: power-cycle, or pick its plug."""
        device = self.device
        if device is None or self.serial is None or not can_power_cycle(device):
            return []
        if plug_for(self.entry, self.serial) is not None:
            return ["power_cycle"]
        return ["pick_plug"]

    async def async_step_pick_plug(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask which smart plug feeds the device, save it, then power-cycle."""
        assert self.serial is not None
        if user_input is not None:
            async_set_plug(self.hass, self.entry, self.serial, user_input[CONF_PLUG])
            return await self.async_step_power_cycle()
        return self.async_show_form(
            step_id="pick_plug",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_PLUG): EntitySelector(
                        EntitySelectorConfig(domain=Platform.SWITCH)
                    )
                }
            ),
            description_placeholders=self.placeholders(),
        )

    async def async_step_power_cycle(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Switch the plug off for 10 s and on again, showing progress until it is back."""
        assert self.serial is not None
        if self._cycle is None:
            self._cycle_error = None
            try:
                self.entry.runtime_data.power.async_check(self.serial)
            except HomeAssistantError as err:
                self._cycle_error = str(err)
                return await self.async_step_power_cycle_failed()
            # Untracked, like the action's wait: it waits minutes for the device, and the
            # cycle itself is shielded and owned by PowerCycles (which ends it at unload).
            self._cycle = self.hass.loop.create_task(
                self.entry.runtime_data.power.async_power_cycle(self.serial),
                name=f"{DOMAIN} fix-flow power cycle {self.serial}",
            )
        if not self._cycle.done():
            return self.async_show_progress(
                step_id="power_cycle",
                progress_action="power_cycle",
                progress_task=self._cycle,
                description_placeholders=self.placeholders(),
            )
        return self.async_show_progress_done(next_step_id="power_cycle_done")

    async def async_step_power_cycle_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Report the power cycle: a failure is explained, success goes on to the re-check."""
        task, self._cycle = self._cycle, None
        assert task is not None
        try:
            outcome = task.result()
        except HomeAssistantError as err:
            self._cycle_error = str(err)
            return await self.async_step_power_cycle_failed()
        return await self.async_after_power_cycle(outcome)

    async def async_step_power_cycle_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Explain why the power cycle did not run; continue goes back to the choices."""
        if user_input is not None:
            return await self.async_after_power_cycle(None)
        return self.async_show_form(
            step_id="power_cycle_failed",
            description_placeholders={
                **self.placeholders(),
                "error": self._cycle_error or "",
            },
        )

    async def async_after_power_cycle(
        self, outcome: PowerCycleOutcome | None
    ) -> RepairsFlowResult:
        """Continue once a power cycle ended (None when it failed)."""
        raise NotImplementedError


class OfflineRepairFlow(PowerCycleFlowMixin):
    """An offline camera or Sync Module: power-cycle it, or check after a manual restart."""

    def _options(self) -> list[str]:
        """Return the menu: restart through the plug, "I restarted it", ignore."""
        return [*self.power_options(), "restarted", "ignore"]

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
        """Check again from the "still offline" step."""
        return await self.async_step_restarted()

    def _online_or_explain(self) -> RepairsFlowResult:
        """Finish when the device is online again, else explain and offer the choices again."""
        device = self.device
        if device is not None and device.online is True:
            return self.async_create_entry(data={})
        return self.async_show_menu(
            step_id="still_offline",
            menu_options=self._options(),
            description_placeholders={
                **self.placeholders(),
                "status": (device.status if device else None) or "–",
            },
        )

    @override
    async def async_after_power_cycle(
        self, outcome: PowerCycleOutcome | None
    ) -> RepairsFlowResult:
        """After a power cycle: done once online, else explain."""
        if outcome is None:
            return await self.async_step_init()
        if outcome.online_again is True and self.device and self.device.online:
            return self.async_create_entry(data={})
        await self.async_fresh()
        return self._online_or_explain()


# --- the guided re-add of a camera ---------------------------------------------------------


def _text(value: object) -> str:
    """Return a value for a placeholder; – when Blink did not report it."""
    return NO_VALUE if value is None else str(value)


class ReaddFlowMixin(BlinkRepairFlow):
    """The guided re-add in a fix flow: each step's Blink-app instructions, watched, then the end.

    The procedure itself runs in readd.py (the action drives the same one): closing the flow
    never stops it, and opening the `readd_{serial}` issue again shows where it stands.
    """

    _readd_waiter: asyncio.Task[None] | None = None

    @property
    def readds(self) -> Readds | None:
        """Return the account's re-adds, or None while the account is not loaded."""
        if self.entry.state is not ConfigEntryState.LOADED:
            return None
        readds = self.entry.runtime_data.readd
        return readds if readds.active else None

    def procedure(self) -> Procedure | None:
        """Return the camera's latest re-add, if the account is loaded and has one."""
        readds = self.readds
        return readds.get(self.serial) if readds and self.serial else None

    def readd_placeholders(self, proc: Procedure) -> dict[str, str]:
        """Return the texts' placeholders: the camera, its plug, the watch, what was seen."""
        interval = self.coordinator.update_interval or DEFAULT_SCAN_INTERVAL
        final = proc.final or {}
        watched = (proc.ended_at or dt_util.utcnow()) - (
            proc.watched_since or proc.started
        )
        return {
            "device": proc.name,
            "serial": proc.serial,
            "plug": _text(plug_for(self.entry, proc.serial)),
            "deadline": dt_util.as_local(proc.deadline).strftime("%H:%M"),
            "interval": str(max(1, round(interval.total_seconds() / 60))),
            "minutes": str(round(watched.total_seconds() / 60)),
            "camera_id": _text(proc.new_camera_id),
            "sync_module": _text(proc.new_sync_module or proc.sync_module),
            "error": _text(proc.reset_error),
            "wifi": _text(final.get("wifi_bars")),
            "sync": _text(final.get("sync_bars")),
            "entities": str(len(proc.entities)),
        }

    async def async_step_readd_start(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start the re-add (or join it, or resume one that timed out), then guide it."""
        readds = self.readds
        if readds is None or self.serial is None:
            return self.async_abort(reason="entry_not_loaded")
        try:
            await readds.async_start(self.serial, DEFAULT_TIMEOUT)
        except HomeAssistantError as err:
            return self.async_abort(
                reason="readd_refused", description_placeholders={"error": str(err)}
            )
        return await self.async_step_readd_watch()

    async def async_step_readd_watch(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show what to do now, until the account shows it was done (each poll is checked)."""
        readds, proc = self.readds, self.procedure()
        if readds is None or proc is None or not proc.running:
            return self.async_show_progress_done(next_step_id="readd_result")
        if self._readd_waiter is None or self._readd_waiter.done():
            # Only the wait belongs to the flow: closing it cancels the wait, not the re-add.
            # Untracked: it lasts as long as the person takes in the Blink app.
            self._readd_waiter = self.hass.loop.create_task(
                readds.async_wait_change(proc.serial, proc.phase),
                name=f"{DOMAIN} re-add flow {proc.serial}",
            )
        if proc.phase is Phase.REMOVE:
            return self._readd_progress(proc, progress_action="readd_remove")
        if proc.phase is Phase.RESET:
            return self._readd_progress(proc, progress_action="readd_reset")
        if proc.phase is Phase.ONLINE:
            return self._readd_progress(proc, progress_action="readd_online")
        if proc.reset is Reset.PLUG:
            return self._readd_progress(proc, progress_action="readd_add")
        if proc.power is PowerSource.BATTERY:
            return self._readd_progress(proc, progress_action="readd_add_batteries")
        return self._readd_progress(proc, progress_action="readd_add_unplug")

    def _readd_progress(
        self, proc: Procedure, *, progress_action: str
    ) -> RepairsFlowResult:
        """Show one step of the re-add while the account is watched."""
        return self.async_show_progress(
            step_id="readd_watch",
            progress_action=progress_action,
            progress_task=self._readd_waiter,
            description_placeholders=self.readd_placeholders(proc),
        )

    async def async_step_readd_result(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show how the re-add ended: the health check, or what was seen and what to do."""
        if self.readds is None:
            return self.async_abort(reason="entry_not_loaded")
        proc = self.procedure()
        if proc is None:
            return self.async_abort(reason="readd_not_running")
        if proc.phase is Phase.DONE:
            return await self.async_step_readd_done()
        if proc.phase is Phase.CANCELLED:
            return self.async_abort(reason="readd_cancelled")
        options = ["readd_restart", "readd_stop"]
        placeholders = self.readd_placeholders(proc)
        if proc.next_step is NextStep.REMOVE_IN_APP:
            return self.async_show_menu(
                step_id="readd_timeout_remove",
                menu_options=options,
                description_placeholders=placeholders,
            )
        if proc.next_step is NextStep.ADD_IN_APP:
            return self.async_show_menu(
                step_id="readd_timeout_add",
                menu_options=options,
                description_placeholders=placeholders,
            )
        return self.async_show_menu(
            step_id="readd_timeout_online",
            menu_options=options,
            description_placeholders=placeholders,
        )

    # The timeout menus are shown under their own step ids; each needs its flow step.
    async_step_readd_timeout_add = async_step_readd_result
    async_step_readd_timeout_online = async_step_readd_result
    async_step_readd_timeout_remove = async_step_readd_result

    async def async_step_readd_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Report the final health check and what Home Assistant kept; submit closes."""
        if user_input is not None:
            return await self.async_readd_finished()
        proc = self.procedure()
        assert proc is not None
        return self.async_show_form(
            step_id="readd_done", description_placeholders=self.readd_placeholders(proc)
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
        readds = self.readds
        if readds is None or self.serial is None:
            return self.async_abort(reason="entry_not_loaded")
        await readds.async_forget(self.serial)
        return await self.async_readd_stopped()

    async def async_readd_finished(self) -> RepairsFlowResult:
        """Continue once the re-add is done and its result was read."""
        raise NotImplementedError

    async def async_readd_stopped(self) -> RepairsFlowResult:
        """Continue once a timed-out re-add was given up."""
        raise NotImplementedError


class ReaddRepairFlow(ReaddFlowMixin):
    """The `readd_{serial}` issue: the re-add the action or the troubleshooter started."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Offer to follow the running re-add or stop it; an ended one shows its result."""
        proc = self.procedure()
        if proc is None:
            return self.async_abort(reason="readd_not_running")
        if not proc.running:
            return await self.async_step_readd_result()
        return self.async_show_menu(
            step_id="init",
            menu_options=["readd_watch", "readd_cancel"],
            description_placeholders=self.readd_placeholders(proc),
        )

    async def async_step_readd_cancel(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Stop the running re-add."""
        readds = self.readds
        if readds is None or self.serial is None:
            return self.async_abort(reason="entry_not_loaded")
        await readds.async_cancel(self.serial)
        return self.async_abort(reason="readd_cancelled")

    @override
    async def async_readd_finished(self) -> RepairsFlowResult:
        """Close the issue: the camera is back."""
        return self.async_create_entry(data={})

    @override
    async def async_readd_stopped(self) -> RepairsFlowResult:
        """Close the flow: the issue was withdrawn with the re-add."""
        return self.async_abort(reason="readd_stopped")


# --- the guided two-way-audio troubleshooter -----------------------------------------------

# Manual steps: only the user can check them (step 6, the re-add, is guided and watched).
_MANUAL_STEPS = (
    StepId.HOLD_TALK,
    StepId.MIC_PERMISSION,
    StepId.REINSTALL_APP,
)
# Automatic steps offer a re-check.
_CHECKED_STEPS = (StepId.INTERNET, StepId.SIGNAL)


def _article_step(
    step: StepId,
) -> Callable[
    [TroubleshootRepairFlow, dict[str, str] | None], Awaitable[RepairsFlowResult]
]:
    """Return the flow step of one article step (it shows the step again)."""

    async def _async_step(
        self: TroubleshootRepairFlow, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the article step."""
        return self._show(step)

    return _async_step


class TroubleshootRepairFlow(PowerCycleFlowMixin, ReaddFlowMixin):
    """Blink's "two-way audio / live view not working" article, one step at a time."""

    # Menus and forms are shown under the article's step ids; each id needs its flow step.
    async_step_hold_talk = _article_step(StepId.HOLD_TALK)
    async_step_mic_permission = _article_step(StepId.MIC_PERMISSION)
    async_step_restart = _article_step(StepId.RESTART)
    async_step_internet = _article_step(StepId.INTERNET)
    async_step_signal = _article_step(StepId.SIGNAL)
    async_step_readd = _article_step(StepId.READD)
    async_step_reinstall_app = _article_step(StepId.REINSTALL_APP)

    _results: tuple[StepResult, ...] = ()
    _current: StepId | None = None
    _fresh = True

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Fetch fresh data, run every automatic check, then start with the first step."""
        await self._async_diagnose()
        if not self._results:
            return self.async_abort(reason="device_gone")
        first = self._results[0]
        if first.evidence.get("reason") == "no_two_way_talk":
            # Told up front; the talk steps are then skipped.
            return self.async_show_menu(
                step_id="no_talk",
                menu_options=["next"],
                description_placeholders=self._step_placeholders(first),
            )
        return await self.async_step_next()

    async def _async_diagnose(self) -> None:
        """Poll now and run the troubleshooter's checks for the device."""
        self._fresh = await self.async_fresh()
        coordinator = self.coordinator
        if (
            coordinator.data is None
            or self.serial is None
            or self.serial not in coordinator.data.serials
        ):
            self._results = ()
            return
        self._results = diagnose(
            coordinator.data,
            self.serial,
            coordinator.thresholds,
            coordinator.internet,
            coordinator.history(),
        )

    def _result(self, step: StepId) -> StepResult:
        """Return the latest result of one step."""
        return next(result for result in self._results if result.step.id is step)

    def _step_placeholders(self, result: StepResult) -> dict[str, str]:
        """Return a step's texts' placeholders: its figures, outcome mark and position."""
        return {
            "device": self.device.name if self.device else "",
            "model": (
                self.device.product.model
                if isinstance(self.device, CameraHealth)
                else ""
            ),
            **result.evidence,
            "number": str(result.step.number),
            "result": OUTCOME_MARK[result.outcome],
        }

    async def async_step_no_talk(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Go on from the "no two-way talk" notice."""
        return await self.async_step_next()

    async def async_step_next(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Go on to the next step that applies to this device."""
        ids = [result.step.id for result in self._results]
        start = 0 if self._current is None else ids.index(self._current) + 1
        for result in self._results[start:]:
            if result.outcome is not Outcome.NOT_APPLICABLE:
                self._current = result.step.id
                return self._show(result.step.id)
        return self.async_create_entry(
            data={}
        )  # pragma: no cover - support always applies

    def _show(self, step: StepId) -> RepairsFlowResult:
        """Show one step of the article with the options it has."""
        result = self._result(step)
        placeholders = self._step_placeholders(result)
        if step is StepId.CONTACT_SUPPORT:
            assert self.serial is not None
            return self.async_show_form(
                step_id=str(step),
                description_placeholders={
                    **placeholders,
                    "serial": self.serial,
                    "entry_id": self.entry.entry_id,
                    "firmware": (self.device.firmware if self.device else None) or "–",
                },
            )
        if step is StepId.READD:
            # Hands over to the guided re-add (the same procedure as the readd_camera action).
            options = ["readd_start", "solved", "next"]
        elif step in _MANUAL_STEPS:
            options = ["solved", "next"]
        elif step is StepId.RESTART:
            options = [*(self.power_options() or ["unplugged"]), "solved", "next"]
        else:
            options = ["recheck", "solved", "next"]
        return self.async_show_menu(
            step_id=str(step),
            menu_options=options,
            description_placeholders=placeholders,
        )

    async def async_step_contact_support(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Close the troubleshooter: the last step gave the user what support needs."""
        return self.async_create_entry(data={})

    async def async_step_solved(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Two-way audio works again: close the troubleshooter."""
        return self.async_create_entry(data={})

    async def async_step_recheck(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Run the checks again on fresh data and show the same step with the new figures."""
        await self._async_diagnose()
        if not self._results or self._current is None:
            return self.async_abort(reason="device_gone")
        return self._show(self._current)

    async def async_step_unplugged(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Re-check after the user unplugged the device for 10 s (or took the batteries out)."""
        return await self.async_step_recheck()

    @override
    async def async_after_power_cycle(
        self, outcome: PowerCycleOutcome | None
    ) -> RepairsFlowResult:
        """After a power cycle, re-check and show the restart step again."""
        return await self.async_step_recheck()

    @override
    async def async_readd_finished(self) -> RepairsFlowResult:
        """After the re-add, re-check and show its step again (solved, or the next step)."""
        return await self.async_step_recheck()

    @override
    async def async_readd_stopped(self) -> RepairsFlowResult:
        """After giving the re-add up, show its step again."""
        return await self.async_step_recheck()
