"""Attach mode: Blink Health on Home Assistant's core `blink` integration's sign-in, against blinksim."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_USERNAME,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blinksim.server import SimServer
from custom_components.blink_health.attach import AttachedCoordinator
from custom_components.blink_health.cloud import (
    CloudUnavailable,
    RateLimited,
    async_request_homescreen,
)
from custom_components.blink_health.const import (
    CONF_CORE_ENTRY_ID,
    CONF_MODE,
    CORE_DOMAIN,
    DOMAIN,
    MODE_ATTACH,
)
from custom_components.blink_health.coordinator import BlinkHealthCoordinator
from custom_components.blink_health.devices import device_for
from custom_components.blink_health.governor import COALESCE_SECONDS

from .conftest import async_poll
from .core_blink import (
    async_add_core_entry,
    async_attach,
    core_entry,
    core_session,
    no_blinkpy_sleeps,
)
from .power_helpers import (
    HALL_MINI,
    HALL_PLUG,
    SimPlug,
    async_advance,
    async_map_plugs,
    async_settle,
    async_setup_plugs,
)
from .repairs_helpers import (
    device_issue_id,
    process_repair_fix_flow,
    start_repair_fix_flow,
)

FRONT_YARD = "G8T20000000001"
# Blink Health's entities by domain and unique id: on core's shared device, an entity id
# follows core's device name ("Front Yard" or "blink Front Yard", whichever platform of
# core's registered the device last).
FRONT_YARD_ONLINE = ("binary_sensor", f"{FRONT_YARD}-online")
HALL_MINI_ONLINE = ("binary_sensor", f"{HALL_MINI}-online")
HOMESCREEN = "GET /api/v3/accounts/{account_id}/homescreen"
# Core refreshes compared with and without Blink Health (25 minutes at core's 5 minutes).
REFRESHES = 5

# Fixtures of the core Blink harness, found by pytest through this module's names.
__all__ = ["core_entry", "core_session", "no_blinkpy_sleeps"]


@pytest.fixture
async def attached(hass: HomeAssistant, core_entry: ConfigEntry) -> ConfigEntry:
    """Return a Blink Health entry attached to the core Blink entry."""
    return await async_attach(hass, core_entry)


async def async_sign_in_separately(hass: HomeAssistant, sim: SimServer) -> ConfigEntry:
    """Add Blink Health through the menu's "sign in separately"."""
    account = sim.world.account
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "sign_in"}
    )
    assert result["step_id"] == "sign_in"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    return entry


def entity_states(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, Any]:
    """Return each entity of the entry by unique id, with its state."""
    registry = er.async_get(hass)
    return {
        reg.unique_id: (
            state.state if (state := hass.states.get(reg.entity_id)) else None
        )
        for reg in er.async_entries_for_config_entry(registry, entry.entry_id)
    }


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    """Return an issue of the domain, if it exists."""
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


def _issue_ids(hass: HomeAssistant) -> set[str]:
    """Return the ids of the domain's issues."""
    return {
        issue_id for domain, issue_id in ir.async_get(hass).issues if domain == DOMAIN
    }


def _entity_id(hass: HomeAssistant, entity: str | tuple[str, str]) -> str:
    """Return an entity id, or the id of Blink Health's entity with this domain and unique id."""
    if isinstance(entity, str):
        return entity
    entity_id = er.async_get(hass).async_get_entity_id(entity[0], DOMAIN, entity[1])
    assert entity_id is not None, entity
    return entity_id


def _state(hass: HomeAssistant, entity: str | tuple[str, str]) -> str:
    """Return an entity's state."""
    entity_id = _entity_id(hass, entity)
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def _update_entity(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entity: tuple[str, str]
) -> None:
    """Ask for an update the way a user or automation does (homeassistant.update_entity).

    Time moves past the coordinator's 10-second debounce first, so the request is not held.
    """
    assert await async_setup_component(hass, "homeassistant", {})
    freezer.tick(11)
    async_fire_time_changed(hass)
    entity_id = _entity_id(hass, entity)
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)


