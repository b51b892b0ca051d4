"""The guided troubleshooter's repair issue: one per device, announced, resumable, closed when done.

Issue 19: pressing "Troubleshoot two-way audio" showed nothing but the Settings badge, every
press left an issue, a reopened troubleshooter began at step 1 again, and it stayed after the
problem had gone. So the issue (`troubleshoot_{device}`, issues.py) is opened once per device
and reused, a persistent notification names the device and links to Settings → Repairs, the
step the user last saw is kept in the issue's data (the flow continues there), and the issue
and its notification go once the flow finishes or a check that failed passes again.
"""

from __future__ import annotations

from collections.abc import Iterator

from homeassistant.components import persistent_notification
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.uuid import random_uuid_hex

from .const import DOMAIN
from .coordinator import BlinkHealthCoordinator
from .devices import device_for
from .health import AccountHealth
from .issues import TROUBLESHOOT_PREFIX, async_open_troubleshooter, issue_serial
from .runtime import BlinkHealthConfigEntry
from .troubleshooter import Outcome, check_steps

# Where the notification's link goes: Settings → Repairs, which lists the issue.
REPAIRS_PATH = "/config/repairs"
# What the issue's data remembers besides its entry and device.
DATA_STEP = "step"  # the article step (playbook.StepId) the user was last shown
DATA_FAILED = (
    "failed"  # the steps whose checks failed while it was open, comma-separated
)
# The notification's texts (translations/en.json, "common").
_TITLE_KEY = "troubleshooter_notification_title"
_MESSAGE_KEY = "troubleshooter_notification_message"
# A device name is user text: its Markdown characters are shown as typed, never rendered.
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_[]()<>#!|~"})


# Troubleshooter issue id → the id of the notification announcing it, named after the Home
# Assistant device like the issue (never the serial, issue 19). In memory, like the
# notifications themselves.
DATA_NOTIFICATIONS: HassKey[dict[str, str]] = HassKey(
    f"{DOMAIN}_troubleshooter_notices"
)


def _notification_id(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry, serial: str, issue_id: str
) -> str:
    """Return the id of the notification announcing a troubleshooter issue (kept per issue)."""
    notices = hass.data.setdefault(DATA_NOTIFICATIONS, {})
    if issue_id not in notices:
        device = device_for(hass, entry, serial)
        key = device.id if device is not None else random_uuid_hex()
        notices[issue_id] = f"{DOMAIN}_troubleshooter_{key}"
    return notices[issue_id]


def device_name(hass: HomeAssistant, entry: BlinkHealthConfigEntry, serial: str) -> str:
    """Return the device's name as Home Assistant shows it (the user's, else Blink's)."""
    if (device := device_for(hass, entry, serial)) is not None:
        if name := device.name_by_user or device.name:
            return name
    health = entry.runtime_data.coordinator.data
    camera = health.device(serial) if health is not None else None
    return camera.name if camera is not None else ""


async def async_open(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry, serial: str
) -> str:
    """Open the device's troubleshooter (or reuse the open one), announce it, return its issue id."""
    name = device_name(hass, entry, serial)
    issue_id = async_open_troubleshooter(hass, entry, serial, name)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    if issue is not None and issue.dismissed_version is not None:
        # Asked for again: an ignored troubleshooter would be hidden from the list it links to.
        ir.async_ignore_issue(hass, DOMAIN, issue_id, False)
    async_note_checks(
        hass, issue_id, _failed_now(entry.runtime_data.coordinator, serial)
    )
    await _async_notify(hass, _notification_id(hass, entry, serial, issue_id), name)
    return issue_id


async def _async_notify(hass: HomeAssistant, notice_id: str, name: str) -> None:
    """Create (or renew) the notification that says where the troubleshooter is."""
    # Home Assistant fills what a language lacks with the English texts.
    texts = await async_get_translations(hass, hass.config.language, "common", [DOMAIN])
    prefix = f"component.{DOMAIN}.common."
    placeholders = {"device": name.translate(_MARKDOWN), "repairs": REPAIRS_PATH}
    persistent_notification.async_create(
        hass,
        texts[prefix + _MESSAGE_KEY].format(**placeholders),
        title=texts[prefix + _TITLE_KEY].format(**placeholders),
        notification_id=notice_id,
    )


