"""The parser held against public captures of Blink's answers (tests/fixtures/captures/SOURCES).

Every file of a capture directory is a test case, so a capture added there is tested at once.
What each capture shows about a value, and why the parser reads it so: docs/fidelity.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.blink_health.cloud import (
    HOMESCREEN_DEVICE_LISTS,
    CloudUnavailable,
    checked_homescreen,
)
from custom_components.blink_health.health import (
    OFFLINE,
    ONLINE,
    CameraHealth,
    DeviceKind,
    PowerSource,
    device_serial,
    parse_account,
)
from custom_components.blink_health.playbook import (
    History,
    InternetFigures,
    StepId,
    Thresholds,
    evaluate,
)
from custom_components.blink_health.power import can_power_cycle
from custom_components.blink_health.troubleshooter import check_steps

CAPTURES = Path(__file__).parent / "fixtures" / "captures"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def captures(kind: str) -> list[Path]:
    """Return the capture files of one directory, sorted."""
    return sorted((CAPTURES / kind).glob("*.json"))


def load(path: Path) -> Any:
    """Load a capture."""
    return json.loads(path.read_text(encoding="utf-8"))


def capture(kind: str, name: str) -> Any:
    """Load one named capture."""
    return load(CAPTURES / kind / f"{name}.json")


def one_camera(
    details: Any, kind: str = "cameras", entry: dict[str, Any] | None = None
) -> CameraHealth:
    """Parse a detail body as the details of a one-device homescreen and return the device."""
    health = parse_account(
        {"sync_modules": [], "cameras": [], kind: [{"serial": "X", **(entry or {})}]},
        {"X": details},
    )
    return health.cameras["X"]


def test_every_directory_has_captures() -> None:
    """Each kind of body the integration reads is backed by at least one capture."""
    for kind in (
        "homescreen",
        "not_homescreen",
        "camera_config",
        "camera_signals",
        "owl_config",
        "doorbell_config",
        "sync_module",
    ):
        assert captures(kind), kind


def test_every_capture_is_in_sources() -> None:
    """SOURCES names every capture file (where it was published, what was trimmed)."""
    sources = (CAPTURES / "SOURCES").read_text(encoding="utf-8")
    for path in sorted(CAPTURES.glob("*/*.json")):
        assert f"{path.parent.name}/{path.name}" in sources or path.name in sources


# --- homescreens ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", captures("homescreen"), ids=lambda p: p.stem)
def test_homescreen_is_accepted_whole(path: Path) -> None:
    """A real homescreen passes the check unchanged and every device in it is parsed."""
    body = load(path)
    assert checked_homescreen(body) == body
    health = parse_account(body)
    assert health.serials == {
        device_serial(entry)
        for key in HOMESCREEN_DEVICE_LISTS
        for entry in body.get(key, [])
    }
    for device in (*health.sync_modules.values(), *health.cameras.values()):
        # Only the meaning of a status leaves the parser (never "done").
        assert device.status in (ONLINE, OFFLINE)
        assert device.online is (device.status == ONLINE)
    for camera in health.cameras.values():
        assert camera.temperature is None or 0 <= camera.temperature <= 120
        assert camera.product.power is not PowerSource.UNKNOWN
        # A homescreen dates no report of a camera: only details do.
        assert camera.last_heartbeat is None
    for sync in health.sync_modules.values():
        assert sync.last_heartbeat is not None
    # The app-build flag some of them carry is not "update required".
    assert health.app_update_required is False


@pytest.mark.parametrize("path", captures("homescreen"), ids=lambda p: p.stem)
@pytest.mark.parametrize("dropped", ["cameras", "sync_modules"])
def test_truncated_homescreen_is_refused(path: Path, dropped: str) -> None:
    """A real homescreen without a list every capture has is a truncated body: refused."""
    body = {key: value for key, value in load(path).items() if key != dropped}
    with pytest.raises(CloudUnavailable):
        checked_homescreen(body)


@pytest.mark.parametrize("path", captures("not_homescreen"), ids=lambda p: p.stem)
def test_error_bodies_are_refused(path: Path) -> None:
    """What Blink sent instead of a homescreen is a failed poll, never an empty account."""
    with pytest.raises(CloudUnavailable):
        checked_homescreen(load(path))


def test_homescreens_without_doorbells_exist() -> None:
    """Published homescreens leave out "doorbells" (and a fragment "cameras")."""
    missing = {
        path.stem for path in captures("homescreen") if "doorbells" not in load(path)
    }
    assert {"matttw_homescreen_2020", "hunsalz_homescreen_2025"} <= missing


def test_missing_list_is_carried_from_the_previous_homescreen() -> None:
    """A list left out keeps the previous answer's devices, with who they are only."""
    previous = checked_homescreen(capture("homescreen", "homebridge_sample_2022"))
    body = {key: value for key, value in previous.items() if key != "owls"}
    checked = checked_homescreen(body, previous)
    (owl,) = checked["owls"]
    assert owl == {
        "id": 5000001,
        "serial": "B0000003",
        "name": "Gamma",
        "type": "owl",
        "network_id": 2000003,
    }
    gamma = parse_account(checked).cameras["B0000003"]
    # Its status is unknown this poll, not the old "online".
    assert (gamma.online, gamma.status) == (None, None)
    # A list present is never replaced, even when empty.
    assert checked_homescreen({**body, "owls": []}, previous)["owls"] == []


