"""The fix flow of the guided two-way-audio troubleshooter: Blink's article, one step at a time.

Each step shows the checkup's figures (checkup.py); restarting and re-adding are handed to
the power-cycle and re-add step groups, after which the same step is checked again. The step
shown is kept in the issue (troubleshooter_issue.py), so a reopened flow continues there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from homeassistant.components.repairs import RepairsFlowResult

from .checkup import async_check_device
from .figures import NO_VALUE
from .health import CameraHealth
from .playbook import StepId
from .power import PowerCycleOutcome
from .power.flow import PowerCycleSteps
from .readd.flow import ReaddSteps
from .repairs_base import BlinkRepairFlow
from .repairs_offline import is_on_batteries
from .runtime import BlinkHealthConfigEntry
from .settings import plug_for
from .troubleshooter import Outcome, StepResult
from .troubleshooter_issue import async_note_checks, async_save_step, saved_step

# Shown beside a troubleshooter step's figures; symbols, so no text needs translating.
OUTCOME_MARK = {
    Outcome.PASS: "✅",
    Outcome.FAIL: "❌",
    Outcome.ASK: "❔",
    Outcome.NOT_APPLICABLE: "➖",
}
# Manual steps: only the user can check them (step 6, the re-add, is guided and watched).
_MANUAL_STEPS = (
    StepId.HOLD_TALK,
    StepId.MIC_PERMISSION,
    StepId.REINSTALL_APP,
)

type _Step = Callable[
    ["TroubleshootRepairFlow", dict[str, str] | None], Awaitable[RepairsFlowResult]
]


def _article_step(step: StepId) -> _Step:
    """Return the flow step of an article step's menu: sent without a choice, it shows again.

    Home Assistant needs a step for every step id it shows (data_entry_flow), and each
    article step is shown as a menu under its own id so that it has its own text.
    """

    async def _async_step(
        self: TroubleshootRepairFlow, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the article step again."""
        return self._show(step)

    return _async_step


