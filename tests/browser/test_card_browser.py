"""The Blink Health card in headless Chromium, on the demo, used the way a person uses it.

A person adds the card through the card picker (it is there with a live preview, registered by
the integration alone), sees every demo device with its state, watches a camera the simulator
takes offline turn offline after a poll, follows the header's counts to Settings → Repairs and
power-cycles the hung Hall Mini from the card. With BLINK_HEALTH_SCREENSHOTS=1 the screenshots
(light, dark, phone width) go to docs/screenshots/ for the README. A second measurement renders
the card for the `large` scenario's layout (100 cameras) and reports its render time.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import statistics
import time
from typing import Any
import urllib.request

from playwright.sync_api import Locator, Page, expect
import pytest

from custom_components.blink_health.governor import COALESCE_SECONDS

from . import test_demo_browser as demo_browser
from .test_demo_browser import FIX_TIMEOUT_MS, HUNG, ROOT, _get, _screenshot

# The demo's fixtures: its processes, a Chromium page, where screenshots go.
demo = demo_browser.demo
page = demo_browser.page
screenshots = demo_browser.screenshots

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

FRONT_YARD = "G8T20000000001"
DASHBOARD = "blink-card"
# One poll: the REST update_entity asks Blink Health for fresh data at once.
POLL_TIMEOUT_MS = 60_000
HASS = "document.querySelector('home-assistant').hass"
BUNDLE = ROOT / "custom_components/blink_health/frontend/blink-health-card.js"


def _post(url: str, body: dict[str, Any], token: str = "") -> Any:
    """POST JSON to the simulator's control API or Home Assistant's REST API."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        raw = response.read()
    return json.loads(raw) if raw else None


