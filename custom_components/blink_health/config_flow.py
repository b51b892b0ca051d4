"""Config flow for Blink Health: sign-in with 2FA, reauth, reconfigure and options."""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Any, override
import unicodedata
import uuid

from aiohttp import ClientSession
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    CONF_PASSWORD,
    CONF_USERNAME,
    UnitOfDataRate,
    UnitOfTime,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    DeviceSelector,
    DeviceSelectorConfig,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.util.unit_conversion import DataRateConverter, DurationConverter
import probatio

from .attach import CoreInternalsChanged, CoreNotLoaded, core_view, loaded_core_entries
from .cloud import (
    BlinkCloud,
    ClientBlocked,
    CloudError,
    CloudUnavailable,
    InvalidPin,
    RateLimited,
    TokenRefused,
    TwoFactorRequired,
    async_create_session,
)
from .const import (
    CONF_COOLDOWN_MINUTES,
    CONF_CORE_ENTRY_ID,
    CONF_DOWNLOAD_SENSOR,
    CONF_EXCLUDED,
    CONF_HARDWARE_ID,
    CONF_MAX_ATTEMPTS,
    CONF_MAX_CLOUD_LATENCY,
    CONF_MAX_PING,
    CONF_MIN_DOWNLOAD,
    CONF_MODE,
    CONF_OFFLINE_GRACE,
    CONF_PIN,
    CONF_PING_SENSOR,
    CONF_PLUGS,
    CONF_WEAK_SYNC_BARS,
    CONF_WEAK_WIFI_BARS,
    DEFAULT_COOLDOWN_MINUTES,
    DEFAULT_MAX_ATTEMPTS,
    DOMAIN,
    LOGGER,
    MODE_ATTACH,
)
from .health import SyncModuleHealth, iter_devices
from .power import can_power_cycle
from .runtime import BlinkHealthConfigEntry
from .settings import DEFAULT_THRESHOLDS
from .watchdog import CONF_CORE_WATCHDOG, watchdog_enabled

CREDENTIALS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_USERNAME): TextSelector(
            TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
        ),
        probatio.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(
                type=TextSelectorType.PASSWORD, autocomplete="current-password"
            )
        ),
    }
)
PIN_SCHEMA = probatio.Schema({probatio.Required(CONF_PIN): str})
# Blink's verification codes are six digits; people type them grouped ("123 456", "123-456").
PIN_LENGTH = 6
_PIN_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212._]")
_PIN = re.compile(rf"[0-9]{{{PIN_LENGTH}}}")
# The options the settings step owns; other steps (plugs) keep theirs.
SETTINGS_KEYS = (
    CONF_DOWNLOAD_SENSOR,
    CONF_EXCLUDED,
    CONF_MAX_CLOUD_LATENCY,
    CONF_MAX_PING,
    CONF_MIN_DOWNLOAD,
    CONF_OFFLINE_GRACE,
    CONF_PING_SENSOR,
    CONF_WEAK_SYNC_BARS,
    CONF_WEAK_WIFI_BARS,
    CONF_CORE_WATCHDOG,
)
# The options step's fixed keys: the device to give a plug, then its plug.
CONF_DEVICE = "device"
CONF_PLUG = "plug"


def entry_title(email: str) -> str:
    """Return a title that tells accounts apart without writing the email into logs."""
    name, _, domain = email.partition("@")
    return f"Blink ({name[:1]}***@{domain})" if domain else "Blink"


def normalize_pin(text: str) -> str | None:
    """Return the code as Blink wants it (six ASCII digits), or None if it cannot be one.

    NFKC turns full-width digits ("１２３４５６") into ASCII ones; spaces and dashes between
    groups are dropped.
    """
    pin = _PIN_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return pin if _PIN.fullmatch(pin) else None


def _same_email(first: str, second: str) -> bool:
    """Return whether two emails name the same Blink account (Blink ignores case)."""
    return first.strip().casefold() == second.strip().casefold()


def _error_key(err: CloudError) -> str:
    """Return the form error for a failed sign-in."""
    if isinstance(err, RateLimited):
        return "rate_limited"
    if isinstance(err, CloudUnavailable):
        return "cannot_connect"
    if isinstance(err, InvalidPin):
        return "invalid_pin"
    # Which step of Blink's sign-in refused: the password, the token, or this app install.
    if isinstance(err, ClientBlocked):
        return "client_blocked"
    if isinstance(err, TokenRefused):
        return "token_refused"
    return "invalid_auth"


