"""The README's supported-devices table is what the code does for each Blink model."""

from __future__ import annotations

from pathlib import Path

from custom_components.blink_health.health import (
    PRODUCTS,
    SYNC_MODULE_MODELS,
    DeviceKind,
)

README = Path(__file__).parents[1] / "README.md"
# The homescreen list each product code arrives in (its kind); tests/test_health.py checks
# product_for() gives these codes their model and power.
KINDS = {
    "catalina": DeviceKind.CAMERA,
    "lotus": DeviceKind.DOORBELL,
    "orchid": DeviceKind.DOORBELL,
    "owl": DeviceKind.MINI,
    "superior": DeviceKind.MINI,
    "tulip": DeviceKind.DOORBELL,
    "white": DeviceKind.CAMERA,
    "xt": DeviceKind.CAMERA,
    "xt2": DeviceKind.CAMERA,
}
HEADER = (
    "| Model (Blink type) | Online | Wi-Fi | Sync Module link | Temperature | Battery "
    "| Power-cycle | Two-way talk |"
)
YES, NO = "✓", "–"


def _row(cells: list[str]) -> str:
    """Return one Markdown table row."""
    return "| " + " | ".join(cells) + " |"


def expected_table() -> list[str]:
    """Return the table's rows as the entities and checks are built for each model.

    Every device has Online and Wi-Fi sensors; a Sync Module link sensor for cameras of the
    cameras[] list (doorbells only when Blink reports one linked); temperature for all but
    Minis and the floodlight (owls[]); a battery sensor unless mains-only; power-cycling unless
    battery-only; two-way talk as PRODUCTS records it (the troubleshooter).
    """
    rows = [HEADER, "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for code, product in sorted(PRODUCTS.items(), key=lambda item: item[1].model):
        kind = KINDS[code]
        sync = {
            DeviceKind.CAMERA: YES,
            DeviceKind.DOORBELL: "when linked",
            DeviceKind.MINI: NO,
        }[kind]
        rows.append(
            _row(
                [
                    f"{product.model} (`{code}`)",
                    YES,
                    YES,
                    sync,
                    NO if kind is DeviceKind.MINI else YES,
                    YES if product.power.battery_possible else NO,
                    YES if product.power.mains_possible else NO,
                    {True: YES, False: NO, None: "unknown"}[product.talk],
                ]
            )
        )
    for code, model in sorted(SYNC_MODULE_MODELS.items()):
        rows.append(_row([f"{model} (`{code}`)", YES, YES, NO, NO, NO, YES, NO]))
    return rows


def test_kinds_cover_every_product() -> None:
    """Each product code has its kind here (a new code fails until the table says it)."""
    assert set(KINDS) == set(PRODUCTS)


def test_readme_lists_supported_devices() -> None:
    """The README's table is exactly the one derived from the code."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER)
    table = lines[start : start + len(expected_table())]
    assert table == expected_table()
    assert not lines[start + len(table)].startswith("|")
