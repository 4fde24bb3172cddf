"""What a display name may hold: nothing that is invisible or reorders the text around it.

Refused: controls (Cc), format characters (Cf) such as the bidi overrides U+202E and
U+2066-2069, zero-width spaces and the soft hyphen, line and paragraph separators, the other
default-ignorable characters (U+034F, the Khmer inherent vowels, Mongolian free variation
selectors) and the "blank" letters used for invisible names (U+3164 and its kin). What emoji and
CJK need is kept: the zero-width joiner, variation selectors after a visible character, and tag
characters inside a subdivision flag. A name must show at least one visible character.
"""

import re
import unicodedata
from collections.abc import Iterator

ZERO_WIDTH_JOINER = "\u200d"
# A subdivision flag: black flag, tag letters, cancel tag (England is U+1F3F4 g b e n g U+E007F).
_FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
_VARIATION_SELECTORS = {*map(chr, range(0xFE00, 0xFE10)), *map(chr, range(0xE0100, 0xE01F0))}
_INVISIBLE = {
    "\u034f",  # combining grapheme joiner
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u17b4",  # Khmer vowel inherent AQ
    "\u17b5",  # Khmer vowel inherent AA
    *map(chr, range(0x180B, 0x1810)),  # Mongolian free variation selectors, vowel separator
    "\u2800",  # braille pattern blank
    "\u3164",  # Hangul filler
    "\uffa0",  # halfwidth Hangul filler
    *map(chr, range(0xFFF0, 0xFFF9)),  # unassigned specials, ignorable by default
}
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _is_visible(char: str) -> bool:
    """Whether char draws something by itself: a letter, digit, punctuation mark or symbol."""
    return unicodedata.category(char)[0] in "LNPS" and char not in _INVISIBLE


def _scan(name: str) -> Iterator[tuple[str, bool]]:
    """Yield each character (a whole flag sequence at once) of name with whether it may stay."""
    pos, after_visible = 0, False
    while pos < len(name):
        if flag := _FLAG_SEQUENCE.match(name, pos):
            yield flag.group(), True
            pos, after_visible = flag.end(), True
            continue
        char = name[pos]
        pos += 1
        if char in _VARIATION_SELECTORS:
            yield char, after_visible
        elif char == ZERO_WIDTH_JOINER:
            yield char, after_visible
            after_visible = False
        else:
            allowed = char not in _INVISIBLE and (
                unicodedata.category(char) not in _FORBIDDEN_CATEGORIES
            )
            yield char, allowed
            if not unicodedata.category(char).startswith("M"):
                after_visible = allowed and _is_visible(char)


def forbidden_characters(name: str) -> list[str]:
    """Return the characters of name that a display name may not hold, in order."""
    return [chars for chars, allowed in _scan(name) if not allowed]


def shows_something(name: str) -> bool:
    """Whether name has at least one visible character."""
    return any(_is_visible(char) for char in name)


def displayable(name: str) -> str:
    """Return name without the characters a display name may not hold ("" if nothing shows)."""
    kept = "".join(chars for chars, allowed in _scan(name) if allowed).strip()
    return kept if shows_something(kept) else ""
