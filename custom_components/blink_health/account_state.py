"""What an account keeps across setup retries and reloads, in hass.data under its entry id.

A reload (saving the options) or a setup retry builds a new coordinator; the request budget,
the failure count and backoff, the per-device details and the last answer belong to the
account, not to that object (issue 17): an outage at startup is counted like one later, and a
reload costs one request instead of every camera's details again.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .cloud import RequestLog
from .const import DOMAIN, MAX_BACKOFF
from .details import DetailsCache
from .governor import RequestGovernor
from .health import AccountHealth

# Enough latency samples for the "sustained over several polls" rule, whatever the option says.
LATENCY_SAMPLES = 12

ACCOUNT_STATES: HassKey[dict[str, AccountState]] = HassKey(f"{DOMAIN}_account_states")


@dataclass(slots=True)
class AccountState:
    """One account's requests and what its last answers left, independent of any coordinator."""

    governor: RequestGovernor
    request_log: RequestLog = field(default_factory=RequestLog)
    details: DetailsCache = field(default_factory=DetailsCache)
    health: AccountHealth | None = None
    homescreen: dict[str, Any] | None = None
    latency_ms: float | None = None
    # Why the last poll failed, for the log line of a try the backoff holds back.
    last_error: str = ""
    recent_latencies: deque[float | None] = field(
        default_factory=lambda: deque(maxlen=LATENCY_SAMPLES)
    )


def async_account_state(
    hass: HomeAssistant, entry: ConfigEntry[Any], interval: float | None
) -> AccountState:
    """Return the entry's kept state (made on first use); its schedule follows the options."""
    states = hass.data.setdefault(ACCOUNT_STATES, {})
    state = states.get(entry.entry_id)
    if state is None:
        state = states[entry.entry_id] = AccountState(
            RequestGovernor(interval=interval, max_backoff=MAX_BACKOFF.total_seconds())
        )
    state.governor.interval = interval
    return state


def async_forget_account_state(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Drop a removed entry's kept state."""
    hass.data.get(ACCOUNT_STATES, {}).pop(entry.entry_id, None)