def test_status_done_reaches_the_troubleshooter_as_online() -> None:
    """A camera whose status is "done" is shown as online in the restart step's evidence."""
    health = parse_account(capture("homescreen", "homebridge_sample_2022"))
    assert health.cameras["B0000002"].raw_status == "done"
    results = check_steps(
        health, "B0000002", Thresholds(), InternetFigures(), History(now=NOW)
    )
    (restart,) = [item for item in results if item.step.id is StepId.RESTART]
    assert restart.evidence["status"] == "online"


def test_sync_module_types_and_subtypes() -> None:
    """sm1 and sm2 with their subtypes and local_storage_status parse to their models."""
    sample = parse_account(capture("homescreen", "homebridge_sample_2022"))
    assert [sync.model for sync in sample.sync_modules.values()] == [
        "Sync Module",
        "Sync Module 2",
    ]
    tail = parse_account(capture("fragments", "homebridge_issue_108_2022"))
    assert tail.sync_modules["D0000001"].model == "Sync Module 2"
    assert tail.sync_modules["D0000001"].online is True


def test_app_build_flag_is_kept_for_diagnostics() -> None:
    """MattTW's homescreen says "An app update is required"; nothing is raised from it."""
    health = parse_account(capture("homescreen", "matttw_homescreen_2020"))
    assert health.app_build_flagged is True
    assert health.app_update_message == "An app update is required"
    assert health.app_update_required is False


# --- detail bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        (kind, path)
        for kind in ("camera_config", "camera_signals", "owl_config", "doorbell_config")
        for path in captures(kind)
    ],
    ids=lambda value: value if isinstance(value, str) else value.stem,
)
def test_detail_bodies_parse(kind: str, path: Path) -> None:
    """Every captured detail body parses without inventing a value."""
    homescreen_list = {"owl_config": "owls", "doorbell_config": "doorbells"}
    camera = one_camera(load(path), homescreen_list.get(kind, "cameras"))
    # -255 and other non-readings never pass as dBm.
    assert camera.wifi_rssi is None or -150 <= camera.wifi_rssi < 0
    assert camera.temperature is None or 0 <= camera.temperature <= 120
    assert camera.battery_voltage is None or 0 < camera.battery_voltage < 5
    if kind != "camera_config":
        assert camera.last_heartbeat is None


def test_camera_list_with_signals_beside() -> None:
    """camera[] + signals beside: calibrated °F, the RSSI under last_connect, report time."""
    camera = one_camera(capture("camera_config", "homebridge_camera_list_2022"))
    # temperature 78 with temp_adjust -15: the calibrated signals.temp 63 is shown.
    assert camera.temperature == 63.0
    # Top-level wifi_strength is -255 (unknown); the reading is last_connect's.
    assert camera.wifi_rssi == -51
    assert camera.battery_voltage == 1.33
    assert (camera.wifi_bars, camera.sync_bars, camera.battery_bars) == (5, 5, 2)
    assert camera.battery_ok is False
    assert camera.status == ONLINE and camera.raw_status == "done"
    # signals.updated_at: when the camera last reported, a month before its record moved.
    assert camera.last_heartbeat == datetime(2022, 2, 18, 7, 58, 33, tzinfo=UTC)


