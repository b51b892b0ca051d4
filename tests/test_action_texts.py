"""Every registered action is described in services.yaml, translated and given an icon.

Home Assistant's hassfest checks this for core; a custom integration has to check it itself.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict

from custom_components.blink_health import services
from custom_components.blink_health.const import DOMAIN

PACKAGE = Path(services.__file__).parent
EN: dict[str, Any] = json.loads(
    (PACKAGE / "translations" / "en.json").read_text(encoding="utf-8")
)
ICONS: dict[str, Any] = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))
# Helpers that build a translated exception from a key given as their first argument.
ERROR_HELPERS = frozenset({"translated_error", "_failed"})


def _schema_fields(hass: HomeAssistant, action: str) -> set[str]:
    """Return the field names the action's schema accepts."""
    schema = hass.services.async_services_for_domain(DOMAIN)[action].schema
    assert schema is not None
    return {str(key) for key in schema.schema}


async def test_every_action_is_described(hass: HomeAssistant) -> None:
    """services.yaml, translations and icons cover exactly the registered actions and fields."""
    assert await async_setup_component(hass, DOMAIN, {})
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    described = load_yaml_dict(str(PACKAGE / "services.yaml"))
    assert {"diagnose", "power_cycle"} <= registered
    assert set(described) == registered
    assert set(EN["services"]) == registered
    assert set(ICONS["services"]) == registered
    for action in sorted(registered):
        fields = _schema_fields(hass, action)
        assert set(described[action]["fields"]) == fields, action
        text = EN["services"][action]
        assert {"name", "description"} <= text.keys(), action
        assert set(text["fields"]) == fields, action
        for field in fields:
            assert {"name", "description"} <= text["fields"][field].keys(), (
                action,
                field,
            )


def test_every_exception_key_is_translated() -> None:
    """Each translation_key the integration's modules raise with has a text in en.json."""
    keys: dict[str, str] = {}
    for module in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            words = {k.arg: k.value for k in node.keywords}
            key = words.get("translation_key")
            if (
                isinstance(node.func, ast.Name | ast.Attribute)
                and (
                    node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                )
                in ERROR_HELPERS
                and node.args
            ):
                # The modules' helpers that build a translated error take the key first.
                key = node.args[0]
            elif "translation_domain" not in words or "is_fixable" in words:
                continue  # not an exception (a repair issue is checked elsewhere)
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys[key.value] = module.name
    # The walk must find the actions' refusals, or this test could not fail.
    assert {"battery_device", "no_plug", "unknown_device"} <= set(keys)
    missing = {
        key: module for key, module in keys.items() if key not in EN["exceptions"]
    }
    assert missing == {}
