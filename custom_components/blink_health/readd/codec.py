"""Pure: a frozen dataclass as JSON data and back, read from its annotations (one way for all).

Datetimes become ISO 8601 strings and enums their values; the rest is stored as it is. Reading
checks what the annotations say: a missing field without a default, a None where None is not
allowed, an unparsable datetime or an unknown enum value raise.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, fields
from datetime import datetime
from enum import Enum
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, get_args, get_origin, get_type_hints

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def to_json(instance: DataclassInstance) -> dict[str, Any]:
    """Return a dataclass instance's fields as JSON data."""
    return {item.name: _dump(getattr(instance, item.name)) for item in fields(instance)}


def from_json[T: DataclassInstance](cls: type[T], raw: dict[str, Any]) -> T:
    """Rebuild a dataclass from JSON data (raises KeyError, TypeError or ValueError if unreadable)."""
    hints = get_type_hints(cls)
    return cls(
        **{
            item.name: _load(hints[item.name], raw[item.name], item.name)
            for item in fields(cls)
            # A field with a default may be missing: stored before it existed.
            if item.name in raw or _required(item)
        }
    )


def _required(item: Field[Any]) -> bool:
    """Return whether a field has no default (its stored value must be there)."""
    return item.default is MISSING and item.default_factory is MISSING


def _dump(value: object) -> object:
    """Return one field's value as JSON data."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _load(hint: Any, value: object, name: str) -> Any:
    """Return one stored field's value as the type its annotation names."""
    kinds: tuple[Any, ...] = (
        get_args(hint) if get_origin(hint) is UnionType else (hint,)
    )
    if value is None:
        if NoneType not in kinds:
            raise TypeError(f"{name} is missing")
        return None
    kind = next(kind for kind in kinds if kind is not NoneType)
    if kind is datetime:
        return datetime.fromisoformat(str(value))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    return value
