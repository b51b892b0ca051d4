"""One way to build the translated errors that actions, buttons and flows raise."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN


def translated_error(
    key: str,
    cls: type[HomeAssistantError] = ServiceValidationError,
    **placeholders: object,
) -> HomeAssistantError:
    """Build a translated error; placeholders become strings (translations take text)."""
    return cls(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()},
    )
