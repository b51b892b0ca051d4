"""scripts/demo's pieces that need no browser: pinned packages, the dashboard, the config folder."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util.yaml import load_yaml_dict
import pytest

from blinksim.server import SimServer
from custom_components.blink_health.const import DOMAIN
from scripts.demo import client, integration, packages, supervisor

from .power_helpers import (
    GARAGE_PLUG,
    GARAGE_SYNC,
    HALL_MINI,
    HALL_PLUG,
    async_map_plugs,
    async_setup_plugs,
)
from .test_issues import async_set_options

ROOT = Path(__file__).parents[1]
DASHBOARD = ROOT / "config" / "dashboards" / "blink_health.yaml"
# Entities configuration.yaml defines for the demo (REST sensors, template switches).
DEMO_OWN = frozenset(
    {
        "sensor.internet_download_speed",
        "sensor.internet_ping",
        "switch.garage_sync_module_plug",
        "switch.hall_mini_plug",
    }
)


def _normalized(name: str) -> str:
    """Return a distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    """Return name → version of the `name==version` lines."""
    pins = {}
    for line in lines:
        requirement = line.split("#")[0].split(";")[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==")
            pins[_normalized(name.split("[")[0])] = version.strip()
    return pins


def test_requirements_pin_what_the_demo_imports() -> None:
    """Everything the demo's Home Assistant imports is pinned, at its manifests' versions.

    Home Assistant runs with --skip-pip: a package missing here would break the frontend
    (pymicro-vad did) instead of being fetched at run time.
    """
    ours = _pins((ROOT / "requirements_test.txt").read_text().splitlines())
    homeassistant = _pins(importlib.metadata.requires("homeassistant") or [])
    required = packages.required_packages()
    assert "home-assistant-frontend" in {
        _normalized(r.split("==")[0]) for r in required
    }
    unpinned = [
        requirement
        for requirement in required
        if (ours | homeassistant).get(_normalized(requirement.split("==")[0]))
        != requirement.split("==")[1]
    ]
    assert unpinned == []
    assert packages.missing_packages(required) == []


def test_missing_packages_reports_absent_and_other_versions() -> None:
    """A package that is not installed, or installed at another version, is missing."""
    installed = importlib.metadata.version("aiohttp")
    assert packages.missing_packages(
        [f"aiohttp=={installed}", "aiohttp==0.0.1", "no-such-package==1.0", "pytest"]
    ) == ["aiohttp==0.0.1", "no-such-package==1.0"]


def _dashboard_entities(node: Any) -> set[str]:
    """Return every entity id the dashboard YAML names (`entity:` keys and plain rows)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "entity" and isinstance(value, str):
                found.add(value)
            else:
                found |= _dashboard_entities(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str) and "." in item:
                found.add(item)
            else:
                found |= _dashboard_entities(item)
    return found


def _card_titles(node: Any) -> set[str]:
    """Return the titles of the dashboard's entities cards."""
    if isinstance(node, dict):
        titles = {node["title"]} if node.get("type") == "entities" else set()
        return titles.union(*(_card_titles(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_card_titles(item) for item in node))
    return set()


async def test_dashboard_shows_every_device_with_real_entities(
    hass: HomeAssistant,
    sim: SimServer,
    init_integration: ConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Set up as the demo sets it up, every Blink Health entity on the dashboard exists.

    And every device of the account has its own card, so a renamed entity or a new demo
    device cannot silently drop off the dashboard.
    """
    await async_setup_plugs(hass, sim)
    await async_map_plugs(
        hass, init_integration, {GARAGE_SYNC: GARAGE_PLUG, HALL_MINI: HALL_PLUG}
    )
    hass.states.async_set(
        "sensor.internet_download_speed", "48", {"unit_of_measurement": "Mbit/s"}
    )
    hass.states.async_set("sensor.internet_ping", "23", {"unit_of_measurement": "ms"})
    await async_set_options(hass, init_integration, **integration.SETTINGS)
    assert init_integration.options["offline_grace_minutes"] == 0
    assert "scan_interval" not in init_integration.options  # polling is no option

    dashboard = load_yaml_dict(DASHBOARD)
    named = _dashboard_entities(dashboard) - DEMO_OWN
    ours = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
    }
    assert named - ours == set()
    assert all(hass.states.get(entity_id) is not None for entity_id in named)
    devices = {
        device.name
        for device in dr.async_entries_for_config_entry(
            device_registry, init_integration.entry_id
        )
    }
    assert len(devices) == 10  # the account, two Sync Modules, seven cameras
    assert devices - _card_titles(dashboard) == set()
    # Both buttons the demo's plugs make possible are on it.
    assert {"button.garage_power_cycle", "button.hall_mini_power_cycle"} <= named
    assert DOMAIN in hass.config.components


def test_prepare_config_fills_a_folder_and_keeps_the_port(tmp_path: Path) -> None:
    """A new folder gets the tracked YAML and links; a later --port reaches HA's storage."""
    config = tmp_path / "config"
    assert supervisor.prepare_config(config, 8123) is False
    assert (config / "configuration.yaml").read_text() == (
        ROOT / "config" / "configuration.yaml"
    ).read_text()
    assert (config / "dashboards" / "blink_health.yaml").exists()
    link = config / "custom_components" / DOMAIN
    assert link.is_symlink()
    assert link.resolve() == (ROOT / "custom_components" / DOMAIN).resolve()
    assert (config / "blueprints" / "automation" / DOMAIN).is_symlink()

    http = config / ".storage" / "http"
    http.parent.mkdir()
    http.write_text(
        json.dumps({"data": {"stable": {"server_port": 8123, "ip_ban_enabled": True}}})
    )
    assert supervisor.prepare_config(config, 18123) is True
    stable = json.loads(http.read_text())["data"]["stable"]
    assert stable == {"server_port": 18123, "ip_ban_enabled": True}

    supervisor.reset(config)
    assert sorted(path.name for path in config.iterdir()) == [
        "configuration.yaml",
        "dashboards",
    ]
    assert (
        supervisor.prepare_config(config, 18123) is False
    )  # fresh again: a first start


def _plugs_form(*serials: str) -> dict[str, Any]:
    """Return the plugs step's form as Home Assistant's REST API serialises it."""
    options = [{"value": serial, "label": serial} for serial in serials]
    return {
        "data_schema": [
            {"name": "device", "selector": {"select": {"options": options}}}
        ]
    }


@pytest.mark.parametrize(
    ("offered", "plugs", "expected"),
    [
        (
            [HALL_MINI, GARAGE_SYNC],
            {"plug-hall-mini": [HALL_MINI]},
            {HALL_MINI: HALL_PLUG},
        ),
        ([GARAGE_SYNC], {"plug-garage-sync": [GARAGE_SYNC]}, {}),
        ([GARAGE_SYNC], {"plug-hall-mini": [HALL_MINI]}, {}),
    ],
)
def test_plug_answers(
    monkeypatch: pytest.MonkeyPatch,
    offered: list[str],
    plugs: dict[str, list[str]],
    expected: dict[str, str],
) -> None:
    """Each offered device fed by a demo plug gets that plug's switch (devices are choices)."""
    state = {"plugs": {plug: {"devices": serials} for plug, serials in plugs.items()}}
    monkeypatch.setattr(client, "http", lambda *args, **kwargs: state)
    monkeypatch.setattr(integration, "PLUG_SWITCHES", {"plug-hall-mini": HALL_PLUG})
    sim = client.Client("")
    answers = integration.Setup(sim, sim, Path()).plug_answers(_plugs_form(*offered))
    assert answers == expected
