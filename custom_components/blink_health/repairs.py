"""Fix flows for Blink Health's repair issues: which flow fixes which issue.

The shape follows unifiprotect ("act, re-check, else explain") and shelly (a menu that can
ignore the issue): a base flow (repairs_base.py) and one short flow per kind of issue. The
power-cycle and re-add steps are step groups (power/flow.py, readd/flow.py) that the flows
which offer them hold and delegate to.
"""

from __future__ import annotations

from homeassistant.components.repairs import (
    ConfirmRepairFlow,
    RepairsFlow,
    RepairsFlowResult,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .attach import SwitchToSignInFlow, is_attach_issue
from .const import DOMAIN
from .issues import (
    OFFLINE_KINDS,
    READD_PREFIX,
    TROUBLESHOOT_PREFIX,
    issue_serial,
    managed_kind,
)
from .playbook import FindingKind
from .power import (
    ISSUE_PREFIX as POWER_ISSUE_PREFIX,
    async_create_fix_flow as async_create_power_fix_flow,
)
from .repairs_check_again import CHECK_AGAIN_KINDS, CheckAgainRepairFlow
from .repairs_offline import (
    BatteryOfflineRepairFlow,
    OfflineRepairFlow,
    is_on_batteries,
)
from .repairs_plug_off import PlugOffRepairFlow
from .repairs_readd import ReaddRepairFlow
from .repairs_troubleshooter import TroubleshootRepairFlow


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
    # Issues name the device by its Home Assistant device id (issues.py): its serial is the
    # registry's.
    serial = issue_serial(hass, data)
    kind = managed_kind(issue_id)
    if kind in OFFLINE_KINDS and serial is not None:
        health = entry.runtime_data.coordinator.data
        device = health.device(serial) if health is not None else None
        if kind is FindingKind.CAMERA_OFFLINE and is_on_batteries(device):
            return BatteryOfflineRepairFlow(entry, serial)
        return OfflineRepairFlow(entry, serial)
    if kind is FindingKind.PLUG_OFF and serial is not None:
        return PlugOffRepairFlow(entry, serial)
    if kind in CHECK_AGAIN_KINDS:
        return CheckAgainRepairFlow(entry, serial)
    if issue_id.startswith(TROUBLESHOOT_PREFIX) and serial is not None:
        return TroubleshootRepairFlow(entry, serial)
    if issue_id.startswith(READD_PREFIX):
        # The camera's device may be gone (removed as stale after a timeout): the re-add
        # knows its issue.
        serial = serial or entry.runtime_data.readd.serial_of_issue(issue_id)
        if serial is not None:
            return ReaddRepairFlow(entry, serial)
    return ConfirmRepairFlow()


class EntryNotLoadedFlow(RepairsFlow):
    """A fix flow for an issue whose Blink account is not loaded: it can only say so."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Abort: nothing can be checked or fixed while the account is not loaded."""
        return self.async_abort(reason="entry_not_loaded")
