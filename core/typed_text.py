"""Names a person types for others to read: an account's, a team's, a person's, a shop's.

A name is shown beside other names, in pages and emails, so it must read as what it is. Besides
control characters (a name is one line), it may hold no Unicode format character (category Cf):
bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which turn "gpj.exe" into
what reads "exe.jpg", and zero-width spaces, joiners and marks (U+200B-U+200F, U+2060, U+FEFF),
which make a name that looks like another's. Nor a lone surrogate, which no encoding can write.
"""

from __future__ import annotations

import unicodedata

from core.languages import say

#: Control, format and surrogate characters: none shows as itself in a name.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _refused_class() -> str:
    """The refused characters as the ranges of a regular expression's character class (the characters
    themselves, not escapes, which every regular expression engine reads alike)."""
    ranges: list[tuple[int, int]] = []
    # Planes 0, 1 and 14 hold every control and format character (the others: ideographs, private use).
    for code in (*range(0x20000), *range(0xE0000, 0xF0000)):
        if unicodedata.category(chr(code)) in _REFUSED_CATEGORIES - {"Cs"}:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(chr(low) if low == high else f"{chr(low)}-{chr(high)}" for low, high in ranges)


_REFUSED = _refused_class()
#: What ``checked_name`` accepts, length aside, as a regular expression (for the API's document): some
#: text that is not all spaces, without control or format characters.
NAME_PATTERN = f"^[^{_REFUSED}]*[^{_REFUSED}\\s][^{_REFUSED}]*$"


def name_problem(name: str) -> str | None:
    """What is wrong with ``name`` (already stripped) as a name people read; ``None`` when nothing is."""
    for character in name:
        category = unicodedata.category(character)
        if category not in _REFUSED_CATEGORIES:
            continue
        if category == "Cc":
            return say("Use one line of text, without control characters.")
        code = f"U+{ord(character):04X}"
        what = unicodedata.name(character, "").lower() or "an unpaired surrogate"
        return say("Remove the invisible character %(code)s (%(what)s): it changes how the name reads without showing.",
                   code=code, what=what)
    return None


def checked_name(value: object, field: str, errors: dict[str, list[str]], *, missing: str, max_length: int) -> str:
    """``value`` stripped, as a name people read; what is wrong with it goes in ``errors[field]``.

    ``missing`` says what to do when it is empty (or not text at all).
    """
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        errors[field] = [missing]
    elif len(name) > max_length:
        errors[field] = [say("Use at most %(most)s characters.", most=max_length)]
    elif (problem := name_problem(name)) is not None:
        errors[field] = [problem]
    return name