def test_calibration_without_signals() -> None:
    """Without signals, temp_adjust corrects the config's own temperature."""
    body = capture("camera_config", "homebridge_camera_list_2022")
    del body["signals"]
    assert one_camera(body).temperature == 63.0


def test_flat_camera_config() -> None:
    """A flat config (no camera[] list) with signals inside reads the same way."""
    camera = one_camera(capture("camera_config", "hunsalz_flat_2025"))
    assert (camera.wifi_bars, camera.sync_bars, camera.battery_bars) == (5, 3, 3)
    assert camera.temperature == 71.0
    assert camera.firmware == "10.72"
    assert camera.product.model.startswith("Blink Outdoor")


def test_trimmed_camera_config_fields() -> None:
    """The fields of blinkpy #865: the calibrated temp equals the raw one (no adjustment)."""
    camera = one_camera(capture("camera_config", "blinkpy_865_fields_2024"))
    assert (camera.temperature, camera.wifi_rssi, camera.battery_voltage) == (
        47.0,
        -63,
        1.54,
    )
    assert camera.last_heartbeat == datetime(2024, 1, 29, 13, 3, 47, tzinfo=UTC)


def test_signals_temp_is_the_calibrated_fahrenheit_value() -> None:
    """/signals temp equals the config's calibrated signals.temp (°F) in the same capture."""
    signals = capture("camera_signals", "homebridge_signals_2022")
    config = capture("camera_config", "homebridge_camera_list_2022")
    assert signals["temp"] == config["signals"]["temp"] == 63
    assert (
        config["camera"][0]["temp_max"] == 88
    )  # an alert bound only °F makes sense of


def test_owl_config() -> None:
    """The Mini's config: bars as "wifi", numeric fw_version, no report time."""
    mini = one_camera(capture("owl_config", "homebridge_owl_2022"), "owls")
    assert (mini.wifi_bars, mini.firmware, mini.status) == (5, "9.63", ONLINE)
    assert mini.kind is DeviceKind.MINI
    assert mini.last_heartbeat is None


@pytest.mark.parametrize(
    ("name", "code", "temperature", "rssi"),
    [
        ("blinkpy_638_tulip_2026", "tulip", 86.0, -54),
        ("blinkpy_638_orchid_2026", "orchid", 90.0, -41),
    ],
)
def test_doorbell_configs(name: str, code: str, temperature: float, rssi: int) -> None:
    """Doorbell configs: temp (°F) and wifi_rssi; the products their owners named."""
    door = one_camera(capture("doorbell_config", name), "doorbells", {"type": code})
    assert (door.temperature, door.wifi_rssi) == (temperature, rssi)
    assert door.product.type == code
    assert door.supports_talk is True


def test_syncmodules_body() -> None:
    """/network/{n}/syncmodules fills a bare sync_modules[] entry; last_hb is its heartbeat."""
    body = capture("sync_module", "hunsalz_syncmodules_2025")
    health = parse_account(
        {"sync_modules": [{"serial": "SERIAL123456789"}]}, {"SERIAL123456789": body}
    )
    sync = health.sync_modules["SERIAL123456789"]
    assert (sync.online, sync.wifi_bars, sync.firmware) == (True, 5, "16.0.32")
    assert sync.last_heartbeat == datetime(2025, 11, 21, 0, 31, tzinfo=UTC)


# --- product codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cameras", "owls", "doorbells"])
def test_unknown_product_code_is_treated_safely(kind: str) -> None:
    """A code nobody published: no power cycle as if wired, no battery advice as if batteries."""
    homescreen = {
        "sync_modules": [{"serial": "S", "network_id": 1, "status": "online"}],
        "cameras": [],
        kind: [
            {
                "serial": "X",
                "type": "brand-new",
                "network_id": 1,
                "status": "online",
                "battery": "low",
            }
        ],
    }
    health = parse_account(homescreen)
    camera = health.cameras["X"]
    assert camera.product.model == "Blink camera (brand-new)"
    assert camera.power_source is PowerSource.UNKNOWN
    assert not can_power_cycle(camera)
    findings = evaluate(health, Thresholds(), InternetFigures(), History(now=NOW))
    assert not [f for f in findings if f.issue_id.startswith("low_battery")]
