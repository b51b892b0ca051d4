"""The fix flow of a weak signal or a slow connection: what was measured, then check again."""

from __future__ import annotations

from homeassistant.components.repairs import RepairsFlowResult

from .playbook import FindingKind
from .repairs_base import BlinkRepairFlow

CHECK_AGAIN_KINDS = frozenset(
    {
        FindingKind.HIGH_LATENCY,
        FindingKind.SLOW_INTERNET,
        FindingKind.WEAK_SYNC_LINK,
        FindingKind.WEAK_WIFI,
    }
)


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
        """Check again when the "still weak" menu is sent without a choice.

        Home Assistant needs a step for every step id it shows, and runs the menu's own
        step when the menu comes back without a choice (data_entry_flow).
        """
        return await self.async_step_check_again()
