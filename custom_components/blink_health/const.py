"""Constants for the Blink Health integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "blink_health"
LOGGER = logging.getLogger(__package__)

# Environment variable that sends every Blink request to another base URL (the simulator).
CLOUD_URL_ENV: Final = "BLINK_HEALTH_CLOUD_URL"

CONF_HARDWARE_ID: Final = "hardware_id"
CONF_PIN: Final = "pin"
CONF_SCAN_INTERVAL: Final = "scan_interval"

# Attach mode: read the core `blink` integration's sign-in instead of signing in again.
CONF_CORE_ENTRY_ID: Final = "core_entry_id"
CONF_MODE: Final = "mode"
CORE_DOMAIN: Final = "blink"
MODE_ATTACH: Final = "attach"

DEFAULT_SCAN_INTERVAL: Final = timedelta(seconds=300)
DETAILS_MAX_AGE: Final = timedelta(hours=6)
MAX_BACKOFF: Final = timedelta(hours=1)
# Per-device detail requests allowed in one poll, so a large account never bursts.
DETAILS_PER_POLL: Final = 2

CONF_DOWNLOAD_SENSOR: Final = "download_sensor"
CONF_EXCLUDED: Final = "excluded_devices"
CONF_MAX_CLOUD_LATENCY: Final = "max_cloud_latency_ms"
CONF_MAX_PING: Final = "max_ping_ms"
CONF_MIN_DOWNLOAD: Final = "min_download_mbps"
CONF_OFFLINE_GRACE: Final = "offline_grace_minutes"
CONF_PING_SENSOR: Final = "ping_sensor"
CONF_WEAK_SYNC_BARS: Final = "weak_sync_bars"
CONF_WEAK_WIFI_BARS: Final = "weak_wifi_bars"
MANUFACTURER: Final = "Blink"

EVENT_DEVICE_OFFLINE: Final = "blink_health_device_offline"
EVENT_DEVICE_ONLINE: Final = "blink_health_device_online"
EVENT_POWER_CYCLE: Final = "blink_health_power_cycle"
# Fired when a guided re-add ends (readd.py); outage history and the logbook read it.
EVENT_READD: Final = "blink_health_readd"

# Power-cycling through smart plugs (options: serial → switch entity id; cooldown; cap per 24 h).
CONF_COOLDOWN_MINUTES: Final = "cooldown_minutes"
CONF_MAX_ATTEMPTS: Final = "max_attempts"
CONF_PLUGS: Final = "plugs"
DEFAULT_COOLDOWN_MINUTES: Final = 15
DEFAULT_MAX_ATTEMPTS: Final = 3
# While a power-cycled device is verified, the coordinator polls this often, for at most this long.
FAST_POLL_INTERVAL: Final = timedelta(seconds=15)
MAX_FAST_POLL: Final = timedelta(minutes=10)
# While a camera's re-add is watched, polls come at most this far apart (a person is at work
# in the Blink app; a minute is what a user's own polling could once be set to).
READD_POLL_INTERVAL: Final = timedelta(minutes=1)
# The README sections that repair issues link to.
README_URL: Final = "https://github.com/blink-health/blink-health"