def _device_id(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> str:
    """Return the registry id of the device holding Blink Health's entities of a serial."""
    device = device_for(hass, entry, serial)
    assert device is not None, serial
    return device.id


def _requests_of_blink_health(entry: ConfigEntry) -> int:
    """Return the Blink requests Blink Health itself sent (its api_requests counter)."""
    coordinator: BlinkHealthCoordinator = entry.runtime_data.coordinator
    return coordinator.cloud.request_log.total


async def test_attach_creates_the_entry(
    hass: HomeAssistant, core_entry: ConfigEntry, sim: SimServer
) -> None:
    """The menu's attach step creates an entry that reads core's data, titled like standalone."""
    sim.requests.reset()
    entry = await async_attach(hass, core_entry)
    assert entry.data == {
        CONF_MODE: MODE_ATTACH,
        CONF_CORE_ENTRY_ID: core_entry.entry_id,
    }
    assert entry.unique_id == str(sim.world.account.account_id)
    assert entry.title == "Blink (d***@example.com)"
    assert isinstance(entry.runtime_data.coordinator, AttachedCoordinator)
    assert entry.runtime_data.coordinator.update_interval is None
    # No credentials and no tokens of its own to store.
    assert entry.runtime_data.coordinator.cloud.login_data == {}
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON
    # Setting up (homescreen and every device's details) cost Blink nothing.
    assert sim.requests.total() == 0


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_same_entities_as_standalone(
    hass: HomeAssistant, core_entry: ConfigEntry, sim: SimServer
) -> None:
    """The demo account gives the same entities, states and issues in both modes.

    Attach, record, remove; then sign in separately on the same simulated account and record
    again, at the same simulated instant (heartbeats move with time). The only differences
    are values that only a request of Blink Health's own could give, and attach mode sends
    none: they are unknown (never stale, never guessed).
    """
    entry = await async_attach(hass, core_entry)
    attach_states = entity_states(hass, entry)
    attach_issues = _issue_ids(hass)
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert entity_states(hass, entry) == {}
    assert not _issue_ids(hass)

    standalone = await async_sign_in_separately(hass, sim)
    alone_states = entity_states(hass, standalone)

    account = sim.world.account.account_id
    assert set(attach_states) == set(alone_states)
    # 68, and the outage history's 3 per device and 2 of the account, and 2 Sync Modules'
    # local storage (issue 20); less the troubleshooter buttons of the two cameras without
    # a speaker (issue 19).
    assert len(attach_states) == 97
    differ = {key for key in alone_states if alone_states[key] != attach_states[key]}
    assert differ == {
        # Requests Blink Health sent in the last hour: none in attach mode.
        f"{account}-api_requests",
        # The round-trip of Blink Health's own poll: there is none to time.
        f"{account}-cloud_latency",
        # Core never reads a Mini's or a doorbell's config (blink_api.md §5.4).
        f"{HALL_MINI}-wifi_signal",
        "G8T40000000001-temperature",
        "G8T40000000001-wifi_rssi",
        # A camera's last report is in its config's signals/last_connect, which core's
        # blinkpy does not keep (docs/fidelity.md); the homescreen's updated_at is no report.
        *(f"G8T2000000000{n}-last_heartbeat" for n in range(1, 6)),
        # Back Yard's config has -255 at the top level, the reading under last_connect:
        # core's blinkpy keeps only the -255.
        "G8T20000000002-wifi_rssi",
    }
    assert attach_states[f"{account}-api_requests"] == "0"
    assert int(alone_states[f"{account}-api_requests"]) > 0
    unknown = differ - {f"{account}-api_requests"}
    assert {attach_states[key] for key in unknown} == {STATE_UNKNOWN}
    assert STATE_UNKNOWN not in {alone_states[key] for key in unknown}
    assert STATE_UNAVAILABLE not in attach_states.values()
    # The same repair issues (weak Wi-Fi, weak Sync Module link, low battery).
    assert _issue_ids(hass) == attach_issues
    assert {
        device_issue_id(hass, "weak_wifi", "G8T20000000002"),
        device_issue_id(hass, "weak_sync_link", "G8T20000000003"),
        device_issue_id(hass, "low_battery", "G8T20000000004"),
    } <= attach_issues


async def test_steady_state_adds_no_requests(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Over core's refreshes, core alone and core + Blink Health cost Blink the same requests.

    Counted at the simulator; and Blink Health follows each core refresh (a camera going
    offline shows after core's next refresh, without a request of its own).
    """
    sim.requests.reset()
    for _ in range(REFRESHES):
        await async_poll(hass, freezer)
    core_alone = dict(sim.requests)

    entry = await async_attach(hass, core_entry)
    sim.requests.reset()
    for refresh in range(REFRESHES):
        if refresh == 2:
            sim.world.patch_device(FRONT_YARD, {"status": "offline"})
        await async_poll(hass, freezer)
        if refresh == 2:
            assert _state(hass, FRONT_YARD_ONLINE) == STATE_OFF
    with_blink_health = dict(sim.requests)
    print(  # noqa: T201 - the report
        f"{REFRESHES} core refreshes: core alone {sum(core_alone.values())} Blink "
        f"requests, core + Blink Health {sum(with_blink_health.values())}"
    )
    assert core_alone[HOMESCREEN] == REFRESHES
    assert with_blink_health == core_alone
    assert _requests_of_blink_health(entry) == 0
    assert _state(hass, "sensor.blink_account_requests_in_the_last_hour") == "0"
    assert entry.runtime_data.coordinator.update_interval is None
    assert entry.runtime_data.coordinator.last_update_success


async def test_core_reload_is_followed(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After core reloads (a new coordinator and blinkpy object), Blink Health reads the new one."""
    old_coordinator = core_entry.runtime_data
    assert await hass.config_entries.async_reload(core_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert core_entry.runtime_data is not old_coordinator
    assert attached.state is ConfigEntryState.LOADED
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON

    sim.world.patch_device(FRONT_YARD, {"status": "offline"})
    await async_poll(hass, freezer)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_OFF
    # The old coordinator is not listened to any more: only the new one drives updates.
    assert not old_coordinator._listeners
    assert _requests_of_blink_health(attached) == 0


async def test_core_unload_and_removal(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Core unloaded or deleted: unavailable with a clear reason; back with a new core entry."""
    assert await hass.config_entries.async_unload(core_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
    assert attached.state is ConfigEntryState.LOADED
    assert (
        attached.runtime_data.coordinator.last_exception.translation_key
        == "core_not_loaded"
    )
    assert await hass.config_entries.async_setup(core_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON

    assert await hass.config_entries.async_remove(core_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue_id = f"core_entry_removed_{attached.entry_id}"
    issue = _issue(hass, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"title": attached.title}
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
    assert (
        attached.runtime_data.coordinator.last_exception.translation_key
        == "core_entry_removed"
    )
    # An update asked for meanwhile fails the same way, without a crash.
    await _update_entity(hass, freezer, FRONT_YARD_ONLINE)
    await async_poll(hass, freezer)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
    assert attached.state is ConfigEntryState.LOADED

    # A loaded core entry it cannot read is never taken for the account's.
    unreadable = MockConfigEntry(domain=CORE_DOMAIN, state=ConfigEntryState.LOADED)
    unreadable.add_to_hass(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert attached.data[CONF_CORE_ENTRY_ID] == core_entry.entry_id
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE

    # The Blink integration set up again for the same account: Blink Health finds it.
    freezer.tick(11)  # past the coordinator's request debounce
    new_core = await async_add_core_entry(hass, sim)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert attached.data[CONF_CORE_ENTRY_ID] == new_core.entry_id
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON
    assert _issue(hass, issue_id) is None
    sim.world.patch_device(FRONT_YARD, {"status": "offline"})
    await async_poll(hass, freezer)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_OFF
    assert _requests_of_blink_health(attached) == 0


async def test_setup_waits_for_core(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
) -> None:
    """Set up while core is not loaded, the entry retries (no crash) and loads with core."""
    assert await hass.config_entries.async_unload(attached.entry_id)
    assert await hass.config_entries.async_unload(core_entry.entry_id)
    assert not await hass.config_entries.async_setup(attached.entry_id)
    assert attached.state is ConfigEntryState.SETUP_RETRY
    assert await hass.config_entries.async_setup(core_entry.entry_id)
    await hass.config_entries.async_reload(attached.entry_id)
    await hass.async_block_till_done()
    assert attached.state is ConfigEntryState.LOADED
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON


async def test_setup_with_changed_internals(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
) -> None:
    """At setup (a restart) with core's internals changed: the issue and a retry, no crash."""
    core = core_entry.runtime_data
    listeners = len(core._listeners)
    assert await hass.config_entries.async_unload(attached.entry_id)
    # Unloaded, it no longer listens to core's coordinator.
    assert len(core._listeners) == listeners - 1
    with pytest.MonkeyPatch.context() as changed:
        detail = _no_homescreen(core_entry, changed)
        assert not await hass.config_entries.async_setup(attached.entry_id)
        assert attached.state is ConfigEntryState.SETUP_RETRY
        issue = _issue(hass, f"core_internals_changed_{attached.entry_id}")
        assert issue is not None
        assert issue.translation_placeholders["detail"] == detail


async def test_core_reauth(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Core needs a new sign-in: Blink Health is unavailable meanwhile (no cloud issue), then back."""
    sim.world.update_account(
        {"revoke_refresh_token": True, "expire_access_token": True}
    )
    await async_poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(CORE_DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
    assert (
        attached.runtime_data.coordinator.last_exception.translation_key
        == "core_reauth"
    )
    # A repair issue explains what waits for the user and where to sign in.
    reauth_issue = _issue(hass, f"core_reauth_{attached.entry_id}")
    assert reauth_issue is not None
    assert not reauth_issue.is_fixable
    assert reauth_issue.translation_placeholders == {
        "title": attached.title,
        "core_title": core_entry.title,
    }
    # Waiting for the user: no requests of Blink Health's, no "cloud unreachable" issue.
    for _ in range(4):
        await async_poll(hass, freezer)
    assert "cloud_unreachable" not in _issue_ids(hass)
    assert _requests_of_blink_health(attached) == 0
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)

    account = sim.world.account
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert core_entry.state is ConfigEntryState.LOADED
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON
    assert attached.runtime_data.coordinator.last_update_success
    assert _issue(hass, f"core_reauth_{attached.entry_id}") is None


async def test_core_cannot_reach_blink(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Core's polls fail: unavailable, and after three failed polls the cloud issue, as standalone."""
    sim.add_fault(HOMESCREEN, status=503, body="html", count=None, duration=86400)
    await async_poll(hass, freezer)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
    coordinator = attached.runtime_data.coordinator
    assert coordinator.last_exception.translation_key == "core_update_failed"
    assert "cloud_unreachable" not in _issue_ids(hass)
    # Core keeps failing without telling its listeners; Blink Health looks again at its pace.
    assert coordinator.update_interval == core_entry.runtime_data.update_interval
    for _ in range(2):
        await async_poll(hass, freezer)
    assert "cloud_unreachable" in _issue_ids(hass)
    assert _requests_of_blink_health(attached) == 0

    sim.clear_faults()
    await async_poll(hass, freezer)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON
    assert "cloud_unreachable" not in _issue_ids(hass)
    assert coordinator.update_interval is None


async def test_core_homescreen_not_a_homescreen(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Core's blinkpy keeps an error body as its homescreen: a failed poll, never "all gone"."""
    devices = dr.async_get(hass)
    before = len(dr.async_entries_for_config_entry(devices, attached.entry_id))
    sim.add_fault(HOMESCREEN, status=200, body={"message": "Oops", "code": 9}, count=1)
    await async_poll(hass, freezer)
    assert core_entry.runtime_data.last_update_success
    assert core_entry.runtime_data.api.homescreen == {"message": "Oops", "code": 9}
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
    assert (
        attached.runtime_data.coordinator.last_exception.translation_placeholders[
            "error"
        ]
        == "invalid homescreen"
    )
    assert len(dr.async_entries_for_config_entry(devices, attached.entry_id)) == before
    await async_poll(hass, freezer)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON


async def test_core_signed_in_to_another_account(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The core entry now reads another account: never shown as this one's devices."""
    monkeypatch.setattr(core_entry.runtime_data.api.auth, "account_id", 4242)
    await _update_entity(hass, freezer, FRONT_YARD_ONLINE)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
    assert (
        attached.runtime_data.coordinator.last_exception.translation_key
        == "core_other_account"
    )


def _no_runtime_data(core: ConfigEntry, monkeypatch: pytest.MonkeyPatch) -> str:
    """Core keeps something else than a coordinator in runtime_data."""
    monkeypatch.setattr(
        core, "runtime_data", SimpleNamespace(api=core.runtime_data.api)
    )
    return "runtime_data is not a DataUpdateCoordinator"


def _no_api(core: ConfigEntry, monkeypatch: pytest.MonkeyPatch) -> str:
    """Core's coordinator calls its blinkpy object something else."""
    monkeypatch.delattr(core.runtime_data, "api")
    return "runtime_data.api is not a blinkpy Blink"


def _no_homescreen(core: ConfigEntry, monkeypatch: pytest.MonkeyPatch) -> str:
    """Blinkpy keeps the homescreen in another shape."""
    monkeypatch.setattr(core.runtime_data.api, "homescreen", None)
    return "runtime_data.api.homescreen is not a dict"


def _no_account_id(core: ConfigEntry, monkeypatch: pytest.MonkeyPatch) -> str:
    """Blinkpy keeps the account id elsewhere."""
    monkeypatch.setattr(core.runtime_data.api.auth, "account_id", None)
    return "runtime_data.api.auth.account_id is not set"


def _no_cameras(core: ConfigEntry, monkeypatch: pytest.MonkeyPatch) -> str:
    """Blinkpy keeps its cameras in another shape."""
    monkeypatch.setattr(core.runtime_data.api, "cameras", [])
    return "runtime_data.api.cameras is not a mapping"


CHANGES = {
    "no runtime_data coordinator": _no_runtime_data,
    "no api": _no_api,
    "no homescreen": _no_homescreen,
    "no cameras": _no_cameras,
    "no account id": _no_account_id,
}


@pytest.mark.parametrize("change", list(CHANGES))
async def test_internals_changed_raises_issue(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    change: str,
) -> None:
    """Core's objects are not what attach mode reads: an issue that says so, no crash, no guess."""
    with pytest.MonkeyPatch.context() as changed:
        detail = CHANGES[change](core_entry, changed)
        await _update_entity(hass, freezer, FRONT_YARD_ONLINE)
        issue = _issue(hass, f"core_internals_changed_{attached.entry_id}")
        assert issue is not None
        assert issue.is_fixable
        assert issue.severity is ir.IssueSeverity.ERROR
        assert issue.translation_placeholders == {
            "detail": detail,
            "title": attached.title,
        }
        assert _state(hass, FRONT_YARD_ONLINE) == STATE_UNAVAILABLE
        assert attached.state is ConfigEntryState.LOADED
        assert not [
            record
            for record in caplog.records
            if record.levelno >= logging.ERROR and record.exc_info
        ], "no traceback: the change is expected and explained"

    # Core as expected again (a Blink Health update): the issue goes, the entities come back.
    await _update_entity(hass, freezer, FRONT_YARD_ONLINE)
    assert _issue(hass, f"core_internals_changed_{attached.entry_id}") is None
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON


async def test_internals_fix_flow_switches_to_own_sign_in(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's fix flow leads to a separate sign-in: tokens stored, attach mode gone, polls itself."""
    assert await async_setup_component(hass, "repairs", {})
    _no_api(core_entry, monkeypatch)
    await _update_entity(hass, freezer, FRONT_YARD_ONLINE)
    issue_id = f"core_internals_changed_{attached.entry_id}"
    assert _issue(hass, issue_id) is not None

    client = await hass_client()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["type"] == "form"
    assert result["step_id"] == "confirm"
    # The issue's text is the step's (a fixable issue has none): it gets the issue's detail.
    issue = _issue(hass, issue_id)
    assert issue is not None and issue.translation_placeholders is not None
    assert result["description_placeholders"] == {
        "title": attached.title,
        "detail": issue.translation_placeholders["detail"],
    }
    result = await process_repair_fix_flow(client, result["flow_id"])
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_REAUTH
    assert flows[0]["step_id"] == "own_sign_in"
    account = sim.world.account
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "own_sign_in_successful"
    await hass.async_block_till_done(wait_background_tasks=True)

    assert attached.state is ConfigEntryState.LOADED
    assert CONF_MODE not in attached.data
    assert CONF_CORE_ENTRY_ID not in attached.data
    assert attached.data[CONF_USERNAME] == account.email
    assert attached.data["token"]
    assert attached.data["refresh_token"]
    assert attached.data["hardware_id"]
    assert attached.unique_id == str(account.account_id)
    coordinator = attached.runtime_data.coordinator
    assert type(coordinator) is BlinkHealthCoordinator
    assert coordinator.update_interval is not None
    assert _issue(hass, issue_id) is None
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON

    # It polls by itself now, even with core broken: one homescreen request per poll.
    sent = _requests_of_blink_health(attached)
    await async_poll(hass, freezer)
    assert _requests_of_blink_health(attached) == sent + 1
    sim.world.patch_device(FRONT_YARD, {"status": "offline"})
    await async_poll(hass, freezer)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_OFF


async def test_removed_fix_flow_and_gone_entry(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The core-entry-removed issue offers the same switch; a deleted entry's flow aborts."""
    assert await async_setup_component(hass, "repairs", {})
    assert await hass.config_entries.async_remove(core_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue_id = f"core_entry_removed_{attached.entry_id}"
    client = await hass_client()
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["step_id"] == "confirm"
    result = await process_repair_fix_flow(client, result["flow_id"])
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["step_id"] for flow in flows] == ["own_sign_in"]

    assert await hass.config_entries.async_remove(attached.entry_id)
    await hass.async_block_till_done()
    assert _issue(hass, issue_id) is None
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        data={"entry_id": attached.entry_id},
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key="core_entry_removed",
        translation_placeholders={"title": attached.title},
    )
    result = await start_repair_fix_flow(client, DOMAIN, issue_id)
    assert result["type"] == "abort"
    assert result["reason"] == "entry_not_loaded"


async def test_reconfigure_gives_own_sign_in(
    hass: HomeAssistant, attached: ConfigEntry, sim: SimServer
) -> None:
    """Reconfigure of an attach entry is the same switch to a separate sign-in."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": attached.entry_id}
    )
    assert result["step_id"] == "own_sign_in"
    account = sim.world.account
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    assert result["reason"] == "own_sign_in_successful"
    await hass.async_block_till_done()
    assert CONF_MODE not in attached.data
    assert type(attached.runtime_data.coordinator) is BlinkHealthCoordinator


async def test_options_and_diagnostics_in_attach_mode(
    hass: HomeAssistant,
    attached: ConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Options without a polling interval (core sets the pace); diagnostics say how it reads."""
    assert device_issue_id(hass, "weak_wifi", "G8T20000000002") in _issue_ids(hass)
    result = await hass.config_entries.options.async_init(attached.entry_id)
    assert result["menu_options"] == ["settings", "plugs"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    assert "scan_interval" not in result["data_schema"].schema
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "weak_wifi_bars": 0,
            "weak_sync_bars": 2,
            "min_download_mbps": 2.0,
            "max_ping_ms": 100.0,
            "max_cloud_latency_ms": 2000.0,
            "offline_grace_minutes": 10.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert attached.state is ConfigEntryState.LOADED
    # Applied on core's data: Back Yard's 1 Wi-Fi bar is not weak at a 0-bar threshold.
    assert device_issue_id(hass, "weak_wifi", "G8T20000000002") not in _issue_ids(hass)
    assert device_issue_id(hass, "weak_sync_link", "G8T20000000003") in _issue_ids(hass)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, attached)
    assert diagnostics["entry"]["data"] == {
        CONF_MODE: MODE_ATTACH,
        CONF_CORE_ENTRY_ID: attached.data[CONF_CORE_ENTRY_ID],
    }
    assert diagnostics["polling"]["api_requests_last_hour"] == 0
    assert diagnostics["polling"]["update_interval_seconds"] is None
    assert diagnostics["health"]["cameras"]
    assert diagnostics["homescreen"]["cameras"]


async def test_attach_step_errors(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
) -> None:
    """The attach step: an entry that went away, internals changed, and an account set up already."""
    # A second core entry, loaded when the form is shown and unloaded before it is submitted.
    other = MockConfigEntry(
        domain=CORE_DOMAIN, title="Other Blink", state=ConfigEntryState.LOADED
    )
    other.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "attach"}
    )
    flow_id = result["flow_id"]
    options = result["data_schema"].schema[CONF_CORE_ENTRY_ID].config["options"]
    assert [option["label"] for option in options] == [core_entry.title, "Other Blink"]
    other.mock_state(hass, ConfigEntryState.NOT_LOADED)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_CORE_ENTRY_ID: other.entry_id}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "core_not_loaded"}

    with pytest.MonkeyPatch.context() as changed:
        _no_api(core_entry, changed)
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_CORE_ENTRY_ID: core_entry.entry_id}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "core_internals_changed"

    await async_sign_in_separately(hass, sim)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "attach"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CORE_ENTRY_ID: core_entry.entry_id}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_attach_step_without_core(
    hass: HomeAssistant, core_entry: ConfigEntry
) -> None:
    """Without a loaded core entry: no menu (credentials straight away); attach aborts."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    flow_id = result["flow_id"]
    assert await hass.config_entries.async_unload(core_entry.entry_id)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": "attach"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "core_not_loaded"
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"


@pytest.fixture
async def plugs(hass: HomeAssistant, sim: SimServer) -> tuple[SimPlug, SimPlug]:
    """Return the demo's plugs as switch entities (set up before core brings its switches)."""
    return await async_setup_plugs(hass, sim)


async def test_power_cycle_in_attach_mode(
    hass: HomeAssistant,
    plugs: tuple[SimPlug, SimPlug],
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The power_cycle action works on core's sign-in; its fast polls are counted and reported."""
    hall, _ = plugs
    await async_map_plugs(hass, attached, {HALL_MINI: HALL_PLUG})
    assert isinstance(attached.runtime_data.coordinator, AttachedCoordinator)
    sim.requests.reset()
    task = asyncio.get_running_loop().create_task(
        hass.services.async_call(
            DOMAIN,
            "power_cycle",
            {"device_id": _device_id(hass, attached, HALL_MINI)},
            blocking=True,
            return_response=True,
        )
    )
    await async_settle(hass)
    await async_advance(hass, freezer, 10)
    await async_advance(hass, freezer, 60)
    assert task.done()
    response = task.result()
    assert response is not None
    assert response["online_again"] is True
    assert hall.calls == [False, True]
    assert _state(hass, HALL_MINI_ONLINE) == STATE_ON

    fast_polls = sim.requests[HOMESCREEN]
    print(  # noqa: T201 - the report
        f"power cycle in attach mode: {fast_polls} homescreen requests through core's "
        f"blinkpy, {sim.requests.total()} Blink requests in all during the cycle"
    )
    # Only homescreen requests (core did not refresh meanwhile), each one counted.
    assert sim.requests.total() == fast_polls
    # From 1: the watch starts once the plug is confirmed on (#16: it must hold 3 s), and the
    # Mini's 20 s boot may then end right at the first fast poll.
    assert 1 <= fast_polls <= 4
    assert _requests_of_blink_health(attached) == fast_polls
    assert _state(hass, "sensor.blink_account_requests_in_the_last_hour") == str(
        fast_polls
    )
    # Back to following core: no schedule and no requests of its own; an hour of core
    # refreshes later the requests of the last hour are back to 0.
    coordinator = attached.runtime_data.coordinator
    assert coordinator.update_interval is None
    for _ in range(12):
        await async_poll(hass, freezer)
    assert _requests_of_blink_health(attached) == fast_polls
    assert _state(hass, HALL_MINI_ONLINE) == STATE_ON
    assert _state(hass, "sensor.blink_account_requests_in_the_last_hour") == "0"


async def test_check_again_fetches_through_core(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    attached: ConfigEntry,
    sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Fresh data on demand (diagnose): one homescreen through core's object; Retry-After holds."""

    async def diagnose() -> dict[str, Any]:
        """Call the diagnose action for the Front Yard camera."""
        response = await hass.services.async_call(
            DOMAIN,
            "diagnose",
            {"device_id": _device_id(hass, attached, FRONT_YARD)},
            blocking=True,
            return_response=True,
        )
        assert response is not None
        return dict(response)

    sim.requests.reset()
    sim.world.patch_device(FRONT_YARD, {"status": "offline"})
    assert (await diagnose())["fresh"] is True
    assert sim.requests[HOMESCREEN] == 1
    assert sim.requests.total() == 1
    assert _requests_of_blink_health(attached) == 1
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_OFF
    # The fresher data stays until core's next refresh (core still says online).
    await _update_entity(hass, freezer, FRONT_YARD_ONLINE)
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_OFF

    # A diagnose moments later is served the answer just fetched (issue 17: one request).
    assert (await diagnose())["fresh"] is True
    assert sim.requests[HOMESCREEN] == 1
    freezer.tick(COALESCE_SECONDS)

    # Blink says slow down: core's data stands in (not fresh) and nothing is sent until
    # Retry-After ends.
    sim.world.patch_device(FRONT_YARD, {"status": "online"})
    sim.add_fault(HOMESCREEN, status=429, retry_after=120, count=1)
    assert (await diagnose())["fresh"] is False
    refused = await diagnose()
    assert refused["fresh"] is False
    assert refused["fresh_data_at"] is not None
    assert sim.requests[HOMESCREEN] == 2
    assert _requests_of_blink_health(attached) == 2
    freezer.tick(121)
    await diagnose()
    assert sim.requests[HOMESCREEN] == 3
    assert _state(hass, FRONT_YARD_ONLINE) == STATE_ON


async def test_request_homescreen_errors(
    hass: HomeAssistant,
    core_entry: ConfigEntry,
    sim: SimServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fetching through core's blinkpy object maps every failure to a cloud error."""
    blink = core_entry.runtime_data.api
    assert isinstance(await async_request_homescreen(blink), dict)
    sim.add_fault(HOMESCREEN, status=429, retry_after=60, count=1)
    with pytest.raises(RateLimited) as err:
        await async_request_homescreen(blink)
    assert err.value.retry_after == 60
    sim.add_fault(HOMESCREEN, status=429, retry_after="soon", count=1)
    with pytest.raises(RateLimited) as err:
        await async_request_homescreen(blink)
    assert err.value.retry_after is None
    sim.add_fault(HOMESCREEN, status=503, count=1)
    with pytest.raises(CloudUnavailable, match="HTTP 503"):
        await async_request_homescreen(blink)
    sim.add_fault(HOMESCREEN, status=200, body="invalid_json", count=1)
    with pytest.raises(CloudUnavailable):
        await async_request_homescreen(blink)
    with pytest.raises(CloudUnavailable, match="no region"):
        await async_request_homescreen(SimpleNamespace(urls=None))

    async def no_answer(**_kwargs: Any) -> None:
        """Answer like blinkpy after a connection error: nothing."""

    monkeypatch.setattr(blink.auth, "query", no_answer)
    with pytest.raises(CloudUnavailable, match="no answer"):
        await async_request_homescreen(blink)


async def test_email_of_an_attached_entry_is_refused(
    hass: HomeAssistant, sim: SimServer, core_entry: ConfigEntry
) -> None:
    """An entry that reads the Blink integration owns the email of that integration's entry."""
    await async_attach(hass, core_entry)
    account = sim.world.account
    sim.requests.reset()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "sign_in"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: account.email, CONF_PASSWORD: account.password},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert sum(sim.requests.values()) == 0
