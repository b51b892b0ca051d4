"""The Blink Health integration: health, repairs and fixes for Blink cameras and Sync Modules."""

from __future__ import annotations

from functools import partial

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .account_state import async_account_state, async_forget_account_state
from .attach import AttachedCoordinator, CoreBlinkSource, async_delete_attach_issues
from .cloud import BlinkCloud, async_create_session
from .const import (
    CONF_CORE_ENTRY_ID,
    CONF_MODE,
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MODE_ATTACH,
)
from .coordinator import BlinkHealthCoordinator
from .devices import async_follow_core_devices
from .frontend import async_register_card
from .issues import async_remove_issues, async_unload_issues
from .outages import STORE_NAME as OUTAGES_STORE, OutageHistory
from .power import PowerCycles, async_remove_power, async_setup_power
from .readd import STORE_NAME as READD_STORE, ReaddWatcher
from .runtime import BlinkHealthConfigEntry, BlinkHealthData
from .services import async_setup_services
from .storage import async_remove_store
from .troubleshooter_issue import async_close_solved, async_setup_notifications
from .watchdog import CoreWatchdog, watchdog_enabled

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up Blink Health: actions are registered here so automations always validate."""
    async_setup_services(hass)
    await async_register_card(hass)
    # A troubleshooter's notification goes with its issue (issue 19), whichever entry it had.
    async_setup_notifications(hass)
    # Before any entry, and whatever becomes of it (setup retry, reauth): plugs a previous
    # run left off go back on (the power slice's keeper does not depend on the entries).
    await async_setup_power(hass)
    return True


async def async_migrate_entry(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry
) -> bool:
    """Bring an entry of an older minor version up to date.

    1.1 → 1.2: the polling interval left the options (Home Assistant's rule: users disable
    polling in the system options instead), so a stored one is dropped and the entry polls
    at the default pace.
    """
    # Home Assistant itself refuses an entry of a newer major version (a downgrade).
    if entry.minor_version < 2:
        options = {k: v for k, v in entry.options.items() if k != CONF_SCAN_INTERVAL}
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
        LOGGER.debug("Migrated a Blink Health entry to version 1.2")
    return True


def _build_coordinator(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry
) -> BlinkHealthCoordinator:
    """Return the coordinator of the entry's mode: core Blink's data, or a sign-in of its own.

    Both sit on the account's kept state: its request governor, request count and details.
    """
    if entry.data.get(CONF_MODE) == MODE_ATTACH:
        # No sign-in and no polling of its own: read the core Blink entry's (attach.py).
        state = async_account_state(hass, entry, None)
        source = CoreBlinkSource(hass, entry.data[CONF_CORE_ENTRY_ID], state)
        return AttachedCoordinator(hass, entry, source, state)
    # An entry switched from attach mode to its own sign-in: its attach issues are moot.
    async_delete_attach_issues(hass, entry.entry_id)
    state = async_account_state(hass, entry, DEFAULT_SCAN_INTERVAL.total_seconds())
    session, request_log = async_create_session(hass, request_log=state.request_log)
    coordinator: BlinkHealthCoordinator | None = None

    def _tokens_refreshed() -> None:
        """Persist tokens blinkpy refreshed in the middle of a request."""
        if coordinator is not None:
            coordinator.save_tokens()

    cloud = BlinkCloud(session, request_log, entry.data, on_tokens=_tokens_refreshed)
    coordinator = BlinkHealthCoordinator(hass, entry, cloud, state)
    return coordinator


async def async_setup_entry(hass: HomeAssistant, entry: BlinkHealthConfigEntry) -> bool:
    """Sign in (only if the stored tokens cannot be used), poll once, then add the entities."""
    coordinator = _build_coordinator(hass, entry)
    # The feature slices hook into the coordinator; it knows none of them.
    power = PowerCycles(hass, entry, coordinator)
    # A device offline because its plug is switched off has the plug as its cause.
    coordinator.plugs_off = power.plugs_off
    readd = ReaddWatcher(hass, entry, coordinator, reset=power.async_reset)
    # Before anything can fail: a plug an interrupted power cycle left off goes back on.
    await power.async_setup()
    # Before the first poll: cameras being re-added keep their devices while they are away.
    await readd.async_load()
    # Before the first poll too: the stored outage history follows every poll.
    outages = OutageHistory(hass, entry, coordinator)
    await outages.async_setup()
    entry.async_on_unload(outages.async_unsubscribe)
    # A troubleshooter whose failed checks pass again has done its job (issue 19).
    entry.async_on_unload(
        coordinator.async_add_poll_listener(
            partial(async_close_solved, hass, entry, coordinator)
        )
    )

    async def _async_stop(event: Event) -> None:
        """Switch plugs of running power cycles back on before Home Assistant stops."""
        await power.async_shutdown()

    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop)
    )
    await coordinator.async_config_entry_first_refresh()
    # Core Blink's devices appearing or going later: the entities join or leave them.
    entry.async_on_unload(
        async_follow_core_devices(hass, entry, lambda: coordinator.data)
    )
    watchdog = CoreWatchdog(hass, entry, coordinator)
    if watchdog_enabled(entry):
        entry.async_on_unload(watchdog.async_start())
    entry.runtime_data = BlinkHealthData(
        coordinator=coordinator,
        power=power,
        readd=readd,
        watchdog=watchdog,
        outages=outages,
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    readd.async_start_watching()
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry
) -> bool:
    """Unload the entry's platforms and withdraw its issues; Home Assistant closes its session."""
    # Re-adds stop watching first (they are stored and resume), then power cycles end with
    # their plugs switched on: a plug is never left off.
    await entry.runtime_data.readd.async_shutdown()
    await entry.runtime_data.power.async_shutdown()
    await entry.runtime_data.outages.async_shutdown()
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        async_unload_issues(hass, entry)
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry
) -> None:
    """Delete every repair issue of a removed entry, ignored ones included, and its stored data."""
    async_remove_issues(hass, entry)
    async_forget_account_state(hass, entry)
    # After the issues: a plug that cannot be confirmed on keeps its issue and its record.
    await async_remove_power(hass, entry)
    await async_remove_store(hass, entry, READD_STORE)
    await async_remove_store(hass, entry, OUTAGES_STORE)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: BlinkHealthConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device only when it is no longer on the Blink account.

    A camera being re-added is away from the account on purpose: its device stays.
    """
    coordinator = entry.runtime_data.coordinator
    health = coordinator.data
    serials = {value for domain, value in device.identifiers if domain == DOMAIN}
    if str(entry.unique_id) in serials or serials & coordinator.kept_serials:
        return False
    return health is None or not serials & health.serials
