"""hassfest's translation, services, icons and manifest checks, as our own code, on the integration.

Home Assistant's validator (script/hassfest in home-assistant/core) does not ship in the
`homeassistant` package, so its rules for a custom integration are restated here from its
source: translations/en.json, services.yaml, icons.json and manifest.json. Each check is shown
to refuse a broken copy of the file, so a passing run means something.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
import copy
import json
from pathlib import Path
import re
import string
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.helpers import selector
from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components import blink_health

PACKAGE = Path(blink_health.__file__).parent
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
SLUG = re.compile(r"^[a-z0-9_]+$")
URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5)://|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(/.*)?)",
    re.IGNORECASE,
)
HTML = re.compile(r"<[a-z/!]", re.IGNORECASE)
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
QUOTED_PLACEHOLDER = re.compile(r"'{\w+}'")
FLOW_STEP_KEYS = frozenset(
    {
        "title",
        "description",
        "data",
        "data_description",
        "menu_options",
        "menu_option_descriptions",
        "submit",
        "sections",
    }
)
FLOW_TEXT_MAPS = frozenset({"error", "abort", "progress", "create_entry"})
TOP_LEVEL = frozenset(
    {
        "title",
        "config",
        "config_subentries",
        "options",
        "selector",
        "issues",
        "entity",
        "entity_component",
        "device",
        "exceptions",
        "services",
        "common",
        "device_automation",
        "system_health",
        "conditions",
        "triggers",
    }
)
SUPPORTED_IOT_CLASSES = frozenset(
    {
        "assumed_state",
        "calculated",
        "cloud_polling",
        "cloud_push",
        "local_polling",
        "local_push",
    }
)
INTEGRATION_TYPES = frozenset(
    {"device", "entity", "hardware", "helper", "hub", "service", "system"}
)
MANIFEST_LISTS = ("requirements", "dependencies", "after_dependencies", "loggers")
MANIFEST_KEYS = frozenset(
    {
        "domain",
        "name",
        "integration_type",
        "config_flow",
        "mqtt",
        "zeroconf",
        "ssdp",
        "bluetooth",
        "homekit",
        "dhcp",
        "usb",
        "documentation",
        "issue_tracker",
        "quality_scale",
        "codeowners",
        "disabled",
        "iot_class",
        "single_config_entry",
        "version",
        "import_executor",
        *MANIFEST_LISTS,
    }
)
SERVICE_FIELD_KEYS = frozenset(
    {"example", "default", "required", "advanced", "selector", "name", "description"}
)

type Check = Callable[[Any], list[str]]


def _text_errors(where: str, value: Any, *, placeholders: bool = True) -> list[str]:
    """Return why `value` is not a translatable string as hassfest accepts it."""
    if not isinstance(value, str):
        return [f"{where}: not a string"]
    errors = []
    if HTML.search(value):
        errors.append(f"{where}: contains HTML")
    if QUOTED_PLACEHOLDER.search(value):
        errors.append(f"{where}: placeholder inside single quotes")
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(value) if field]
    except ValueError:
        errors.append(f"{where}: unbalanced braces")
        fields = []
    if fields and not placeholders:
        errors.append(f"{where}: placeholders are not allowed here")
    errors.extend(
        f"{where}: placeholder {field!r} is not an identifier"
        for field in fields
        if not field.isidentifier()
    )
    if COMBINED_REFERENCE.search(value):
        errors.append(f"{where}: combined translation reference")
    if value != value.strip():
        errors.append(f"{where}: leading or trailing spaces")
    if URL.search(value):
        errors.append(f"{where}: contains a URL (use a placeholder)")
    return errors


def _texts(where: str, value: Any, *, key: re.Pattern[str] = SLUG) -> list[str]:
    """Return the errors of a mapping of keys to strings."""
    if not isinstance(value, Mapping):
        return [f"{where}: not a mapping"]
    errors = [f"{where}.{k}: bad key" for k in value if not key.match(str(k))]
    for name, text in value.items():
        errors += _text_errors(f"{where}.{name}", text)
    return errors


def _unknown(
    where: str, value: Mapping[str, Any], allowed: frozenset[str]
) -> list[str]:
    """Return an error for each key hassfest's schema does not allow."""
    return [f"{where}.{key}: not allowed" for key in value if key not in allowed]


