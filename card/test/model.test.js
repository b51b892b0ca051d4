// model.js against registries shaped like the frontend's (node --test; tests/test_card.py runs it).

import { test } from "node:test";
import assert from "node:assert/strict";
import { buildModel, deviceCount, entriesOf, healthCounts } from "../src/model.js";

/** Return a hass with an account, a Sync Module with two cameras and a Mini on no Sync Module. */
function hass() {
  const devices = {
    acct: { id: "acct", name: "Blink account", entry_type: "service", config_entry_id: "e1" },
    sync: { id: "sync", name: "Home", via_device_id: "acct", config_entry_id: "e1" },
    yard: { id: "yard", name: "Yard", via_device_id: "sync", config_entry_id: "e1" },
    door: { id: "door", name: "Door", name_by_user: "Front door", via_device_id: "sync", config_entry_id: "e1" },
    mini: { id: "mini", name: "Mini", via_device_id: "acct", config_entry_id: "e1" },
    other: { id: "other", name: "Lamp", config_entry_id: "e9" },
  };
  const entities = {};
  const states = {};
  const add = (id, device, key, state, attributes = {}) => {
    entities[id] = { entity_id: id, device_id: device, platform: "blink_health", translation_key: key };
    states[id] = { entity_id: id, state, attributes };
  };
  add("binary_sensor.acct_cloud", "acct", "cloud_reachable", "on");
  for (const [device, health] of [["sync", "ok"], ["yard", "problem"], ["door", "warning"], ["mini", "problem"]]) {
    add(`binary_sensor.${device}_online`, device, "online", "on");
    add(`sensor.${device}_health`, device, "health", health);
  }
  for (const device of ["yard", "door", "mini"]) add(`button.${device}_diagnose`, device, "diagnose", "unknown");
  add("binary_sensor.yard_battery", "yard", undefined, "off", { device_class: "battery" });
  entities["light.lamp"] = { entity_id: "light.lamp", device_id: "other", platform: "hue" };
  return { devices, entities, states };
}

test("every device, grouped by Sync Module, the Mini apart", () => {
  const [account] = buildModel(hass(), {});
  assert.equal(account.device.id, "acct");
  assert.deepEqual(
    account.groups.map((g) => [g.sync?.device.id ?? null, g.cameras.map((c) => c.device.id)]),
    [["sync", ["door", "yard"]], [null, ["mini"]]],
  );
  assert.equal(account.groups[0].cameras[1].entities.battery, "binary_sensor.yard_battery");
  assert.equal(deviceCount([account]), 4);
  assert.deepEqual(healthCounts(hass(), [account]), { ok: 1, problem: 2, warning: 1 });
});

test("devices narrow it; their Sync Module still heads them", () => {
  const [account] = buildModel(hass(), { devices: ["yard"] });
  assert.deepEqual(account.groups.map((g) => [g.sync, g.title, g.cameras.map((c) => c.device.id)]), [
    [null, "Home", ["yard"]],
  ]);
});

test("entries narrow it", () => {
  assert.deepEqual(buildModel(hass(), { entries: ["e2"] }), []);
  assert.equal(buildModel(hass(), { entries: ["e1"] }).length, 1);
});

test("a device's entries: its config_entry_id, the deprecated list only without one", () => {
  assert.deepEqual(entriesOf({ config_entry_id: "e1", config_entries: ["e1", "e2"] }), ["e1"]);
  assert.deepEqual(entriesOf({ config_entries: ["e2"] }), ["e2"]);
  assert.deepEqual(entriesOf({}), []);
});
