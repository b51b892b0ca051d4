// The card's options editor: which entries or devices, compact or full, a title.

import { LitElement, html } from "lit";
import { DOMAIN } from "./model.js";
import { loadTexts, text } from "./texts.js";

/** Return the ha-form schema, with the integration's entries as the choices of "entries". */
function schema(entries) {
  return [
    { name: "title", selector: { text: {} } },
    {
      name: "entries",
      selector: {
        select: { multiple: true, mode: "list", options: entries.map((e) => ({ value: e.entry_id, label: e.title })) },
      },
    },
    { name: "devices", selector: { device: { integration: DOMAIN, multiple: true } } },
    { name: "compact", selector: { boolean: {} } },
  ];
}

export class BlinkHealthCardEditor extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
    _entries: { state: true },
  };

  constructor() {
    super();
    this._entries = [];
  }

  setConfig(config) {
    this._config = config;
  }

  /** Fetch the integration's entries and texts once the editor has Home Assistant. */
  willUpdate(changed) {
    if (!changed.has("hass") || !this.hass || this._asked) return;
    this._asked = true;
    loadTexts(this.hass).then(() => this.requestUpdate());
    this.hass
      .callWS({ type: "config_entries/get", domain: DOMAIN })
      .then((entries) => (this._entries = entries))
      .catch(() => (this._entries = []));
  }

  render() {
    if (!this.hass || !this._config) return html``;
    return html`<ha-form
      .hass=${this.hass}
      .data=${this._config}
      .schema=${schema(this._entries)}
      .computeLabel=${(item) => text(this.hass, `card_option_${item.name}`)}
      @value-changed=${this._changed}
    ></ha-form>`;
  }

  /** Tell the card editor dialog the new configuration, leaving out empty options. */
  _changed(event) {
    const config = { ...event.detail.value };
    for (const [key, value] of Object.entries(config)) {
      if (value === "" || value === false || (Array.isArray(value) && !value.length)) delete config[key];
    }
    this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
  }
}

if (!customElements.get("blink-health-card-editor")) {
  customElements.define("blink-health-card-editor", BlinkHealthCardEditor);
}
