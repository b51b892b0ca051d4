"""Every plug a power cycle may have left off, for every account: one keeper per Home Assistant.

It lives outside the config entries on purpose: started from the integration's own setup, it
switches plugs on whatever the Blink side does (sign-in, reauth, setup retry, entry removed).
It also owns the physical cycles, keyed by plug, so two devices on one plug (or two accounts)
share one cycle and every caller hears the same outcome.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util.async_ import create_eager_task
from homeassistant.util.hass_dict import HassKey

from custom_components.blink_health.const import DOMAIN, LOGGER

from .issue import PlugStillOffRepairFlow, async_clear, async_raise
from .journal import Journal, Record, plug_key
from .plug import Plug
from .restore import Restorer
from .switching import async_switch_cycle

DATA_KEEPER: HassKey[PlugKeeper] = HassKey(f"{DOMAIN}_plugs")
REMOVED = ""  # the journal of removed entries' records


@callback
def plug_keeper(hass: HomeAssistant) -> PlugKeeper:
    """Return Home Assistant's plug keeper, created on first use."""
    if (keeper := hass.data.get(DATA_KEEPER)) is None:
        keeper = hass.data[DATA_KEEPER] = PlugKeeper(hass)
    return keeper


class PlugKeeper:
    """Journals of all accounts, the physical cycles, and the restorers of plugs left off."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start empty; async_setup loads every journal."""
        self.hass = hass
        self.journals: dict[str, Journal] = {REMOVED: Journal.for_removed(hass)}
        self._loaded = False
        self._restorers: dict[str, Restorer] = {}
        self._cycles: dict[str, asyncio.Task[datetime]] = {}
        self._holders: dict[str, set[str]] = {}
        self.stopped = False
        # Not once: a test (or a restart in place) may stop more than once per instance.
        hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, self._async_stop)

    async def async_setup(self) -> None:
        """Load every account's journal (and the removed entries') and recover their plugs."""
        if not self._loaded:
            self._loaded = True
            await self.journals[REMOVED].async_load()
            self._recover(self.journals[REMOVED])
        for entry in self.hass.config_entries.async_entries(DOMAIN):
            await self.async_open(entry)

    async def async_open(self, entry: ConfigEntry[Any]) -> Journal:
        """Return an account's journal, loading it (and recovering its plugs) the first time."""
        if (journal := self.journals.get(entry.entry_id)) is None:
            journal = self.journals[entry.entry_id] = Journal.for_entry(
                self.hass, entry
            )
            await journal.async_load()
            self._recover(journal)
        return journal

    @callback
    def _recover(self, journal: Journal) -> None:
        """Switch on each plug a previous run left off, once it can (in the background)."""
        for record in journal.records.values():
            if plug_key(record) not in self._cycles:
                # The plug, not the device: serials stay out of logs.
                LOGGER.warning(
                    "A power cycle was interrupted; switching %s back on",
                    record["plug"],
                )
                self._restorer(record).start()

    def _restorer(self, record: Record) -> Restorer:
        """Return the restorer of a record's plug (one per plug)."""
        key = plug_key(record)
        if (restorer := self._restorers.get(key)) is None:
            plug = Plug(self.hass, record["plug"], record.get("plug_id"))
            restorer = self._restorers[key] = Restorer(self.hass, self, plug)
        return restorer

    def records(self, key: str) -> list[Record]:
        """Return every record of a plug, over all journals."""
        return [r for j in self.journals.values() for r in j.for_plug(key).values()]

    def is_busy(self, key: str) -> bool:
        """Return whether a plug is in a cycle or being switched back on after one."""
        return key in self._cycles or bool(self.records(key))

    async def async_switch_on(self, plug: Plug) -> bool:
        """Switch on a plug someone switched off (no record of ours); return whether it is on.

        The same tries as after a cycle (a burst, late reports, raising or unavailable
        plugs), but bounded: it was not this side that switched it off, so nothing keeps
        trying in the background once the person who asked has their answer.
        """
        if (restorer := self._restorers.get(plug.key)) is None:
            restorer = self._restorers[plug.key] = Restorer(self.hass, self, plug)
        try:
            return await restorer.async_burst()
        finally:
            if not self.records(plug.key) and self._restorers.get(plug.key) is restorer:
                del self._restorers[plug.key]
                restorer.close()

    def is_left_off(self, key: str) -> bool:
        """Return whether a plug has a record but no running cycle (not confirmed on since)."""
        return key not in self._cycles and bool(self.records(key))

    async def async_sent(self, key: str, command: str) -> None:
        """Write a command about to go to a plug into every journal that has its records."""
        for journal in self.journals.values():
            if journal.for_plug(key):
                await journal.async_sent(key, command)

    async def async_confirmed(self, key: str) -> None:
        """Drop the records and issues of a plug confirmed on; its restorer stops listening."""
        for journal in self.journals.values():
            for record in (await journal.async_drop_plug(key)).values():
                async_clear(self.hass, record)
        if (restorer := self._restorers.pop(key, None)) is not None:
            restorer.close()

    @callback
    def raise_issues(self, key: str) -> None:
        """Raise the critical issue of every device on a plug that is not confirmed on."""
        if (restorer := self._restorers.get(key)) is not None:
            for record in self.records(key):
                async_raise(self.hass, record, restorer.plug.entity_id)

    async def async_cycle(
        self,
        journal: Journal,
        serial: str,
        record: Record,
        off_seconds: float,
        name: str,
    ) -> datetime:
        """Cycle the record's plug (or join the cycle running on it); return when it came on."""
        key = plug_key(record)
        # Written before the plug goes off: whoever finds the record switches it back on.
        await journal.async_put(serial, record)
        self._holders.setdefault(key, set()).add(journal.entry_id)
        if (task := self._cycles.get(key)) is None:
            # Eager: the plug goes off now, as the caller's own task would have switched it.
            task = create_eager_task(
                async_switch_cycle(self, self._restorer(record), off_seconds, name),
                name=f"{DOMAIN} power cycle {record['plug']}",
                loop=self.hass.loop,
            )
            self._cycles[key] = task
            task.add_done_callback(lambda _: self._end_cycle(key))
        return await asyncio.shield(task)

    @callback
    def _end_cycle(self, key: str) -> None:
        """Forget a physical cycle that ended."""
        self._cycles.pop(key, None)
        self._holders.pop(key, None)

    async def async_retry(self, key: str) -> bool:
        """Try switching a plug on now (the fix flow); return whether it is confirmed on."""
        if not (records := self.records(key)):
            return True
        return await self._restorer(records[0]).async_try()

    async def async_release(
        self, entry_id: str, *, stopping: bool, confirm_here: bool = False
    ) -> None:
        """End an unloading (or stopping) account's cycles; give its plugs one confirmed attempt.

        Unconfirmed, the record and the issue stay; unless Home Assistant is stopping, the
        tries go on in the background (the keeper does not depend on the entry).
        """
        ending = [
            self._cycles[key]
            for key, holders in self._holders.items()
            if entry_id in holders and key in self._cycles
        ]
        for task in ending:
            task.cancel()
        await asyncio.gather(*ending, return_exceptions=True)
        if (journal := self.journals.get(entry_id)) is None:
            return
        for key in {plug_key(r) for r in journal.records.values()}:
            record = next(iter(journal.for_plug(key).values()))
            await self._restorer(record).async_final(
                keep_trying=not (stopping or self.stopped), confirm_here=confirm_here
            )
        if not journal.records:
            # Loaded again at the next setup (which reads the store afresh).
            del self.journals[entry_id]

    async def async_remove(self, entry: ConfigEntry[Any]) -> None:
        """Switch a deleted account's plugs on first; records that cannot be confirmed outlive it."""
        journal = await self.async_open(entry)
        await self.async_release(entry.entry_id, stopping=False, confirm_here=True)
        if journal.records:
            removed = self.journals[REMOVED]
            removed.records.update(journal.records)
            await removed.async_save()
            journal.records.clear()
            for key in {plug_key(r) for r in removed.records.values()}:
                self.raise_issues(key)
        self.journals.pop(entry.entry_id, None)
        await journal.async_remove_store()

    async def _async_stop(self, event: Event) -> None:
        """Home Assistant stops: background tries end; the records stay for the next start."""
        # First, before any await: the entries' stop handlers, running after, see it.
        self.stopped = True
        for restorer in list(self._restorers.values()):
            await restorer.async_stop()
            restorer.close()
        self._restorers.clear()


def async_create_fix_flow(hass: HomeAssistant, data: dict[str, Any]) -> RepairsFlow:
    """Return the fix flow of a plug left off (works whatever state its entry is in)."""
    keeper, key = plug_keeper(hass), str(data.get("plug") or "")
    return PlugStillOffRepairFlow(lambda: keeper.async_retry(key))