def flow_errors(where: str, flow: Any) -> list[str]:
    """Return the errors of a config, options or fix flow's strings."""
    if not isinstance(flow, Mapping):
        return [f"{where}: not a mapping"]
    errors = _unknown(where, flow, FLOW_TEXT_MAPS | {"step", "flow_title"})
    if "step" not in flow:
        errors.append(f"{where}: has no step")
    for name, step in (flow.get("step") or {}).items():
        here = f"{where}.step.{name}"
        if not isinstance(step, Mapping):
            errors.append(f"{here}: not a mapping")
            continue
        errors += _unknown(here, step, FLOW_STEP_KEYS)
        for key in ("title", "description", "submit"):
            if key in step:
                errors += _text_errors(f"{here}.{key}", step[key])
        for key in ("data", "data_description", "menu_options"):
            if key in step:
                errors += _texts(f"{here}.{key}", step[key])
        errors += [
            f"{here}.data_description.{key}: not in data"
            for key in step.get("data_description", {})
            if key not in step.get("data", {})
        ]
    for key in FLOW_TEXT_MAPS & flow.keys():
        errors += _texts(f"{where}.{key}", flow[key])
    return errors


def issue_errors(issues: Any) -> list[str]:
    """Return the errors of the issues: a title, and a description or a fix flow (not both)."""
    if not isinstance(issues, Mapping):
        return ["issues: not a mapping"]
    errors = []
    for name, issue in issues.items():
        here = f"issues.{name}"
        errors += _unknown(here, issue, frozenset({"title", "description", "fix_flow"}))
        errors += _text_errors(f"{here}.title", issue.get("title"))
        has = {"description", "fix_flow"} & issue.keys()
        if not has:
            errors.append(f"{here}: needs a description or a fix_flow")
        elif len(has) == 2:
            errors.append(f"{here}: a fixable issue has no description (its flow has)")
        if "description" in issue:
            errors += _text_errors(f"{here}.description", issue["description"])
        if "fix_flow" in issue:
            errors += flow_errors(f"{here}.fix_flow", issue["fix_flow"])
    return errors


def entity_errors(entity: Any) -> list[str]:
    """Return the errors of the entity names, states and state attributes."""
    errors = []
    for platform, keys in entity.items():
        for key, strings in keys.items():
            here = f"entity.{platform}.{key}"
            if not TRANSLATION_KEY.match(key):
                errors.append(f"{here}: bad translation key")
            errors += _unknown(
                here,
                strings,
                frozenset({"name", "state", "state_attributes", "unit_of_measurement"}),
            )
            if "name" in strings:
                errors += _text_errors(f"{here}.name", strings["name"])
            for state, text in (strings.get("state") or {}).items():
                errors += _text_errors(
                    f"{here}.state.{state}", text, placeholders=False
                )
            for attribute, info in (strings.get("state_attributes") or {}).items():
                errors += _unknown(
                    f"{here}.state_attributes.{attribute}",
                    info,
                    frozenset({"name", "state"}),
                )
    return errors


def service_text_errors(services: Any) -> list[str]:
    """Return the errors of the services' names, descriptions and fields."""
    errors = []
    for name, service in services.items():
        here = f"services.{name}"
        errors += _unknown(
            here, service, frozenset({"name", "description", "fields", "sections"})
        )
        for key in ("name", "description"):
            errors += _text_errors(f"{here}.{key}", service.get(key))
        for field, info in (service.get("fields") or {}).items():
            errors += _unknown(
                f"{here}.fields.{field}",
                info,
                frozenset({"name", "description", "example"}),
            )
            for key in ("name", "description"):
                errors += _text_errors(f"{here}.fields.{field}.{key}", info.get(key))
    return errors


def selector_errors(selectors: Any) -> list[str]:
    """Return the errors of the selectors' translated options and units."""
    errors = []
    for key, info in selectors.items():
        here = f"selector.{key}"
        errors += _unknown(
            here,
            info,
            frozenset({"choices", "options", "unit_of_measurement", "fields"}),
        )
        for part in ("choices", "options", "unit_of_measurement"):
            if part in info:
                errors += _texts(f"{here}.{part}", info[part], key=TRANSLATION_KEY)
    return errors


