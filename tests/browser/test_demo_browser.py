"""End to end in headless Chromium: the demo a newcomer runs, used the way a person uses it.

scripts/demo starts the simulator and Home Assistant on free ports with a throwaway config
folder; Playwright drives Debian's chromium (never a browser of its own) through the login, the
Blink Health dashboard, Settings → Repairs and the offline Hall Mini's fix flow, which
power-cycles it through its smart plug. It takes screenshots on the way: into pytest's temporary
folder, or with BLINK_HEALTH_SCREENSHOTS=1 into docs/screenshots/ for the README (a plain test run
leaves the tree clean, as the pages show relative times that change on every run).
"""

from __future__ import annotations

from collections.abc import Iterator
import json
import os
from pathlib import Path
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.request

from PIL import Image
from playwright.sync_api import Locator, Page, expect, sync_playwright
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

ROOT = Path(__file__).parents[2]
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path(os.environ.get("BLINK_HEALTH_CHROMIUM", "/usr/bin/chromium"))
# The machine's network is closed: without these Chromium keeps calling Google's hosts.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HUNG = "G8T30000000001"  # scripts/demo hangs the Hall Mini, which is on a smart plug
GARAGE_SYNC = "G8T10000000002"  # the Garage Sync Module, on a smart plug
GARAGE_PLUG = "switch.garage_sync_module_plug"
READY_TIMEOUT = 300.0
# A power cycle: 10 s off, 20 s boot, then the next 15-second poll sees it online.
FIX_TIMEOUT_MS = 180_000

if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's chromium package "
        "(apt-get install --no-install-recommends chromium; scripts/setup does it when it "
        "may) or point BLINK_HEALTH_CHROMIUM at a Chromium",
        allow_module_level=True,
    )


def _free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> Any:
    """Return the JSON a GET of url answers (the simulator's control API)."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


class DemoProcess:
    """scripts/demo --background, read until its READY line."""

    def __init__(self, config: Path) -> None:
        """Start the demo on free ports; its processes keep out of this test's coverage."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("COV")}
        self.config = config
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "scripts.demo"),
                "--background",
                *("--config", str(config)),
                *("--port", str(_free_port())),
                *("--sim-port", str(_free_port())),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def ready(self, timeout: float) -> dict[str, Any]:
        """Return the READY line's data; fail with what the demo said if it never comes."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not selector.select(left):
                    continue
                if not (line := self.process.stdout.readline()):
                    break
                self.lines.append(line.rstrip())
                if line.startswith("READY "):
                    ready = dict(json.loads(line.removeprefix("READY ")))
                    # When Blink Health's setup poll had been answered, at the latest.
                    ready["ready_at"] = time.monotonic()
                    return ready
        pytest.fail(
            "scripts/demo did not get ready:\n"
            + "\n".join(self.lines)
            + f"\n--- {self.config / 'home-assistant.log'} (end) ---\n"
            + self.log_tail()
        )

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of Home Assistant's log."""
        log = self.config / "home-assistant.log"
        return "\n".join(log.read_text().splitlines()[-lines:]) if log.exists() else ""

    def stop(self) -> int:
        """Stop the demo as Ctrl-C would (SIGTERM does the same); return its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(90)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        if self.process.stdout is not None:
            self.lines.extend(self.process.stdout.read().splitlines())
            self.process.stdout.close()
        return status


@pytest.fixture
def demo(tmp_path: Path, socket_enabled: None) -> Iterator[dict[str, Any]]:
    """Run the demo with a throwaway config folder; stop it cleanly afterwards."""
    process = DemoProcess(tmp_path / "config")
    try:
        ready = process.ready(READY_TIMEOUT)
        yield ready
    finally:
        status = process.stop()
    assert status == 0, "\n".join(process.lines)
    for name, pid in ready["pids"].items():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # stopped together with the demo
        assert name in {"blinksim", "hass"}


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    """Return a page of headless Debian chromium with a fresh profile."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 860},
        )
        context.set_default_timeout(30_000)
        try:
            yield context.new_page()
        finally:
            context.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Return where screenshots go: the README's folder when asked for, else a temporary one."""
    if os.environ.get("BLINK_HEALTH_SCREENSHOTS") == "1":
        return README_SCREENSHOTS
    return tmp_path


