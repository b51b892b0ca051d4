// The card's look: only the theme's CSS variables, so light, dark and custom themes apply.

import { css } from "lit";

export const cardStyles = css`
  ha-card { padding: 12px 16px 16px; overflow: hidden; }
  .header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: space-between; }
  .title { font-size: var(--ha-card-header-font-size, 1.5em); color: var(--ha-card-header-color, var(--primary-text-color)); }
  button { font: inherit; color: inherit; cursor: pointer; }
  .counts { display: flex; gap: 6px; flex-wrap: wrap; border: none; background: none; padding: 0; }
  .count { border-radius: 12px; padding: 2px 10px; font-size: 0.9em; font-weight: 500;
    color: var(--text-primary-color, #fff); }
  .count.problem { background: var(--error-color); }
  .count.warning, .count.blocked, .count.waiting { background: var(--warning-color); }
  .count.ok { background: var(--success-color); }
  .account { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 10px 0 4px; padding: 8px 0;
    border-top: 1px solid var(--divider-color); border-bottom: 1px solid var(--divider-color); }
  .figure { cursor: pointer; white-space: nowrap; color: var(--primary-text-color); }
  .label { color: var(--secondary-text-color); }
  .group { margin-top: 8px; }
  .device.sync .name { font-size: 1.05em; }
  .group-title { font-weight: 500; color: var(--secondary-text-color); text-transform: uppercase;
    font-size: 0.8em; letter-spacing: 0.05em; margin-bottom: 4px; }
  .device { padding: 8px 0; border-bottom: 1px solid var(--divider-color); }
  .device:last-child { border-bottom: none; }
  .device.camera { padding-left: 12px; }
  .compact .device { padding-top: 4px; padding-bottom: 4px; }
  .line { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
  .name { font-weight: 500; cursor: pointer; color: var(--primary-text-color); flex: 1 1 auto; min-width: 0; }
  .online { color: var(--secondary-text-color); }
  .health { border-radius: 10px; padding: 0 8px; font-size: 0.85em; cursor: pointer;
    border: 1px solid currentColor; }
  .health.ok { color: var(--success-color); }
  .health.warning, .health.blocked, .health.waiting { color: var(--warning-color); }
  .health.problem { color: var(--error-color); }
  .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; flex: none;
    background: var(--disabled-color, var(--secondary-text-color)); }
  .dot.on { background: var(--success-color); }
  .dot.off { background: var(--error-color); }
  .reasons { margin: 4px 0 0 18px; padding: 0 0 0 16px; color: var(--secondary-text-color); font-size: 0.9em; }
  .details { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0 0 18px; font-size: 0.9em; }
  .signal { display: inline-flex; align-items: flex-end; gap: 4px; cursor: pointer; }
  .bars { display: inline-flex; align-items: flex-end; gap: 2px; height: 12px; }
  .bars i { display: block; width: 4px; border-radius: 1px; background: var(--divider-color); }
  .bars i.lit { background: var(--success-color); }
  .bars.weak i.lit { background: var(--warning-color); }
  .battery.low { color: var(--error-color); }
  .buttons { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 0 18px; }
  .action { display: inline-flex; align-items: center; gap: 4px; padding: 4px 12px; border-radius: 16px;
    border: 1px solid var(--divider-color); background: var(--card-background-color, transparent);
    color: var(--primary-color); --mdc-icon-size: 18px; }
  .action[disabled] { opacity: 0.5; cursor: progress; }
  .empty { padding: 16px 0; color: var(--secondary-text-color); }
`;
