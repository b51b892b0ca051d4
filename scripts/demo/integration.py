"""Blink Health added through the config flow REST API and configured through its options flow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import json
from pathlib import Path
import time
from typing import Any

from . import DOMAIN, DemoError, say
from .client import Client

OPTIONS_FILE = "demo_options.json"
FLOW = "/api/config/config_entries/flow"
OPTIONS_FLOW = "/api/config/config_entries/options/flow"
# Options → settings: the internet sensors Blink Health compares with Blink's requirements, and
# no offline grace, so the hung Mini's issue is there at once (battery cameras keep their own 30
# minutes). Polling stays Blink Health's 5 minutes (no user option); "check again" and the
# diagnose button fetch fresh data sooner.
SETTINGS = {
    "download_sensor": "sensor.internet_download_speed",
    "offline_grace_minutes": 0,
    "ping_sensor": "sensor.internet_ping",
}
# The switch configuration.yaml defines for each of the simulator's plugs.
PLUG_SWITCHES = {
    "plug-garage-sync": "switch.garage_sync_module_plug",
    "plug-hall-mini": "switch.hall_mini_plug",
}


@dataclass
class Setup:
    """Blink Health's entry in Home Assistant (ha, signed in), for the simulator's account."""

    ha: Client
    sim: Client
    config_dir: Path

    def run(self) -> None:
        """Make sure Blink Health is set up, loaded and configured for the demo."""
        entry_id = self._ensure_entry()
        self._wait_loaded(entry_id)
        self._ensure_options(entry_id)

    def _run_flow(self, flow: dict[str, Any]) -> dict[str, Any]:
        """Answer Blink Health's sign-in steps (credentials, then the 2FA PIN) until the flow ends."""
        # The simulated Blink account (email, password, PIN), from the control API.
        account = self.sim.request("GET", "/_sim/state")["account"]
        credentials = {"username": account["email"], "password": account["password"]}
        answers = {
            "user": credentials,
            "reauth_confirm": credentials,
            "2fa": {"pin": account["pin"]},
        }
        for _ in range(5):
            if flow["type"] != "form":
                return flow
            if flow.get("errors"):
                raise DemoError(f"Blink Health's sign-in refused: {flow['errors']}")
            flow = self.ha.request(
                "POST", f"{FLOW}/{flow['flow_id']}", answers[flow["step_id"]]
            )
        raise DemoError("Blink Health's sign-in did not finish")

    def _ensure_entry(self) -> str:
        """Add Blink Health through the config flow, or finish its reauth; return the entry id."""
        if not (entries := self.ha.entries()):
            say("Adding Blink Health (the simulator's demo account, with its 2FA PIN)")
            flow = self.ha.request("POST", FLOW, {"handler": DOMAIN})
            result = self._run_flow(flow)
            if result["type"] != "create_entry":
                raise DemoError(f"Blink Health's config flow ended with {result}")
            return str(result["result"]["entry_id"])
        # The simulator starts afresh on every run, so the stored tokens are unknown to it and
        # Blink Health asks to sign in again: answer that the way a person would.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.ha.entries()[0]["state"] == "loaded":
                break
            for flow in self.ha.ws({"type": "config_entries/flow/progress"}):
                if (
                    flow["handler"] == DOMAIN
                    and flow["context"].get("source") == "reauth"
                ):
                    say("Signing Blink Health in to the fresh simulator again (reauth)")
                    self._run_flow(self.ha.request("GET", f"{FLOW}/{flow['flow_id']}"))
            time.sleep(1)
        return str(entries[0]["entry_id"])

    def _wait_loaded(self, entry_id: str) -> None:
        """Wait until the entry is loaded (its devices exist), two minutes at the most."""
        deadline = time.monotonic() + 120
        while True:
            entry = next(e for e in self.ha.entries() if e["entry_id"] == entry_id)
            if entry["state"] == "loaded":
                return
            if time.monotonic() > deadline:
                raise DemoError(f"Blink Health did not load: {entry['state']}")
            time.sleep(1)

    def _options_step(
        self, entry_id: str, step: str
    ) -> tuple[str, dict[str, Any]] | None:
        """Open the options flow on the given menu step; None when the menu lacks it."""
        flow = self.ha.request("POST", OPTIONS_FLOW, {"handler": entry_id})
        if flow["type"] == "menu":
            if step not in flow["menu_options"]:
                return None
            flow = self.ha.request(
                "POST", f"{OPTIONS_FLOW}/{flow['flow_id']}", {"next_step_id": step}
            )
        if flow.get("step_id") != step:
            return None
        return f"{OPTIONS_FLOW}/{flow['flow_id']}", flow

    def _ensure_options(self, entry_id: str) -> None:
        """Point Blink Health at the demo's internet sensors and map the plugs (once each)."""
        path = self.config_dir / OPTIONS_FILE
        # Which option pages the demo has already filled in on an earlier run.
        state = dict(json.loads(path.read_text())) if path.exists() else {}
        if not state.get("settings_done") and self._fill_options(
            entry_id,
            "settings",
            lambda _form: SETTINGS,
            "settings",
            "Options: the demo's download-speed and ping sensors are compared with "
            "Blink's needs; no offline grace period",
        ):
            state["settings_done"] = True
        if not state.get("plugs_done") and self._fill_plugs(entry_id):
            say(
                "Options: the demo's plug switches feed the Garage Sync Module and the Hall Mini"
            )
            state["plugs_done"] = True
        path.write_text(json.dumps(state) + "\n")

    def _fill_options(
        self,
        entry_id: str,
        step: str,
        answers: Callable[[Mapping[str, Any]], Mapping[str, Any]],
        what: str,
        note: str,
    ) -> bool:
        """Answer one options page over its current values; False when the menu lacks it."""
        if not (opened := self._options_step(entry_id, step)):
            return False
        url, form = opened
        result = self.ha.request("POST", url, {**_defaults(form), **answers(form)})
        if result["type"] != "create_entry":
            raise DemoError(f"Blink Health's {what} refused: {result.get('errors')}")
        say(note)
        self._wait_loaded(entry_id)
        return True

    def _fill_plugs(self, entry_id: str) -> bool:
        """Give each plugged device its switch: one pass of the Smart plugs page per device."""
        if not (opened := self._options_step(entry_id, "plugs")):
            return False
        for index, (serial, switch) in enumerate(self.plug_answers(opened[1]).items()):
            if index and not (opened := self._options_step(entry_id, "plugs")):
                raise DemoError("Blink Health's smart plug options went away")
            url, _ = opened
            form = self.ha.request("POST", url, {"device": serial})
            result = self.ha.request("POST", url, {**_defaults(form), "plug": switch})
            if result["type"] != "create_entry":
                raise DemoError(
                    f"Blink Health's smart plug options refused: {result.get('errors')}"
                )
            self._wait_loaded(entry_id)
        return True

    def plug_answers(self, form: Mapping[str, Any]) -> dict[str, str]:
        """Return serial → switch for each device the plugs step offers that a demo plug feeds."""
        plugs = self.sim.request("GET", "/_sim/state")["plugs"]
        offered = [
            option["value"]
            for field_ in form["data_schema"]
            if field_["name"] == "device"
            for option in field_["selector"]["select"]["options"]
        ]
        return {
            serial: PLUG_SWITCHES[plug_id]
            for serial in offered
            for plug_id, plug in plugs.items()
            if serial in plug["devices"] and plug_id in PLUG_SWITCHES
        }


def _defaults(form: Mapping[str, Any]) -> dict[str, Any]:
    """Return a form's current values: its suggested values, else its defaults."""
    answer: dict[str, Any] = {}
    for field_ in form["data_schema"]:
        suggested = (field_.get("description") or {}).get("suggested_value")
        if suggested is not None:
            answer[field_["name"]] = suggested
        elif "default" in field_:
            answer[field_["name"]] = field_["default"]
    return answer