class BlinkHealthConfigFlow(ConfigFlow, domain=DOMAIN):
    """Sign in to a Blink account; one entry per account."""

    VERSION = 1
    # 1.2: the polling interval is no longer an option (__init__.async_migrate_entry).
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with no sign-in under way."""
        self._cloud: BlinkCloud | None = None
        self._session: ClientSession | None = None
        # Blink blocked the app id used: the next attempt signs in as a new app install.
        self._new_hardware_id = False

    @staticmethod
    @callback
    @override
    def async_get_options_flow(
        config_entry: BlinkHealthConfigEntry,
    ) -> BlinkHealthOptionsFlow:
        """Return the options flow."""
        return BlinkHealthOptionsFlow()

    @override
    def async_remove(self) -> None:
        """Release the flow's own session when the flow ends (its connector is Home Assistant's)."""
        if self._session is not None:
            self._session.detach()
            self._session = None

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the core Blink integration's sign-in if it is loaded, else ask for credentials."""
        if user_input is None and loaded_core_entries(self.hass):
            return self.async_show_menu(
                step_id="user", menu_options=["attach", "sign_in"]
            )
        return await self._async_credentials_step("user", user_input)

    async def async_step_dhcp(
        self, discovery_info: DhcpServiceInfo
    ) -> ConfigFlowResult:
        """Suggest Blink Health when a Blink device joins the network (core Blink's matchers).

        A device on the network does not tell which Blink account it belongs to, so only a
        first setup is suggested: once there is an entry, a discovery is already configured.
        """
        await self._async_handle_discovery_without_unique_id()
        return await self.async_step_user()

    async def async_step_sign_in(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in separately, although the core Blink integration is set up."""
        return await self._async_credentials_step("sign_in", user_input)

    async def async_step_attach(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Use a loaded core Blink entry's sign-in: no second login, no polling of our own."""
        errors: dict[str, str] = {}
        if user_input is not None:
            core_entry_id = user_input[CONF_CORE_ENTRY_ID]
            try:
                view = core_view(self.hass, core_entry_id)
            except CoreNotLoaded:
                errors["base"] = "core_not_loaded"
            except CoreInternalsChanged:
                return self.async_abort(reason="core_internals_changed")
            else:
                await self.async_set_unique_id(str(view.account_id))
                self._abort_if_unique_id_configured()
                username = view.entry.data.get(CONF_USERNAME)
                return self.async_create_entry(
                    title=entry_title(str(username or "")),
                    data={CONF_MODE: MODE_ATTACH, CONF_CORE_ENTRY_ID: core_entry_id},
                )
        if not (entries := loaded_core_entries(self.hass)):
            return self.async_abort(reason="core_not_loaded")
        schema = probatio.Schema(
            {
                probatio.Required(
                    CONF_CORE_ENTRY_ID, default=entries[0].entry_id
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=entry.entry_id, label=entry.title)
                            for entry in entries
                        ],
                        mode=SelectSelectorMode.LIST,
                    )
                )
            }
        )
        return self.async_show_form(step_id="attach", data_schema=schema, errors=errors)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start a reauth: Blink refused the stored tokens, or an attach entry signs in itself."""
        if entry_data.get(CONF_MODE) == MODE_ATTACH:
            return await self.async_step_own_sign_in()
        return await self.async_step_reauth_confirm()

    async def async_step_own_sign_in(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Give an entry that reads the Blink integration its own sign-in (it then polls itself)."""
        return await self._async_credentials_step("own_sign_in", user_input)

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again (and a PIN if Blink sends one)."""
        return await self._async_credentials_step("reauth_confirm", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials of an existing entry (an attach entry gets its own sign-in)."""
        if self._get_reconfigure_entry().data.get(CONF_MODE) == MODE_ATTACH:
            return await self.async_step_own_sign_in()
        return await self._async_credentials_step("reconfigure", user_input)

    async def _async_credentials_step(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show the credentials form; on submit, sign in and go on to 2FA or finish."""
        errors: dict[str, str] = {}
        existing: Mapping[str, Any] = {}
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            existing = self._get_entry_for_source().data
        if user_input is not None and self._email_configured(user_input[CONF_USERNAME]):
            # Known account: refuse before Blink is asked anything (no password, no PIN).
            return self.async_abort(reason="already_configured")
        if user_input is not None:
            self._cloud = self._new_cloud(
                {
                    CONF_USERNAME: user_input[CONF_USERNAME].strip(),
                    CONF_PASSWORD: user_input[CONF_PASSWORD],
                    # Blink rejects fixed strings: one random UUID per entry, kept for good.
                    CONF_HARDWARE_ID: (
                        None
                        if self._new_hardware_id
                        else existing.get(CONF_HARDWARE_ID)
                    )
                    or str(uuid.uuid4()).upper(),
                }
            )
            try:
                await self._cloud.async_sign_in()
            except TwoFactorRequired:
                return await self.async_step_2fa()
            except CloudError as err:
                errors["base"] = _error_key(err)
                self._new_hardware_id = isinstance(err, ClientBlocked)
            except Exception:  # noqa: BLE001 - a flow must never crash on the user
                LOGGER.exception("Unexpected error while signing in to Blink")
                errors["base"] = "unknown"
            else:
                return await self._async_finish()
        suggested = user_input or {CONF_USERNAME: existing.get(CONF_USERNAME, "")}
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, {CONF_USERNAME: suggested.get(CONF_USERNAME, "")}
            ),
            errors=errors,
        )

    def _email_configured(self, email: str) -> bool:
        """Return whether a new sign-in's email is that of an account already set up.

        Reauth and reconfigure work on their own entry and are never refused here; an entry
        that reads the Blink integration counts with the email of that integration's entry.
        """
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            return False
        for entry in self._async_current_entries(include_ignore=False):
            known = entry.data.get(CONF_USERNAME)
            if entry.data.get(CONF_MODE) == MODE_ATTACH:
                core = self.hass.config_entries.async_get_entry(
                    entry.data.get(CONF_CORE_ENTRY_ID, "")
                )
                known = core.data.get(CONF_USERNAME) if core is not None else None
            if isinstance(known, str) and _same_email(known, email):
                return True
        return False

    async def async_step_2fa(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the PIN Blink sent by SMS or email."""
        errors: dict[str, str] = {}
        if user_input is not None and self._cloud is not None:
            if (pin := normalize_pin(user_input[CONF_PIN])) is None:
                # Not a code Blink could have sent: asking Blink would only cost a request.
                errors[CONF_PIN] = "pin_format"
                return self.async_show_form(
                    step_id="2fa",
                    data_schema=self.add_suggested_values_to_schema(
                        PIN_SCHEMA, user_input
                    ),
                    errors=errors,
                )
            try:
                await self._cloud.async_verify_pin(pin)
            except CloudError as err:
                errors["base"] = _error_key(err)
            except Exception:  # noqa: BLE001 - a flow must never crash on the user
                LOGGER.exception("Unexpected error while verifying the Blink PIN")
                errors["base"] = "unknown"
            else:
                return await self._async_finish()
        return self.async_show_form(
            step_id="2fa", data_schema=PIN_SCHEMA, errors=errors
        )

    def _new_cloud(self, login_data: Mapping[str, Any]) -> BlinkCloud:
        """Create a cloud client on the flow's own session (cookies link the OAuth steps)."""
        if self._session is None:
            self._session, request_log = async_create_session(
                self.hass, auto_cleanup=False
            )
            self._request_log = request_log
        return BlinkCloud(self._session, self._request_log, login_data)

    async def _async_finish(self) -> ConfigFlowResult:
        """Create the entry, or update the one being reauthenticated or reconfigured."""
        assert self._cloud is not None
        data = self._cloud.login_data
        await self.async_set_unique_id(str(self._cloud.account_id))
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            entry = self._get_entry_for_source()
            # The data is replaced: an attach entry loses its mode and polls by itself.
            return self.async_update_reload_and_abort(
                entry,
                data=data,
                reason=(
                    "own_sign_in_successful"
                    if entry.data.get(CONF_MODE) == MODE_ATTACH
                    else UNDEFINED
                ),
            )
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=entry_title(data[CONF_USERNAME]), data=data
        )

    def _get_entry_for_source(self) -> BlinkHealthConfigEntry:
        """Return the entry a reauth or reconfigure flow works on."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        return self._get_reconfigure_entry()


def _number(
    minimum: float,
    maximum: float,
    step: float,
    unit: str,
    translation_key: str | None = None,
) -> NumberSelector:
    """Return a number box with bounds, used for every threshold.

    `unit` is one Home Assistant knows, or (with `translation_key`) a key of en.json's
    selector.<translation_key>.unit_of_measurement, so the frontend translates it.
    """
    config = NumberSelectorConfig(
        min=minimum,
        max=maximum,
        step=step,
        unit_of_measurement=unit,
        mode=NumberSelectorMode.BOX,
    )
    if translation_key is not None:
        config["translation_key"] = translation_key
    return NumberSelector(config)


class BlinkHealthOptionsFlow(OptionsFlowWithReload):
    """Health thresholds, the internet sensors to compare with Blink's needs, and smart plugs.

    The polling interval is not an option (Home Assistant's rule for integrations): to poll
    less, disable polling in the entry's system options and call homeassistant.update_entity.
    """

    def __init__(self) -> None:
        """Start with no device chosen for a plug."""
        self._serial = ""
        self._device_name = ""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the option pages: thresholds, and smart plugs (needs the devices)."""
        loaded = self.config_entry.state is ConfigEntryState.LOADED
        return self.async_show_menu(
            step_id="init",
            menu_options=["settings", "plugs"] if loaded else ["settings"],
        )

    def _plug_devices(self) -> dict[str, tuple[str, str]]:
        """Return serial → (name, kind) of the devices that can run on mains power, as listed.

        The kind (the model's name, "Sync Module", "Blink Mini") tells apart devices that
        share a name, in the place of a serial nobody knows (issue 19).

        Devices away from the account right now (a camera being re-added) are not offered:
        their plugs stay as they were.
        """
        return {
            device.serial: (
                device.name,
                device.model
                if isinstance(device, SyncModuleHealth)
                else device.product.model,
            )
            for device in iter_devices(self.config_entry.runtime_data.coordinator.data)
            if can_power_cycle(device)
        }

    def _plug_label(self, entity_id: str) -> str:
        """Return a plug as the user knows it: its name, else its entity id."""
        state = self.hass.states.get(entity_id)
        return state.name if state is not None else entity_id

    async def async_step_plugs(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the device whose smart plug to set (its name is data, never a field key)."""
        devices = self._plug_devices()
        if user_input is not None:
            self._serial = user_input[CONF_DEVICE]
            self._device_name = devices[self._serial][0]
            return await self.async_step_plug()
        plugs: dict[str, str] = self.config_entry.options.get(CONF_PLUGS) or {}
        schema = probatio.Schema(
            {
                probatio.Required(CONF_DEVICE): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(
                                value=serial,
                                label=f"{name} ({kind}) → {self._plug_label(plugs[serial])}"
                                if serial in plugs
                                else f"{name} ({kind})",
                            )
                            for serial, (name, kind) in devices.items()
                        ],
                        mode=SelectSelectorMode.LIST,
                    )
                )
            }
        )
        return self.async_show_form(step_id="plugs", data_schema=schema)

    async def async_step_plug(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the switch that powers the device (none: no plug), the cooldown and the cap."""
        serial = self._serial
        options = self.config_entry.options
        plugs_before: dict[str, str] = options.get(CONF_PLUGS) or {}
        errors: dict[str, str] = {}
        if user_input is not None:
            plug = user_input.get(CONF_PLUG)
            if plug and self.hass.states.get(plug) is None:
                errors[CONF_PLUG] = "plug_not_found"
            else:
                plugs = {s: e for s, e in plugs_before.items() if s != serial}
                if plug:
                    plugs[serial] = plug
                return self.async_create_entry(
                    data={
                        **options,
                        CONF_PLUGS: plugs,
                        CONF_COOLDOWN_MINUTES: user_input[CONF_COOLDOWN_MINUTES],
                        CONF_MAX_ATTEMPTS: user_input[CONF_MAX_ATTEMPTS],
                    }
                )
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_PLUG): EntitySelector(
                    EntitySelectorConfig(domain=SWITCH_DOMAIN)
                ),
                probatio.Required(
                    CONF_COOLDOWN_MINUTES, default=DEFAULT_COOLDOWN_MINUTES
                ): probatio.All(
                    _number(1, 1440, 1, UnitOfTime.MINUTES), probatio.Coerce(int)
                ),
                probatio.Required(
                    CONF_MAX_ATTEMPTS, default=DEFAULT_MAX_ATTEMPTS
                ): probatio.All(
                    _number(1, 10, 1, "attempts", "power_cycles"), probatio.Coerce(int)
                ),
            }
        )
        suggested = user_input or {
            key: value
            for key, value in (
                (CONF_PLUG, plugs_before.get(serial)),
                (CONF_COOLDOWN_MINUTES, options.get(CONF_COOLDOWN_MINUTES)),
                (CONF_MAX_ATTEMPTS, options.get(CONF_MAX_ATTEMPTS)),
            )
            if value is not None
        }
        return self.async_show_form(
            step_id="plug",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            description_placeholders={"device": self._device_name},
            errors=errors,
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and store thresholds and the internet sensors."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = self._validate_sensors(user_input)
            if not errors:
                # Keep options set elsewhere (plugs); a cleared sensor field removes its option.
                kept = {
                    key: value
                    for key, value in self.config_entry.options.items()
                    if key not in SETTINGS_KEYS
                }
                return self.async_create_entry(data={**kept, **user_input})
        defaults = DEFAULT_THRESHOLDS
        schema = probatio.Schema(
            {
                probatio.Required(
                    CONF_WEAK_WIFI_BARS, default=defaults.weak_wifi_bars
                ): probatio.All(
                    _number(0, 5, 1, "bars", "signal_bars"), probatio.Coerce(int)
                ),
                probatio.Required(
                    CONF_WEAK_SYNC_BARS, default=defaults.weak_sync_bars
                ): probatio.All(
                    _number(0, 5, 1, "bars", "signal_bars"), probatio.Coerce(int)
                ),
                probatio.Required(
                    CONF_MIN_DOWNLOAD, default=defaults.min_download_mbps
                ): _number(0.1, 1000, 0.1, UnitOfDataRate.MEGABITS_PER_SECOND),
                probatio.Required(CONF_MAX_PING, default=defaults.max_ping_ms): _number(
                    1, 5000, 1, UnitOfTime.MILLISECONDS
                ),
                probatio.Required(
                    CONF_MAX_CLOUD_LATENCY, default=defaults.max_cloud_latency_ms
                ): _number(100, 30000, 100, UnitOfTime.MILLISECONDS),
                probatio.Required(
                    CONF_OFFLINE_GRACE,
                    default=defaults.offline_grace.total_seconds() / 60,
                ): _number(0, 240, 1, UnitOfTime.MINUTES),
                probatio.Optional(CONF_DOWNLOAD_SENSOR): EntitySelector(
                    EntitySelectorConfig(domain="sensor")
                ),
                probatio.Optional(CONF_PING_SENSOR): EntitySelector(
                    EntitySelectorConfig(domain="sensor")
                ),
                probatio.Optional(CONF_EXCLUDED): DeviceSelector(
                    DeviceSelectorConfig(integration=DOMAIN, multiple=True)
                ),
                probatio.Required(
                    CONF_CORE_WATCHDOG, default=watchdog_enabled(self.config_entry)
                ): bool,
            }
        )
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self.config_entry.options
            ),
            errors=errors,
        )

    def _validate_sensors(self, user_input: dict[str, Any]) -> dict[str, str]:
        """Check the chosen internet sensors measure a data rate and a time."""
        errors: dict[str, str] = {}
        for key, units in (
            (CONF_DOWNLOAD_SENSOR, DataRateConverter.VALID_UNITS),
            (CONF_PING_SENSOR, DurationConverter.VALID_UNITS),
        ):
            if not (entity_id := user_input.get(key)):
                continue
            state = self.hass.states.get(entity_id)
            unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) if state else None
            if unit not in units:
                errors[key] = f"invalid_{key}"
        return errors