def translation_errors(strings: Any) -> list[str]:
    """Return every reason hassfest would refuse translations/en.json."""
    if not isinstance(strings, Mapping):
        return ["not a mapping"]
    errors = _unknown("", strings, TOP_LEVEL)
    for flow in ("config", "options"):
        if flow in strings:
            errors += flow_errors(flow, strings[flow])
    if "issues" in strings:
        errors += issue_errors(strings["issues"])
    if "entity" in strings:
        errors += entity_errors(strings["entity"])
    if "services" in strings:
        errors += service_text_errors(strings["services"])
    if "selector" in strings:
        errors += selector_errors(strings["selector"])
    for key, info in (strings.get("exceptions") or {}).items():
        errors += _unknown(f"exceptions.{key}", info, frozenset({"message"}))
        errors += _text_errors(f"exceptions.{key}.message", info.get("message"))
    return errors


def services_errors(
    services: Any, strings: Mapping[str, Any], icons: Mapping[str, Any]
) -> list[str]:
    """Return why hassfest would refuse services.yaml, with core's stricter text and icon rules.

    A custom integration may put names and descriptions in services.yaml; Blink Health keeps
    them in translations (as core must), so every service and field needs its text there,
    an icon in icons.json, and each selector must be one Home Assistant accepts.
    """
    if not isinstance(services, Mapping):
        return ["services.yaml: not a mapping"]
    errors = []
    texts = strings.get("services", {})
    for name, service in services.items():
        if not SLUG.match(name):
            errors.append(f"{name}: not a slug")
        if name not in icons.get("services", {}):
            errors.append(f"{name}: no icon in icons.json")
        if name not in texts:
            errors.append(f"{name}: no name and description in the translations")
        if service is None:
            continue
        errors += _unknown(
            name, service, frozenset({"fields", "target", "name", "description"})
        )
        for field, info in (service.get("fields") or {}).items():
            here = f"{name}.{field}"
            errors += _unknown(here, info, SERVICE_FIELD_KEYS)
            if field not in texts.get(name, {}).get("fields", {}):
                errors.append(f"{here}: no name and description in the translations")
            if "selector" in info:
                try:
                    selector.validate_selector(info["selector"])
                except Exception as err:  # noqa: BLE001 - any refusal is the finding
                    errors.append(f"{here}: invalid selector ({err})")
            for key in ("default", "example"):
                if key in info and info[key] is None:
                    errors.append(f"{here}.{key}: cannot be empty")
    return errors


def _icon_errors(where: str, value: Any) -> list[str]:
    """Return why an icon is not a Material Design Icon name."""
    if not isinstance(value, str) or HTML.search(value) or not value.startswith("mdi:"):
        return [f"{where}: must be an mdi: icon"]
    return []


def icons_errors(icons: Any) -> list[str]:
    """Return why hassfest would refuse icons.json (a hub: entity and service icons)."""
    if not isinstance(icons, Mapping):
        return ["icons.json: not a mapping"]
    errors = _unknown(
        "", icons, frozenset({"entity", "services", "config", "options", "issues"})
    )
    for name, info in (icons.get("services") or {}).items():
        errors += _unknown(f"services.{name}", info, frozenset({"service", "sections"}))
        errors += _icon_errors(f"services.{name}.service", info.get("service"))
    for platform, keys in (icons.get("entity") or {}).items():
        for key, info in keys.items():
            here = f"entity.{platform}.{key}"
            if not TRANSLATION_KEY.match(key):
                errors.append(f"{here}: bad translation key")
            errors += _unknown(
                here, info, frozenset({"default", "state", "state_attributes", "range"})
            )
            if "default" in info:
                errors += _icon_errors(f"{here}.default", info["default"])
            for state, icon in (info.get("state") or {}).items():
                errors += _icon_errors(f"{here}.state.{state}", icon)
                if icon == info.get("default"):
                    errors.append(f"{here}.state.{state}: same as the default icon")
            for bound, icon in (info.get("range") or {}).items():
                errors += _icon_errors(f"{here}.range.{bound}", icon)
                try:
                    float(bound)
                except ValueError:
                    errors.append(f"{here}.range.{bound}: not a number")
    return errors


