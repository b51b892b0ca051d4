"""Guided re-add of a camera: Home Assistant's side kept, the account watched, the camera rebound.

No public, verified Blink API adds a camera by serial (blink_api.md §6): adding takes the Blink
app and the device's own onboarding, so nothing here sends a request that changes the account.
A procedure snapshots the camera's Home Assistant side, keeps its device while the serial is away
(a claim on the coordinator), resets the camera through its smart plug when one feeds it, and
reads the normal polls: the serial leaves the account, comes back (maybe with a new camera id,
maybe on another Sync Module) and reports online. Then the snapshot is restored and a final
health check reported. Procedures are stored, so a restart resumes them.

  procedure.py  pure: the Procedure, its phases, and `advance` (what a poll does to it)
  codec.py      pure: a frozen dataclass as JSON data and back (the stored form)
  account.py    pure: what a poll's AccountHealth shows of the camera (`Seen`, the final check)
  snapshot.py   the device and entity registries: snapshot at the start, restore at the end
  watcher.py    ReaddWatcher: the account's re-adds, fed by the coordinator's poll listener
  claims.py, deadlines.py, resets.py, waiters.py, store.py: what the watcher holds, one each
  report.py     the readd_camera action's response
"""

from .procedure import DEFAULT_TIMEOUT, NextStep, Phase, Procedure, Reset
from .report import report
from .store import STORE_NAME
from .watcher import ReaddWatcher

__all__ = [
    "DEFAULT_TIMEOUT",
    "STORE_NAME",
    "NextStep",
    "Phase",
    "Procedure",
    "ReaddWatcher",
    "Reset",
    "report",
]
