"""Names people typed (in the Blink app or Home Assistant), made safe for repair texts.

Pure. Repair descriptions and fix-flow steps are rendered as Markdown, which also passes some
HTML: a camera named `<img src=x onerror=…>` or `[Help](http://…)` would otherwise become an
image or a link inside Home Assistant's own text (issue 19). Every name that goes into a
translation placeholder goes through `escape_names` (or `escape_text`) once.
"""

from __future__ import annotations

from collections.abc import Mapping
import re

# Placeholders that carry a name someone typed, not a figure: a device, its cameras, its Sync
# Module, its plug, the account's title.
NAME_PLACEHOLDERS = frozenset({"account", "cameras", "device", "plug", "sync_module"})

# What makes a link, an image or HTML out of plain text (and the backslash that escapes):
# brackets and angle brackets. Emphasis characters are left alone: harmless, and escaping
# them would show backslashes in the titles that share the placeholders. A backslash before
# ASCII punctuation shows the character itself (CommonMark §2.4).
_MARKUP = re.compile(r"([\\\[\]<>])")


def escape_text(text: str) -> str:
    """Return a name with the characters of links, images and HTML backslash-escaped."""
    return _MARKUP.sub(r"\\\1", text)


def escape_names(values: Mapping[str, str]) -> dict[str, str]:
    """Return placeholders with the names among them escaped, the figures as they are."""
    return {
        key: escape_text(value) if key in NAME_PLACEHOLDERS else value
        for key, value in values.items()
    }
