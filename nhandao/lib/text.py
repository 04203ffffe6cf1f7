"""Vietnamese text: one normalisation for search and matching, used everywhere.

SQLite's remove_diacritics and PostgreSQL's unaccent do not fold "đ" to "d", so every
searchable text is normalised here, in Python, and stored in a `*_key` column.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def nfc(text: str | None) -> str:
    """Text as typed, in NFC form, spaces collapsed (what we store for display)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def fold(text: str | None) -> str:
    """Lower case, no diacritics, đ→d, spaces collapsed: "Nguyễn  ĐỨC" → "nguyen duc"."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()


def search_key(text: str | None) -> str:
    """fold() and punctuation turned into spaces: the form stored in `*_key` columns."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", fold(text))).strip()


def search_terms(query: str | None) -> list[str]:
    """The words of a user's query, folded like the stored keys."""
    return [t for t in search_key(query).split(" ") if t]
