// The card's words come from the integration's translations, in the user's language: its entity
// names and states (Home Assistant formats those) and the card's own texts, kept in
// translations/<language>.json under "common" (keys starting card_).

import { DOMAIN } from "./model.js";

/** Load the integration's entity and common translations for the user's language. */
export async function loadTexts(hass) {
  await Promise.all([
    hass.loadBackendTranslation("entity", DOMAIN),
    hass.loadBackendTranslation("common", DOMAIN),
  ]);
}

/** Return the card text `key` with its placeholders filled (the key itself if untranslated). */
export function text(hass, key, values) {
  return hass.localize(`component.${DOMAIN}.common.${key}`, values) || key;
}