def saved_step(hass: HomeAssistant, issue_id: str) -> str | None:
    """Return the step the user was last shown in this troubleshooter, if any."""
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    step = (issue.data or {}).get(DATA_STEP) if issue is not None else None
    return str(step) if step is not None else None


@callback
def async_save_step(hass: HomeAssistant, issue_id: str, step: str) -> None:
    """Remember the step the user is shown, so that reopening the flow continues there."""
    _async_update_data(hass, issue_id, {DATA_STEP: step})


@callback
def async_note_checks(hass: HomeAssistant, issue_id: str, failed: list[str]) -> None:
    """Remember that checks failed: once none does, the troubleshooter has done its job."""
    if failed:
        _async_update_data(hass, issue_id, {DATA_FAILED: ",".join(failed)})


def _async_update_data(
    hass: HomeAssistant, issue_id: str, changes: dict[str, str]
) -> None:
    """Update the issue's data; an issue closed meanwhile stays closed (never re-created)."""
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    if issue is None or issue.data is None:
        return
    data = {**issue.data, **changes}
    if data == issue.data:
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        breaks_in_ha_version=issue.breaks_in_ha_version,
        data=data,
        is_fixable=bool(issue.is_fixable),
        is_persistent=issue.is_persistent,
        issue_domain=issue.issue_domain,
        learn_more_url=issue.learn_more_url,
        severity=issue.severity or ir.IssueSeverity.WARNING,
        translation_key=issue.translation_key or "troubleshoot",
        translation_placeholders=issue.translation_placeholders,
    )


def _failed_now(coordinator: BlinkHealthCoordinator, serial: str) -> list[str]:
    """Return the steps whose checks fail for the device on the latest data."""
    health = coordinator.data
    if health is None or health.device(serial) is None:
        return []
    return failed_steps(coordinator, health, serial)


def failed_steps(
    coordinator: BlinkHealthCoordinator, health: AccountHealth, serial: str
) -> list[str]:
    """Return the steps whose checks fail for a device of this poll, as the flow shows them."""
    results = check_steps(
        health,
        serial,
        coordinator.thresholds,
        coordinator.internet,
        coordinator.history(),
    )
    return [str(result.step.id) for result in results if result.outcome is Outcome.FAIL]


def _open_issues(
    hass: HomeAssistant, entry_id: str
) -> Iterator[tuple[str, dict[str, str | int | float | None]]]:
    """Yield the entry's open troubleshooter issues with their data."""
    for (domain, issue_id), issue in list(ir.async_get(hass).issues.items()):
        if (
            domain == DOMAIN
            and issue_id.startswith(TROUBLESHOOT_PREFIX)
            and issue.data is not None
            and issue.data.get("entry_id") == entry_id
        ):
            yield issue_id, issue.data


@callback
def async_close_solved(
    hass: HomeAssistant,
    entry: BlinkHealthConfigEntry,
    coordinator: BlinkHealthCoordinator,
    health: AccountHealth,
) -> None:
    """After a poll, close the troubleshooters whose failed checks all pass again.

    One opened on a device with nothing failing stays until its flow finishes: two-way audio
    itself cannot be measured. A device away from the account (being re-added) keeps its own.
    """
    for issue_id, data in list(_open_issues(hass, entry.entry_id)):
        serial = issue_serial(hass, data) or ""
        if not data.get(DATA_FAILED) or health.device(serial) is None:
            continue
        if not failed_steps(coordinator, health, serial):
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_setup_notifications(hass: HomeAssistant) -> None:
    """Dismiss a troubleshooter's notification whenever its issue goes, however it goes."""

    @callback
    def _issue_removed(event: Event[ir.EventIssueRegistryUpdatedData]) -> None:
        """Dismiss the notification of a troubleshooter issue that was deleted."""
        data = event.data
        if data["action"] != "remove" or data["domain"] != DOMAIN:
            return
        notices = hass.data.get(DATA_NOTIFICATIONS, {})
        if (notice_id := notices.pop(data["issue_id"], None)) is not None:
            persistent_notification.async_dismiss(hass, notice_id)

    # For the life of Home Assistant: an issue may go after its entry unloaded.
    hass.bus.async_listen(ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED, _issue_removed)
