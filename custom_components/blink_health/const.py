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
