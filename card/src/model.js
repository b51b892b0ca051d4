// What the card shows, found from the frontend's registries (hass.entities, hass.devices).
//
// Blink Health's entities are found by platform and translation key (the key of the entity
// description: entity.py names every entity from it), never by entity id, so renamed entities
// still show. The battery binary sensor has no translation key (its name comes from its
// device class), so it is found by that device class.

export const DOMAIN = "blink_health";

/** Return the key of a Blink Health entity: its translation key, or "battery". */
function entityKey(hass, entry) {
  if (entry.translation_key) return entry.translation_key;
  const state = hass.states[entry.entity_id];
  if (entry.entity_id.startsWith("binary_sensor.") && state?.attributes.device_class === "battery") {
    return "battery";
  }
  return undefined;
}

/** Return {deviceId: {key: entityId}} for every Blink Health entity with a device. */
export function entitiesByDevice(hass) {
  const byDevice = {};
  for (const entry of Object.values(hass.entities ?? {})) {
    if (entry.platform !== DOMAIN || !entry.device_id) continue;
    const key = entityKey(hass, entry);
    if (!key) continue;
    (byDevice[entry.device_id] ??= {})[key] = entry.entity_id;
  }
  return byDevice;
}

/** Return the device's name as the user sees it. */
export function deviceName(device) {
  return device.name_by_user || device.name || "";
}

/**
 * Return the config entries of a device: its one `config_entry_id` (Home Assistant 2026.10 on);
 * the deprecated `config_entries` list only where an older Home Assistant sends no such field.
 */
export function entriesOf(device) {
  if (device.config_entry_id) {
    return [device.config_entry_id];
  }
  return device.config_entries ?? [];
}

/** Return true when the config says to show this device (entries and devices narrow it). */
function wanted(config, device) {
  if (config.entries?.length && !entriesOf(device).some((id) => config.entries.includes(id))) {
    return false;
  }
  return !config.devices?.length || config.devices.includes(device.id);
}

/**
 * Return the accounts to show, each {device, entities, groups}, a group being a Sync Module (or
 * null for cameras on no Sync Module) with its cameras, sorted by name.
 */
export function buildModel(hass, config) {
  const byDevice = entitiesByDevice(hass);
  const devices = Object.keys(byDevice)
    .map((id) => hass.devices?.[id])
    .filter((device) => device);
  const accounts = devices.filter((device) => device.entry_type === "service");
  const accountIds = new Set(accounts.map((device) => device.id));
  const all = devices.filter((device) => !accountIds.has(device.id));
  const shown = all.filter((device) => wanted(config, device));
  const shownIds = new Set(shown.map((device) => device.id));
  const byName = (a, b) => deviceName(a.device).localeCompare(deviceName(b.device));
  const item = (device) => ({ device, entities: byDevice[device.id] });
  // A Sync Module hangs off the account (via_device) and has cameras pointing at it, or no
  // troubleshooter button (every camera with a speaker has one; those without, the XT and
  // Indoor 1st gen, always report through a Sync Module); a camera with no Sync Module hangs
  // off the account too.
  const parents = new Set(devices.map((device) => device.via_device_id));
  const isSync = (device) =>
    accountIds.has(device.via_device_id) && (parents.has(device.id) || !byDevice[device.id].diagnose);
  return accounts
    .filter((account) => !config.entries?.length || entriesOf(account).some((id) => config.entries.includes(id)))
    .map((account) => {
      const ofAccount = (device) => entriesOf(device).some((id) => entriesOf(account).includes(id));
      const mine = shown.filter(ofAccount);
      // A Sync Module left out by the options still heads the group of its cameras shown.
      const groups = all
        .filter((device) => ofAccount(device) && isSync(device))
        .map(item)
        .sort(byName)
        .map((sync) => ({
          sync,
          shown: shownIds.has(sync.device.id),
          cameras: mine.filter((d) => d.via_device_id === sync.device.id).map(item).sort(byName),
        }))
        .filter((group) => group.shown || group.cameras.length);
      // Cameras whose Sync Module is left out by the options, or that have none.
      const grouped = new Set(groups.flatMap((g) => [g.sync, ...g.cameras].map((i) => i.device.id)));
      for (const group of groups.filter((g) => !g.shown)) {
        group.title = deviceName(group.sync.device);
        group.sync = null;
      }
      const loose = mine.filter((d) => !grouped.has(d.id)).map(item).sort(byName);
      if (loose.length) groups.push({ sync: null, cameras: loose });
      return { ...item(account), groups };
    })
    .filter((account) => account.groups.length || !shownIds.size);
}

/** Return how many shown devices have each health state ({problem: 1, warning: 2, ...}). */
export function healthCounts(hass, accounts) {
  const counts = {};
  for (const account of accounts) {
    for (const group of account.groups) {
      for (const item of [group.sync, ...group.cameras]) {
        const state = item && hass.states[item.entities.health]?.state;
        if (state) counts[state] = (counts[state] ?? 0) + 1;
      }
    }
  }
  return counts;
}

/** Return the number of devices the accounts show. */
export function deviceCount(accounts) {
  return accounts.reduce(
    (sum, a) => sum + a.groups.reduce((n, g) => n + g.cameras.length + (g.sync ? 1 : 0), 0),
    0,
  );
}