def manifest_errors(manifest: Any, folder: str) -> list[str]:
    """Return why hassfest would refuse manifest.json of a custom integration in `folder`."""
    if not isinstance(manifest, Mapping):
        return ["manifest.json: not a mapping"]
    errors = _unknown("", manifest, MANIFEST_KEYS)
    for key in ("domain", "name", "documentation", "codeowners"):
        if key not in manifest:
            errors.append(f"{key}: required")
    if manifest.get("domain") != folder:
        errors.append("domain: does not match the folder name")
    if not isinstance(manifest.get("codeowners", []), list) or not all(
        isinstance(owner, str) for owner in manifest.get("codeowners", [])
    ):
        errors.append("codeowners: must be a list of strings")
    for key in ("documentation", "issue_tracker"):
        if key in manifest and not str(manifest[key]).startswith("https://"):
            errors.append(f"{key}: must be an https URL")
    if manifest.get("iot_class") not in SUPPORTED_IOT_CLASSES:
        errors.append("iot_class: missing or not supported")
    if manifest.get("integration_type", "hub") not in INTEGRATION_TYPES:
        errors.append("integration_type: not supported")
    for key in MANIFEST_LISTS:
        value = manifest.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(f"{key}: must be a list of strings")
    for matcher in manifest.get("dhcp", []):
        errors += _unknown(
            "dhcp", matcher, frozenset({"hostname", "macaddress", "registered_devices"})
        )
        if (mac := matcher.get("macaddress")) is not None and (
            mac != mac.upper() or "*" not in mac
        ):
            errors.append(f"dhcp.macaddress {mac}: must be upper case with a wildcard")
        if (host := matcher.get("hostname")) is not None and host != host.lower():
            errors.append(f"dhcp.hostname {host}: must be lower case")
    version = manifest.get("version")
    if not version:
        errors.append("version: a custom integration needs one")
    else:
        try:
            AwesomeVersion(
                version,
                ensure_strategy=[
                    AwesomeVersionStrategy.CALVER,
                    AwesomeVersionStrategy.SEMVER,
                    AwesomeVersionStrategy.SIMPLEVER,
                    AwesomeVersionStrategy.BUILDVER,
                    AwesomeVersionStrategy.PEP440,
                ],
            )
        except Exception:  # noqa: BLE001 - any refusal is the finding
            errors.append(f"version: {version!r} is not a version")
    keys = list(manifest)
    if keys[:2] != ["domain", "name"] or keys[2:] != sorted(keys[2:]):
        errors.append("keys: domain, name, then alphabetical order")
    return errors


def _json(name: str) -> Any:
    """Return one of the integration's JSON files."""
    return json.loads((PACKAGE / name).read_text(encoding="utf-8"))


def _files() -> dict[str, Any]:
    """Return the four files hassfest reads."""
    return {
        "strings": _json("translations/en.json"),
        "services": load_yaml_dict(str(PACKAGE / "services.yaml")),
        "icons": _json("icons.json"),
        "manifest": _json("manifest.json"),
    }


def _all_errors(files: Mapping[str, Any]) -> Iterator[str]:
    """Yield every error of the four files."""
    yield from translation_errors(files["strings"])
    yield from services_errors(files["services"], files["strings"], files["icons"])
    yield from icons_errors(files["icons"])
    yield from manifest_errors(files["manifest"], PACKAGE.name)


def test_the_integration_passes_hassfest_checks() -> None:
    """Translations, services, icons and manifest are as hassfest accepts them."""
    assert list(_all_errors(_files())) == []


def _fixable_with_description(files: dict[str, Any]) -> None:
    """Give a fixable issue a top-level description (as en.json once had)."""
    issue = next(i for i in files["strings"]["issues"].values() if "fix_flow" in i)
    issue["description"] = "Both."


def _unknown_step_key(files: dict[str, Any]) -> None:
    """Put a key hassfest does not know into an options step."""
    files["strings"]["options"]["step"]["init"]["help"] = "Not a step key."


def _description_without_data(files: dict[str, Any]) -> None:
    """Describe a field a step does not have."""
    files["strings"]["options"]["step"]["init"]["data_description"] = {"ghost": "Boo."}


def _url_in_text(files: dict[str, Any]) -> None:
    """Write a URL into a translated string (hassfest wants a placeholder)."""
    files["strings"]["config"]["step"]["user"]["description"] = (
        "See https://blinkforhome.com"
    )


