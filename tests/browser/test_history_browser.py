"""The history of an outage and a power cycle, on the demo dashboard and in the Logbook.

The simulator takes Front Yard (a camera) and the Garage Sync Module offline for one poll and
brings them back at the next; the hung Hall Mini is power-cycled through its plug. The demo
dashboard's History view then draws the off periods in its history graphs (read from the charts'
own data in the page) and the power cycle in the account's power-cycles graph, the outage sensors
count one outage each, and Logbook tells it in sentences. With BLINK_HEALTH_SCREENSHOTS=1 the
History view's screenshot goes to docs/screenshots/ for the README.
"""

from __future__ import annotations

from pathlib import Path
import re
import time
from typing import Any

from playwright.sync_api import Locator, Page, expect
import pytest

from custom_components.blink_health.governor import COALESCE_SECONDS

from . import test_demo_browser as demo_browser
from .test_card_browser import HASS, POLL_TIMEOUT_MS, _log_in, _post
from .test_demo_browser import FIX_TIMEOUT_MS, GARAGE_SYNC, _get, _screenshot

# The demo's fixtures: its processes, a Chromium page, where screenshots go.
demo = demo_browser.demo
page = demo_browser.page
screenshots = demo_browser.screenshots

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

FRONT_YARD = "G8T20000000001"
FRONT_YARD_ONLINE = "binary_sensor.front_yard_online"
GARAGE_ONLINE = "binary_sensor.garage_online"
HALL_ONLINE = "binary_sensor.hall_mini_online"
HALL_BUTTON = "button.hall_mini_power_cycle"
POWER_CYCLES = "sensor.blink_account_power_cycles_7_days"
HISTORY_VIEW = "/blink-health/history"

# In the page: every history chart's own data (the timelines' and the line charts'), found
# through the shadow roots, as entity id → the states it draws, oldest first.
CHART_DATA = """() => {
  const found = {};
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      const tag = el.localName;
      if (tag === "state-history-chart-timeline") {
        for (const e of el.data ?? []) found[e.entity_id] = e.data.map(s => s.state);
      } else if (tag === "state-history-chart-line") {
        for (const e of el.data ?? []) found[e.entity_id] = e.states.map(s => s.state);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found;
}"""


def _states_seen(page: Page) -> dict[str, list[str]]:
    """Return what the page's history charts draw, per entity (oldest state first)."""
    return dict(page.evaluate(CHART_DATA))


def _runs(states: list[str]) -> list[str]:
    """Return the states with repeats folded (on, on, off, on → on, off, on)."""
    return [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]


def _wait_for_state(
    page: Page, entity_id: str, state: str, timeout_ms: float = POLL_TIMEOUT_MS
) -> None:
    """Wait until the frontend's hass has the entity in this state."""
    page.wait_for_function(
        f"([id, state]) => {HASS}.states[id]?.state === state",
        arg=[entity_id, state],
        timeout=timeout_ms,
    )


def _poll(demo: dict[str, Any], token: str, entity_id: str) -> float:
    """Ask Blink Health for a poll (update_entity); return when it was asked (monotonic)."""
    asked = time.monotonic()
    _post(
        f"{demo['url']}/api/services/homeassistant/update_entity",
        {"entity_id": entity_id},
        token,
    )
    return asked


def _past_coalesce(answered: float) -> None:
    """Sleep until Blink's last answer is no longer fresh enough to be shared by a poll."""
    time.sleep(max(0.0, answered + COALESCE_SECONDS + 1 - time.monotonic()))


def _logbook_entry(page: Page, name: str, message: str) -> Locator:
    """Return the Logbook's entries that name the device and say the message."""
    return (
        page.locator(".entry-container")
        .filter(has_text=re.compile(rf"\b{re.escape(name)}\b"))
        .filter(has_text=message)
    )


