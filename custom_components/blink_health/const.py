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

DEFAULT_SCAN_INTERVAL: Final = timedelta(seconds=300)
DETAILS_MAX_AGE: Final = timedelta(hours=6)
MAX_BACKOFF: Final = timedelta(hours=1)
MAX_SCAN_INTERVAL_SECONDS: Final = 3600
MIN_SCAN_INTERVAL_SECONDS: Final = 60
# Per-device detail requests allowed in one poll, so a large account never bursts.
DETAILS_PER_POLL: Final = 2

CONF_DOWNLOAD_SENSOR: Final = "download_sensor"
CONF_MAX_CLOUD_LATENCY: Final = "max_cloud_latency_ms"
CONF_MAX_PING: Final = "max_ping_ms"
CONF_MIN_DOWNLOAD: Final = "min_download_mbps"
CONF_OFFLINE_GRACE: Final = "offline_grace_minutes"
CONF_PING_SENSOR: Final = "ping_sensor"
CONF_WEAK_SYNC_BARS: Final = "weak_sync_bars"
CONF_WEAK_WIFI_BARS: Final = "weak_wifi_bars"
MANUFACTURER: Final = "Blink"
