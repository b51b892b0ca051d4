"""Names people typed are escaped before they go into repair texts (issue 19)."""

from __future__ import annotations

from custom_components.blink_health.user_text import escape_names, escape_text


def test_markup_in_a_name_is_escaped() -> None:
    """Links, images and HTML read as the characters typed; plain names are unchanged."""
    assert escape_text("Front Yard") == "Front Yard"
    assert escape_text("Kid's_room *2*") == "Kid's_room *2*"
    assert escape_text("[x](http://evil.example)") == r"\[x\](http://evil.example)"
    assert (
        escape_text("<img src=x onerror=alert(1)>") == r"\<img src=x onerror=alert(1)\>"
    )
    assert escape_text("![i](http://x/i.png)") == r"!\[i\](http://x/i.png)"
    assert escape_text("back\\slash") == "back\\\\slash"


def test_only_names_are_escaped() -> None:
    """Figures and other placeholders pass as they are; every name placeholder is escaped."""
    values = {
        "device": "<b>",
        "cameras": "[a](b)",
        "sync_module": "<i>",
        "plug": "[p]",
        "account": "<a>",
        "value": "<3",
    }
    assert escape_names(values) == {
        "device": r"\<b\>",
        "cameras": r"\[a\](b)",
        "sync_module": r"\<i\>",
        "plug": r"\[p\]",
        "account": r"\<a\>",
        "value": "<3",
    }
