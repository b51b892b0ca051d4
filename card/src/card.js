// custom:blink-health-card: every Blink Health device of every entry, grouped by Sync Module.

import { LitElement, html, nothing } from "lit";
import { buildModel, deviceCount, deviceName, healthCounts } from "./model.js";
import { cardStyles } from "./styles.js";
import { loadTexts, text } from "./texts.js";

const REPAIRS = "/config/repairs";
// Health states that count as a problem in the header, worst first.
const COUNTED = ["problem", "warning", "blocked", "waiting"];

/** Open a page of Home Assistant's frontend the way its own links do. */
function navigate(path) {
  history.pushState(null, "", path);
  window.dispatchEvent(new CustomEvent("location-changed", { detail: { replace: false } }));
}

/** Return a relative time ("5 minutes ago") in the user's language. */
function relative(hass, iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  if (Number.isNaN(seconds)) return "";
  const format = new Intl.RelativeTimeFormat(hass.locale?.language ?? hass.language, { numeric: "auto" });
  for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds), "second");
}

export class BlinkHealthCard extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
    _texts: { state: true },
    _language: { state: true },
    _pressing: { state: true },
  };

  static styles = cardStyles;

  constructor() {
    super();
    this._texts = false;
    this._pressing = new Set();
  }

  /** Return the card's options editor (the card picker opens it). */
  static async getConfigElement() {
    await import("./editor.js");
    return document.createElement("blink-health-card-editor");
  }

  /** Return the configuration the card picker starts with: every device, in full. */
  static getStubConfig() {
    return {};
  }

  /** Keep the configuration (entries, devices, compact, title). */
  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    for (const list of ["entries", "devices"]) {
      if (config[list] !== undefined && !Array.isArray(config[list])) {
        throw new Error(`${list} must be a list`);
      }
    }
    this._config = config;
  }

  /** Return the card's height in masonry rows (about one per device). */
  getCardSize() {
    if (!this.hass || !this._config) return 3;
    return 2 + deviceCount(buildModel(this.hass, this._config));
  }

  /** Return the sections view's size: full width by default, half at least. */
  getGridOptions() {
    return { columns: 12, min_columns: 6 };
  }

  /** Load the integration's texts once the card has Home Assistant. */
  willUpdate(changed) {
    // Again when the user switches language: hass.localize then has the new texts.
    if (changed.has("hass") && this.hass && this.hass.language !== this._language) {
      this._language = this.hass.language;
      loadTexts(this.hass).then(() => (this._texts = true));
    }
  }

  _t(key, values) {
    return text(this.hass, key, values);
  }

  /** Return the entity's state as Home Assistant words it ("Connected", "OK"). */
  _state(entityId) {
    const state = entityId && this.hass.states[entityId];
    if (!state) return "";
    return this.hass.formatEntityState ? this.hass.formatEntityState(state) : state.state;
  }

  _moreInfo(entityId) {
    this.dispatchEvent(new CustomEvent("hass-more-info", { detail: { entityId }, bubbles: true, composed: true }));
  }

  async _press(entityId) {
    this._pressing = new Set([...this._pressing, entityId]);
    try {
      await this.hass.callService("button", "press", { entity_id: entityId });
    } finally {
      const left = new Set(this._pressing);
      left.delete(entityId);
      this._pressing = left;
    }
  }

  render() {
    if (!this.hass || !this._config || !this._texts) return html`<ha-card></ha-card>`;
    const accounts = buildModel(this.hass, this._config);
    const compact = Boolean(this._config.compact);
    return html`
      <ha-card class=${compact ? "compact" : "full"}>
        ${this._header(accounts)}
        ${accounts.length
          ? accounts.map((account) => this._account(account, compact))
          : html`<div class="empty">${this._t("card_no_devices")}</div>`}
      </ha-card>
    `;
  }

  _header(accounts) {
    const counts = healthCounts(this.hass, accounts);
    const shown = COUNTED.filter((state) => counts[state]);
    return html`
      <div class="header">
        <div class="title">${this._config.title ?? this._t("card_title")}</div>
        <button class="counts ${shown.length ? "bad" : "good"}" @click=${() => navigate(REPAIRS)}
          title=${this._t("card_open_repairs")}>
          ${shown.length
            ? shown.map((state) => html`<span class="count ${state}">${this._t(`card_count_${state}`, { count: counts[state] })}</span>`)
            : html`<span class="count ok">${this._t("card_all_ok")}</span>`}
        </button>
      </div>
    `;
  }

  _account(account, compact) {
    const e = account.entities;
    const reachable = this.hass.states[e.cloud_reachable]?.state;
    const figure = (key, label) =>
      e[key] && this.hass.states[e[key]]
        ? html`<span class="figure" @click=${() => this._moreInfo(e[key])}>
            <span class="label">${label}</span> ${this._state(e[key])}</span>`
        : nothing;
    return html`
      <div class="account">
        <span class="figure" @click=${() => this._moreInfo(e.cloud_reachable)}>
          <span class="dot ${reachable === "on" ? "on" : "off"}"></span>
          <span class="label">${this._t("card_cloud")}</span> ${this._state(e.cloud_reachable)}
        </span>
        ${figure("cloud_latency", this._t("card_latency"))}
        ${figure("api_requests", this._t("card_requests"))}
        ${compact ? nothing : figure("power_cycles_7d", this._t("card_power_cycles_7d"))}
        ${compact ? nothing : figure("readds_7d", this._t("card_readds_7d"))}
      </div>
      ${account.groups.map((group) => this._group(group, compact))}
    `;
  }

  _group(group, compact) {
    return html`
      <div class="group">
        ${group.sync
          ? this._device(group.sync, compact, true)
          : html`<div class="group-title">${group.title ?? this._t("card_no_sync_module")}</div>`}
        ${group.cameras.map((item) => this._device(item, compact, false))}
      </div>
    `;
  }

  _bars(entityId, label) {
    const state = entityId && this.hass.states[entityId];
    if (!state) return nothing;
    const value = Number(state.state);
    const known = Number.isFinite(value);
    return html`
      <span class="signal" title="${label}: ${this._state(entityId)}" @click=${() => this._moreInfo(entityId)}>
        <span class="label">${label}</span>
        <span class="bars ${known && value <= 2 ? "weak" : ""}" aria-label="${label}: ${this._state(entityId)}">
          ${[1, 2, 3, 4, 5].map((n) => html`<i class=${known && n <= value ? "lit" : ""} style="height:${2 + n * 2}px"></i>`)}
        </span>
      </span>
    `;
  }

  _device(item, compact, isSync) {
    const e = item.entities;
    const online = this.hass.states[e.online]?.state;
    const health = this.hass.states[e.health];
    const reasons = health?.attributes.reasons;
    const heartbeat = this.hass.states[e.last_heartbeat]?.state;
    const battery = this.hass.states[e.battery];
    return html`
      <div class="device ${isSync ? "sync" : "camera"} ${online === "off" ? "offline" : ""}" data-device=${item.device.id}>
        <div class="line">
          <span class="dot ${online === "on" ? "on" : online === "off" ? "off" : "unknown"}"></span>
          <span class="name" @click=${() => this._moreInfo(e.health ?? e.online)}>${deviceName(item.device)}</span>
          <span class="online">${this._state(e.online)}</span>
          <span class="health ${health?.state ?? ""}" @click=${() => this._moreInfo(e.health)}>${this._state(e.health)}</span>
          ${compact ? this._bars(e.wifi_signal, this._t("card_wifi")) : nothing}
        </div>
        ${compact ? nothing : html`
          ${Array.isArray(reasons) && reasons.length
            ? html`<ul class="reasons">${reasons.map((reason) => html`<li>${this._reason(health, reason)}</li>`)}</ul>`
            : nothing}
          <div class="details">
            ${this._bars(e.wifi_signal, this._t("card_wifi"))}
            ${this._bars(e.sync_signal, this._t("card_sync_link"))}
            ${heartbeat && !["unknown", "unavailable"].includes(heartbeat)
              ? html`<span class="figure"><span class="label">${this._t("card_last_report")}</span> ${relative(this.hass, heartbeat)}</span>`
              : nothing}
            ${battery ? html`<span class="figure battery ${battery.state === "on" ? "low" : ""}"><span class="label">${this._t("card_battery")}</span> ${this._state(e.battery)}</span>` : nothing}
            ${this._outages(e)}
          </div>
          ${this._buttons(e)}
        `}
      </div>
    `;
  }

  /** Return a reason in the user's words: the Health sensor's translated attribute value. */
  _reason(health, reason) {
    if (typeof reason !== "string") return JSON.stringify(reason);
    return this.hass.formatEntityAttributeValue?.(health, "reasons", reason) ?? reason;
  }

  _outages(e) {
    const shown = ["outages_24h", "last_outage", "availability_7d"].filter((key) => e[key] && this.hass.states[e[key]]);
    return shown.map(
      (key) => html`<span class="figure outage" @click=${() => this._moreInfo(e[key])}>
        <span class="label">${this._t(`card_${key}`)}</span> ${this._state(e[key])}</span>`,
    );
  }

  _buttons(e) {
    const buttons = [
      ["power_cycle", "mdi:restart", "card_power_cycle"],
      ["diagnose", "mdi:stethoscope", "card_troubleshoot"],
    ].filter(([key]) => e[key] && this.hass.states[e[key]]);
    if (!buttons.length) return nothing;
    return html`
      <div class="buttons">
        ${buttons.map(([key, icon, label]) => {
          const entityId = e[key];
          const busy = this._pressing.has(entityId) || this.hass.states[entityId].state === "unavailable";
          return html`<button class="action ${key}" ?disabled=${busy} @click=${() => this._press(entityId)}>
            <ha-icon icon=${icon}></ha-icon><span>${this._t(label)}</span></button>`;
        })}
      </div>
    `;
  }
}