def _quoted_placeholder(files: dict[str, Any]) -> None:
    """Quote a placeholder."""
    issue = next(iter(files["strings"]["issues"].values()))
    issue["title"] = "Device '{name}'"


def _placeholder_in_state(files: dict[str, Any]) -> None:
    """Use a placeholder in an entity state (not allowed there)."""
    files["strings"]["entity"]["sensor"]["health"]["state"]["ok"] = "OK {name}"


def _service_without_text(files: dict[str, Any]) -> None:
    """Drop a service's translated name and description."""
    files["strings"]["services"].pop("diagnose")


def _field_without_text(files: dict[str, Any]) -> None:
    """Drop a service field's translated name and description."""
    files["strings"]["services"]["power_cycle"]["fields"].pop("off_seconds")


def _bad_selector(files: dict[str, Any]) -> None:
    """Give a service field a selector Home Assistant does not have."""
    files["services"]["power_cycle"]["fields"]["off_seconds"]["selector"] = {
        "no_such_selector": {}
    }


def _service_without_icon(files: dict[str, Any]) -> None:
    """Drop a service's icon."""
    files["icons"]["services"].pop("readd_camera")


def _icon_not_mdi(files: dict[str, Any]) -> None:
    """Use an icon that is not a Material Design Icon."""
    files["icons"]["entity"]["button"]["diagnose"]["default"] = "stethoscope"


def _state_icon_same_as_default(files: dict[str, Any]) -> None:
    """Repeat the default icon as a state icon."""
    health = files["icons"]["entity"]["sensor"]["health"]
    health["state"]["ok"] = health["default"]


def _range_not_a_number(files: dict[str, Any]) -> None:
    """Key an icon range by something that is not a number."""
    files["icons"]["entity"]["sensor"]["wifi_signal"]["range"]["high"] = "mdi:wifi"


def _manifest_unsorted(files: dict[str, Any]) -> None:
    """Move the manifest's version key to the front."""
    manifest = files["manifest"]
    files["manifest"] = {"version": manifest.pop("version"), **manifest}


def _manifest_no_version(files: dict[str, Any]) -> None:
    """Drop the version a custom integration needs."""
    files["manifest"].pop("version")


def _manifest_codeowner_not_str(files: dict[str, Any]) -> None:
    """Give codeowners something that is not a list of strings."""
    files["manifest"]["codeowners"] = "@someone"


def _manifest_bad_dhcp(files: dict[str, Any]) -> None:
    """Write a DHCP MAC matcher without a wildcard."""
    files["manifest"]["dhcp"] = [{"hostname": "blink*", "macaddress": "00037F000000"}]


def _manifest_bad_iot_class(files: dict[str, Any]) -> None:
    """Give the manifest an IoT class hassfest does not know."""
    files["manifest"]["iot_class"] = "cloud"


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (_fixable_with_description, "a fixable issue has no description"),
        (_unknown_step_key, "help: not allowed"),
        (_description_without_data, "ghost: not in data"),
        (_url_in_text, "contains a URL"),
        (_quoted_placeholder, "placeholder inside single quotes"),
        (_placeholder_in_state, "placeholders are not allowed here"),
        (_service_without_text, "diagnose: no name and description"),
        (_field_without_text, "off_seconds: no name and description"),
        (_bad_selector, "invalid selector"),
        (_service_without_icon, "readd_camera: no icon"),
        (_icon_not_mdi, "must be an mdi: icon"),
        (_state_icon_same_as_default, "same as the default icon"),
        (_range_not_a_number, "not a number"),
        (_manifest_unsorted, "alphabetical order"),
        (_manifest_no_version, "needs one"),
        (_manifest_codeowner_not_str, "codeowners: must be a list"),
        (_manifest_bad_dhcp, "must be upper case with a wildcard"),
        (_manifest_bad_iot_class, "iot_class"),
    ],
)
def test_a_broken_copy_is_refused(
    breakage: Callable[[dict[str, Any]], None], expected: str
) -> None:
    """Each check refuses a copy of the files broken the way it guards against."""
    files = copy.deepcopy(_files())
    breakage(files)
    errors = list(_all_errors(files))
    assert any(expected in error for error in errors), errors
