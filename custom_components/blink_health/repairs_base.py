"""The base of Blink Health's fix flows: the issue's account and device, fresh data, "ignore".

Every re-check is one on-demand poll of the coordinator, so Blink's Retry-After pause and the
request budget hold. Each fix flow subclasses this once (repairs.py picks the flow).
"""

from __future__ import annotations

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .coordinator import BlinkHealthCoordinator
from .health import CameraHealth, SyncModuleHealth
from .issues import issue_id_for
from .playbook import Finding
from .runtime import BlinkHealthConfigEntry
from .user_text import escape_names, escape_text


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
            (
                finding
                for finding in self.coordinator.findings
                if issue_id_for(self.hass, self.entry, finding) == self.issue_id
            ),
            None,
        )

    def placeholders(self) -> dict[str, str]:
        """Return the issue's own placeholders, updated with the latest figures."""
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        # The issue's are escaped already (issues.py); what is added here is escaped once.
        values = dict(issue.translation_placeholders or {}) if issue else {}
        fresh: dict[str, str] = {}
        if (finding := self.finding()) is not None:
            fresh.update(finding.evidence)
        values.update(escape_names(fresh))
        values.setdefault(
            "device", escape_text(self.device.name if self.device else "")
        )
        values.setdefault("account", escape_text(self.entry.title))
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