def _screenshot(page: Page, folder: Path, name: str) -> None:
    """Save what the page shows as a small PNG (a 128-colour palette) for the README."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=128).save(path, optimize=True)


def _device_card(page: Page, name: str) -> Locator:
    """Return the dashboard's entities card of a device (its title is the device's name)."""
    return page.locator("hui-entities-card").filter(
        has=page.locator(".card-header", has_text=re.compile(rf"^\s*{name}\s*$"))
    )


def test_demo_in_a_browser(demo: dict[str, Any], page: Page, screenshots: Path) -> None:
    """Log in, see every demo device, repair the hung Hall Mini, switch the Garage plug on."""
    world = _get(f"{demo['sim_url']}/_sim/state")
    names = [item["name"] for item in world["sync_modules"] + world["devices"]]
    hung = next(d["name"] for d in world["devices"] if d["serial"] == HUNG)
    assert len(names) == 9 and hung == "Hall Mini"

    page.goto(f"{demo['url']}/blink-health")
    page.get_by_role("textbox", name="Username").fill(demo["username"])
    page.get_by_role("textbox", name="Password").fill(demo["password"])
    page.get_by_role("button", name="Log in").click()
    for name in names:
        expect(_device_card(page, name)).to_have_count(1)
    expect(_device_card(page, hung)).to_contain_text("Disconnected")
    expect(_device_card(page, "Front Yard")).to_contain_text("Connected")
    _screenshot(page, screenshots, "dashboard")

    page.goto(f"{demo['url']}/config/repairs")
    issue = page.get_by_text(f"{hung} is offline", exact=True)
    expect(issue).to_be_visible()
    expect(page.get_by_text("Weak Wi-Fi at Back Yard")).to_be_visible()
    _screenshot(page, screenshots, "repairs")

    issue.click()
    power_cycle = page.get_by_text("Power-cycle it now through its smart plug")
    expect(power_cycle).to_be_visible()
    # The description is markdown, rendered a moment later.
    expect(page.get_by_text("Blink's remedy is a restart", exact=False)).to_be_visible()
    _screenshot(page, screenshots, "fix-flow")
    power_cycle.click()
    progress = page.get_by_text(f"Switching the plug of {hung} off for 10 seconds")
    expect(progress).to_be_visible()
    _screenshot(page, screenshots, "fix-flow-progress")
    expect(progress).to_be_hidden(timeout=FIX_TIMEOUT_MS)
    expect(page.get_by_text("The issue is repaired!")).to_be_visible()
    page.get_by_role("button", name="Finish").click()
    expect(issue).to_have_count(0)

    mini = next(
        d
        for d in _get(f"{demo['sim_url']}/_sim/state")["devices"]
        if d["serial"] == HUNG
    )
    assert (mini["status"], mini["hung"]) == ("online", False)  # the plug really cycled
    page.goto(f"{demo['url']}/blink-health")
    expect(_device_card(page, hung)).to_contain_text("Connected")

    # A plug switched off by hand (issue 19): the plug is the cause, named in Repairs, and
    # its fix flow switches it on (no power cycle) and waits for the Sync Module to be back.
    plug_name = page.evaluate(
        """async (plug) => {
          const hass = document.querySelector("home-assistant").hass;
          await hass.callService("switch", "turn_off", {entity_id: plug});
          return hass.states[plug].attributes.friendly_name;
        }""",
        GARAGE_PLUG,
    )
    # Fresh data now rather than at the next 5-minute poll.
    page.wait_for_function(
        """() => {
          const hass = document.querySelector("home-assistant").hass;
          const health = hass.states["sensor.garage_health"];
          if ((health?.attributes.reasons ?? []).includes("plug_off")) return true;
          hass.callService("homeassistant", "update_entity",
            {entity_id: "sensor.garage_health"});
          return false;
        }""",
        polling=5_000,
        timeout=FIX_TIMEOUT_MS,
    )
    page.goto(f"{demo['url']}/config/repairs")
    plug_issue = page.get_by_text("The smart plug of Garage is off", exact=True)
    expect(plug_issue).to_be_visible()
    plug_issue.click()
    switch_on = page.get_by_text("Switch the plug on", exact=True)
    expect(switch_on).to_be_visible()
    expect(
        page.get_by_text(f"the smart plug that feeds it, {plug_name}")
    ).to_be_visible()
    _screenshot(page, screenshots, "plug-off-fix-flow")
    switch_on.click()
    switching = page.get_by_text(f"Switching {plug_name} on", exact=False)
    expect(switching).to_be_visible()
    expect(switching).to_be_hidden(timeout=FIX_TIMEOUT_MS)
    expect(page.get_by_text("The issue is repaired!")).to_be_visible()
    _screenshot(page, screenshots, "plug-off-repaired")
    page.get_by_role("button", name="Finish").click()
    expect(plug_issue).to_have_count(0)
    state = _get(f"{demo['sim_url']}/_sim/state")
    assert state["plugs"]["plug-garage-sync"]["on"] is True
    garage = next(s for s in state["sync_modules"] if s["serial"] == GARAGE_SYNC)
    assert garage["status"] == "online"

    _walk_the_troubleshooter(page, demo, screenshots)


def _walk_the_troubleshooter(
    page: Page, demo: dict[str, Any], screenshots: Path
) -> None:
    """Press "Troubleshoot two-way audio": told where it is, one issue, continued when reopened."""
    page.goto(f"{demo['url']}/blink-health")
    troubleshoot = (
        _device_card(page, "Front Yard")
        .locator("hui-button-entity-row")
        .filter(has_text="Troubleshoot two-way audio")
        .get_by_role("button")
    )
    troubleshoot.click()
    # The press is answered: a notification names the camera and links to Settings → Repairs.
    page.locator("ha-sidebar").get_by_text("Notifications").click()
    drawer = page.locator("notification-drawer")
    expect(
        drawer.get_by_text("Two-way audio troubleshooter for Front Yard")
    ).to_be_visible()
    link = drawer.get_by_role("link", name="Settings → Repairs")
    expect(link).to_be_visible()  # the message is Markdown, rendered a moment later
    _screenshot(page, screenshots, "troubleshooter-notification")
    link.click()
    expect(page).to_have_url(re.compile(r"/config/repairs$"))
    issue = page.get_by_text("Two-way audio troubleshooter for Front Yard", exact=True)
    expect(issue).to_have_count(1)

    step = re.compile(r"Step \d+: ")  # the dialog's title
    issue.click()
    expect(page.get_by_text(step).first).to_be_visible()
    first = page.get_by_text(step).first.inner_text()
    page.get_by_text("Still not working: next step", exact=True).click()
    expect(page.get_by_text(step).first).not_to_have_text(first)
    left_at = page.get_by_text(step).first.inner_text()
    _screenshot(page, screenshots, "troubleshooter")

    # The user leaves (the dialog goes with the page), later presses the button again: still
    # one troubleshooter, and it goes on where they left it.
    page.goto(f"{demo['url']}/blink-health")
    troubleshoot.click()
    page.goto(f"{demo['url']}/config/repairs")
    expect(issue).to_have_count(1)
    issue.click()
    expect(page.get_by_text(left_at, exact=True)).to_be_visible()
