"""The download-speed and ping sensors chosen in the options, read in the units the rules use."""

from __future__ import annotations

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import pytest

from custom_components.blink_health.const import CONF_DOWNLOAD_SENSOR, CONF_PING_SENSOR
from custom_components.blink_health.playbook import InternetFigures
from custom_components.blink_health.settings import internet_figures

DOWNLOAD = "sensor.speedtest_download"
PING = "sensor.speedtest_ping"
OPTIONS = {CONF_DOWNLOAD_SENSOR: DOWNLOAD, CONF_PING_SENSOR: PING}


@pytest.mark.parametrize(
    ("download", "ping", "expected"),
    [
        # Speedtest.net and Ping report Mbit/s and ms: read as they are.
        (
            ("48.5", "Mbit/s"),
            ("23", "ms"),
            InternetFigures(download_mbps=48.5, ping_ms=23.0),
        ),
        # Other units are converted: kbit/s and seconds.
        (
            ("1500", "kbit/s"),
            ("0.25", "s"),
            InternetFigures(download_mbps=1.5, ping_ms=250.0),
        ),
        # A sensor without a unit is taken to be in the rules' units.
        (("3", None), ("80", None), InternetFigures(download_mbps=3.0, ping_ms=80.0)),
        # Unknown, unavailable and non-numeric states are no figure at all.
        ((STATE_UNKNOWN, "Mbit/s"), (STATE_UNAVAILABLE, "ms"), InternetFigures()),
        (("fast", "Mbit/s"), ("n/a", "ms"), InternetFigures()),
        # A unit that cannot be converted (a misconfigured template sensor) is no figure.
        (("10", "°C"), ("10", "W"), InternetFigures()),
    ],
)
async def test_internet_figures(
    hass: HomeAssistant,
    download: tuple[str, str | None],
    ping: tuple[str, str | None],
    expected: InternetFigures,
) -> None:
    """Each state and unit of the chosen sensors gives the figure the health rules compare."""
    for entity_id, (state, unit) in ((DOWNLOAD, download), (PING, ping)):
        attributes = {} if unit is None else {"unit_of_measurement": unit}
        hass.states.async_set(entity_id, state, attributes)
    assert internet_figures(hass, OPTIONS) == expected


async def test_no_sensor_chosen_or_missing(hass: HomeAssistant) -> None:
    """No sensors chosen, or chosen sensors that do not exist: no figures."""
    assert internet_figures(hass, {}) == InternetFigures()
    assert internet_figures(hass, OPTIONS) == InternetFigures()