def test_history_in_a_browser(
    demo: dict[str, Any], page: Page, screenshots: Path
) -> None:
    """An outage and a power cycle: in the History view's graphs, the outage sensors, Logbook."""
    _log_in(page, demo, HISTORY_VIEW)
    token = page.evaluate(f"{HASS}.auth.data.access_token")
    _wait_for_state(page, FRONT_YARD_ONLINE, "on")
    _wait_for_state(page, HALL_ONLINE, "off")  # scripts/demo hangs it

    # The outage: Front Yard and the Garage Sync Module offline for one poll. The setup poll's
    # answer must be older than COALESCE_SECONDS, else the poll is served from it. Front Yard
    # runs on batteries: its offline event waits out the battery grace (30 minutes), so the
    # Logbook's offline/online sentences are the Sync Module's (no grace in the demo).
    _past_coalesce(demo["ready_at"])
    for serial in (FRONT_YARD, GARAGE_SYNC):
        _post(f"{demo['sim_url']}/_sim/devices/{serial}", {"status": "offline"})
    _poll(demo, token, FRONT_YARD_ONLINE)
    _wait_for_state(page, FRONT_YARD_ONLINE, "off")
    _wait_for_state(page, GARAGE_ONLINE, "off")
    offline_seen = time.monotonic()
    _past_coalesce(offline_seen)
    for serial in (FRONT_YARD, GARAGE_SYNC):
        _post(f"{demo['sim_url']}/_sim/devices/{serial}", {"status": "online"})
    _poll(demo, token, FRONT_YARD_ONLINE)
    _wait_for_state(page, FRONT_YARD_ONLINE, "on")
    _wait_for_state(page, GARAGE_ONLINE, "on")

    # The power cycle: the Hall Mini's button; its plug goes off and on, the Mini comes back.
    _post(f"{demo['url']}/api/services/button/press", {"entity_id": HALL_BUTTON}, token)
    _wait_for_state(page, HALL_ONLINE, "on", FIX_TIMEOUT_MS)
    _wait_for_state(page, POWER_CYCLES, "1", FIX_TIMEOUT_MS)
    states = page.evaluate(f"{HASS}.states")
    assert states["sensor.front_yard_outages_24_h"]["state"] == "1"
    assert states["sensor.garage_outages_24_h"]["state"] == "1"
    assert float(states["sensor.front_yard_last_outage"]["state"]) > 0
    assert float(states["sensor.front_yard_availability_7_days"]["state"]) < 100

    # The History view, opened afresh: its graphs draw the off periods and the power cycle.
    page.goto(f"{demo['url']}{HISTORY_VIEW}")
    expect(page.locator("hui-history-graph-card").first).to_be_visible()
    page.wait_for_function(
        f"() => {{ const d = ({CHART_DATA})();"
        f" return (d['{POWER_CYCLES}'] ?? []).includes('1')"
        f" && (d['{FRONT_YARD_ONLINE}'] ?? []).includes('off'); }}"
    )
    drawn = _states_seen(page)
    assert _runs(drawn[FRONT_YARD_ONLINE])[-3:] == ["on", "off", "on"], drawn
    assert _runs(drawn[GARAGE_ONLINE])[-3:] == ["on", "off", "on"], drawn
    assert _runs(drawn[HALL_ONLINE])[-2:] == ["off", "on"], drawn
    assert _runs(drawn[POWER_CYCLES])[-2:] == ["0", "1"], drawn
    glance = page.locator("hui-glance-card").filter(has_text="Outages in the last 24")
    expect(glance.locator(".entity").filter(has_text="Front Yard")).to_contain_text("1")
    # Two columns: the graphs wide enough to read; the charts lay their names out once drawn.
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.wait_for_timeout(1_000)
    page.mouse.move(1090, 1390)  # no tooltip under the pointer
    _screenshot(page, screenshots, "history")

    # Logbook: the same as sentences, newest first (a tall page: the list renders what shows).
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.goto(f"{demo['url']}/logbook")
    expect(_logbook_entry(page, "Garage", "went offline").first).to_be_visible()
    expect(_logbook_entry(page, "Garage", "came back online").first).to_be_visible()
    # The button does not wait for the Mini: the cycle's sentence names the plug, and the
    # Mini's coming back is its own entry.
    plug = page.evaluate(
        f"{HASS}.states['switch.hall_mini_plug'].attributes.friendly_name"
    )
    cycled = f"was power-cycled through {plug}"
    expect(_logbook_entry(page, "Hall Mini", cycled).first).to_be_visible()
    expect(_logbook_entry(page, "Hall Mini", "came back online").first).to_be_visible()
    mini = next(
        d
        for d in _get(f"{demo['sim_url']}/_sim/state")["devices"]
        if d["serial"] == demo_browser.HUNG
    )
    assert (mini["status"], mini["hung"]) == ("online", False)  # the plug really cycled
