// The bundle's entry: define the card and list it in the card picker (with a live preview).

import { BlinkHealthCard } from "./card.js";

if (!customElements.get("blink-health-card")) {
  customElements.define("blink-health-card", BlinkHealthCard);
  window.customCards = window.customCards || [];
  window.customCards.push({
    type: "blink-health-card",
    name: "Blink Health",
    description: "Every Blink camera and Sync Module: online, health, signal, battery and fixes.",
    preview: true,
    documentationURL: "https://github.com/blink-health/blink-health#the-blink-health-card",
  });
}