class TroubleshootRepairFlow(BlinkRepairFlow):
    """Blink's "two-way audio / live view not working" article, one step at a time."""

    async_step_hold_talk = _article_step(StepId.HOLD_TALK)
    async_step_mic_permission = _article_step(StepId.MIC_PERMISSION)
    async_step_restart = _article_step(StepId.RESTART)
    async_step_restart_battery = _article_step(StepId.RESTART)
    async_step_internet = _article_step(StepId.INTERNET)
    async_step_signal = _article_step(StepId.SIGNAL)
    async_step_readd = _article_step(StepId.READD)
    async_step_reinstall_app = _article_step(StepId.REINSTALL_APP)

    def __init__(self, entry: BlinkHealthConfigEntry, serial: str) -> None:
        """Bind the flow to the camera, with its power-cycle and re-add steps."""
        super().__init__(entry, serial)
        self._serial = serial
        self._results: tuple[StepResult, ...] = ()
        self._current: StepId | None = None
        # Both hand back to the step they were started from, checked again.
        self._power = PowerCycleSteps(
            self,
            entry,
            serial,
            placeholders=self.placeholders,
            after=self._async_after_power_cycle,
        )
        self._readd = ReaddSteps(
            self,
            entry,
            serial,
            plug=partial(plug_for, entry, serial),
            done=self.async_step_recheck,
            stopped=self.async_step_recheck,
        )

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Fetch fresh data, run every automatic check, then continue where the user left off."""
        await self._async_check()
        if not self._results:
            return self.async_abort(reason="device_gone")
        if (resume := self._saved_step()) is not None:
            self._current = resume
            return self._show(resume)
        first = self._results[0]
        if first.evidence.get("reason") == "no_two_way_talk":
            # Told up front; the talk steps are then skipped.
            return self.async_show_menu(
                step_id="no_talk",
                menu_options=["next"],
                description_placeholders=self._step_placeholders(first),
            )
        return await self.async_step_next()

    async def _async_check(self) -> None:
        """Poll now and check every step for the device (none when it is gone)."""
        checkup = await async_check_device(self.coordinator, self._serial)
        self._results = () if checkup is None else checkup.steps
        async_note_checks(
            self.hass,
            self.issue_id,
            [str(r.step.id) for r in self._results if r.outcome is Outcome.FAIL],
        )

    def _saved_step(self) -> StepId | None:
        """Return the step this troubleshooter was left at, if it still applies."""
        saved = saved_step(self.hass, self.issue_id)
        return next(
            (
                result.step.id
                for result in self._results
                if str(result.step.id) == saved
                and result.outcome is not Outcome.NOT_APPLICABLE
            ),
            None,
        )

    def _step_placeholders(self, result: StepResult) -> dict[str, str]:
        """Return a step's texts' placeholders: its figures, outcome mark and position."""
        device = self.device
        return {
            "device": device.name if device else "",
            "model": device.product.model if isinstance(device, CameraHealth) else "",
            **result.evidence,
            "number": str(result.step.number),
            "result": OUTCOME_MARK[result.outcome],
        }

    async def async_step_no_talk(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Go on from the "no two-way talk" notice (its menu's own step id, sent as is)."""
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
        result = next(item for item in self._results if item.step.id is step)
        placeholders = self._step_placeholders(result)
        # Reopened later (the dialog closed, the button pressed again), it continues here.
        async_save_step(self.hass, self.issue_id, str(step))
        if step is StepId.CONTACT_SUPPORT:
            return self.async_show_form(
                step_id=str(step),
                description_placeholders={
                    **placeholders,
                    "serial": self._serial,
                    "entry_id": self.entry.entry_id,
                    "firmware": (self.device.firmware if self.device else None)
                    or NO_VALUE,
                },
            )
        if step is StepId.READD:
            # Hands over to the guided re-add (the same procedure as the readd_camera action).
            options = ["readd_start", "solved", "next"]
        elif step in _MANUAL_STEPS:
            options = ["solved", "next"]
        elif step is StepId.RESTART:
            return self._show_restart(placeholders)
        else:
            options = ["recheck", "solved", "next"]
        return self.async_show_menu(
            step_id=str(step),
            menu_options=options,
            description_placeholders=placeholders,
        )

    def _show_restart(self, placeholders: dict[str, str]) -> RepairsFlowResult:
        """Show the restart step: through the plug, or by hand and then checked again.

        Without a plug (or before one is chosen) the user restarts it and asks for a check
        (issue 19: Front Door had no way to); a battery camera is told to take its batteries
        out, never to unplug it.
        """
        power = self._power.menu_options(self.device)
        if is_on_batteries(self.device):
            return self.async_show_menu(
                step_id="restart_battery",
                menu_options=["batteries_out", "solved", "next"],
                description_placeholders=placeholders,
            )
        manual = [] if "power_cycle" in power else ["unplugged"]
        return self.async_show_menu(
            step_id=str(StepId.RESTART),
            menu_options=[*power, *manual, "solved", "next"],
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
        await self._async_check()
        if not self._results or self._current is None:
            return self.async_abort(reason="device_gone")
        return self._show(self._current)

    async def _async_after_power_cycle(
        self, outcome: PowerCycleOutcome | None
    ) -> RepairsFlowResult:
        """After a power cycle (or a failed one), check again and show the restart step."""
        return await self.async_step_recheck()

    async def async_step_unplugged(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Re-check after the user unplugged the device for 10 s."""
        return await self.async_step_recheck()

    async def async_step_batteries_out(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Re-check after the user took the camera's batteries out for 10 s."""
        return await self.async_step_recheck()

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

    # --- the re-add steps (readd/flow.py) ---

    async def async_step_readd_start(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start, join or resume the re-add."""
        return await self._readd.async_step_readd_start(user_input)

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
