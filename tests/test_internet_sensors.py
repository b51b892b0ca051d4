"""The user's speed-test and ping sensors as Blink Health reads them: units, odd and missing states."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN

from .conftest import async_poll
from .test_issues import async_set_options

DOWNLOAD = "sensor.speedtest_download"
PING = "sensor.speedtest_ping"


@pytest.mark.parametrize(
    ("download", "ping", "figures"),
    [
        # Converted to Blink's units: 1500 kbit/s is 1.5 Mbit/s, 0.25 s is 250 ms.
        (("1500", "kbit/s"), ("20", "ms"), {"download": "1.5", "ping": "20"}),
        (("50", "Mbit/s"), ("0.25", "s"), {"download": "50", "ping": "250"}),
        # A sensor without a unit is taken to be in Blink's units already.
        (("1", None), ("20", "ms"), {"download": "1", "ping": "20"}),
        # What cannot be read counts as no figure, never as zero.
        (("unavailable", "Mbit/s"), ("20", "ms"), None),
        (("fast", "Mbit/s"), ("unknown", "ms"), None),
        (("1", "furlongs per fortnight"), ("20", "ms"), None),
    ],
)
async def test_slow_internet_from_the_sensors_states(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    download: tuple[str, str | None],
    ping: tuple[str, str | None],
    figures: dict[str, str] | None,
) -> None:
    """slow_internet shows the figures in Mbit/s and ms, and only for states that are numbers."""
    hass.states.async_set(DOWNLOAD, "50", {"unit_of_measurement": "Mbit/s"})
    hass.states.async_set(PING, "20", {"unit_of_measurement": "ms"})
    await async_set_options(
        hass, init_integration, download_sensor=DOWNLOAD, ping_sensor=PING
    )
    for entity_id, (state, unit) in ((DOWNLOAD, download), (PING, ping)):
        hass.states.async_set(
            entity_id, state, {"unit_of_measurement": unit} if unit else {}
        )
    await async_poll(hass, freezer)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "slow_internet")
    if figures is None:
        assert issue is None
        return
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert {
        key: issue.translation_placeholders[key] for key in ("download", "ping")
    } == figures