def _log_in(page: Page, demo: dict[str, Any], path: str) -> None:
    """Log in to the demo at path and wait for the frontend's registries."""
    page.goto(f"{demo['url']}{path}")
    page.get_by_role("textbox", name="Username").fill(demo["username"])
    page.get_by_role("textbox", name="Password").fill(demo["password"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_function(
        "(() => { const hass = document.querySelector('home-assistant')?.hass;"
        " return hass?.connected && hass.entities && hass.devices; })()"
    )


def _new_dashboard(page: Page) -> None:
    """Create an empty dashboard in storage mode (what Settings → Dashboards → Add does)."""
    page.evaluate(
        f"""async () => {{
        const hass = {HASS};
        await hass.callWS({{type: "lovelace/dashboards/create", url_path: "{DASHBOARD}",
          title: "Cameras", mode: "storage"}});
        await hass.callWS({{type: "lovelace/config/save", url_path: "{DASHBOARD}",
          config: {{views: [{{title: "Cameras", path: "cameras", cards: []}}]}}}});
      }}"""
    )


def _device(card: Locator, name: str) -> Locator:
    """Return the card's row of a device (its name exactly)."""
    return card.locator(".device").filter(
        has=card.page.locator(".name", has_text=re.compile(rf"^\s*{name}\s*$"))
    )


def _add_card_through_the_picker(page: Page, demo: dict[str, Any]) -> Locator:
    """Add the card to the empty dashboard as a person does; return it on the dashboard."""
    page.goto(f"{demo['url']}/{DASHBOARD}/cameras?edit=1")
    page.get_by_role("button", name="Add card").click()
    page.get_by_role("tab", name="By card").click()
    picker = page.locator("hui-card-picker")
    picker.get_by_role("textbox").fill("Blink Health")
    option = picker.locator(".card").filter(has_text="Blink Health")
    expect(option).to_have_count(1)
    # preview: true: the picker shows the card itself, with the demo's devices.
    expect(option.locator("blink-health-card")).to_contain_text("Front Yard")
    option.click()
    expect(page.locator("blink-health-card-editor")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Done").click()
    card = page.locator("hui-masonry-view blink-health-card")
    expect(card).to_have_count(1)
    return card


def test_card_in_a_browser(demo: dict[str, Any], page: Page, screenshots: Path) -> None:
    """Add the card, see every device, an outage, the counts' link, a power cycle."""
    world = _get(f"{demo['sim_url']}/_sim/state")
    names = [item["name"] for item in world["sync_modules"] + world["devices"]]
    assert len(names) == 9
    _log_in(page, demo, "/blink-health")
    assert page.evaluate(
        "u => performance.getEntriesByType('resource').some(r => r.name.includes(u))",
        "/blink_health/frontend/blink-health-card.js?v=",
    )  # loaded by the integration itself: no dashboard resource
    _new_dashboard(page)
    card = _add_card_through_the_picker(page, demo)

    for name in names:
        expect(_device(card, name)).to_have_count(1)
    expect(card.locator(".device")).to_have_count(len(names))
    hall = _device(card, "Hall Mini")
    expect(hall.locator(".online")).to_have_text("Disconnected")
    expect(hall.locator(".health")).to_have_text("Problem")
    expect(hall.locator("button.power_cycle")).to_be_visible()
    front = _device(card, "Front Yard")
    expect(front.locator(".online")).to_have_text("Connected")
    expect(front.locator(".health")).to_have_text("OK")
    expect(front.locator("button.power_cycle")).to_have_count(0)  # no plug
    expect(_device(card, "Driveway").locator(".battery")).to_contain_text("Low")
    expect(_device(card, "Back Yard").locator(".health")).to_have_text("Warning")
    expect(card.locator(".account")).to_contain_text("Blink cloud")
    expect(card.locator(".count.problem")).to_have_text("Problems: 1")
    # Workshop (battery, silent for 6 h when Home Assistant started) waits out its grace.
    expect(_device(card, "Workshop").locator(".health")).to_have_text(
        "Offline, waiting out the grace period"
    )
    expect(card.locator(".count.waiting")).to_have_text("Offline, waiting: 1")
    # Reasons read in the user's words (the Health sensor's translations), never as keys.
    expect(card.locator(".reasons li").first).to_be_visible()
    expect(card.locator(".reasons li").filter(has_text=re.compile("_"))).to_have_count(
        0
    )
    _card_screenshots(page, card, screenshots)

    # The simulator takes Front Yard offline; one poll (update_entity) later the card says so.
    # A request within COALESCE_SECONDS of Blink's last answer shares it (as it should: it is
    # fresh), so the camera goes offline once the setup poll's answer is no longer that new.
    time.sleep(max(0.0, demo["ready_at"] + COALESCE_SECONDS + 1 - time.monotonic()))
    _post(f"{demo['sim_url']}/_sim/devices/{FRONT_YARD}", {"status": "offline"})
    token = page.evaluate(f"{HASS}.auth.data.access_token")
    online = page.evaluate(
        f"""() => Object.values({HASS}.entities).find(e => e.platform === "blink_health"
          && e.translation_key === "online"
          && {HASS}.devices[e.device_id].name === "Front Yard").entity_id"""
    )
    _post(
        f"{demo['url']}/api/services/homeassistant/update_entity",
        {"entity_id": online},
        token,
    )
    expect(front.locator(".online")).to_have_text(
        "Disconnected", timeout=POLL_TIMEOUT_MS
    )

    # The counts open Settings → Repairs.
    card.locator("button.counts").click()
    expect(page).to_have_url(re.compile(r"/config/repairs$"))
    expect(page.get_by_text("Hall Mini is offline", exact=True)).to_be_visible()
    page.go_back()
    expect(card).to_have_count(1)

    # Power cycle from the card: the plug goes off and on, the Hall Mini comes back.
    _device(card, "Hall Mini").locator("button.power_cycle").click()
    expect(_device(card, "Hall Mini").locator(".online")).to_have_text(
        "Connected", timeout=FIX_TIMEOUT_MS
    )
    mini = next(
        d
        for d in _get(f"{demo['sim_url']}/_sim/state")["devices"]
        if d["serial"] == HUNG
    )
    assert (mini["status"], mini["hung"]) == ("online", False)  # the plug really cycled

    _measure_large(page)


def _card_screenshots(page: Page, card: Locator, folder: Path) -> None:
    """Screenshots of the card for the README: light, dark, phone width (dark mode follows the OS)."""
    # A fresh page: no "saved" toast, no tooltip under the pointer; tall enough for the demo.
    page.set_viewport_size({"width": 1280, "height": 1150})
    page.reload()
    expect(_device(card, "Side Gate")).to_be_visible()
    page.mouse.move(100, 1100)
    _screenshot(page, folder, "card")
    page.emulate_media(color_scheme="dark")
    expect(card.locator("ha-card")).not_to_have_css(
        "background-color", "rgb(255, 255, 255)"
    )
    _screenshot(page, folder, "card-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    box = card.bounding_box()
    assert box is not None and box["width"] <= 390  # no sideways scrolling on a phone
    _screenshot(page, folder, "card-phone")
    page.set_viewport_size({"width": 1280, "height": 860})


# In the page: a registry and states of the `large` scenario's layout (its Sync Modules and
# cameras, named as there), each device a copy of a demo camera's entities; the card is rendered
# from nothing five times and its first render timed (Lit's updateComplete).
MEASURE = """async (layout) => {
  const base = document.querySelector('home-assistant').hass;
  const ours = Object.values(base.entities).filter(e => e.platform === "blink_health");
  const model = (name) => ours.filter(e => base.devices[e.device_id].name === name);
  const account = Object.values(base.devices).find(d => d.entry_type === "service"
    && ours.some(e => e.device_id === d.id));
  const entities = {}, states = {}, devices = {[account.id]: account};
  for (const e of ours.filter(e => e.device_id === account.id)) {
    entities[e.entity_id] = e; states[e.entity_id] = base.states[e.entity_id];
  }
  const copy = (template, id, name, via) => {
    devices[id] = {...base.devices[template[0].device_id], id, name, via_device_id: via};
    for (const e of template) {
      const entityId = `${e.entity_id}_${id}`;
      entities[entityId] = {...e, entity_id: entityId, device_id: id};
      states[entityId] = {...base.states[e.entity_id], entity_id: entityId};
    }
  };
  for (const sync of layout.sync_modules) copy(model("Home"), sync.id, sync.name, account.id);
  for (const cam of layout.cameras) copy(model("Back Yard"), cam.id, cam.name, cam.sync || account.id);
  const hass = {...base, entities, states, devices};
  const times = [];
  for (let run = 0; run < 5; run++) {
    const card = document.createElement("blink-health-card");
    card.setConfig({});
    const start = performance.now();
    card.hass = hass;
    document.body.appendChild(card);
    await card.updateComplete;
    while (!card.shadowRoot.querySelector(".device")) {
      await new Promise(r => setTimeout(r, 0));
      await card.updateComplete;
    }
    times.push(performance.now() - start);
    const rows = card.shadowRoot.querySelectorAll(".device").length;
    card.remove();
    if (rows !== layout.sync_modules.length + layout.cameras.length) throw new Error(`rows ${rows}`);
  }
  return times;
}"""


def _measure_large(page: Page) -> None:
    """Render the card for the large scenario's 10 Sync Modules and 100 cameras; report it."""
    scenario = json.loads((ROOT / "blinksim/scenarios/large.json").read_text())
    layout = {
        "sync_modules": [
            {"id": f"sync{i}", "name": sync["name"]}
            for i, sync in enumerate(scenario["sync_modules"])
        ],
        "cameras": [],
    }
    # A camera belongs to the Sync Module of its network (blinksim's world.py).
    syncs = {
        sync["network_id"]: f"sync{i}"
        for i, sync in enumerate(scenario["sync_modules"])
    }
    for i, device in enumerate(scenario["devices"]):
        layout["cameras"].append(
            {
                "id": f"cam{i}",
                "name": device["name"],
                "sync": syncs.get(device["network_id"]),
            }
        )
    assert len(layout["cameras"]) == 100
    times = page.evaluate(MEASURE, layout)
    result = {
        "cameras": len(layout["cameras"]),
        "sync_modules": len(layout["sync_modules"]),
        "render_ms_median": round(statistics.median(times), 1),
        "render_ms": [round(t, 1) for t in times],
        "bundle_bytes": BUNDLE.stat().st_size,
    }
    print("CARD_LARGE " + json.dumps(result))  # noqa: T201 - docs/benchmarks.md's figures
