"""The critical repair issue of a plug left off, and its fix flow: try switching it on again.

The issue id carries the Blink device's Home Assistant device id, never its serial (issues
reach diagnostics). It is persistent and is not withdrawn at unload: it stays, like the
journal record behind it, until the plug is confirmed on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from custom_components.blink_health.const import DOMAIN
from custom_components.blink_health.user_text import escape_names

from .journal import Record, plug_key

ISSUE_PREFIX = "power_cycle_failed_"
TRANSLATION_KEY = "power_cycle_failed"


def issue_id(record: Record) -> str:
    """Return the issue id of a record: by device id, else by the plug (never by serial)."""
    return f"{ISSUE_PREFIX}{record.get('device_id') or plug_key(record)}"


@callback
def async_raise(hass: HomeAssistant, record: Record, plug: str) -> None:
    """Raise (or refresh) the critical issue: a plug that feeds a Blink device may be off.

    The plug by its name (what the user sees), its entity id only while it has no state.
    """
    label = state.name if (state := hass.states.get(plug)) is not None else plug
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(record),
        data={"entry_id": record.get("entry_id", ""), "plug": plug_key(record)},
        is_fixable=True,
        is_persistent=True,
        severity=ir.IssueSeverity.CRITICAL,
        translation_key=TRANSLATION_KEY,
        translation_placeholders=escape_names(
            {"device": record.get("device", ""), "plug": label}
        ),
    )


@callback
def async_clear(hass: HomeAssistant, record: Record) -> None:
    """Delete the issue of a record whose plug is confirmed on."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(record))


class PlugStillOffRepairFlow(RepairsFlow):
    """Try switching the plug on again; done once it is confirmed on, else say it is still off."""

    def __init__(self, retry: Callable[[], Awaitable[bool]]) -> None:
        """Bind the flow to the retry of its plug."""
        self._retry = retry

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start at the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Switch the plug on when submitted; the issue goes once it is confirmed on."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if await self._retry():
                return self.async_create_entry(data={})
            errors["base"] = "still_off"
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        return self.async_show_form(
            step_id="confirm",
            errors=errors,
            description_placeholders=dict(
                (issue.translation_placeholders or {}) if issue else {}
            ),
        )
