"""Scenario data (see blinksim/README.md) turned into a World."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import checks
from .clock import Clock
from .model import (
    DEFAULT_ACCESS_TOKEN_LIFETIME,
    DEFAULT_OFFLINE_SECONDS,
    OMITTABLE_LISTS,
    Account,
    InternetProfile,
    Network,
    Plug,
    SyncModule,
)
from .mutations import check_new_serial, insert_device
from .scenarios import ScenarioError

if TYPE_CHECKING:
    from .world import World


def world_from_dict(
    cls: type[World], data: Mapping[str, Any], clock: Clock, name: str | None
) -> World:
    """Build a world; KeyError/TypeError from missing or odd keys become ScenarioError."""
    acc = data["account"]
    two_factor = acc.get("two_factor", {})
    account = Account(
        email=checks.text(acc["email"], "account.email"),
        password=checks.text(acc["password"], "account.password"),
        account_id=int(acc.get("account_id", 1001)),
        user_id=int(acc.get("user_id", 9001)),
        tier=checks.text(acc.get("tier", "e006"), "account.tier"),
        two_factor=checks.flag(two_factor.get("enabled", False), "two_factor.enabled"),
        pin=checks.text(str(two_factor.get("pin", "123456")), "two_factor.pin"),
        two_factor_form=checks.form(two_factor.get("form", "202")),
        access_token_lifetime=checks.number(
            acc.get("access_token_lifetime", DEFAULT_ACCESS_TOKEN_LIFETIME),
            "access_token_lifetime",
        ),
        app_update_required=checks.flag(
            acc.get("app_update_required", False), "app_update_required"
        ),
        homescreen_omit=checks.lists(
            acc.get("homescreen_omit", []), OMITTABLE_LISTS, "homescreen_omit"
        ),
    )
    world = cls(
        account,
        name=name or str(data.get("name", "custom")),
        internet=InternetProfile(**data.get("internet", {})),
        clock=clock,
        epoch=data.get("epoch"),
    )
    now = world.now()
    for net in data["networks"]:
        network = Network(
            id=int(net["id"]),
            name=checks.text(net["name"], "network.name"),
            armed=checks.flag(net.get("armed", False), "network.armed"),
            time_zone=net.get("time_zone", "America/New_York"),
        )
        if network.id in world.networks:
            raise ScenarioError(f"duplicate network id {network.id}")
        world.networks[network.id] = network
    for raw in data.get("sync_modules", []):
        sync = SyncModule(
            id=int(raw["id"]),
            serial=checks.text(raw["serial"], "sync_module.serial"),
            network_id=int(raw["network_id"]),
            name=raw.get("name") or world.network(int(raw["network_id"])).name,
            type=raw.get("type", "sm2"),
            subtype=checks.text(
                raw.get("subtype", "none" if raw.get("type") == "sm1" else "vinnie"),
                "sync_module.subtype",
            ),
            local_storage_status=checks.text(
                raw.get("local_storage_status", "unavailable"),
                "sync_module.local_storage_status",
            ),
            fw_version=str(raw.get("fw_version", "4.4.8")),
            status=checks.status(raw.get("status", "online")),
            wifi=checks.bars(raw.get("wifi", 4), "sync_module.wifi"),
        )
        world.network(sync.network_id)
        if sync.status == "offline":
            sync.offline_at = now - float(
                raw.get("offline_seconds", DEFAULT_OFFLINE_SECONDS)
            )
        if world.sync_module_for(sync.network_id) is not None:
            raise ScenarioError(f"network {sync.network_id} has two Sync Modules")
        check_new_serial(world, sync.serial)
        world.sync_modules[sync.serial] = sync
    for raw in data.get("devices", []):
        insert_device(world, raw, now, thumbnail_ts=raw.get("thumbnail_ts"))
    for plug_id, raw in data.get("plugs", {}).items():
        plug = Plug(
            id=plug_id,
            on=checks.flag(raw.get("on", True), "plug.on"),
            boot_seconds=checks.number(
                raw.get("boot_seconds", 30.0), "plug.boot_seconds"
            ),
            devices=[
                checks.text(serial, "plug.devices[]")
                for serial in raw.get("devices", [])
            ],
        )
        if not plug.on:
            plug.off_at = now - float(raw.get("off_seconds", DEFAULT_OFFLINE_SECONDS))
        world.plugs[plug_id] = plug
    return world
